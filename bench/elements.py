"""要素保障 at scale: the month's approval-and-input warnings for 100,000 projects.

On a fresh SQLite data folder (or `DATABASE_URL`'s PostgreSQL database, emptied first):
`zhaoshang.demo.synthetic.generate(N)` makes the projects, then each gets the items of its
checklist template (`ChecklistTemplate.admits`, dated by `checklists.due_on` from a planned
start spread over 2023; about 6 items a project), written with `core.bulk.BulkInserter`:
most items due by mid-2023 obtained (some late), the rest open.

Measured, each the median of `--runs` repeats, against the naive way in the same run:

1. the month's 要素 warnings (`progress.rules.compute` with only the `element_due` rule
   enabled: `dossier.elements.element_lights` for red and amber items, one warning per
   project), goal < 5 s; naive: per project, its approvals in one query and their lights
   in Python (`ElementThresholds.level`), timed on `--naive` projects and scaled up;
2. one bureau's items due in the month and overdue (the bureau view's query).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time


def _median(fn, runs: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of `runs` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _checklists(seed: int = 7) -> int:
    """Every project's checklist, bulk-inserted; returns the number of items."""
    from django.db import transaction

    from zhaoshang.core.bulk import BulkInserter
    from zhaoshang.dossier.checklists import due_on
    from zhaoshang.dossier.models import Approval, ChecklistTemplate
    from zhaoshang.industries.models import Industry
    from zhaoshang.projects.models import Project

    rng = random.Random(seed)
    sections = dict(Industry.objects.values_list("code", "section"))
    templates = list(ChecklistTemplate.objects.filter(is_active=True).prefetch_related("steps"))
    steps = {t.pk: sorted(t.steps.all(), key=lambda s: (s.order, s.pk)) for t in templates}
    inserter = BulkInserter(
        Approval,
        ["project_id", "item", "name", "department_id", "planned_on", "done_on", "status",
         "reference", "is_synthetic", "created_at", "updated_at"],
    )  # fmt: skip
    last = datetime.date(2023, 12, 31)
    now = datetime.datetime.now(datetime.UTC)
    total, batch = 0, []
    projects = Project.objects.values_list("pk", "industry_id", "nature").order_by("pk")
    with transaction.atomic():
        for pid, industry, nature in projects.iterator(chunk_size=10_000):
            section = sections.get(industry)
            template = next(t for t in templates if t.admits(section, nature))
            start = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            for step in steps[template.pk]:
                due = due_on(step.days_before_start, start)
                done = None
                if due <= last and rng.random() < 0.9:
                    done = due + datetime.timedelta(days=rng.choice([-12, -4, 0, 6, 20, 45]))
                    done = done if done <= last else None
                batch.append(
                    {
                        "project_id": pid, "item": step.item, "name": step.name,
                        "department_id": step.department_id, "planned_on": due,
                        "done_on": done, "status": "done" if done else "in_progress",
                        "reference": "（合成）" if done else "", "is_synthetic": True,
                        "created_at": now, "updated_at": now,
                    }
                )  # fmt: skip
            if len(batch) >= 20_000:
                total += inserter.insert(batch)
                batch = []
        total += inserter.insert(batch)
    return total


def _naive(month, project_ids, thresholds) -> int:
    """Per project: its approvals, their lights, its worst one."""
    from zhaoshang.dossier.models import Approval

    as_of = month.last_day
    warned = 0
    for pid in project_ids:
        levels = {
            thresholds.level(a.planned_on, a.done_on, as_of)
            for a in Approval.objects.filter(project_id=pid, removed_at__isnull=True).exclude(
                status="not_needed"
            )
        }
        warned += bool(levels & {"red", "amber"})
    return warned


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-n", type=int, default=100_000, help="projects (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="repeats per measure (median)")
    parser.add_argument("--naive", type=int, default=2000, help="projects timed the naive way")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="zs-bench-elements-")
    os.environ["ZHAOSHANG_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from zhaoshang.core.bulk import refresh_statistics
    from zhaoshang.core.models import UserProfile
    from zhaoshang.demo.load import load_facts
    from zhaoshang.demo.synthetic import generate
    from zhaoshang.dossier import elements
    from zhaoshang.progress import rules
    from zhaoshang.progress.models import Department, Rule, WarningRule
    from zhaoshang.progress.months import Month
    from zhaoshang.projects.models import Project

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create(username="admin", is_superuser=True, is_staff=True)
    UserProfile.objects.create(user=user, role="city_admin")
    load_facts()
    started = time.perf_counter()
    generate(args.n)
    t_projects = time.perf_counter() - started
    started = time.perf_counter()
    items = _checklists()
    t_items = time.perf_counter() - started
    refresh_statistics(after_bulk_load=True)
    projects = Project.objects.count()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine)")
    print(
        f"data ({connection.vendor}): {projects:,} projects in {t_projects:.1f} s; {items:,} "
        f"checklist items ({items / max(projects, 1):.1f} a project) in {t_items:.1f} s ({tmp})",
        file=sys.stdout,
    )

    # only the 要素 rule: the month's other rules are measured by bench/progress.py
    WarningRule.objects.exclude(code=Rule.ELEMENT_DUE).update(enabled=False)
    month = Month(2023, 6)
    today = datetime.date(2024, 3, 15)
    t_warn, cpu_warn, found = _median(lambda: rules.compute(month, today=today), args.runs)
    tally = rules.tally(found, [])
    hits = tally.hits[Rule.ELEMENT_DUE]
    thresholds = elements.element_thresholds()
    ids = list(Project.objects.order_by("?").values_list("pk", flat=True)[: args.naive])
    started = time.perf_counter()
    _naive(month, ids, thresholds)
    t_naive = (time.perf_counter() - started) * projects / max(1, len(ids))
    print(
        f"1. 要素 warnings for {month}: median {t_warn:.2f} s, CPU {cpu_warn:.2f} s "
        f"({hits['red']:,} red and {hits['amber']:,} amber projects)  goal < 5 s; naive "
        f"per-project queries ~{t_naive:.0f} s (timed on {len(ids):,}, scaled): "
        f"{t_naive / t_warn:.0f}x"
    )

    bureau = Department.objects.get(short_name="自然资源和规划局")
    t_bureau, cpu_bureau, lights = _median(
        lambda: elements.element_lights(
            month, department_id=bureau.pk, due_in_month=True, today=today
        ),
        args.runs,
    )
    print(
        f"2. {bureau}'s items due in {month}, overdue or due soon: median {t_bureau:.2f} s, "
        f"CPU {cpu_bureau:.2f} s ({len(lights):,} items)"
    )


if __name__ == "__main__":
    main()
