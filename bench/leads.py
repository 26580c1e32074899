"""Server time of the lead pages at 50,000 leads and 500,000 interactions, SQLite or PostgreSQL.

    python bench/leads.py --data-dir /tmp/zs_leads --build     # demo + synthetic leads (~2 min)
    python bench/leads.py --data-dir /tmp/zs_leads             # measures (builds only if empty)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/zs_leadsbench \
        python bench/leads.py --data-dir /tmp/zs_leads_pg --build

Builds the demo, then adds --leads synthetic leads (is_synthetic, bulk, spread over the demo's
teams, owners, chain nodes, towns, stages and statuses, their deadlines set by the service
levels as the services set them, `sla.recompute_all`) with a stage log, and --interactions
synthetic interactions on them. Then runs Django's test Client in this process, signed in
as the leader (every lead) and as the 锦丰镇 town editor (the town's and its team's leads), and
prints for each page the median and 90th percentile of --repeat requests after one warm-up,
the median CPU time and the SQL query count (budget 300 ms a page).

The naive way, measured in the same run: the overdue list with "overdue" asked of every
lead in Python (`sla.due` on each of the leader's 50,000 leads, each with its related rows
read one by one, then sorted and cut to a page) instead of the stored deadline `due_on`
compared in one indexed query (`sla.overdue_q`).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOWN = "320582103"  # 锦丰镇


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="/tmp/zs_leads", help="data folder (SQLite)")
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="load the demo and the leads first")
    args = parser.parse_args()
    data_dir = Path(args.data_dir).expanduser().resolve()
    os.environ["ZHAOSHANG_DATA_DIR"] = str(data_dir)
    pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    fresh = not pg and not (data_dir / "zhaoshang.sqlite3").exists()
    if args.build or fresh:
        t0 = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "zhaoshang", "--data-dir", str(data_dir), "demo", "--no-serve"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"built the demo in {time.monotonic() - t0:.0f} s")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    from django.db import connection

    from zhaoshang.enterprises.models import Lead, Visit

    synthetic = Lead.objects.filter(title__startswith="BENCH ").count()
    if synthetic < args.leads:
        t0 = time.monotonic()
        build(args.leads - synthetic, args.interactions)
        print(f"added {args.leads - synthetic} leads and their interactions in "
              f"{time.monotonic() - t0:.0f} s")  # fmt: skip
    print(
        f"{connection.vendor}, {Lead.objects.count()} leads, {Visit.objects.count()} "
        f"interactions; {args.repeat} requests per page after one warm-up; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  {'page':<36} {'median ms':>9} {'p90 ms':>8} {'cpu ms':>7} {'queries':>7}  ratio")
    rows = [_measure(label, user, url, params, args.repeat) for label, user, url, params in PAGES]
    for row in rows:
        _print(row)
    naive = statistics.median(_naive_overdue() for _ in range(3))
    overdue = next(r for r in rows if r["page"] == "list, overdue (leader)")
    print(f"  naive overdue list (sla.due per lead in Python): {naive * 1000:.0f} ms, "
          f"{naive / overdue['median']:.1f}x the page's median")  # fmt: skip
    slow = [r for r in rows if r["median"] > 0.3]
    print("over budget (300 ms): " + (", ".join(
        f"{r['page']} {r['median'] * 1000:.0f} ms" for r in slow) or "none"))  # fmt: skip


PAGES = [
    ("list (leader)", "leader", "/leads/", {}),
    ("list, overdue (leader)", "leader", "/leads/", {"overdue": "1"}),
    ("list, search (leader)", "leader", "/leads/", {"q": "瀚储"}),
    ("list, stage+team (leader)", "leader", "/leads/", {"stage": "negotiating", "team": "1"}),
    ("list, page 200 (leader)", "leader", "/leads/", {"page": "200"}),
    ("board (leader)", "leader", "/leads/board/", {}),
    ("board, overdue (leader)", "leader", "/leads/board/", {"overdue": "1"}),
    ("list (town editor)", "jinfeng", "/leads/", {}),
    ("board (town editor)", "jinfeng", "/leads/board/", {}),
    ("API list (leader)", "leader", "/api/v1/leads", {}),
    ("figures (leader)", "leader", "/leads/figures/", {}),
]


def build(n_leads: int, n_interactions: int, seed: int = 16) -> None:
    """Synthetic leads, their stage log and interactions, in bulk."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from zhaoshang.chains.models import Node
    from zhaoshang.enterprises.models import (
        LEAD_STAGE_ORDER,
        Enterprise,
        InteractionKind,
        Lead,
        LeadStatus,
        Visit,
    )
    from zhaoshang.leads import sla
    from zhaoshang.leads.models import StageChange, Team
    from zhaoshang.regions.models import Level, Region

    rnd = random.Random(seed)
    today = timezone.localdate()
    firms = list(Enterprise.objects.values_list("pk", flat=True))
    teams = list(Team.objects.values_list("pk", flat=True))
    owners = list(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True))
    nodes = list(Node.objects.values_list("pk", "chain_id"))
    units = list(Region.objects.filter(code__startswith="320582", level=Level.TOWNSHIP)
                 .values_list("code", flat=True)) or [TOWN]  # fmt: skip
    statuses = [LeadStatus.ACTIVE] * 7 + [LeadStatus.PAUSED, LeadStatus.LOST, LeadStatus.WON]
    kinds = list(InteractionKind.values)
    batch = 5000
    with transaction.atomic():
        leads = []
        for i in range(n_leads):
            node, chain = rnd.choice(nodes)
            created = today - datetime.timedelta(days=rnd.randint(0, 900))
            stage = rnd.choice(LEAD_STAGE_ORDER[:4])
            status = rnd.choice(statuses[:-1])
            contact = created + datetime.timedelta(days=rnd.randint(0, 60))
            leads.append(Lead(
                title=f"BENCH 线索 {i}", enterprise_id=rnd.choice(firms), stage=stage,
                stage_since=created, status=status, status_since=created,
                estimated_investment_wan=rnd.randint(1000, 500000), node_id=node, chain_id=chain,
                unit_id=rnd.choice(units), owner_id=rnd.choice(owners),
                team_id=rnd.choice(teams) if teams else None, next_action="回访",
                next_follow_up=today + datetime.timedelta(days=rnd.randint(-60, 60)),
                last_contact_on=min(contact, today), is_synthetic=True,
                created_at=timezone.make_aware(datetime.datetime.combine(created,
                                                                         datetime.time(9))),
            ))  # fmt: skip
        Lead.objects.bulk_create(leads, batch_size=batch)
        made = list(Lead.objects.filter(title__startswith="BENCH ").values_list(
            "pk", "stage", "stage_since", "enterprise_id"))  # fmt: skip
        changes = []
        for pk, stage, since, _firm in made:
            day = since
            for s in LEAD_STAGE_ORDER[: LEAD_STAGE_ORDER.index(stage) + 1]:
                changes.append(StageChange(lead_id=pk, from_stage="", to_stage=s,
                                           on=min(day, today)))  # fmt: skip
                day += datetime.timedelta(days=rnd.randint(3, 40))
        StageChange.objects.bulk_create(changes, batch_size=batch)
        pending = []
        for _ in range(n_interactions):
            pk, _stage, since, firm = rnd.choice(made)
            on = min(today, since + datetime.timedelta(days=rnd.randint(0, 200)))
            pending.append(Visit(lead_id=pk, enterprise_id=firm, kind=rnd.choice(kinds),
                                 visited_on=on, summary="走访", is_synthetic=True))  # fmt: skip
            if len(pending) >= batch:
                Visit.objects.bulk_create(pending)
                pending = []
        Visit.objects.bulk_create(pending)
    sla.recompute_all()
    if connection.vendor == "postgresql":  # as autovacuum would after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


