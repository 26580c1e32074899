"""Read side of plans and progress, shared by the pages, the API, the CLI and the cockpit.

For the cockpit: `plan_vs_completed_by_month(year, unit=None)`, `warning_tally(month,
unit=None)` and `overdue_problems(on)`, shown by the include template
`progress/_cockpit_panel.html` (see its header for the context it takes); the panel's
figures are gathered by `headline.headline(month, unit)`.

Everything here that shows a month is computed as of the end of that month
(`Month.as_of`: today only while the month is still running).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max, Q, Subquery
from django.utils import timezone

from zhaoshang.core import figcache
from zhaoshang.core.errors import InputError
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress import rates as rates_mod
from zhaoshang.progress import rules
from zhaoshang.progress.amounts import from_micro, micro_sum, rate, to_micro
from zhaoshang.progress.models import (
    CLOSED_STATUSES,
    AnnualPlan,
    MonthlyProgress,
    PlanBaseline,
    PlanStatus,
    Problem,
    ProblemStatus,
    ProgressSettings,
)
from zhaoshang.progress.months import Month, months_between
from zhaoshang.projects.models import Project, ProjectList, Status
from zhaoshang.projects.queries import find_unit, left_out, phase_note, within_parent
from zhaoshang.regions.home import find_region, home_code, units_under
from zhaoshang.regions.models import Region

CENT = Decimal("0.01")


def unit_scope(unit: str | None) -> facts_mod.Scope | None:
    """The scope of one township unit given by code, name or alias, or of a county, city
    or province of the home region (its units, `regions.home.units_under`); None for the
    whole home region.

    Raises InputError for an unknown unit."""
    if not unit:
        return None
    found = find_unit(str(unit))
    if found is not None:
        return facts_mod.Scope(units={found.code})
    region = find_region(str(unit))  # a county, city or province: every unit under it
    if region is not None:
        if region.code == home_code():
            return None
        return facts_mod.Scope(units=set(units_under(region.code)))
    from django.utils.translation import gettext as _

    raise InputError({"unit": _("unknown township unit “%(value)s”") % {"value": unit}})


def default_month(today: datetime.date | None = None, year: int | None = None) -> Month:
    """The latest month that has reports (never a future one), else the current month.

    Given `year`: the latest month of that year with reports; else its December for a
    past year, the current month for this year, January for a future year."""
    today = today or timezone.localdate()
    return figcache.cached(
        "default_month", (today, year), lambda: _default_month(today, year), by_table=True
    )


def _default_month(today: datetime.date, year: int | None) -> Month:
    current = Month.of(today)
    qs = MonthlyProgress.objects.filter(
        Q(year__lt=current.year) | Q(year=current.year, month__lte=current.month)
    )
    if year is not None:
        qs = qs.filter(year=year)
    latest = qs.order_by("-year", "-month").values_list("year", "month").first()
    if latest:
        return Month(*latest)
    if year is None or year == current.year:
        return current
    return Month(year, 12) if year < current.year else Month(year, 1)


# --------------------------------------------------------------------------- cockpit


def plan_vs_completed_by_month(
    year: int,
    unit: str | None = None,
    month: Month | None = None,
    *,
    facts: dict[int, facts_mod.PlanFacts] | None = None,
) -> list[dict]:
    """For each month of `year`: the planned pace (annual plan × month / 12, cumulative),
    the investment completed in the month and cumulatively, all in 万元.

    The annual plan is the four rates' total for `month` (the plan in force at its end;
    December by default), over the same planned projects, so the cumulative figure of
    `month` is the completion rate's numerator. `facts`: that month's facts of the same
    unit when the caller has them (`headline(...).facts`), not loaded again.

    >>> plan_vs_completed_by_month(2023)[5]
    {'month': '2023-06', 'planned_cumulative_wan': Decimal('110000'), 'completed_wan': ...,
     'completed_cumulative_wan': ...}
    """
    scope = unit_scope(unit) or facts_mod.Scope()
    return figcache.cached(
        "plan_vs_completed",
        (year, scope.key, month and str(month)),
        lambda: _plan_vs_completed(year, scope, month, facts),
    )


def _plan_vs_completed(year, scope, month, facts) -> list[dict]:
    # the annual plan total as the four rates count it (one rule for plan totals)
    if month is None or month.year != year:
        month, facts = Month(year, 12), None
    _rows, total = rates_mod.compute(month, None, scope, facts=facts)
    planned = total.planned
    # only the planned projects' reports, as the completion rate counts them (a phase
    # planned beside its parent is in the parent's figures: `projects.queries.left_out`)
    plans = scope.plans(year).order_by()
    # the phases are left out of the plans' ids, not out of the reports: `NOT IN` on the
    # reports made PostgreSQL read all of them (5 s for a county among 10^7 reports)
    counted = plans.exclude(within_parent(plans, "project__parent_id", "project_id"))
    by_month = dict(
        MonthlyProgress.objects.filter(
            year=year, project_id__in=Subquery(counted.values("project_id"))
        )
        .order_by()
        # grouped by `month + 0`, not the column: SQLite then reads the covering index
        # (year, project, month, amounts) instead of the table in (year, month) order
        .annotate(m=ExpressionWrapper(F("month") + 0, output_field=IntegerField()))
        .values("m")
        .annotate(c=micro_sum("completed_wan"))
        .values_list("m", "c")
    )
    out, running = [], 0
    for m in range(1, 13):
        running += by_month.get(m, 0)
        out.append(
            {
                "month": str(Month(year, m)),
                "planned_cumulative_wan": from_micro(planned * m // 12).quantize(CENT),
                "completed_wan": from_micro(by_month.get(m, 0)),
                "completed_cumulative_wan": from_micro(running),
            }
        )
    return out


def warning_tally(month: Month | str, unit: str | None = None) -> rules.Tally:
    """A month's warnings as projects by their light and as rule hits (`rules.tally`)."""
    month = Month.parse(month)
    scope = unit_scope(unit)
    facts = facts_mod.load(month, scope)
    return rules.tally(rules.compute(month, scope, facts=facts), facts.keys())


