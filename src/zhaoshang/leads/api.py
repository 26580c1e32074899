"""`/leads`: the lead pipeline in the JSON API. Reads through `leads.access` and
`leads.queries` (the list page's own filters); writes through `leads.services`; the team
figures from `leads.figures.team_figures`, as on the page and the cockpit.

An update sends the `version` it read (a GET answers it): without it 428, and 409 with the
current version when the lead was saved since (the services' own check, `expected_version`);
a stage move may send it too.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from zhaoshang.api.schemas import PAGE_DESCRIPTION, PAGE_MAX, Conflict, Detail, FieldErrors
from zhaoshang.core.errors import InputError
from zhaoshang.enterprises.models import (
    LEAD_STAGE_ORDER,
    InteractionKind,
    Lead,
    LeadOrigin,
    LeadStatus,
)
from zhaoshang.leads import access, contacts_api, listing, rules, services, sla
from zhaoshang.leads.figures import team_figures
from zhaoshang.leads.queries import LeadFilters, filter_leads, with_related
from zhaoshang.progress.months import Month
from zhaoshang.projects.services import require_version

router = Router(tags=["leads"])
router.add_router("", contacts_api.router)  # the firms met at events, one step from a lead

READ_ERRORS = {401: Detail, 404: Detail, 422: FieldErrors}  # 422: an id that is not a number
WRITE_ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 422: FieldErrors}
UPDATE_ERRORS = {**WRITE_ERRORS, 409: Conflict, 428: Detail}
MOVE_ERRORS = {**WRITE_ERRORS, 409: Conflict}

LeadStageValue = Literal[tuple(LEAD_STAGE_ORDER)]  # type: ignore[valid-type]
LeadStatusValue = Literal[(*LeadStatus.values, "open")]  # type: ignore[valid-type]
KindValue = Literal[tuple(InteractionKind.values)]  # type: ignore[valid-type]
OriginValue = Literal[tuple(LeadOrigin.values)]  # type: ignore[valid-type]
QualifierValue = Literal["exact", "at_least", "approx", "at_most"]


# --------------------------------------------------------------------------- schemas


class Named(Schema):
    id: int
    name: str


class CodeName(Schema):
    code: str
    name: str


class Missing(Schema):
    key: str
    label: str


class LeadOut(Schema):
    id: int
    title: str
    enterprise: Named | None
    stage: str
    stage_label: str
    status: str
    status_label: str
    status_reason: str
    owner: str | None = Field(description="The owner's user name")
    team: Named | None
    chain: CodeName | None
    chain_node: str | None = Field(description="chain-code/node-code")
    unit: CodeName | None = Field(description="Intended location (township unit)")
    estimated_investment_wan: Decimal | None
    estimated_investment_qualifier: str
    estimated_investment_text: str
    origin: str
    next_action: str
    next_action_date: datetime.date | None
    expected_signing_on: datetime.date | None
    last_contact_on: datetime.date | None
    days_since_contact: int | None
    due_on: datetime.date | None
    due_kind: str
    overdue: bool
    project: str | None = Field(description="Code of the ledger project it became")
    is_synthetic: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int = Field(description="Send it back with an update")


class LeadDetail(LeadOut):
    description: str
    origin_note: str
    origin_event: Named | None = Field(description="The event it came from (origin: event)")
    missing_to_advance: list[Missing] = Field(description="What the next stage asks for")
    reminders: list[str]


class LeadPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[LeadOut]


class LeadFiltersIn(Schema):
    q: str | None = Field(None, max_length=100, description="Title, enterprise name or alias")
    stage: LeadStageValue | None = None
    status: LeadStatusValue | None = Field(None, description="open = active or paused")
    team: str | None = Field(None, max_length=100, description="Team id or name")
    owner: str | None = Field(None, max_length=150, description="Owner's user name or id")
    chain: str | None = Field(None, max_length=40, description="Chain code")
    overdue: bool = False
    mine: bool = Field(False, description="Only the caller's own leads")
    is_synthetic: bool | None = None
    page: int = Field(1, ge=1, le=PAGE_MAX, description=PAGE_DESCRIPTION)
    page_size: int = Field(50, ge=1, le=500)


class LeadFieldsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, max_length=300)
    enterprise: str | None = Field(
        None, max_length=400, description="Credit code or name (aliases too)"
    )
    description: str | None = Field(None, max_length=20000)
    estimated_investment: str | None = Field(
        None, max_length=200, description="As written: 约5亿元, 超10亿, 1.5亿美元"
    )
    estimated_investment_wan: Decimal | None = Field(None, description="Or a number in 万元")
    estimated_investment_qualifier: QualifierValue | None = None
    chain: str | None = Field(None, max_length=100, description="Chain code or name")
    node: str | None = Field(None, max_length=200, description="Node id or chain-code/node-code")
    unit: str | None = Field(None, max_length=100, description="Township unit code or name")
    origin: OriginValue | None = None
    origin_note: str | None = Field(None, max_length=300)
    next_action: str | None = Field(None, max_length=300)
    next_follow_up: str | None = Field(None, max_length=40, description="Next action date")
    expected_signing_on: str | None = Field(None, max_length=40)
    is_synthetic: bool | None = None


class LeadIn(LeadFieldsIn):
    title: str = Field(..., max_length=300)
    owner: str | None = Field(None, max_length=150, description="User name or id (default: you)")
    team: str | None = Field(None, max_length=100, description="Team id or name")


class LeadPatch(LeadFieldsIn):
    version: int | None = Field(None, description="The version the change is based on")
    reason: str = Field("", max_length=300)


class StageMoveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    to: LeadStageValue
    on: str | None = Field(None, max_length=40, description="Date of the move (default today)")
    note: str = Field("", max_length=300)
    version: int | None = Field(None, description="The version read; 409 if saved since")


class InteractionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: KindValue = "visit"
    date: str = Field(..., max_length=40)
    place: str = Field("", max_length=200)
    our_participants: str = Field("", max_length=300)
    their_participants: str = Field("", max_length=300)
    notes: str = Field("", max_length=20000)
    outcome: str = Field("", max_length=300)
    next_step: str = Field("", max_length=300)
    next_step_on: str | None = Field(None, max_length=40)
    is_synthetic: bool | None = None


class InteractionOut(Schema):
    id: int
    kind: str
    kind_label: str
    date: datetime.date
    place: str
    our_participants: str
    their_participants: str
    notes: str
    outcome: str
    next_step: str
    by: str | None
    is_synthetic: bool


class FiguresGroup(Schema):
    key: int | str | None
    label: str
    leads: int
    by_stage: dict[str, int]
    lost: int
    signed: int = Field(description="Leads that had reached 签约 by the day")
    conversion_rate: float | None
    median_days: dict[str, float | None] = Field(description="Over the stays ended by the day")
    won_projects: int
    planned_to_start: int
    started_on_time: int
    performance_rate: float | None = Field(description="履约率")
    planned_investment_wan: Decimal
    funds_in_place_wan: Decimal
    funds_rate: float | None = Field(description="资金到位率 of the won projects")


class FiguresOut(Schema):
    month: str
    as_of: datetime.date
    total: FiguresGroup
    by_team: list[FiguresGroup]
    by_unit: list[FiguresGroup]
    by_chain: list[FiguresGroup]


class FiguresQuery(Schema):
    month: str | None = Field(None, max_length=20, description="2024-06; default this month")


# --------------------------------------------------------------------------- helpers


def _out(lead: Lead, today: datetime.date) -> dict[str, Any]:
    return {
        **listing.row(lead, today),
        "title": lead.title,
        "enterprise": {"id": lead.enterprise_id, "name": lead.enterprise.name}
        if lead.enterprise_id else None,
        "stage_label": lead.get_stage_display(),
        "status_label": lead.get_status_display(),
        "status_reason": lead.status_reason,
        "team": {"id": lead.team_id, "name": lead.team.name} if lead.team_id else None,
        "chain": {"code": lead.chain.code, "name": lead.chain.name} if lead.chain_id else None,
        "unit": {"code": lead.unit.code, "name": str(lead.unit)} if lead.unit_id else None,
        "estimated_investment_wan": lead.estimated_investment_wan,
        "estimated_investment_qualifier": lead.estimated_investment_qualifier,
        "estimated_investment_text": lead.estimated_investment_text,
        "origin": lead.origin,
        "next_action": lead.next_action,
        "next_action_date": lead.next_follow_up,
        "expected_signing_on": lead.expected_signing_on,
        "last_contact_on": lead.last_contact_on,
        "due_on": lead.due_on,
        "due_kind": lead.due_kind,
        "project": lead.project.code if lead.project_id else None,
        "is_synthetic": lead.is_synthetic,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
        "version": lead.version,
    }  # fmt: skip


def _detail(user, pk: int) -> dict[str, Any]:
    lead = with_related(access.leads_visible_to(user)).get(pk=pk)
    today = timezone.localdate()
    return {
        **_out(lead, today),
        "description": lead.description,
        "origin_note": lead.origin_note,
        "origin_event": (
            {"id": lead.origin_event_id, "name": lead.origin_event.name}
            if lead.origin_event_id
            else None
        ),
        "missing_to_advance": [m._asdict() for m in rules.missing_to_advance(lead)],
        "reminders": sla.reminders(lead, today=today),
    }


def _visible(request, lead_id: int) -> Lead:
    try:
        return access.get_lead_for_view(request.auth, lead_id)
    except Lead.DoesNotExist:
        raise HttpError(
            404, _("No lead %(id)s, or it is not one of yours.") % {"id": lead_id}
        ) from None


def _fields(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if data.get("estimated_investment_wan") is not None:
        data["estimated_investment_wan"] = str(data["estimated_investment_wan"])
    return data


def _resolved_filters(filters: LeadFiltersIn) -> dict[str, str]:
    """The list page's parameters from the API's, with the owner and team resolved by the
    services' resolvers (an unknown one is refused naming it, never silently ignored)."""
    params: dict[str, str] = {}
    errors = {}
    for key in ("q", "stage", "status", "chain"):
        value = getattr(filters, key)
        if value:
            params[key] = value
    if filters.team:
        team = services.resolve_team(filters.team)
        if team is None:
            errors["team"] = _("unknown team “%(value)s”") % {"value": filters.team[:80]}
        else:
            params["team"] = str(team.pk)
    if filters.owner:
        owner = services.resolve_user(filters.owner)
        if owner is None:
            errors["owner"] = _("unknown user “%(value)s”") % {"value": filters.owner[:80]}
        else:
            params["owner"] = str(owner.pk)
    if errors:
        raise InputError(errors)
    if filters.overdue:
        params["overdue"] = "1"
    if filters.mine:
        params["mine"] = "1"
    if filters.is_synthetic is not None:
        params["synthetic"] = "synthetic" if filters.is_synthetic else "real"
    return params


