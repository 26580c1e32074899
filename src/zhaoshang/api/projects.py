"""`/projects`: the ledger. Reads go through `access` and `queries`; writes through `services`."""

from __future__ import annotations

from typing import Literal

from django.db.models import Case, F, IntegerField, Prefetch, Value, When
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from zhaoshang.core.errors import InputError
from zhaoshang.core.history import history_for
from zhaoshang.projects import quality, services
from zhaoshang.projects.access import check_can_edit, get_project_for_view, projects_visible_to
from zhaoshang.projects.models import STAGE_ORDER, Project, ProjectInvestor, ProjectSource
from zhaoshang.projects.queries import filter_projects, find_unit_code, ledger_totals
from zhaoshang.regions.home import find_region

from .schemas import (
    PAGE_DESCRIPTION,
    PAGE_MAX,
    Conflict,
    Detail,
    FieldErrors,
    HistoryEntry,
    ProjectDetail,
    ProjectIn,
    ProjectPage,
    ProjectPatch,
    StageIn,
    StageValue,
    StatusIn,
    StatusValue,
)

router = Router(tags=["projects"])

READ_ERRORS = {401: Detail, 404: Detail}
# 400: a body that is not JSON, or JSON holding a lone surrogate (errors.TextParser)
WRITE_ERRORS = {
    400: Detail,
    401: Detail,
    403: Detail,
    404: Detail,
    409: Conflict,
    422: FieldErrors,
}
UPDATE_ERRORS = {**WRITE_ERRORS, 428: Detail}

ORDER_KEYS = ("total_investment_wan", "code", "name", "stage", "status", "updated_at", "created_at")
OrderValue = Literal[tuple(k for key in ORDER_KEYS for k in (key, f"-{key}"))]  # type: ignore[valid-type]


class ProjectFilters(Schema):
    q: str | None = Field(
        None, description="Part of the project's name, or of an investor's name or alias (采埃孚)"
    )
    stage: StageValue | None = None
    status: StatusValue | None = None
    unit: str | None = Field(
        None,
        description="Township unit: code, name or alias (冶金园); or a county or city of the "
        "home region (常熟市, 320581): the units under it",
    )
    industry: str | None = Field(
        None, description="GB/T 4754-2017: a section letter (C) or a code prefix (38, 3841)"
    )
    is_synthetic: bool | None = None
    order: OrderValue = "-total_investment_wan"
    page: int = Field(1, ge=1, le=PAGE_MAX, description=PAGE_DESCRIPTION)
    page_size: int = Field(50, ge=1, le=500)


def _order_by(order: str) -> list:
    descending = order.startswith("-")
    key = order.lstrip("-")
    if key == "stage":
        expr = Case(
            *[When(stage=s, then=Value(i)) for i, s in enumerate(STAGE_ORDER)],
            output_field=IntegerField(),
        )
    else:
        expr = F(key)
    # Unknown amounts go last either way, the same on SQLite and PostgreSQL.
    first = expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True)
    return [first, "code"]


def _with_relations(qs):
    """What a project summary shows, in a fixed number of queries whatever the rows."""
    return qs.select_related("unit", "industry", "chain").prefetch_related(
        Prefetch(
            "investor_links",
            queryset=ProjectInvestor.objects.select_related("enterprise").order_by("id"),
        )
    )


def _detail(pk: int) -> Project:
    return (
        _with_relations(Project.objects.select_related("parent"))
        .prefetch_related(
            "stage_dates",
            "phases",
            Prefetch(
                "projectsource_set",
                queryset=ProjectSource.objects.select_related("source").order_by("id"),
            ),
        )
        .get(pk=pk)
    )


def _visible(request, code: str) -> Project:
    try:
        return get_project_for_view(request.auth, code)
    except Project.DoesNotExist:
        raise HttpError(404, _("No project with code “%(code)s”.") % {"code": code}) from None


@router.get("/projects", response={200: ProjectPage, **READ_ERRORS, 422: FieldErrors})
def list_projects(request, filters: Query[ProjectFilters]):
    """Projects matching the filters, largest first, with the total over all of them."""
    if filters.unit and find_unit_code(filters.unit) is None and find_region(filters.unit) is None:
        raise InputError(
            {"unit": _("unknown township unit “%(value)s”") % {"value": filters.unit.strip()}}
        )
    qs = filter_projects(
        projects_visible_to(request.auth),
        q=filters.q or "",
        stage=filters.stage or "",
        status=filters.status or "",
        unit=filters.unit or "",
        industry=filters.industry or "",
        is_synthetic=filters.is_synthetic,
    )
    totals = ledger_totals(qs)
    start = (filters.page - 1) * filters.page_size
    items = _with_relations(qs).order_by(*_order_by(filters.order))[
        start : start + filters.page_size
    ]
    return {
        "count": totals["count"],
        "page": filters.page,
        "page_size": filters.page_size,
        "total_investment_wan": totals["total"],
        "phases_counted_in_parent": totals["phases"],
        "phases_investment_wan": totals["phases_total"],
        "items": list(items),
    }