def _overdue_qs(on: datetime.date, unit: str | None):
    qs = Problem.objects.filter(facts_mod.open_filter(on), deadline__lt=on)
    scope = unit_scope(unit)
    if scope is not None:
        qs = qs.filter(project__unit_id__in=scope.units)
    return qs


def overdue_problems(on: datetime.date, unit: str | None = None, limit: int = 20):
    """Problems open at the end of day `on` and past their deadline, most overdue first,
    each with `overdue_days` as of `on` (`Problem.days_overdue`)."""
    qs = _overdue_qs(on, unit)
    qs = qs.select_related("project", "project__unit", "department").order_by("deadline", "id")
    rows = list(qs[:limit]) if limit else list(qs)
    for problem in rows:
        problem.overdue_days = problem.days_overdue(on)
    return rows


def overdue_problem_count(on: datetime.date, unit: str | None = None) -> int:
    """How many problems `overdue_problems(on, unit, limit=0)` would list."""
    return _overdue_qs(on, unit).count()


# --------------------------------------------------------------------------- reporting


@dataclass
class ReportingRow:
    unit_code: str | None
    unit: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0


def reporting_status(
    month: Month,
    unit: str | None = None,
    today: datetime.date | None = None,
    *,
    facts: dict[int, facts_mod.PlanFacts] | None = None,
):
    """(due date, rows per unit, projects late or missing [(facts, reported date or None)]).

    Before the due date has passed, nothing is late yet: reports not in are "missing so far".
    `facts`: the month's facts of the same unit when the caller has them, not loaded again.
    """
    today = today or timezone.localdate()
    due = month.due_date(ProgressSettings.current().report_due_day)
    if facts is None:
        facts = facts_mod.load(month, unit_scope(unit), today=today)
    names = {r.code: str(r) for r in Region.objects.filter(level=4)}
    rows: dict[str | None, ReportingRow] = {}
    behind = []
    for item in sorted(facts.values(), key=lambda f: (f.unit_id or "", f.code)):
        row = rows.get(item.unit_id)
        if row is None:
            row = rows[item.unit_id] = ReportingRow(item.unit_id, names.get(item.unit_id, "—"))
        row.expected += 1
        if item.report is None:
            row.missing += 1
            behind.append((item, None))
            continue
        if item.report.on_time:
            row.on_time += 1
        else:
            row.late += 1
            behind.append((item, item.report.reported_on))
    return due, sorted(rows.values(), key=lambda r: r.unit_code or "~"), behind


