"""Server time of the cockpit and of a filtered ledger list at 10^5 projects.

    python bench/pages.py --data-dir /tmp/zs100k            # builds it first if empty (~50 s)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scratch python bench/pages.py --build

Runs Django's test Client inside this process against that database, signed in as the
demo leader, and prints for each page the median of --repeat requests (after one warm-up),
the SQL query count, and, as the naive way measured in the same run, the cockpit computed
with one full-table query per figure (the first version of `cockpit.queries`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="/tmp/zs100k", help="data folder (SQLite)")
    parser.add_argument("--synthetic", type=int, default=100_000, help="projects to generate")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="load the demo first")
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
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zhaoshang.projects.models import Project

    n = Project.objects.count()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(username="leader"))
    pages = [
        ("cockpit", "/", {}),
        ("cockpit, unit + year", "/", {"unit": "320582406", "year": "2024"}),
        (
            "ledger, filtered",
            "/projects/",
            {"stage": "started", "amount_min": "1亿", "unit": "锦丰镇"},
        ),
        ("ledger, search", "/projects/", {"q": "采埃孚"}),
        ("ledger, unfiltered", "/projects/", {}),
    ]
    print(f"{connection.vendor}, {n} projects, median of {args.repeat} (after one warm-up)")
    results = {}
    for label, url, params in pages:
        client.get(url, params)
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url, params)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (label, response.status_code)
        results[label] = statistics.median(times)
        print(f"  {label:<24} {results[label] * 1000:7.1f} ms  {len(queries):3d} queries")

    naive = statistics.median(_naive_cockpit() for _ in range(max(3, args.repeat // 2)))
    print(
        f"  naive cockpit figures   {naive * 1000:7.1f} ms  (one full scan per figure; "
        f"the page's figures are {naive / results['cockpit']:.1f}x faster including rendering)"
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
