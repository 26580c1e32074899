"""四个一批 per month and township unit, and the batch-event planner, at scale.

On a fresh SQLite data folder: `demo.synthetic.generate(N)` projects with their stage dates,
`progress.demo.generate_progress(N)` their 2023 plans. Then, each the median of `--runs`
repeats, against the naive way measured in the same run:

1. `batches.batches_by_town(2023-12)`: twelve months × every township unit (the cockpit
   panel and the monthly report's fourth sheet); naive: `four_batches` for each month and
   unit (what a page would do reusing the city function per cell);
2. `events.propose("start_completion", 2023-12)`: the month's proposals with blockers;
   naive: per project, its plan, its stage dates and its 要素 blockers, timed on
   `--naive` planned projects and scaled up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time


def _median(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-n", type=int, default=100_000, help="projects (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="repeats per measure (median)")
    parser.add_argument("--naive", type=int, default=500, help="projects timed the naive way")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="zs-bench-batches-")
    os.environ["ZHAOSHANG_DATA_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from zhaoshang.core.models import UserProfile
    from zhaoshang.demo.load import load_facts
    from zhaoshang.demo.synthetic import generate
    from zhaoshang.dossier.elements import element_blockers
    from zhaoshang.progress import demo
    from zhaoshang.progress.batches import batches_by_town, four_batches
    from zhaoshang.progress.events import propose
    from zhaoshang.progress.facts import Scope
    from zhaoshang.progress.models import AnnualPlan
    from zhaoshang.progress.months import Month
    from zhaoshang.projects.models import StageDate

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create(username="admin", is_superuser=True, is_staff=True)
    UserProfile.objects.create(user=user, role="city_admin")
    load_facts()
    started = time.perf_counter()
    generate(args.n)
    demo.generate_progress(
        args.n, progress=lambda d, t: print(f"\r  {d}/{t}", end="", file=sys.stderr)
    )
    print(file=sys.stderr)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine)")
    print(
        f"data: {args.n:,} projects, {StageDate.objects.count():,} stage dates, "
        f"{AnnualPlan.objects.count():,} plans in {time.perf_counter() - started:.0f} s ({tmp})"
    )

    month = Month(2023, 12)
    t_town, table = _median(lambda: batches_by_town(month), args.runs)
    units = [code for code, _name in table.units if code]

    def naive_town():
        return [
            four_batches(Month(2023, m), scope=Scope(units={u}))
            for m in range(1, 13)
            for u in units
        ]

    t_town_naive, _ = _median(naive_town, 1)
    print(
        f"1. 四个一批 for 12 months × {len(units)} units: median {t_town:.2f} s; "
        f"four_batches per month and unit {t_town_naive:.2f} s: {t_town_naive / t_town:.0f}x"
    )

    t_plan, found = _median(lambda: propose("start_completion", month), args.runs)
    ids = list(
        AnnualPlan.objects.filter(year=2023)
        .order_by("?")
        .values_list("project_id", flat=True)[: args.naive]
    )

    def naive_plan():
        out = 0
        for pid in ids:
            plan = AnnualPlan.objects.filter(project_id=pid, year=2023).first()
            dates = list(StageDate.objects.filter(project_id=pid))
            if plan and plan.planned_start and plan.planned_start.month == 12 and not dates:
                out += 1
            element_blockers(pid, month.last_day)
        return out

    started = time.perf_counter()
    naive_plan()
    planned = AnnualPlan.objects.filter(year=2023).count()
    t_plan_naive = (time.perf_counter() - started) * planned / max(1, len(ids))
    ready = sum(1 for c in found if c.ready)
    print(
        f"2. proposals for a 集中开竣工 in {month}: median {t_plan:.2f} s ({len(found):,} "
        f"proposed, {ready:,} ready); per planned project ~{t_plan_naive:.1f} s (timed on "
        f"{len(ids):,} of {planned:,}, scaled): {t_plan_naive / t_plan:.0f}x"
    )


if __name__ == "__main__":
    main()