# --------------------------------------------------------------------------- routes


@router.get("/leads", response={200: LeadPage, **READ_ERRORS, 422: FieldErrors})
def list_leads(request, filters: Query[LeadFiltersIn]):
    """The leads the caller may see, filtered as the list page filters them, the earliest
    deadline first."""
    f = LeadFilters.from_params(_resolved_filters(filters))
    qs = filter_leads(access.leads_visible_to(request.auth), f, user=request.auth)
    start = (filters.page - 1) * filters.page_size
    today = timezone.localdate()
    items = with_related(qs).order_by("due_on", "-created_at", "pk")[
        start : start + filters.page_size
    ]
    return {
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_out(lead, today) for lead in items],
    }


@router.get("/leads/figures", response={200: FiguresOut, **READ_ERRORS, 422: FieldErrors})
def lead_figures(request, query: Query[FiguresQuery]):
    """Team figures as of the month's end (today while it runs): leads by stage, conversion
    rate, median days per stage, 履约率 and 资金到位率 of won projects; per team, town, chain."""
    month = None
    if query.month:
        try:
            month = Month.parse(query.month)
        except ValueError as exc:
            raise InputError({"month": str(exc)}) from None
        if month.is_future():
            raise InputError({"month": _("%(value)s is in the future") % {"value": month}})
    return team_figures(request.auth, month).as_json()


