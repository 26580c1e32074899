"""What the warnings, the four rates and the reports know about each planned project
as of a month: the plan in force then, sums for the year to date, start and completion
dates, and the month's report. A handful of queries, whatever the number of projects.

The plan in force at the end of a month is the latest baseline approved by then (the
first baseline for a month before any approval; the current draft for a plan never
approved). Amounts are integers in millionths of 万元 (see `amounts.micro_sum`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from zhaoshang.progress.amounts import MICRO, to_micro
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress, PlanBaseline, ProgressSettings
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Project,
    ProjectListEntry,
    Stage,
    StageDate,
    Status,
    stage_index,
)

# A stage reached with no date recorded (a project entered from an old ledger at that
# stage): counted as reached before any month asked about.
LONG_AGO = datetime.date.min
STARTED = stage_index(Stage.STARTED)
COMPLETED = stage_index(Stage.COMPLETED)
STAGE_RANK = {stage: i for i, stage in enumerate(STAGE_ORDER)}


@dataclass(slots=True)
class PlanFacts:
    project_id: int
    code: str
    name: str
    unit_id: str | None
    chain_id: int | None
    stage: str
    is_synthetic: bool
    plan_id: int
    plan_synthetic: bool
    planned: int | None  # micro 万元, the plan in force
    planned_start: datetime.date | None
    planned_completion: datetime.date | None
    baseline: int  # number of the baseline in force, 0 for a draft
    ytd_completed: int = 0
    ytd_funds: int = 0
    ytd_counted: int = 0
    started_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    report: Report | None = None  # the month's report
    lists: list[int] = field(default_factory=list)

    def started_by(self, day: datetime.date) -> bool:
        return self.started_on is not None and self.started_on <= day

    def completed_by(self, day: datetime.date) -> bool:
        return self.completed_on is not None and self.completed_on <= day


@dataclass
class Scope:
    """Which planned projects: all, or those of some units, a chain, a list, some projects."""

    units: set[str] | None = None
    chain_id: int | None = None
    list_id: int | None = None
    project_ids: set[int] | None = None

    def narrow(self, qs: QuerySet, project: str = "") -> QuerySet:
        """`qs` narrowed to the scope: rows of projects (`project=""`) or rows that point
        at a project through the field `project` (e.g. "project" for plans)."""
        path = f"{project}__" if project else ""
        if self.units is not None:
            qs = qs.filter(**{f"{path}unit_id__in": self.units})
        if self.chain_id is not None:
            qs = qs.filter(**{f"{path}chain_id": self.chain_id})
        if self.list_id is not None:
            qs = qs.filter(**{f"{path}projectlistentry__project_list_id": self.list_id})
        if self.project_ids is not None:
            qs = qs.filter(**{f"{project}_id__in" if project else "pk__in": self.project_ids})
        return qs

    def plans(self, year: int) -> QuerySet:
        qs = AnnualPlan.objects.filter(year=year).exclude(project__status=Status.DROPPED)
        return self.narrow(qs, "project")

    @property
    def key(self) -> tuple:
        """The scope as a hashable value (for cached figures)."""
        return tuple(
            None if v is None else tuple(sorted(v)) if isinstance(v, set) else v
            for v in (self.units, self.chain_id, self.list_id, self.project_ids)
        )

    @property
    def is_all(self) -> bool:
        return (self.units, self.chain_id, self.list_id, self.project_ids) == (None,) * 4

    def restrict(self, qs: QuerySet, year: int) -> QuerySet:
        """`qs` (rows with a project_id) narrowed to the scope's projects."""
        if self.is_all:
            return qs
        if self.project_ids is not None and len(self.project_ids) <= 500:
            return qs.filter(project_id__in=self.project_ids)
        return qs.filter(project_id__in=Subquery(self.plans(year).values("project_id")))


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


class _Dates:
    """SQLite hands dates back as text: parse each distinct one once."""

    def __init__(self) -> None:
        self.seen: dict = {None: None}

    def __call__(self, value):
        found = self.seen.get(value, self)
        if found is self:
            found = self.seen[value] = (
                value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
            )
        return found