# --------------------------------------------------------------------------- plans


@dataclass
class Slippage:
    plan: AnnualPlan
    first: PlanBaseline
    start_months: int | None
    completion_months: int | None
    amount_change_wan: Decimal | None

    @property
    def amount_change_percent(self) -> Decimal | None:
        before = self.first.planned_investment_wan
        if self.amount_change_wan is None or not before:
            return None
        return self.amount_change_wan / before

    @property
    def worst_months(self) -> int:
        return max(abs(self.start_months or 0), abs(self.completion_months or 0))


def _month_shift(first, now) -> int | None:
    if first is None or now is None:
        return None if first is None and now is None else 0 if first == now else None
    return months_between(first, now)


def slippage(year: int, unit: str | None = None, moved_only: bool = True) -> list[Slippage]:
    """How far each approved plan's dates and amount have moved since its first baseline,
    the most slipped first."""
    scope = unit_scope(unit) or facts_mod.Scope()
    plans = scope.plans(year).filter(baseline_count__gte=1)
    if moved_only:
        plans = plans.filter(baseline_count__gte=2)
    plans = plans.select_related("project", "project__unit")
    firsts = {
        b.plan_id: b for b in PlanBaseline.objects.filter(plan__in=plans.values("pk"), number=1)
    }
    out = []
    for plan in plans:
        first = firsts.get(plan.pk)
        if first is None:
            continue
        change = (
            None
            if plan.planned_investment_wan is None or first.planned_investment_wan is None
            else plan.planned_investment_wan - first.planned_investment_wan
        )
        out.append(
            Slippage(
                plan=plan,
                first=first,
                start_months=_month_shift(first.planned_start, plan.planned_start),
                completion_months=_month_shift(first.planned_completion, plan.planned_completion),
                amount_change_wan=change,
            )
        )
    out.sort(key=lambda s: (-s.worst_months, -(abs(s.amount_change_wan or 0)), s.plan.project.code))
    return out


def plan_rows(year: int, month: Month, unit: str | None = None) -> PlanRows:
    """Plans of `year` with their completed-to-date figures (through `month`) and rate,
    by unit and project code: a sequence whose rows are built only for the slice asked for
    (a page of the plans list), so 10^5 plans cost two narrow queries and a page."""
    scope = unit_scope(unit) or facts_mod.Scope()
    return PlanRows(scope, year, month)


class PlanRows(Sequence):
    """`plan_rows`: its length and `approved` from one query of ids and statuses; a slice
    reads those plans with their projects, and their year-to-date sums (`facts.load`)."""

    def __init__(self, scope: facts_mod.Scope, year: int, month: Month) -> None:
        self.month = month
        self.plans = scope.plans(year).order_by("project__unit_id", "project__code")
        self.keys = list(self.plans.values_list("pk", "project_id", "status"))
        self.approved = sum(1 for _pk, _p, status in self.keys if status == PlanStatus.APPROVED)

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            if not -len(self) <= index < len(self):
                raise IndexError(index)
            index %= len(self)
            return self[index : index + 1][0]
        keys = self.keys[index]
        if not keys:
            return []
        plans = AnnualPlan.objects.select_related("project", "project__unit").in_bulk(
            [pk for pk, _p, _s in keys]
        )
        facts = facts_mod.load(
            self.month,
            facts_mod.Scope(project_ids={project_id for _pk, project_id, _s in keys}),
            with_reports=False,
        )
        out = []
        for pk, project_id, _status in keys:
            plan = plans[pk]
            item = facts.get(project_id)
            done = from_micro(item.ytd_completed) if item else Decimal(0)
            out.append(
                {
                    "plan": plan,
                    "completed_wan": done,
                    "rate": rate(done, plan.planned_investment_wan or 0),
                }
            )
        return out


# --------------------------------------------------------------------------- one project


