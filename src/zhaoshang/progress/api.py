"""`/progress/...`: annual plans, monthly reports, warnings, the four rates, problems, lists
and batch events. Reads through `queries`/`rules`/`rates`, writes through `services`;
401/403/404/422 as everywhere in the API."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from zhaoshang.api.schemas import (
    PAGE_DESCRIPTION,
    PAGE_MAX,
    VERSION_DESCRIPTION,
    Conflict,
    Detail,
    FieldErrors,
    Money,
)
from zhaoshang.core.access import region_of
from zhaoshang.core.errors import InputError
from zhaoshang.progress import access, event_services, queries, rates, rules, services
from zhaoshang.progress import events as event_plan
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress.headline import headline
from zhaoshang.progress.models import AnnualPlan, Problem, ProblemStatus, Rule
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import BatchEvent, Project
from zhaoshang.regions.home import contains

router = Router(tags=["progress"])

READ = {401: Detail, 403: Detail, 404: Detail, 422: FieldErrors}
# 400: a body that is not JSON, or JSON holding a lone surrogate (api.errors.TextParser)
WRITE = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Conflict, 422: FieldErrors}
UPDATE = {**WRITE, 428: Detail}  # an update without the version it was based on


# A year asked for in a query string: the years a plan can have (services._year).
YEAR_MIN, YEAR_MAX = 2000, 2100
YEAR = Query(..., ge=YEAR_MIN, le=YEAR_MAX)


class WriteSchema(Schema):
    """A request body: a field the operation does not know is refused (422 naming it),
    never silently ignored."""

    model_config = ConfigDict(extra="forbid")


AmountIn = Decimal | str | None
LevelValue = Literal["red", "amber", "green"]
RuleValue = Literal[tuple(Rule.values)]  # type: ignore[valid-type]
ProblemStatusValue = Literal[tuple(ProblemStatus.values)]  # type: ignore[valid-type]


def _month(value: str) -> Month:
    try:
        month = Month.parse(value)
    except ValueError as exc:
        raise InputError({"month": str(exc)}) from None
    if month.is_future():
        raise InputError({"month": _("%(month)s is in the future.") % {"month": month}})
    return month


def _project(code: str) -> Project:
    project = Project.objects.select_related("unit").filter(code=code).first()
    if project is None:
        raise HttpError(404, _("No project with code “%(code)s”.") % {"code": code})
    return project


def _viewer(request) -> None:
    access.check_can_view(request.auth)


def _place(request, unit: str | None) -> str | None:
    """`unit` as asked; a county's staff (`core.access.region_of`) get their county when
    they name none, and a 403 for a place outside it."""
    confined = region_of(request.auth)
    if not confined:
        return unit
    if not unit:
        return confined
    scope = queries.unit_scope(unit)  # InputError (422) for an unknown place
    if scope is None or not all(contains(confined, code) for code in scope.units or ()):
        raise HttpError(403, _("“%(value)s” is outside your county.") % {"value": unit})
    return unit


# --------------------------------------------------------------------------- schemas


class BaselineOut(Schema):
    number: int
    planned_investment_wan: Money
    planned_start: datetime.date | None
    planned_completion: datetime.date | None
    reason: str
    approved_at: datetime.datetime


class PlanOut(Schema):
    project_code: str = Field(..., alias="project.code")
    project_name: str = Field(..., alias="project.name")
    year: int
    planned_investment_wan: Money
    planned_start: datetime.date | None = Field(None, description="first day of the month")
    planned_completion: datetime.date | None = Field(None, description="first day of the month")
    milestones: str
    status: Literal["draft", "approved"]
    baseline_count: int
    version: int
    is_synthetic: bool


class PlanDetail(PlanOut):
    baselines: list[BaselineOut]


class PlanIn(WriteSchema):
    planned_investment_wan: AmountIn = Field(None, description="万元, or text such as 2亿元")
    planned_start: str | None = Field(None, description="month, e.g. 2023-03")
    planned_completion: str | None = Field(None, description="month, e.g. 2023-12")
    milestones: str | None = None
    reason: str = Field("", description="needed to change an approved plan")
    version: int | None = Field(
        None, description="Required when the plan exists. " + VERSION_DESCRIPTION
    )


class ReasonIn(WriteSchema):
    reason: str = ""


class ProgressIn(WriteSchema):
    completed_wan: AmountIn = Field(None, description="investment completed in the month")
    funds_in_place_wan: AmountIn = None
    counted_wan: AmountIn = Field(None, description="counted in statistics (入统)")
    completed_ytd_wan: AmountIn = Field(
        None, description="or: January to the month, cumulative; the month is derived"
    )
    funds_in_place_ytd_wan: AmountIn = None
    counted_ytd_wan: AmountIn = None
    physical_progress: str | None = None
    problems_raised: str | None = None
    version: int | None = Field(
        None, description="Required when the month's report exists. " + VERSION_DESCRIPTION
    )


class UnitMonthIn(WriteSchema):
    rows: dict[str, ProgressIn] = Field(..., description="project code → the month's figures")
    reason: str = ""


class UnitMonthOut(Schema):
    created: int
    updated: int
    unchanged: int


class ReportOut(Schema):
    project_code: str = Field(..., alias="project.code")
    year: int
    month: int
    completed_wan: Money
    funds_in_place_wan: Money
    counted_wan: Money
    physical_progress: str
    problems_raised: str
    reported_at: datetime.datetime
    version: int
    is_synthetic: bool


class MonthOut(Schema):
    month: str
    report: ReportOut | None
    ytd_completed_wan: Money = None
    ytd_funds_wan: Money = None
    ytd_counted_wan: Money = None
    since_start_completed_wan: Money = None


class WarningOut(Schema):
    project_code: str
    project_name: str
    unit: str
    level: LevelValue
    rule: RuleValue
    reason: str


class RatesRow(Schema):
    key: str | int | None
    label: str
    projects: int
    planned_to_start: int
    started: int
    planned_investment_wan: Money
    completed_wan: Money
    funds_in_place_wan: Money
    planned_to_complete: int
    completed_on_time: int
    start_rate: float | None
    completion_rate: float | None
    funds_rate: float | None
    on_time_rate: float | None


class RatesOut(Schema):
    month: str
    elapsed_share: float = Field(..., description="序时进度 = month / 12")
    total: RatesRow
    rows: list[RatesRow]


class ProblemOut(Schema):
    id: int
    project_code: str = Field(..., alias="project.code")
    title: str
    description: str
    department: str = Field(..., alias="department.name")
    leader: str
    raised_on: datetime.date
    deadline: datetime.date
    status: ProblemStatusValue
    resolution: str
    closed_on: datetime.date | None
    version: int
    is_synthetic: bool
    overdue_days: int = Field(
        0, description="days past the deadline while open, as of `on` (else today)"
    )

    @staticmethod
    def resolve_overdue_days(obj) -> int:
        found = getattr(obj, "overdue_days", None)
        return found if found is not None else obj.days_overdue(timezone.localdate())


class ProblemIn(WriteSchema):
    title: str
    description: str = ""
    department: str = Field(..., description="name or short name of the department")
    leader: str = ""
    raised_on: str | None = None
    deadline: str


class ProblemPatch(WriteSchema):
    title: str | None = None
    description: str | None = None
    department: str | None = None
    leader: str | None = None
    raised_on: str | None = None
    deadline: str | None = None
    status: ProblemStatusValue | None = None
    resolution: str | None = None
    closed_on: str | None = None
    reason: str = ""
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


class ListOut(Schema):
    id: int
    name: str
    level: str
    year: int
    issuer: str
    declared_project_count: int | None
    planned_investment_wan: Money
    members: int


class ListMemberOut(Schema):
    project_code: str
    project_name: str
    planned_wan: Money
    completed_wan: Money
    rate: float | None
    is_synthetic: bool = Field(description="the project itself is invented demo data")
    planned_is_synthetic: bool = Field(
        description="planned_wan comes from an invented (synthetic) annual plan"
    )
    completed_is_synthetic: bool = Field(
        description="completed_wan includes invented (synthetic) monthly reports"
    )


class ListReportOut(Schema):
    list: ListOut
    month: str
    planned_total_wan: Money
    completed_total_wan: Money
    rate: float | None
    members: list[ListMemberOut]


class EventOut(Schema):
    id: int
    name: str
    kind: str
    date: datetime.date | None
    date_precision: str
    place: str
    declared_project_count: int | None
    declared_total_wan: Money
    projects: int
    status: str = "published"


class EventProjectOut(Schema):
    code: str
    name: str
    total_investment_wan: Money
    stage: str
    is_synthetic: bool


class EventDetail(EventOut):
    recorded_total_wan: Money
    synthetic_projects: int
    items: list[EventProjectOut]


def _share(value) -> float | None:
    return None if value is None else float(round(value, 6))


# --------------------------------------------------------------------------- plans


@router.get("/progress/plans", response={200: list[PlanOut], **READ})
def list_plans(
    request,
    year: int = YEAR,
    unit: str | None = None,
    page: int = Query(1, ge=1, le=PAGE_MAX, description=PAGE_DESCRIPTION),
    page_size: int = Query(100, ge=1, le=1000),
):
    """Plans of a year (optionally one township unit), by project code."""
    _viewer(request)
    scope = queries.unit_scope(unit) or facts_mod.Scope()
    start = (page - 1) * page_size
    return list(
        scope.plans(year)
        .select_related("project")
        .order_by("project__code")[start : start + page_size]
    )


def _plan(code: str, year: int) -> AnnualPlan:
    plan = (
        AnnualPlan.objects.select_related("project")
        .prefetch_related("baselines")
        .filter(project__code=code, year=year)
        .first()
    )
    if plan is None:
        raise HttpError(404, _("No plan for %(code)s in %(year)s.") % {"code": code, "year": year})
    return plan


@router.get("/progress/plans/{code}/{year}", response={200: PlanDetail, **READ})
def get_plan(request, code: str, year: int):
    """A plan with its baselines (1 = the first approved one)."""
    _viewer(request)
    return _plan(code, year)


@router.put("/progress/plans/{code}/{year}", response={200: PlanDetail, **UPDATE})
def put_plan(request, code: str, year: int, payload: PlanIn):
    """Create or change a plan. An approved plan: 发改委 only, with a reason; a new baseline.
    Changing a plan that exists needs its `version` (428 without it, 409 when stale)."""
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    version = data.pop("version", None)
    services.save_plan(
        user=request.auth,
        project=_project(code),
        year=year,
        data=data,
        reason=reason,
        expected_version=version,
    )
    return get_plan(request, code, year)


@router.post("/progress/plans/{code}/{year}/approve", response={200: PlanDetail, **WRITE})
def approve_plan(request, code: str, year: int, payload: ReasonIn):
    """Approve a draft: its figures become baseline 1."""
    services.approve_plan(user=request.auth, plan=_plan(code, year), reason=payload.reason)
    return get_plan(request, code, year)


class SlippageOut(Schema):
    project_code: str
    project_name: str
    baselines: int
    start_months: int | None = Field(None, description="months the start moved (+ later)")
    completion_months: int | None = Field(None, description="months completion moved")
    first_planned_investment_wan: Money
    planned_investment_wan: Money
    amount_change_wan: Money


@router.get("/progress/slippage", response={200: list[SlippageOut], **READ})
def slippage(request, year: int = YEAR, unit: str | None = None, moved_only: bool = True):
    """Approved plans against their first baseline: months moved and amount change."""
    _viewer(request)
    return [
        {
            "project_code": s.plan.project.code,
            "project_name": s.plan.project.name,
            "baselines": s.plan.baseline_count,
            "start_months": s.start_months,
            "completion_months": s.completion_months,
            "first_planned_investment_wan": s.first.planned_investment_wan,
            "planned_investment_wan": s.plan.planned_investment_wan,
            "amount_change_wan": s.amount_change_wan,
        }
        for s in queries.slippage(year, unit, moved_only=moved_only)
    ]


# --------------------------------------------------------------------------- progress


@router.get("/progress/projects/{code}/months", response={200: list[MonthOut], **READ})
def project_months(request, code: str, year: int = YEAR):
    """The twelve months of a year: each report with its year-to-date and since-start sums."""
    _viewer(request)
    return [{**m, "month": str(m["month"])} for m in queries.project_months(_project(code), year)]


@router.put("/progress/projects/{code}/months/{month}", response={200: ReportOut, **UPDATE})
def put_month(request, code: str, month: str, payload: ProgressIn):
    """Report a month (a second report for the same month edits the first, with history,
    and needs that report's `version`: 428 without it, 422 on `version` when stale)."""
    data = payload.model_dump(exclude_unset=True)
    return services.record_progress(
        user=request.auth, project=_project(code), month=_month(month), data=data
    )


@router.post("/progress/units/{unit}/months/{month}", response={200: UnitMonthOut, **UPDATE})
def post_unit_month(request, unit: str, month: str, payload: UnitMonthIn):
    """A township unit's month at once; one bad row writes nothing (errors name the row).
    A row editing an existing report needs its `version`: 428 naming the rows without one;
    a stale row is refused by name (422) and nothing of the save is written."""
    scope = queries.unit_scope(unit)
    rows = {code: row.model_dump(exclude_unset=True) for code, row in payload.rows.items()}
    return services.record_unit_month(
        user=request.auth,
        unit_code=next(iter(scope.units)),
        month=_month(month),
        rows=rows,
        reason=payload.reason,
    )


@router.get("/progress/warnings", response={200: list[WarningOut], **READ})
def list_warnings(
    request,
    month: str,
    unit: str | None = None,
    level: LevelValue | None = None,
    include_green: bool = False,
):
    """Every warning of a month, worst first, each with its reason in words and figures."""
    _viewer(request)
    found = rules.compute(
        _month(month), queries.unit_scope(unit), include_green=include_green or level == "green"
    )
    return [w.as_json() for w in found if level is None or w.level == level]


@router.get("/progress/rates", response={200: RatesOut, **READ})
def get_rates(
    request,
    month: str,
    by: Literal["unit", "county", "chain", "list"] | None = None,
    unit: str | None = None,
):
    """The four rates (start, investment completion, funds in place, on-time completion)
    for the home region, one unit or a county/city of it, and by unit, county, chain or
    list. Shares are 0–1."""
    _viewer(request)
    unit = _place(request, unit)
    m = _month(month)
    rows, total = rates.compute(m, by, queries.unit_scope(unit))
    return {
        "month": str(m),
        "elapsed_share": float(m.elapsed_share()),
        "total": total.as_json(),
        "rows": [r.as_json() for r in rows],
    }


class FiguresOut(Schema):
    month: str
    unit: str | None
    as_of: str = Field(
        ...,
        description="the day the figures are as of: the month's last day, "
        "or today while the month is still running",
    )
    as_of_today: bool
    elapsed_share: float
    planned_projects: int
    start_rate: float | None
    started: int
    planned_to_start: int
    completion_rate: float | None
    completed_wan: Money
    planned_investment_wan: Money
    funds_rate: float | None
    on_time_rate: float | None
    warnings: dict = Field(
        ...,
        description="projects by their light (red_projects, "
        "amber_projects, green_projects of projects) and rule_hits by rule",
    )
    problems: dict = Field(..., description="raised, open, overdue, closed, solved, closure_rate")
    overdue_problems: list[dict]
    overdue_problem_count: int


def _figures(month: str, unit: str | None) -> dict:
    try:
        return headline(_month(month), unit).as_json()
    except ValueError as exc:
        raise InputError({"month": str(exc)}) from None


@router.get("/progress/figures", response={200: FiguresOut, **READ})
def figures(request, month: str, unit: str | None = None):
    """A month's headline figures, as of the end of the month (today while it is still
    running: `as_of_today`): start and investment completion rates, warnings as projects
    and as rule hits, overdue problems with their days overdue, the problem closure rate.
    The same figures as the cockpit, the progress pages, the `figures` command and the
    monthly report."""
    _viewer(request)
    return _figures(month, _place(request, unit))


class CockpitOut(FiguresOut):
    plan_vs_completed: list[dict] = Field(
        ..., description="per month: planned pace, completed in the month and cumulatively"
    )


@router.get("/progress/cockpit", response={200: CockpitOut, **READ})
def cockpit(request, month: str, unit: str | None = None):
    """What the cockpit's progress panel shows: plan vs completed by month and the month's
    headline figures (as `/progress/figures`)."""
    _viewer(request)
    unit = _place(request, unit)
    m = _month(month)
    return {
        "plan_vs_completed": [
            {k: (float(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
            for row in queries.plan_vs_completed_by_month(m.year, unit, m)
        ],
        **_figures(month, unit),
    }


# --------------------------------------------------------------------------- problems


@router.get("/progress/problems", response={200: list[ProblemOut], **READ})
def list_problems(
    request,
    status: ProblemStatusValue | None = None,
    overdue: bool = False,
    project: str | None = None,
    on: datetime.date | None = None,
):
    """Problems; `overdue_days` and the `overdue` filter are counted as of the day `on`
    (today when not given)."""
    _viewer(request)
    on = on or timezone.localdate()
    qs = Problem.objects.select_related("project", "department").order_by("deadline", "id")
    if status:
        qs = qs.filter(status=status)
    if project:
        qs = qs.filter(project__code=project)
    if overdue:
        qs = qs.filter(facts_mod.open_filter(on), deadline__lt=on)
    rows = list(qs[:1000])
    for problem in rows:
        problem.overdue_days = problem.days_overdue(on)
    return rows


@router.post("/progress/projects/{code}/problems", response={201: ProblemOut, **WRITE})
def create_problem(request, code: str, payload: ProblemIn):
    data = payload.model_dump(exclude_unset=True)
    problem = services.create_problem(user=request.auth, project=_project(code), data=data)
    return Status(201, Problem.objects.select_related("project", "department").get(pk=problem.pk))


@router.patch("/progress/problems/{problem_id}", response={200: ProblemOut, **UPDATE})
def update_problem(request, problem_id: int, payload: ProblemPatch):
    """Change a problem; closing (solved, cannot_solve) needs the resolution. `version` is
    required (428 without it, 409 when stale)."""
    problem = Problem.objects.select_related("project").filter(pk=problem_id).first()
    if problem is None:
        raise HttpError(404, _("Not found."))
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    version = data.pop("version", None)
    services.update_problem(
        user=request.auth, problem=problem, data=data, reason=reason, expected_version=version
    )
    return Problem.objects.select_related("project", "department").get(pk=problem_id)


# --------------------------------------------------------------------------- lists, events


def _list_out(plist) -> dict:
    return {
        "id": plist.pk,
        "name": plist.name,
        "level": plist.level,
        "year": plist.year,
        "issuer": plist.issuer,
        "declared_project_count": plist.declared_project_count,
        "planned_investment_wan": plist.planned_investment_wan,
        "members": plist.members,
    }


@router.get("/progress/lists", response={200: list[ListOut], **READ})
def list_lists(request, year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX)):
    _viewer(request)
    return [_list_out(p) for p in queries.lists_overview(year)]


@router.get("/progress/lists/{list_id}", response={200: ListReportOut, **READ})
def list_report(request, list_id: int, month: str | None = None):
    """The list's report: members, planned investment, completed to date, rate."""
    _viewer(request)
    plist = queries.lists_overview().filter(pk=list_id).first()
    if plist is None:
        raise HttpError(404, _("Not found."))
    report = queries.list_report(plist, _month(month) if month else None)
    return {
        "list": _list_out(plist),
        "month": str(report["month"]),
        "planned_total_wan": report["planned_total_wan"],
        "completed_total_wan": report["completed_total_wan"],
        "rate": _share(report["rate"]),
        "members": [
            {
                "project_code": r["project"].code,
                "project_name": r["project"].name,
                "planned_wan": r["planned_wan"],
                "completed_wan": r["completed_wan"],
                "rate": _share(r["rate"]),
                "is_synthetic": r["project"].is_synthetic,
                "planned_is_synthetic": r["planned_synthetic"],
                "completed_is_synthetic": r["completed_synthetic"],
            }
            for r in report["rows"]
        ],
    }


@router.get("/progress/events", response={200: list[EventOut], **READ})
def list_events(request):
    _viewer(request)
    rows = BatchEvent.objects.annotate(n=Count("projects")).order_by("-date", "name")
    return [
        {
            "id": e.pk,
            "name": e.name,
            "kind": e.kind,
            "date": e.date,
            "date_precision": e.date_precision,
            "place": e.place,
            "declared_project_count": e.declared_project_count,
            "declared_total_wan": e.declared_total_wan,
            "projects": e.n,
            "status": e.status,
        }
        for e in rows
    ]


# --------------------------------------------------------------------------- planned events


class ProposalOut(Schema):
    project_code: str
    project_name: str
    kind: Literal["start", "completion", "signing"]
    ready: bool
    blockers: list[str]
    planned_month: str
    unit: str
    total_investment_wan: Money
    is_synthetic: bool


class EventPlanIn(WriteSchema):
    kind: Literal[tuple(event_plan.PLANNABLE)]  # type: ignore[valid-type]
    month: str = Field(description="The month of the event's window, e.g. 2023-09")
    name: str
    date: str | None = Field(None, description="The day of the event, inside the month")
    place: str = ""
    projects: list[str] = Field(default_factory=list, description="Project codes")


class VersionIn(WriteSchema):
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


class EventReportRow(Schema):
    project_code: str
    project_name: str
    stage: str
    done: bool
    done_on: datetime.date | None
    total_investment_wan: Money
    is_synthetic: bool


class EventReportOut(Schema):
    id: int
    status: str
    as_of: datetime.date | None
    running: bool
    count: int
    total_wan: Money
    done_count: int
    done_total_wan: Money
    done_rate: float | None
    projects: list[EventReportRow]


def _event(event_id: int) -> BatchEvent:
    event = BatchEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise HttpError(404, _("Not found."))
    return event


def _event_out(event: BatchEvent) -> dict:
    return {
        "id": event.pk,
        "name": event.name,
        "kind": event.kind,
        "date": event.date,
        "date_precision": event.date_precision,
        "place": event.place,
        "declared_project_count": event.declared_project_count,
        "declared_total_wan": event.declared_total_wan,
        "projects": event.projects.count(),
        "status": event.status,
    }


@router.get("/progress/events/plan", response={200: list[ProposalOut], **READ})
def plan_events(
    request,
    month: str,
    kind: Literal[tuple(event_plan.PLANNABLE)] = "start",  # type: ignore[valid-type]
):
    """The projects an event of `kind` in `month` would hold (any month, future ones too):
    ready ones first; the others with what blocks them (要素 not obtained by the end of
    the month, paused, not started for a completion)."""
    _viewer(request)
    try:
        parsed = Month.parse(month)
    except ValueError as exc:
        raise InputError({"month": str(exc)}) from None
    return [c.as_json() for c in event_plan.propose(kind, parsed, user=request.auth)]


@router.post("/progress/events", response={201: EventOut, **WRITE})
def create_event(request, payload: EventPlanIn):
    """Draft an event with its projects (the 发改委's side)."""
    event = event_services.plan_event(
        user=request.auth,
        kind=payload.kind,
        month=payload.month,
        name=payload.name,
        date=payload.date,
        place=payload.place,
        codes=payload.projects,
    )
    return Status(201, _event_out(event))


@router.post("/progress/events/{event_id}/publish", response={200: EventOut, **WRITE})
def publish_event(request, event_id: int, payload: VersionIn):
    """Publish a drafted event with its list."""
    event = event_services.publish_event(
        user=request.auth, event=_event(event_id), expected_version=payload.version
    )
    return _event_out(event)


@router.get("/progress/events/{event_id}/report", response={200: EventReportOut, **READ})
def event_report(request, event_id: int):
    """The event's report as of the end of its window (today while it runs): each project
    done or not from its stage dates, and the totals (each investment once)."""
    _viewer(request)
    event = _event(event_id)
    return {"id": event.pk, "status": event.status, **event_plan.event_report(event).as_json()}


@router.post("/progress/events/{event_id}/report", response={200: EventOut, **WRITE})
def mark_event_reported(request, event_id: int, payload: VersionIn):
    """Mark a published event reported, once its window is over."""
    event = event_services.mark_reported(
        user=request.auth, event=_event(event_id), expected_version=payload.version
    )
    return _event_out(event)


@router.get("/progress/events/{event_id}", response={200: EventDetail, **READ})
def get_event(request, event_id: int):
    """A batch event with its projects and their total (each investment once)."""
    _viewer(request)
    event = BatchEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise HttpError(404, _("Not found."))
    projects, totals, synthetic = queries.event_projects(event)
    return {
        "id": event.pk,
        "name": event.name,
        "kind": event.kind,
        "date": event.date,
        "date_precision": event.date_precision,
        "place": event.place,
        "declared_project_count": event.declared_project_count,
        "declared_total_wan": event.declared_total_wan,
        "projects": totals["count"],
        "status": event.status,
        "recorded_total_wan": totals["total"],
        "synthetic_projects": synthetic,
        "items": list(projects),
    }
