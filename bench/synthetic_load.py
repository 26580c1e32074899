"""`zhaoshang demo --synthetic N` load time, and the bulk inserter against the ORM.

1. Wall time of `zhaoshang demo --no-serve --synthetic N` on a fresh SQLite data
   folder (the foundation issue's goal: N = 100,000 under 60 s).
2. In one process on another fresh folder, the same generated projects written
   three ways, rows per second: `BulkInserter` (what the demo uses), the ORM's
   `bulk_create`, and one `save()` per row (the naive way), with the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def wall_time(n: int, data_dir: str) -> float:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ZHAOSHANG_DATA_DIR"] = data_dir
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "zhaoshang", "demo", "--no-serve", "--synthetic", str(n)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def compare(rows: int, naive_rows: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from zhaoshang.core.bulk import BulkInserter
    from zhaoshang.demo.synthetic import Generator
    from zhaoshang.projects.models import Project

    call_command("migrate", verbosity=0)
    gen = Generator(pool_size=1000)
    values = [gen.project(i)[0] for i in range(1, rows + 1)]

    def fresh_codes(tag: str, items):
        return [{**v, "code": v["code"].replace("SYN", tag)} for v in items]

    def timed(fn) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            fn()
        return time.perf_counter() - started

    inserter = BulkInserter(Project, Generator.COLUMNS)
    t_bulk = timed(lambda: inserter.insert(fresh_codes("B", values)))
    t_orm = timed(
        lambda: Project.objects.bulk_create(Project(**v) for v in fresh_codes("O", values))
    )
    naive = fresh_codes("N", values[:naive_rows])
    t_naive = timed(lambda: [Project(**v).save() for v in naive])
    r_bulk, r_orm, r_naive = rows / t_bulk, rows / t_orm, naive_rows / t_naive
    print(f"BulkInserter : {r_bulk:10,.0f} rows/s ({rows:,} rows)")
    print(
        f"bulk_create  : {r_orm:10,.0f} rows/s ({rows:,} rows)   BulkInserter is {r_bulk / r_orm:.1f}x"
    )
    print(
        f"save() each  : {r_naive:10,.0f} rows/s ({naive_rows:,} rows)   BulkInserter is "
        f"{r_bulk / r_naive:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000, help="synthetic projects (default 100000)")
    parser.add_argument("--runs", type=int, default=1, help="runs of the wall-time measure")
    parser.add_argument("--rows", type=int, default=20_000, help="rows for the comparison")
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            times.append(wall_time(args.n, tmp))
    print(
        f"zhaoshang demo --synthetic {args.n}: median {statistics.median(times):.1f} s "
        f"(runs: {', '.join(f'{t:.1f}' for t in times)})  goal < 60 s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ZHAOSHANG_DATA_DIR"] = tmp
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
        compare(args.rows, max(1, args.rows // 10))


if __name__ == "__main__":
    main()