def project_months(project: Project, year: int) -> list[dict]:
    """The project's reports of `year`, each with year-to-date and since-start sums."""
    reports = list(
        MonthlyProgress.objects.filter(project=project, year__lte=year)
        .select_related("reported_by")
        .order_by("year", "month")
    )
    since = {"completed_wan": 0, "funds_in_place_wan": 0, "counted_wan": 0}
    ytd = dict(since)
    by_month = {}
    for report in reports:
        for key in since:
            since[key] += to_micro(getattr(report, key))
            if report.year == year:
                ytd[key] += to_micro(getattr(report, key))
        if report.year == year:
            by_month[report.month] = {
                "report": report,
                "ytd_completed_wan": from_micro(ytd["completed_wan"]),
                "ytd_funds_wan": from_micro(ytd["funds_in_place_wan"]),
                "ytd_counted_wan": from_micro(ytd["counted_wan"]),
                "since_start_completed_wan": from_micro(since["completed_wan"]),
            }
    return [{"month": Month(year, m), **by_month.get(m, {"report": None})} for m in range(1, 13)]


# --------------------------------------------------------------------------- problems


def _problem_counts(on: datetime.date, prefix: str = "") -> dict:
    """Count expressions for problems as they stood at the end of day `on`: raised by
    then (total), open then, open and past their deadline (overdue), closed by then."""

    def q(**kw) -> Q:
        return Q(**{prefix + k: v for k, v in kw.items()})

    raised = q(raised_on__lte=on)
    open_then = raised & (q(closed_on__isnull=True) | q(closed_on__gt=on))
    closed = raised & q(closed_on__lte=on, status__in=CLOSED_STATUSES)
    key = prefix.rstrip("_") or "pk"
    return {
        "total": Count(key, filter=raised),
        "open_count": Count(key, filter=open_then),
        "overdue": Count(key, filter=open_then & q(deadline__lt=on)),
        "closed": Count(key, filter=closed),
        "solved": Count(key, filter=closed & q(status=ProblemStatus.SOLVED)),
    }


@dataclass
class ProblemFigures:
    """Problems as they stood at the end of a day: raised by then, open, overdue, closed
    (solved or cannot be solved), and the closure rate (closed / raised)."""

    total: int
    open: int
    overdue: int
    closed: int
    solved: int
    department: object = None
    average_days: Decimal | None = None

    @property
    def closure_rate(self) -> Decimal | None:
        return rate(self.closed, self.total)

    def as_json(self) -> dict:
        share = self.closure_rate
        return {
            "raised": self.total,
            "open": self.open,
            "overdue": self.overdue,
            "closed": self.closed,
            "solved": self.solved,
            "closure_rate": None if share is None else float(round(share, 6)),
        }


DepartmentStats = ProblemFigures


def problem_figures(on: datetime.date, unit: str | None = None) -> ProblemFigures:
    """The city's (or one unit's) problems at the end of day `on`; the closure rate."""
    qs = Problem.objects.all()
    scope = unit_scope(unit)
    if scope is not None:
        qs = qs.filter(project__unit_id__in=scope.units)
    found = qs.aggregate(**_problem_counts(on))
    return ProblemFigures(
        total=found["total"],
        open=found["open_count"],
        overdue=found["overdue"],
        closed=found["closed"],
        solved=found["solved"],
    )