def _day(column: str) -> str:
    """A date column as SQLite's text: its own converter (Django's parse_date, a regular
    expression per value) would run once per row; `_Dates` parses each distinct day once."""
    return f"CAST({column} AS TEXT)" if connection.vendor == "sqlite" else column


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _plan_where(scope: Scope, year: int) -> tuple[str, list]:
    """SQL conditions on `ap` (annual plan) and `p` (project) for the scope's plans."""
    where, params = ["ap.year = %s", "p.status <> %s"], [year, Status.DROPPED]
    if scope.units is not None:
        units = sorted(scope.units) or [""]
        where.append(f"p.unit_id IN ({', '.join(['%s'] * len(units))})")
        params += units
    if scope.chain_id is not None:
        where.append("p.chain_id = %s")
        params.append(scope.chain_id)
    if scope.list_id is not None:
        where.append(
            f"ap.project_id IN (SELECT project_id FROM {_table(ProjectListEntry)} "
            "WHERE project_list_id = %s)"
        )
        params.append(scope.list_id)
    if scope.project_ids is not None:
        ids = sorted(scope.project_ids) or [0]
        where.append(f"ap.project_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    return " AND ".join(where), params


def _micro(column: str) -> str:
    return f"CAST(ROUND({column} * {MICRO}) AS BIGINT)"


def load(
    month: Month,
    scope: Scope | None = None,
    *,
    with_reports: bool = True,
    reports_only: bool = False,
    today: datetime.date | None = None,
) -> dict[int, PlanFacts]:
    """project id -> facts, for every planned (not dropped) project of the scope.

    `reports_only`: the plans and the month's reports, without the year-to-date sums and
    the start and completion dates (what the no-report rule reads of the month before).

    Plain SQL through the cursor: at 10^5 projects the ORM's per-value converters
    (dates, decimals, datetimes) would cost more than the queries themselves.
    """
    scope = scope or Scope()
    year = month.year
    as_of = month.as_of(today)
    as_of_end = _end_of(as_of)
    plans, projects = _table(AnnualPlan), _table(Project)
    where, params = _plan_where(scope, year)
    from_plans = f"FROM {plans} ap JOIN {projects} p ON p.id = ap.project_id WHERE {where}"
    restrict = "" if scope.is_all else f" AND t.project_id IN (SELECT ap.project_id {from_plans})"
    restrict_params = [] if scope.is_all else params
    # stage dates for the planned projects only, the city's too: at 10^5 projects most
    # have stage dates but few have a plan for the year
    planned_only = f" AND t.project_id IN (SELECT ap.project_id {from_plans})"
    to_date = _Dates()
    facts: dict[int, PlanFacts] = {}
    by_plan: dict[int, PlanFacts] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ap.id, ap.project_id, {_micro('ap.planned_investment_wan')}, "
            f"{_day('ap.planned_start')}, {_day('ap.planned_completion')}, "
            "ap.baseline_count, ap.is_synthetic, "
            "p.code, p.name, p.unit_id, p.chain_id, p.stage, p.is_synthetic "
            f"{from_plans}",
            params,
        )
        for (
            plan_id, project_id, planned, start, completion, baselines, plan_synthetic,
            code, name, unit_id, chain_id, stage, synthetic,
        ) in cursor.fetchall():  # fmt: skip
            rank = STAGE_RANK[stage]
            item = PlanFacts(
                project_id=project_id,
                code=code,
                name=name,
                unit_id=unit_id,
                chain_id=chain_id,
                stage=stage,
                is_synthetic=bool(synthetic),
                plan_id=plan_id,
                plan_synthetic=bool(plan_synthetic),
                planned=None if planned is None else int(planned),
                planned_start=to_date(start),
                planned_completion=to_date(completion),
                baseline=baselines,
                started_on=LONG_AGO if rank >= STARTED else None,
                completed_on=LONG_AGO if rank >= COMPLETED else None,
            )
            facts[project_id] = item
            by_plan[plan_id] = item
        if not facts:
            return facts

        if not reports_only:
            _progress(
                cursor, facts, year, month, restrict, restrict_params, planned_only, params, where
            )
        if with_reports:
            for project_id, report in _reports(cursor, month, restrict, restrict_params).items():
                item = facts.get(project_id)
                if item is not None:
                    item.report = report

    for item in facts.values():
        # a completion with no start date recorded: started no later than it completed
        if item.completed_on is not None and item.started_on is None:
            item.started_on = item.completed_on
    rebaselined = [
        pk
        for pk in AnnualPlan.objects.filter(
            year=year, baseline_count__gt=1, approved_at__gt=as_of_end
        )
        .order_by()
        .values_list("pk", flat=True)
        if pk in by_plan
    ]
    if rebaselined:
        _plans_in_force(by_plan, rebaselined, as_of_end)
    return facts


def _progress(cursor, facts, year, month, restrict, restrict_params, planned_only, params, where):
    """Year-to-date sums, and start and completion dates, into `facts`."""
    to_date = _Dates()
    cursor.execute(
        f"SELECT t.project_id, SUM({_micro('t.completed_wan')}), "
        f"SUM({_micro('t.funds_in_place_wan')}), SUM({_micro('t.counted_wan')}) "
        f"FROM {_table(MonthlyProgress)} t WHERE t.year = %s AND t.month <= %s{restrict} "
        "GROUP BY t.project_id",
        [year, month.month, *restrict_params],
    )
    for project_id, completed, funds, counted in cursor.fetchall():
        item = facts.get(project_id)
        if item is not None:
            item.ytd_completed, item.ytd_funds, item.ytd_counted = (
                int(completed or 0),
                int(funds or 0),
                int(counted or 0),
            )

    if connection.vendor == "postgresql":
        # joined from the plans: PostgreSQL merges it by project (50 ms at 10^5 projects),
        # where the IN form made it scan every stage date (240 ms); SQLite is the other
        # way round (8 ms with IN, 117 ms joined)
        cursor.execute(
            f"SELECT t.project_id, t.stage, t.actual_on FROM {_table(AnnualPlan)} ap "
            f"JOIN {_table(Project)} p ON p.id = ap.project_id "
            f"JOIN {_table(StageDate)} t ON t.project_id = ap.project_id "
            f"WHERE {where} AND t.stage IN (%s, %s) AND t.actual_on IS NOT NULL",
            [*params, Stage.STARTED, Stage.COMPLETED],
        )
    else:
        cursor.execute(
            f"SELECT t.project_id, t.stage, {_day('t.actual_on')} FROM {_table(StageDate)} t "
            f"WHERE t.stage IN (%s, %s) AND t.actual_on IS NOT NULL{planned_only}",
            [Stage.STARTED, Stage.COMPLETED, *params],
        )
    for project_id, stage, on in cursor.fetchall():
        item = facts.get(project_id)
        if item is None:
            continue
        if stage == Stage.STARTED:
            item.started_on = to_date(on)
        else:
            item.completed_on = to_date(on)


