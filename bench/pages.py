"""Server time and SQL queries of every page family at 10^5 projects, SQLite or PostgreSQL.

    python bench/pages.py --data-dir /tmp/zs100k --build      # builds the demo first (~50 s)
    python bench/pages.py --data-dir /tmp/zs100k              # measures (builds only if empty)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/zs_bench100k \
        python bench/pages.py --data-dir /tmp/zs100k_pg --build
    python bench/pages.py --only cockpit,ledger --repeat 15   # a subset, by label prefix

Runs Django's test Client inside this process against that database, signed in as a demo
user (the leader for what everyone reads, the 锦丰镇 editor for its monthly entry page, the
bureau editor for the Excel import page), and prints for each page the median and the 90th
percentile of --repeat requests after one warm-up, the median CPU time of this process per
request (on a shared machine the wall time waits for other processes' turns; with SQLite
this CPU time is the whole server's work, with PostgreSQL the database's own is not in it),
the SQL query count, and the ratio against the naive or previous way where the same run
measures one:
- the cockpit against its figures computed with one full-table query per figure (the first
  version of `cockpit.queries`);
- sign-in → cockpit (POST /login/ with the real password check, following the redirect)
  against the hash check of the previous hasher (PBKDF2, Django's default) on the same
  password: the sign-in's hash is the part the hasher choice changes.
A page that answers 404 (e.g. /screen/ before it exists) is listed as skipped, not failed.

Figures are computed once per state of the data (`core.figcache`), so the median is what a
reader meets while nobody writes; `cold ms` is the median right after a write (the data
version raised before each request, nothing reused): what the first reader after each
save meets. `save ms` is the median right after a 锦丰镇 clerk saves a month's report
(a real edit through `progress.services.record_progress`, alternating between two
amounts and put back at the end): only the figures that read the tables it wrote are
computed again (`figcache.cached(..., by_table=True)`), the ledger's stand.
With `--save project`, `save ms` is the median right after the 锦丰镇 editor saves one of
the town's projects instead (its jobs at full production, alternating between the number
and the number + 1 through `projects.services.update_project`, put back at the end): the
figures that read the projects are computed again, the ledger's estimates among them,
while those kept by table from other tables (the estimator's chain nodes, size bands and
production years) stand.
Beside each of the two, `cpu` is the median CPU time of this process for the same
requests (on SQLite the whole server's work; on a busy machine the wall time is mostly
waiting for a core). `--cold-only` measures only the times after writes (cold and save).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOWN = "320582103"  # 锦丰镇: the demo's town editor (jinfeng) edits it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="/tmp/zs100k", help="data folder (SQLite)")
    parser.add_argument("--synthetic", type=int, default=100_000, help="projects to generate")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="load the demo first")
    parser.add_argument("--only", default="", help="comma-separated label prefixes to measure")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument(
        "--cold-only", action="store_true", help="only the times right after a write"
    )
    parser.add_argument(
        "--save",
        choices=["report", "project"],
        default="report",
        help="the write `save ms` follows: a clerk's monthly report (default) or a "
        "project's jobs saved by the town's editor",
    )
    parser.add_argument(
        "--leave-out-panels",
        default="",
        help="comma-separated parts of cockpit panel templates to leave out (to see "
        "what one panel costs; the page users get has them all)",
    )
    args = parser.parse_args()
    data_dir = Path(args.data_dir).expanduser().resolve()
    os.environ["ZHAOSHANG_DATA_DIR"] = str(data_dir)
    pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if args.build or (not pg and not (data_dir / "zhaoshang.sqlite3").exists()):
        t0 = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "zhaoshang", "--data-dir", str(data_dir), "demo",
             "--synthetic", str(args.synthetic), "--no-serve"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(
            f"built the demo with {args.synthetic} synthetic projects in {time.monotonic() - t0:.0f} s"
        )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    from django.db import connection

    from zhaoshang.projects.models import Project

    passwords = json.loads((data_dir / "demo_users.json").read_text())
    if args.leave_out_panels:
        from zhaoshang.cockpit import panels

        parts = [p for p in args.leave_out_panels.split(",") if p]
        for page, registered in panels._PANELS.items():
            panels._PANELS[page] = [
                p for p in registered if not any(part in p.template for part in parts)
            ]
        print(f"left out the cockpit panels matching {', '.join(parts)}")
    n = Project.objects.count()
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    pages = [p for p in _pages() if not only or any(p[0].startswith(o) for o in only)]
    print(
        f"{connection.vendor}, {n} projects, {args.repeat} requests per page after one warm-up; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    save = _ProjectSave() if args.save == "project" else _clerk_save()
    print(f"save ms: right after {save.what}")
    print(
        f"  {'page':<34} {'median ms':>9} {'p90 ms':>8} {'cpu ms':>7} {'queries':>7} "
        f"{'cold ms':>8} {'cpu':>6} {'save ms':>8} {'cpu':>6}  ratio"
    )
    rows = []
    try:
        for label, username, url, params in pages:
            row = _measure_page(label, username, url, params, args.repeat, save, args.cold_only)
            rows.append(row)
            _print(row)
        if not only or any("sign-in".startswith(o) or o.startswith("sign") for o in only):
            for username in ("leader", "jinfeng"):
                row = _measure_sign_in(
                    username, passwords[username], args.repeat, save, args.cold_only
                )
                rows.append(row)
                _print(row)
    finally:
        save.put_back()
    if "cockpit, city" in {r["page"] for r in rows}:
        naive = statistics.median(_naive_cockpit() for _ in range(max(3, args.repeat // 2)))
        city = next(r for r in rows if r["page"] == "cockpit, city")
        city["ratio"] = f"naive figures alone {naive * 1000:.0f} ms: {naive / city['median']:.1f}x"
        print(f"  cockpit, city: {city['ratio']} (one full scan per figure, before rendering)")
    slow = [r for r in rows if r.get("median") and r["median"] > r["budget"]]
    print(
        "over budget (300 ms a page, 500 ms sign-in → cockpit): "
        + (", ".join(f"{r['page']} {r['median'] * 1000:.0f} ms" for r in slow) or "none")
    )
    slow = [r for r in rows if r.get("cold") and r["cold"] > r["budget"]]
    print(
        "over budget right after a write (cold ms): "
        + (", ".join(f"{r['page']} {r['cold'] * 1000:.0f} ms" for r in slow) or "none")
    )
    slow = [r for r in rows if r.get("save") and r["save"] > r["budget"]]
    print(
        f"over budget right after {save.what} (save ms): "
        + (", ".join(f"{r['page']} {r['save'] * 1000:.0f} ms" for r in slow) or "none")
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"vendor": connection.vendor, "projects": n, "rows": rows}, indent=2)
        )


def _pages() -> list[tuple[str, str, str, dict[str, str]]]:
    """(label, username, path, query) for every page family, with real ids from this database."""
    from django.db.models import Count

    from zhaoshang.chains.models import Placement
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.projects.models import Project

    # a demo project (with plan, reports and history) and a synthetic one from the middle
    demo = (
        Project.objects.filter(code__startswith="2")
        .order_by("pk")
        .values_list("code", flat=True)
        .first()
        or Project.objects.values_list("code", flat=True).first()
    )
    middle = (
        Project.objects.order_by("pk")
        .values_list("code", flat=True)[
            Project.objects.count() // 2 : Project.objects.count() // 2 + 1
        ]
        .get()
    )
    busiest = (
        Placement.objects.values("node__chain__code", "node__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    chain, node = busiest["node__chain__code"], busiest["node__code"]
    enterprise = (
        Enterprise.objects.annotate(n=Count("project_links"))
        .order_by("-n")
        .values_list("pk", flat=True)
        .first()
    )
    return [
        ("cockpit, city", "leader", "/", {}),
        ("cockpit, one town", "leader", "/", {"unit": TOWN}),
        ("cockpit, town editor", "jinfeng", "/", {}),
        ("screen", "leader", "/screen/", {}),
        ("ledger, unfiltered", "leader", "/projects/", {}),
        ("ledger, search", "leader", "/projects/", {"q": "采埃孚"}),
        ("ledger, filtered", "leader", "/projects/",
         {"stage": "started", "amount_min": "1亿", "unit": "锦丰镇"}),
        ("ledger, page 40", "leader", "/projects/", {"page": "40"}),
        ("project page, demo", "leader", f"/projects/{demo}/", {}),
        ("project page, synthetic", "leader", f"/projects/{middle}/", {}),
        ("progress overview", "leader", "/progress/", {}),
        ("monthly entry, a town", "jinfeng", "/progress/entry/", {"unit": TOWN}),
        ("warnings", "leader", "/progress/warnings/", {}),
        ("problems", "leader", "/progress/problems/", {}),
        ("rates", "leader", "/progress/rates/", {}),
        ("plans", "leader", "/progress/plans/", {}),
        ("slippage", "leader", "/progress/slippage/", {}),
        ("lists", "leader", "/progress/lists/", {}),
        ("events", "leader", "/progress/events/", {}),
        ("chains index", "leader", "/chains/", {}),
        ("chain map", "leader", f"/chains/{chain}/", {}),
        ("chain gaps", "leader", "/chains/gaps/", {}),
        ("chain node targets", "leader", f"/chains/{chain}/nodes/{node}/targets/", {}),
        ("clusters", "leader", "/clusters/", {}),
        ("indicators", "leader", "/indicators/", {}),
        ("enterprises", "leader", "/enterprises/", {}),
        ("enterprise page", "leader", f"/enterprises/{enterprise}/", {}),
        ("intel articles", "leader", "/intel/", {}),
        ("excel import page", "fgw", "/excel/", {}),
    ]  # fmt: skip


_clients: dict[str, object] = {}


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    if username not in _clients:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(get_user_model().objects.get(username=username))
        _clients[username] = client
    return _clients[username]


def _stats(times: list[float]) -> tuple[float, float]:
    p90 = statistics.quantiles(times, n=10, method="inclusive")[8] if len(times) > 1 else times[0]
    return statistics.median(times), p90


class _ClerkSave:
    """One real save of a month's report by the 锦丰镇 editor, alternating between the
    report's amount and that amount + 1 万元; `put_back()` leaves the amount as it was."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        from zhaoshang.progress.models import MonthlyProgress
        from zhaoshang.progress.queries import default_month

        month = default_month()
        self.user = get_user_model().objects.get(username="jinfeng")
        self.report = (
            MonthlyProgress.objects.filter(
                year=month.year, month=month.month, project__unit_id=TOWN,
                completed_wan__isnull=False,
            )
            .select_related("project")
            .order_by("pk")
            .first()
        )  # fmt: skip
        self.original = None if self.report is None else self.report.completed_wan
        self.flip = False

    what = "a clerk's monthly report"

    def __bool__(self) -> bool:
        return self.report is not None

    def _save(self, amount) -> None:
        from zhaoshang.progress.models import MonthlyProgress
        from zhaoshang.progress.months import Month
        from zhaoshang.progress.services import record_progress

        report = MonthlyProgress.objects.get(pk=self.report.pk)
        record_progress(
            user=self.user,
            project=self.report.project,
            month=Month(report.year, report.month),
            data={"completed_wan": str(amount), "version": report.version},
            reason="bench/pages.py",
        )

    def __call__(self) -> None:
        self.flip = not self.flip
        self._save(self.original + 1 if self.flip else self.original)

    def put_back(self) -> None:
        if self.report is not None and self.flip:
            self._save(self.original)
            self.flip = False