def department_stats(on: datetime.date) -> list[ProblemFigures]:
    """Per department, problems at the end of day `on` (`problem_figures`' counts) and
    the average days from raising to closing of those closed by then."""
    from zhaoshang.progress.models import Department

    closed_days: dict[int, list[int]] = defaultdict(list)
    for dept, raised, closed in Problem.objects.filter(
        status__in=CLOSED_STATUSES, closed_on__isnull=False, closed_on__lte=on
    ).values_list("department_id", "raised_on", "closed_on"):
        closed_days[dept].append((closed - raised).days)
    rows = Department.objects.annotate(**_problem_counts(on, "problems__")).filter(total__gt=0)
    out = []
    for dept in rows.order_by("name"):
        days = closed_days.get(dept.pk, [])
        out.append(
            ProblemFigures(
                department=dept,
                total=dept.total,
                open=dept.open_count,
                overdue=dept.overdue,
                closed=dept.closed,
                solved=dept.solved,
                average_days=(Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"))
                if days
                else None,
            )
        )
    return out


# --------------------------------------------------------------------------- lists, events


def list_report(project_list: ProjectList, month: Month | None = None) -> dict:
    """A list's members with their planned investment on the list (else their annual plan
    for the list's year), completed from January through `month`, and the rate."""
    year = project_list.year
    month = month or Month(year, 12)
    if month.year != year:
        month = Month(year, 12)
    if month.is_future():
        month = Month.current()
    facts = facts_mod.load(month, facts_mod.Scope(list_id=project_list.pk), with_reports=False)
    plans = dict(
        AnnualPlan.objects.filter(
            year=year, project__projectlistentry__project_list=project_list
        ).values_list("project_id", "planned_investment_wan")
    )
    entries = project_list.entries.select_related("project", "project__unit").order_by(
        "project__code"
    )
    entries = list(entries)
    invented_plans, invented_reports = _synthetic_members(project_list, month)
    inside = left_out({e.project_id: e.project.parent_id for e in entries})
    rows, planned_total, done_total = [], Decimal(0), Decimal(0)
    phases_planned = Decimal(0)
    for entry in entries:
        planned = entry.planned_investment_wan
        if planned is None:
            planned = plans.get(entry.project_id)
        item = facts.get(entry.project_id)
        done = from_micro(item.ytd_completed) if item else Decimal(0)
        in_parent = entry.project_id in inside
        if in_parent:  # a phase whose parent is on the list: in the parent's figures
            phases_planned += planned or 0
        else:
            planned_total += planned or 0
            done_total += done
        rows.append(
            {
                "entry": entry,
                "project": entry.project,
                "planned_wan": planned,
                "from_plan": entry.planned_investment_wan is None and planned is not None,
                # invented demo figures, marked wherever they are shown
                "planned_synthetic": entry.planned_investment_wan is None
                and entry.project_id in invented_plans,
                "completed_synthetic": entry.project_id in invented_reports,
                "completed_wan": done,
                "rate": rate(done, planned or 0),
                "in_parent": in_parent,
            }
        )
    return {
        "month": month,
        "rows": rows,
        "planned_total_wan": planned_total,
        "completed_total_wan": done_total,
        "rate": rate(done_total, planned_total),
        "synthetic_figures": any(r["planned_synthetic"] or r["completed_synthetic"] for r in rows),
        "phases": len(inside),
        "phase_note": phase_note(len(inside), phases_planned),
    }


def _synthetic_members(project_list: ProjectList, month: Month) -> tuple[set[int], set[int]]:
    """Members of the list whose plan for the list's year is synthetic, and those with a
    synthetic report from January through `month`."""
    members = Q(project__projectlistentry__project_list=project_list)
    plans = AnnualPlan.objects.filter(members, year=project_list.year, is_synthetic=True)
    reports = MonthlyProgress.objects.filter(
        members, year=month.year, month__lte=month.month, is_synthetic=True
    )
    return (
        set(plans.values_list("project_id", flat=True)),
        set(reports.values_list("project_id", flat=True).distinct()),
    )


def lists_overview(year: int | None = None):
    qs = ProjectList.objects.annotate(members=Count("entries")).order_by("-year", "level", "name")
    if year:
        qs = qs.filter(year=year)
    return qs


def event_projects(event):
    """The event's projects, largest first, with their count and total investment (each
    investment once: a phase whose parent is also in the event is not added again)."""
    from zhaoshang.projects.queries import ledger_totals

    qs = event.projects.all()
    totals = ledger_totals(qs)
    projects = qs.select_related("unit").order_by("-total_investment_wan", "code")
    synthetic = qs.filter(is_synthetic=True).count()
    return projects, totals, synthetic


def years_with_plans() -> list[int]:
    years = list(AnnualPlan.objects.order_by("-year").values_list("year", flat=True).distinct())
    return years or [timezone.localdate().year]


def active_projects_without_plan(year: int, unit_code: str):
    return (
        Project.objects.filter(unit_id=unit_code)
        .exclude(status=Status.DROPPED)
        .exclude(annual_plans__year=year)
        .order_by("code")
    )


def latest_report_month(project: Project) -> Month | None:
    found = MonthlyProgress.objects.filter(project=project).aggregate(y=Max("year"))["y"]
    if found is None:
        return None
    m = MonthlyProgress.objects.filter(project=project, year=found).aggregate(m=Max("month"))["m"]
    return Month(found, m)