def _reports(cursor, month: Month, restrict: str, restrict_params: list) -> dict[int, Report]:
    """project id -> the month's report, of the projects `restrict` keeps (SQL on `t`)."""
    # whether it came by the due date is judged here, and the time it came is read for the
    # late ones only: converting 10^5 timestamps to local dates in Python costs seconds
    due_end = _end_of(month.due_date(ProgressSettings.current().report_due_day))
    due = connection.ops.adapt_datetimefield_value(due_end)
    cursor.execute(
        "SELECT t.project_id, CASE WHEN t.reported_at <= %s THEN 1 ELSE 0 END, "
        "CASE WHEN t.reported_at > %s THEN t.reported_at END, "
        f"{_micro('t.completed_wan')}, {_micro('t.funds_in_place_wan')}, "
        f"{_micro('t.counted_wan')} "
        f"FROM {_table(MonthlyProgress)} t WHERE t.year = %s AND t.month = %s{restrict}",
        [due, due, month.year, month.month, *restrict_params],
    )
    out: dict[int, Report] = {}
    for project_id, on_time, late_at, completed, funds, counted in cursor.fetchall():
        report = out[project_id] = Report(bool(on_time), int(completed), int(funds), int(counted))
        if late_at is not None:
            if isinstance(late_at, str):  # SQLite hands back the stored text (UTC)
                late_at = connection.ops.convert_datetimefield_value(late_at, None, connection)
            report.reported_on = timezone.localdate(late_at)
    return out


def month_reports(
    month: Month, facts: dict[int, PlanFacts], scope: Scope | None = None
) -> dict[int, Report]:
    """project id -> its report for `month`, for the projects of `facts` (loaded for a
    month of the same year and `scope`: the same planned projects): what
    `load(month, scope, reports_only=True)` would attach, without reading the plans again."""
    scope = scope or Scope()
    if not facts:
        return {}
    restrict, restrict_params = "", []
    if not scope.is_all:
        where, restrict_params = _plan_where(scope, month.year)
        restrict = (
            f" AND t.project_id IN (SELECT ap.project_id FROM {_table(AnnualPlan)} ap "
            f"JOIN {_table(Project)} p ON p.id = ap.project_id WHERE {where})"
        )
    with connection.cursor() as cursor:
        found = _reports(cursor, month, restrict, restrict_params)
    return {pk: report for pk, report in found.items() if pk in facts}


class Report:
    """A month's report as the facts hold it: whether it came by the due date, the day it
    came when it was late, amounts in micro 万元."""

    __slots__ = ("completed", "counted", "funds", "on_time", "reported_on")

    def __init__(self, on_time: bool, completed: int, funds: int, counted: int):
        self.on_time = on_time
        self.completed, self.funds, self.counted = completed, funds, counted
        self.reported_on: datetime.date | None = None


def _plans_in_force(by_plan: dict[int, PlanFacts], plan_ids: list[int], as_of_end) -> None:
    """For plans changed after `as_of_end`: the baseline in force then (else the first)."""
    chosen: dict[int, PlanBaseline] = {}
    for baseline in PlanBaseline.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "number"):
        if baseline.plan_id not in chosen or baseline.approved_at <= as_of_end:
            chosen[baseline.plan_id] = baseline
    for plan_id, baseline in chosen.items():
        item = by_plan[plan_id]
        amount = baseline.planned_investment_wan
        item.planned = None if amount is None else to_micro(amount)
        item.planned_start = baseline.planned_start
        item.planned_completion = baseline.planned_completion
        item.baseline = baseline.number


def attach_lists(facts: dict[int, PlanFacts], year: int | None = None) -> None:
    """Fill each fact's `lists` with the ids of the major-project lists it is on."""
    entries = ProjectListEntry.objects.all()
    if year is not None:
        entries = entries.filter(project_list__year=year)
    for project_id, list_id in entries.values_list("project_id", "project_list_id"):
        item = facts.get(project_id)
        if item is not None:
            item.lists.append(list_id)


def open_filter(day: datetime.date) -> Q:
    """Problems open at the end of `day`."""
    return Q(raised_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))