@router.post("/leads", response={201: LeadDetail, **WRITE_ERRORS})
def create_lead(request, payload: LeadIn):
    """Record a lead at 线索, active; owner defaults to the caller."""
    lead = services.create_lead(user=request.auth, **_fields(payload))
    return Status(201, _detail(request.auth, lead.pk))


@router.get("/leads/{lead_id}", response={200: LeadDetail, **READ_ERRORS})
def get_lead(request, lead_id: int):
    return _detail(request.auth, _visible(request, lead_id).pk)


@router.patch("/leads/{lead_id}", response={200: LeadDetail, **UPDATE_ERRORS})
def update_lead(request, lead_id: int, payload: LeadPatch):
    """Change the fields sent (stage, status, owner and team have their own actions).
    `version` (from the GET) is required: 428 without it, 409 if the lead was saved since."""
    lead = _visible(request, lead_id)
    access.check_can_edit(request.auth, lead)  # a caller who may not edit hears that first
    data = _fields(payload)
    reason = data.pop("reason", "")
    version = require_version(data.pop("version", None), what=_("lead"))
    services.update_lead(user=request.auth, lead=lead, data=data, reason=reason,
                         expected_version=version)  # fmt: skip
    return _detail(request.auth, lead.pk)


@router.post("/leads/{lead_id}/stage", response={200: LeadDetail, **MOVE_ERRORS})
def advance_lead(request, lead_id: int, payload: StageMoveIn):
    """Move the lead to a stage; forward moves are refused (422) naming what is missing."""
    lead = services.advance_lead(user=request.auth, lead=_visible(request, lead_id),
                                 to_stage=payload.to, on=payload.on, note=payload.note,
                                 expected_version=payload.version)  # fmt: skip
    return _detail(request.auth, lead.pk)


def _interaction(visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "kind": visit.kind,
        "kind_label": visit.get_kind_display(),
        "date": visit.visited_on,
        "place": visit.place,
        "our_participants": visit.our_participants,
        "their_participants": visit.their_participants,
        "notes": visit.summary,
        "outcome": visit.outcome,
        "next_step": visit.next_step,
        "by": visit.by.username if visit.by_id else None,
        "is_synthetic": visit.is_synthetic,
    }


@router.get("/leads/{lead_id}/interactions",
            response={200: list[InteractionOut], **READ_ERRORS})  # fmt: skip
def list_interactions(request, lead_id: int):
    """The lead's visits, meetings, calls and messages, newest first."""
    return [_interaction(v) for v in services.interactions_of(_visible(request, lead_id))]


@router.post("/leads/{lead_id}/interactions",
             response={201: InteractionOut, **WRITE_ERRORS})  # fmt: skip
def add_interaction(request, lead_id: int, payload: InteractionIn):
    """Record a visit, meeting, call or message; the lead's last contact, next action and
    deadline move with it."""
    data = payload.model_dump(exclude_unset=True)
    data.setdefault("kind", payload.kind)
    visit = services.add_interaction(user=request.auth, lead=_visible(request, lead_id), data=data)
    return Status(201, _interaction(visit))