def _clerk_save() -> _ClerkSave:
    return _ClerkSave()


class _ProjectSave:
    """One real save of a 锦丰镇 project by the town's editor: its jobs at full production,
    alternating between the number and the number + 1; `put_back()` leaves it as it was."""

    what = "a project saved (its jobs)"

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        from zhaoshang.projects.models import Project

        self.user = get_user_model().objects.get(username="jinfeng")
        self.project = (
            Project.objects.filter(unit_id=TOWN, expected_jobs__isnull=False).order_by("pk").first()
        )
        self.original = None if self.project is None else self.project.expected_jobs
        self.flip = False

    def __bool__(self) -> bool:
        return self.project is not None

    def _save(self, jobs: int) -> None:
        from zhaoshang.projects.models import Project
        from zhaoshang.projects.services import update_project

        update_project(
            user=self.user,
            project=Project.objects.get(pk=self.project.pk),
            data={"expected_jobs": jobs},
            reason="bench/pages.py",
        )

    def __call__(self) -> None:
        self.flip = not self.flip
        self._save(self.original + 1 if self.flip else self.original)

    def put_back(self) -> None:
        if self.project is not None and self.flip:
            self._save(self.original)
            self.flip = False


def _measure_page(
    label: str, username: str, url: str, params: dict, repeat: int, save=None, cold_only=False
) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(username)
    row = {"page": label, "url": url, "params": params, "user": username, "budget": 0.3}
    try:
        response = client.get(url, params)
    except Exception as exc:  # another part's work in progress: say so, measure the rest
        row["skipped"] = f"failed: {type(exc).__name__}: {str(exc)[:80]}"
        return row
    if response.status_code == 404:
        row["skipped"] = "404: not there yet"
        return row
    if response.status_code != 200:
        row["skipped"] = f"answered {response.status_code}"
        return row
    times, cpu = [], []
    for _ in range(1 if cold_only else repeat):
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        assert response.status_code == 200, (label, url, response.status_code)
    row["median"], row["p90"] = _stats(times)
    row["cpu"] = statistics.median(cpu)
    row["queries"] = len(queries)
    row["bytes"] = len(response.content)
    row["cold"] = _cold(lambda: client.get(url, params), repeat)
    row["cold_cpu"] = _cold.cpu
    if save:
        row["save"] = _cold(lambda: client.get(url, params), repeat, write=save)
        row["save_cpu"] = _cold.cpu
    return row