_clients: dict[str, object] = {}


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    if username not in _clients:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(get_user_model().objects.get(username=username))
        _clients[username] = client
    return _clients[username]


def _measure(label: str, username: str, url: str, params: dict, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(username)
    response = client.get(url, params)
    assert response.status_code == 200, (label, response.status_code)
    times, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        assert response.status_code == 200, (label, response.status_code)
    p90 = statistics.quantiles(times, n=10, method="inclusive")[8] if len(times) > 1 else times[0]
    return {"page": label, "median": statistics.median(times), "p90": p90,
            "cpu": statistics.median(cpu), "queries": len(queries)}  # fmt: skip


def _print(row: dict) -> None:
    print(f"  {row['page']:<36} {row['median'] * 1000:>9.0f} {row['p90'] * 1000:>8.0f} "
          f"{row['cpu'] * 1000:>7.0f} {row['queries']:>7}")  # fmt: skip


def _naive_overdue() -> float:
    """The first page of the leader's overdue leads, "overdue" asked of each lead in Python."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from zhaoshang.leads import access, sla

    leader = get_user_model().objects.get(username="leader")
    t0 = time.perf_counter()
    today = timezone.localdate()
    rules = sla.load_rules()
    found = []
    for lead in access.leads_visible_to(leader).iterator(chunk_size=2000):
        day, _kind = sla.due(lead, rules)
        if day is not None and day < today:
            found.append((day, lead))
    found.sort(key=lambda item: (item[0], item[1].pk))
    for _day, lead in found[:50]:  # what the page shows of each row
        _ = (lead.enterprise, lead.owner, lead.team, lead.node)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
