"""`zhaoshang clusters status` on a county-sized ledger, against the naive way.

Loads the demo with N synthetic projects (default 100,000) into a data folder (reused
when given and already loaded), then times, median of `--repeat` runs:

1. `target_statuses()`: every cluster target with actuals, projection and pipeline; the
   candidate projects of all clusters are read in one query with their planned
   production dates as subqueries, then split per cluster in memory;
2. the naive way: per cluster, its projects through the ORM, then each project's stage
   dates read one query per project (what a view written without care does).

Both must give the same pipeline totals; the script checks that and prints the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal


def load(n: int, data_dir: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ZHAOSHANG_DATA_DIR"] = data_dir
    subprocess.run(
        [sys.executable, "-m", "zhaoshang", "demo", "--no-serve", "--synthetic", str(n)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def naive_on_plan(cluster, year: int) -> Decimal:
    import datetime

    from zhaoshang.clusters.queries import PRODUCING, cluster_projects

    end = datetime.date(year, 12, 31)
    projects = list(cluster_projects(cluster))
    ids = {p.pk for p in projects}
    total = Decimal(0)
    for p in projects:
        if p.parent_id in ids or p.stage in PRODUCING or p.status == "dropped":
            continue
        dates = {sd.stage: sd.planned_on for sd in p.stage_dates.all()}
        on = dates.get("in_production") or dates.get("full_production")
        yearly = (
            p.expected_output_wan if p.expected_output_wan is not None else p.expected_revenue_wan
        )
        if on is not None and yearly is not None and on <= end:
            total += yearly
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000, help="synthetic projects (100000)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", help="reuse this data folder (loaded if needed)")
    parser.add_argument("--year", type=int, default=2027, help="pipeline year to compare")
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="zs-bench-clusters-")
    started = time.monotonic()
    load(args.n, data_dir)
    print(f"demo with {args.n} synthetic projects ready in {time.monotonic() - started:.1f} s")

    os.environ["ZHAOSHANG_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    from zhaoshang.clusters.models import Cluster
    from zhaoshang.clusters.queries import cluster_projects, pipelines, target_statuses

    clusters = list(
        Cluster.objects.select_related("unit").prefetch_related(
            "chains", "industries", "enterprises"
        )
    )
    members = sum(cluster_projects(c).count() for c in clusters)
    print(f"{len(clusters)} clusters, {members} projects in them")

    def timed(fn) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    fast = [timed(target_statuses) for _ in range(args.repeat)]
    naive = [
        timed(lambda: [naive_on_plan(c, args.year) for c in clusters])
        for _ in range(max(1, args.repeat // 2))
    ]
    bulk = pipelines(clusters, {c.pk: [args.year] for c in clusters})
    for c in clusters:
        assert bulk[(c.pk, args.year)].on_plan_wan == naive_on_plan(c, args.year), c.name
    f, s = statistics.median(fast), statistics.median(naive)
    print(f"clusters status (all targets, with pipelines): {f * 1000:.0f} ms median")
    print(f"naive per-project pipeline:                    {s * 1000:.0f} ms median")
    print(f"ratio naive / ours: {s / f:.1f}x (same on-plan totals for {args.year})")


if __name__ == "__main__":
    main()