def _cold(request, repeat: int, write=None) -> float:
    """Median time of `request` right after a write elsewhere: the data version raised
    before each, so no figure computed before is reused (`core.figcache`); with `write`,
    right after that write instead (figures by table reused where it wrote nothing
    they read)."""
    from zhaoshang.core import figcache

    times, cpu = [], []
    for _ in range(max(3, repeat // 2)):
        (write or figcache.bump)()
        t0, c0 = time.perf_counter(), time.process_time()
        request()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    _cold.cpu = statistics.median(cpu)  # the CPU time of the same requests (see `main`)
    return statistics.median(times)


def _measure_sign_in(username: str, password: str, repeat: int, save=None, cold_only=False) -> dict:
    """POST /login/ with the password (a fresh session each time), follow the redirect."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    times, cpu = [], []
    for i in range(2 if cold_only else repeat + 1):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.post(
                "/login/", {"username": username, "password": password}, follow=True
            )
            elapsed = time.perf_counter() - t0
            used = time.process_time() - c0
        assert response.status_code == 200, (username, response.status_code)
        assert response.redirect_chain, f"{username}: the sign-in was refused"
        if i:  # the first one is the warm-up (and may upgrade the stored hash)
            times.append(elapsed)
            cpu.append(used)
    row = {"page": f"sign-in → cockpit, {username}", "url": "/login/", "user": username}
    row["budget"] = 0.5
    row["median"], row["p90"] = _stats(times)
    row["cpu"] = statistics.median(cpu)
    row["queries"] = len(queries)

    def sign_in():
        return Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(
            "/login/", {"username": username, "password": password}, follow=True
        )

    row["cold"] = _cold(sign_in, repeat)
    row["cold_cpu"] = _cold.cpu
    if save:
        row["save"] = _cold(sign_in, repeat, write=save)
        row["save_cpu"] = _cold.cpu
    encoded = get_user_model().objects.get(username=username).password
    hasher = identify_hasher(encoded)
    check = _time(lambda: hasher.verify(password, encoded))
    old = PBKDF2PasswordHasher()
    old_encoded = old.encode(password, old.salt())
    old_check = _time(lambda: old.verify(password, old_encoded))
    row["ratio"] = (
        f"hash {hasher.algorithm} {check * 1000:.0f} ms vs pbkdf2_sha256 "
        f"{old_check * 1000:.0f} ms: {old_check / check:.1f}x"
    )
    return row


def _time(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        assert fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _print(row: dict) -> None:
    if "skipped" in row:
        print(f"  {row['page']:<34} skipped ({row['skipped']}; {row['url']})")
        return
    flag = (
        " !" if max(row["median"], row.get("cold", 0), row.get("save", 0)) > row["budget"] else ""
    )
    cold = f"{row['cold'] * 1000:8.1f} {row['cold_cpu'] * 1000:6.0f}" if "cold" in row else ""
    save = f"{row['save'] * 1000:8.1f} {row['save_cpu'] * 1000:6.0f}" if "save" in row else ""
    print(
        f"  {row['page']:<34} {row['median'] * 1000:9.1f} {row['p90'] * 1000:8.1f} "
        f"{row['cpu'] * 1000:7.1f} {row['queries']:7d} {cold} {save}  "
        f"{row.get('ratio', '')}{flag}"
    )


def _naive_cockpit() -> float:
    """The straightforward version: a grouped query over the whole table per figure, and
    an IN-subquery of the filtered projects for the stage dates."""
    import datetime

    from django.db.models import Count, Q, Sum
    from django.db.models.functions import TruncMonth

    from zhaoshang.projects.models import Project, StageDate

    qs = Project.objects.all()
    year = datetime.date.today().year
    t0 = time.perf_counter()
    list(qs.values("stage").annotate(n=Count("pk"), t=Sum("total_investment_wan")).order_by())
    list(qs.values("unit_id").annotate(n=Count("pk"), t=Sum("total_investment_wan")).order_by())
    list(
        qs.values("industry__section")
        .annotate(n=Count("pk"), t=Sum("total_investment_wan"))
        .order_by()
    )
    list(qs.values("chain_id").annotate(n=Count("pk"), t=Sum("total_investment_wan")).order_by())
    qs.aggregate(
        big=Count("pk", filter=Q(total_investment_wan__gte=100000)),
        foreign=Sum("total_investment_wan", filter=Q(is_foreign=True)),
    )
    events = StageDate.objects.filter(project__in=qs, actual_on__year=year)
    list(
        events.values("stage")
        .annotate(n=Count("pk"), t=Sum("project__total_investment_wan"))
        .order_by()
    )
    list(
        StageDate.objects.filter(
            project__in=qs,
            stage__in=["signed", "started"],
            actual_on__gte=datetime.date(year - 2, 1, 1),
        )
        .annotate(m=TruncMonth("actual_on"))
        .values("stage", "m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    list(qs.select_related("unit").order_by("-total_investment_wan")[:20])
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