@router.get("/projects/{path:code}/history", response={200: list[HistoryEntry], **READ_ERRORS})
def project_history(request, code: str):
    """Every change, newest first: who, when, what (field: [before, after]) and why."""
    return list(history_for(_visible(request, code)))


@router.post("/projects", response={201: ProjectDetail, **WRITE_ERRORS})
def create_project(request, payload: ProjectIn):
    """Create a project. Amounts as written (`超100亿元`) or as numbers in 万元 with a qualifier."""
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    project = services.create_project(user=request.auth, data=data, reason=reason)
    return Status(201, _detail(project.pk))


@router.post("/projects/{path:code}/stage", response={200: ProjectDetail, **WRITE_ERRORS})
def change_stage(request, code: str, payload: StageIn):
    """Move forward (records the stage's date) or back (needs a reason)."""
    project = services.change_stage(
        user=request.auth,
        project=_visible(request, code),
        to=payload.to,
        on=payload.on,
        reason=payload.reason,
    )
    return _detail(project.pk)


@router.post("/projects/{path:code}/status", response={200: ProjectDetail, **WRITE_ERRORS})
def set_status(request, code: str, payload: StatusIn):
    """On track, delayed, paused or dropped; all but on track need a reason."""
    project = services.set_status(
        user=request.auth,
        project=_visible(request, code),
        status=payload.status,
        reason=payload.reason,
        on=payload.on,
    )
    return _detail(project.pk)


# --------------------------------------------------------------------------- data quality


class QualityFinding(Schema):
    project_code: str
    project_name: str
    unit_code: str = Field(description="Township unit code; empty while the site is undecided")
    unit: str
    rule: str
    rule_label: str
    severity: Literal["error", "warning"]
    severity_label: str
    message: str = Field(description="What disagrees, with the values, in the caller's language")
    is_synthetic: bool


class QualityRuleCount(Schema):
    rule: str
    label: str
    severity: Literal["error", "warning"]
    projects: int = Field(description="Projects the rule flags (each counted once)")


class QualityUnit(Schema):
    unit_code: str = Field(description="Empty for projects whose site is undecided")
    unit: str
    projects: int
    findings: int
    by_rule: dict[str, int] = Field(description="Projects flagged, per rule")


class QualityReport(Schema):
    projects: int = Field(description="Projects with at least one finding")
    findings: int
    by_rule: list[QualityRuleCount]
    by_unit: list[QualityUnit]
    count: int = Field(description="Findings listed (of the rule asked for), over all pages")
    page: int
    page_size: int
    items: list[QualityFinding]


class QualityFilters(Schema):
    unit: str | None = Field(None, description="Township unit: code, name or alias (冶金园)")
    rule: Literal[tuple(quality.Check.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Only the findings of this rule (the counts stay for all rules)"
    )
    page: int = Field(1, ge=1, le=PAGE_MAX, description=PAGE_DESCRIPTION)
    page_size: int = Field(100, ge=1, le=1000)


@router.get("/quality", response={200: QualityReport, **READ_ERRORS, 422: FieldErrors})
def quality_report(request, filters: Query[QualityFilters]):
    """Data-quality findings of the ledger (never blocking): stage against monthly reports,
    amounts against plans, dates after today, plans for projects not signed or dropped."""
    qs = projects_visible_to(request.auth)
    if filters.unit:
        qs = qs.filter(unit_id=quality.unit_code(filters.unit))
    found = quality.check(qs)
    units, total = quality.summarise(found)
    listed = [f for f in found if not filters.rule or f.rule == filters.rule]
    start = (filters.page - 1) * filters.page_size
    return {
        "projects": total.projects,
        "findings": total.findings,
        "by_rule": [
            {
                "rule": str(r.code),
                "label": str(r.code.label),
                "severity": str(r.severity),
                "projects": total.by_rule[str(r.code)],
            }
            for r in quality.RULES
        ],
        "by_unit": units,
        "count": len(listed),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": listed[start : start + filters.page_size],
    }


@router.get("/projects/{path:code}/quality", response={200: list[QualityFinding], **READ_ERRORS})
def project_quality(request, code: str):
    """One project's data-quality findings."""
    return quality.check_project(_visible(request, code))


# The routes of one project by its code come last: `{path:code}` also matches "/", so that a
# code stored with "/" before codes were validated can still be read and fixed, and the
# longer routes (/history, /stage, ...) must be tried before it.


@router.get("/projects/{path:code}", response={200: ProjectDetail, **READ_ERRORS})
def get_project(request, code: str):
    return _detail(_visible(request, code).pk)


@router.patch("/projects/{path:code}", response={200: ProjectDetail, **UPDATE_ERRORS})
def update_project(request, code: str, payload: ProjectPatch):
    """Change the fields sent. `version` (from the GET) is required: without it 428
    Precondition Required, and 409 Conflict if someone saved since."""
    project = _visible(request, code)
    check_can_edit(request.auth, project)  # a caller who may not edit hears that first
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    version = services.require_version(data.pop("version", None), what=_("project"))
    project = services.update_project(
        user=request.auth, project=project, data=data, expected_version=version, reason=reason
    )
    return _detail(project.pk)
