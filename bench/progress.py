"""Plans and progress at scale: 100,000 projects with twelve months of reports each.

On a fresh SQLite data folder: `zhaoshang.demo.synthetic.generate(N)` makes the projects,
`zhaoshang.progress.demo.generate_progress(N)` their 2023 plans and 12 × N reports (with
`core.bulk.BulkInserter`). Then, each the median of `--runs` repeats, against a naive way
measured in the same run:

1. every warning for one month (goal < 10 s); naive: the same rules with a handful of
   ORM queries per project, timed on `--naive` projects and scaled up;
2. the four rates for every township unit (goal < 2 s); naive: loading the facts once
   per unit;
3. entering a month for a 60-project town in one save (goal < 1 s); naive: one
   `record_progress` call per project.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

CPU: list[float] = []  # process CPU seconds of the last `_median`, for a shared machine


def _median(fn, runs: int) -> tuple[float, object]:
    """Median wall time of `runs` calls (and the median CPU time, in `CPU[-1]`)."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), result


def _naive_warnings(month, project_ids):
    """Per project: its plan, its year-to-date sum, its stage dates, its report."""
    from django.db.models import Sum

    from zhaoshang.progress.models import AnnualPlan, MonthlyProgress
    from zhaoshang.projects.models import StageDate

    found = 0
    for pid in project_ids:
        plan = AnnualPlan.objects.filter(project_id=pid, year=month.year).first()
        if plan is None:
            continue
        done = MonthlyProgress.objects.filter(
            project_id=pid, year=month.year, month__lte=month.month
        ).aggregate(s=Sum("completed_wan"))["s"]
        started = StageDate.objects.filter(project_id=pid, stage="started").first()
        report = MonthlyProgress.objects.filter(
            project_id=pid, year=month.year, month=month.month
        ).first()
        if plan.planned_investment_wan and (done or 0) / plan.planned_investment_wan < (
            month.month / 12 - 0.1
        ):
            found += 1
        found += started is None and plan.planned_start is not None
        found += report is None
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-n", type=int, default=100_000, help="projects (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="repeats per measure (median)")
    parser.add_argument("--naive", type=int, default=2000, help="projects timed the naive way")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="zs-bench-progress-")
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
    from zhaoshang.progress import demo, facts, rates, rules, services
    from zhaoshang.progress.models import AnnualPlan, MonthlyProgress
    from zhaoshang.progress.months import Month

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create(username="admin", is_superuser=True, is_staff=True)
    UserProfile.objects.create(user=user, role="city_admin")
    load_facts()
    started = time.perf_counter()
    generate(args.n)
    t_projects = time.perf_counter() - started
    started = time.perf_counter()
    demo.generate_progress(
        args.n, progress=lambda d, t: print(f"\r  {d}/{t}", end="", file=sys.stderr)
    )
    t_progress = time.perf_counter() - started
    print(file=sys.stderr)
    reports = MonthlyProgress.objects.count()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine)")
    print(
        f"data: {args.n:,} projects in {t_projects:.1f} s; {AnnualPlan.objects.count():,} plans "
        f"and {reports:,} monthly reports in {t_progress:.1f} s ({tmp})"
    )

    month = Month(2023, 6)
    t_warn, found = _median(lambda: rules.compute(month), args.runs)
    ids = list(
        AnnualPlan.objects.filter(year=2023)
        .order_by("?")
        .values_list("project_id", flat=True)[: args.naive]
    )
    started = time.perf_counter()
    _naive_warnings(month, ids)
    t_naive = (time.perf_counter() - started) * args.n / max(1, len(ids))
    planned = set(facts.load(month, with_reports=False))
    tally = rules.tally(found, planned)
    print(
        f"1. every warning for {month}: median {t_warn:.2f} s, CPU {CPU[-1]:.2f} s "
        f"({len(found):,} rule hits; of {tally.projects:,} projects ({len(planned):,} "
        f"planned) {tally.red:,} red, {tally.amber:,} amber)  goal < 10 s; naive per-project "
        f"queries ~{t_naive:.0f} s (timed on {len(ids):,}, scaled): {t_naive / t_warn:.0f}x"
    )

    t_rates, (rows, total) = _median(lambda: rates.compute(month, "unit"), args.runs)
    cpu_rates = CPU[-1]

    def per_unit():
        out = []
        for unit in sorted({r.key for r in rows if r.key}):
            _r, t = rates.compute(month, None, facts.Scope(units={unit}), facts=None)
            out.append(t)
        return out

    t_rates_naive, _ = _median(per_unit, 1)
    print(
        f"2. four rates for {len(rows)} township units: median {t_rates:.2f} s, CPU "
        f"{cpu_rates:.2f} s  goal < 2 s; "
        f"one load per unit {t_rates_naive:.2f} s: {t_rates_naive / t_rates:.1f}x "
        f"(city: start {total.percents()['start_rate']}, completion "
        f"{total.percents()['completion_rate']})"
    )

    unit = (
        AnnualPlan.objects.filter(year=2023)
        .values_list("project__unit_id", flat=True)
        .order_by("project__unit_id")
        .first()
    )
    codes = list(
        AnnualPlan.objects.filter(year=2023, project__unit_id=unit)
        .order_by("project__code")
        .values_list("project__code", flat=True)[:60]
    )
    months_iter = iter([Month(2024, m) for m in range(1, 13)])

    def enter():
        target = next(months_iter)
        rows_in = {
            code: {"completed_wan": str(100 + i), "funds_in_place_wan": "80", "counted_wan": "90",
                   "physical_progress": "主体施工"}
            for i, code in enumerate(codes)
        }  # fmt: skip
        return services.record_unit_month(user=user, unit_code=unit, month=target, rows=rows_in)

    t_enter, counts = _median(enter, args.runs)
    cpu_enter = CPU[-1]

    def enter_naive():
        from zhaoshang.projects.models import Project

        target = next(months_iter)
        for i, project in enumerate(Project.objects.filter(code__in=codes)):
            services.record_progress(
                user=user,
                project=project,
                month=target,
                data={"completed_wan": str(100 + i), "funds_in_place_wan": "80",
                      "counted_wan": "90", "physical_progress": "主体施工"},
            )  # fmt: skip

    t_enter_naive, _ = _median(enter_naive, args.runs)
    print(
        f"3. entering a month for {len(codes)} projects of {unit}: median {t_enter:.2f} s, "
        f"CPU {cpu_enter:.2f} s "
        f"({counts})  goal < 1 s; one call per project {t_enter_naive:.2f} s: "
        f"{t_enter_naive / t_enter:.1f}x"
    )


if __name__ == "__main__":
    main()
