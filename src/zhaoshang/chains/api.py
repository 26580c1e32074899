"""`/chains`, `/gaps`, `/chain-placements`, `/chains/classify`: chain maps, node strength,
targets with their score parts, a person's word on placements, leads from targets."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from zhaoshang.api.schemas import Conflict, Detail, FieldErrors
from zhaoshang.chains import gaps, services
from zhaoshang.chains.access import can_view
from zhaoshang.chains.models import Chain, Node, Placement, ProjectPlacement
from zhaoshang.chains.queries import find_chain, reinvestment_cadence
from zhaoshang.chains.targets import rank_targets
from zhaoshang.chains.taxonomy import chain_to_yaml
from zhaoshang.core.errors import InputError

router = Router(tags=["chains"])
# What each operation can answer besides its success, in the shapes of `zhaoshang.api.errors`:
# 400 a body that is not JSON (or not text), 401 not signed in, 403 an account with no role
# (reads) or not allowed (writes), 404 no such chain, node or row, 422 a path, query or body
# value refused (field by field). Nothing here takes a `version`: chains are replaced whole
# by an import, placements are decided (confirmed or removed), not edited.
READ = {401: Detail, 403: Detail, 404: Detail}  # text path parameters
READ_QUERY = {**READ, 422: FieldErrors}  # with query parameters or an integer in the path
LIST = {401: Detail, 403: Detail}  # no parameters
ADD = {400: Detail, 401: Detail, 403: Detail, 422: FieldErrors}  # a body, no path
WRITE = {**ADD, 404: Detail}
ClassValue = Literal["strong", "weak", "missing"]


def _viewer(request):
    if not can_view(request.auth):
        raise HttpError(403, _("Your account has no role."))


def _chain(code: str) -> Chain:
    chain = find_chain(code)
    if chain is None:
        raise HttpError(404, _("No chain “%(code)s”.") % {"code": code})
    return chain


def _node(code: str, node_code: str) -> Node:
    chain = _chain(code)
    node = chain.nodes.filter(code=node_code).first()
    if node is None:
        raise HttpError(
            404, _("No node “%(node)s” in %(chain)s.") % {"node": node_code, "chain": chain.name}
        )
    return node


class NodeGap(Schema):
    chain: str
    chain_code: str
    node: str
    node_code: str
    position: str
    class_: ClassValue = Field(..., alias="class")
    enterprises: int
    projects: int
    projects_by_stage: dict[str, int]
    expected_revenue_wan: int | None
    leaders: list[str]

    model_config = ConfigDict(populate_by_name=True)


class ChainSummary(Schema):
    code: str
    name: str
    name_en: str
    group: str
    nodes: int
    strong: int
    weak: int
    missing: int


class GapFilters(Schema):
    chain: str | None = Field(None, description="Chain code or name (新能源, new-energy)")
    class_: ClassValue | None = Field(None, alias="class", description="Only nodes of this class")


@router.get("/chains", response={200: list[ChainSummary], **LIST})
def list_chains(request):
    """The chains with their node counts by class (the rule: see `/gaps`)."""
    _viewer(request)
    stats = gaps.node_stats()
    out = []
    for chain in Chain.objects.order_by("order", "code"):
        mine = [s for s in stats if s.chain_id == chain.pk]
        out.append(
            {
                "code": chain.code, "name": chain.name, "name_en": chain.name_en,
                "group": chain.group, "nodes": len(mine),
                **{k: sum(1 for s in mine if s.klass == k) for k in gaps.CLASSES},
            }
        )  # fmt: skip
    return out


@router.get("/gaps", response={200: list[NodeGap], **READ_QUERY}, by_alias=True)
def list_gaps(request, filters: Query[GapFilters]):
    """Every node (or those of one chain, or of one class): strong, weak or missing, with
    local enterprises, projects by stage, expected revenue where known, chain leaders."""
    _viewer(request)
    chain_ids = [_chain(filters.chain).pk] if filters.chain else None
    stats = gaps.node_stats(chain_ids)
    if filters.class_:
        stats = [s for s in stats if s.klass == filters.class_]
    return [s.as_json() for s in stats]


YAML_MEDIA_TYPE = "application/yaml"  # RFC 9512
_TEXTS = {"type": "array", "items": {"type": "string"}}
# The document the YAML holds (`taxonomy.chain_to_yaml`), written out: a schema with
# references would point into the API's own components.
CHAIN_FILE_SCHEMA = {
    "type": "object",
    "required": ["code", "name", "nodes"],
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "name_en": {"type": "string"},
        "group": {"type": "string"},
        "description": {"type": "string"},
        "nodes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name", "position"],
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "name_en": {"type": "string"},
                    "position": {"type": "string"},
                    "parent": {"type": "string", "description": "The parent node's code"},
                    "description": {"type": "string"},
                    "products": _TEXTS,
                    "keywords": _TEXTS,
                    "industry_codes": _TEXTS,
                },
            },
        },
    },
}


@router.get(
    "/chains/{code}/export",
    # No response model for 200: the body is not JSON. Its content is declared below, so
    # the schema says what the operation answers (YAML text, as a download).
    response={200: None, **READ},
    openapi_extra={
        "responses": {
            200: {
                "description": "The chain file (a download named <code>.yaml)",
                "content": {YAML_MEDIA_TYPE: {"schema": CHAIN_FILE_SCHEMA}},
            }
        }
    },
)
def export_chain(request, code: str):
    """The chain as YAML (the format `POST /chains/import` reads)."""
    _viewer(request)
    chain = _chain(code)
    response = HttpResponse(chain_to_yaml(chain), content_type=f"{YAML_MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chain.code}.yaml"'
    return response


class ImportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(..., description="A chain file, see the user guide")
    reason: str = ""


@router.post("/chains/import", response={200: ChainSummary, **ADD})
def import_chain(request, payload: ImportIn):
    chain = services.import_chain(user=request.auth, text=payload.yaml, reason=payload.reason)
    mine = [s for s in gaps.node_stats([chain.pk])]
    return {
        "code": chain.code, "name": chain.name, "name_en": chain.name_en, "group": chain.group,
        "nodes": len(mine), **{k: sum(1 for s in mine if s.klass == k) for k in gaps.CLASSES},
    }  # fmt: skip


class PlacementOut(Schema):
    id: int
    kind: Literal["enterprise", "project"]
    object_id: int
    object_name: str
    node: str
    confidence: float
    origin: str
    is_active: bool
    evidence: dict[str, Any]
    note: str


def _placement_out(p) -> dict:
    is_enterprise = isinstance(p, Placement)
    obj = p.enterprise if is_enterprise else p.project
    return {
        "id": p.pk,
        "kind": "enterprise" if is_enterprise else "project",
        "object_id": obj.pk,
        "object_name": obj.name,
        "node": f"{p.node.chain.code}/{p.node.code}",
        "confidence": float(p.confidence),
        "origin": p.origin,
        "is_active": p.is_active,
        "evidence": p.evidence or {},
        "note": p.note,
    }


class NodeDetail(Schema):
    chain: str
    code: str
    name: str
    position: str
    description: str
    products: list[str]
    keywords: list[str]
    industry_codes: list[str]
    placements: list[PlacementOut]


@router.get("/chains/{code}/nodes/{node_code}", response={200: NodeDetail, **READ})
def get_node(request, code: str, node_code: str):
    """A node with every placement on it (enterprises and projects, with their evidence)."""
    _viewer(request)
    node = _node(code, node_code)
    placements = [
        *Placement.objects.filter(node=node).select_related("enterprise", "node__chain"),
        *ProjectPlacement.objects.filter(node=node).select_related("project", "node__chain"),
    ]
    return {
        "chain": node.chain.code, "code": node.code, "name": node.name,
        "position": node.position, "description": node.description,
        "products": node.products, "keywords": node.keywords,
        "industry_codes": node.industry_codes,
        "placements": [_placement_out(p) for p in placements],
    }  # fmt: skip


class WeightsQuery(Schema):
    fit: int | None = Field(None, ge=0, le=100)
    size: int | None = Field(None, ge=0, le=100)
    expansion: int | None = Field(None, ge=0, le=100)
    relationship: int | None = Field(None, ge=0, le=100)
    links: int | None = Field(None, ge=0, le=100)
    limit: int = Field(50, ge=1, le=500)


class PartOut(Schema):
    value: float
    weight: int
    why: str


class TargetOut(Schema):
    enterprise_id: int
    name: str
    country: str
    is_local: bool
    locality: Literal["local", "outside"] = Field(
        ..., description="local (本地): here already; outside (外地): not here yet"
    )
    place: str = Field(..., description="Where it is (深圳市南山区, 锦丰镇); empty when unknown")
    is_synthetic: bool
    score: float
    parts: dict[str, PartOut]


class TargetsOut(Schema):
    chain: str
    node: str
    weights: dict[str, int]
    targets: list[TargetOut]


@router.get("/chains/{code}/nodes/{node_code}/targets", response={200: TargetsOut, **READ_QUERY})
def node_targets(request, code: str, node_code: str, q: Query[WeightsQuery]):
    """Enterprises to attract for the node, best first, each score with its parts
    (fit, size, expansion, relationship, links: value 0–1, weight, why). Weights not given
    come from the stored default."""
    _viewer(request)
    node = _node(code, node_code)
    weights = services.default_weights()
    weights.update({k: v for k, v in q.dict(exclude={"limit"}).items() if v is not None})
    if not any(weights.values()):
        raise InputError({"fit": _("at least one weight must be above zero")})
    ranked = rank_targets(node, weights=weights, limit=q.limit)
    return {
        "chain": node.chain.name,
        "node": node.name,
        "weights": weights,
        "targets": [t.as_json() for t in ranked],
    }


class LeadIn(Schema):
    model_config = ConfigDict(extra="forbid")
    enterprise_id: int
    owner: str | None = Field(None, description="Username of the owner; you when absent")
    next_follow_up: datetime.date | None = Field(None, description="Default: in a week")
    note: str = ""


class LeadOut(Schema):
    id: int
    title: str
    origin_note: str
    owner: str | None
    next_follow_up: datetime.date | None


@router.post("/chains/{code}/nodes/{node_code}/leads", response={201: LeadOut, **WRITE})
def make_lead(request, code: str, node_code: str, payload: LeadIn):
    """Turn a target into a lead (origin chain_target, with the chain / node)."""
    from zhaoshang.enterprises.models import Enterprise

    node = _node(code, node_code)
    enterprise = get_object_or_404(Enterprise, pk=payload.enterprise_id)
    owner = None
    if payload.owner:
        owner = get_user_model().objects.filter(username=payload.owner).first()
        if owner is None:
            raise InputError({"owner": _("no user “%(value)s”") % {"value": payload.owner}})
    lead = services.make_lead(
        user=request.auth, node=node, enterprise=enterprise, owner=owner,
        next_follow_up=payload.next_follow_up, note=payload.note,
    )  # fmt: skip
    return Status(
        201,
        {
            "id": lead.pk,
            "title": lead.title,
            "origin_note": lead.origin_note,
            "owner": lead.owner.get_username() if lead.owner_id else None,
            "next_follow_up": lead.next_follow_up,
        },
    )


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    action: Literal["confirm", "remove"]
    kind: Literal["enterprise", "project"] = "enterprise"
    note: str = ""


@router.post("/chain-placements/{placement_id}", response={200: PlacementOut, **WRITE})
def decide_placement(request, placement_id: int, payload: DecisionIn):
    """A person confirms or removes a placement; later runs keep that word."""
    model = Placement if payload.kind == "enterprise" else ProjectPlacement
    placement = get_object_or_404(model.objects.select_related("node__chain"), pk=placement_id)
    action = (
        services.confirm_placement if payload.action == "confirm" else services.remove_placement
    )
    return _placement_out(action(user=request.auth, placement=placement, note=payload.note))


class AddPlacementIn(Schema):
    model_config = ConfigDict(extra="forbid")
    enterprise_id: int | None = None
    project_code: str | None = None
    note: str = ""


@router.post("/chains/{code}/nodes/{node_code}/placements", response={201: PlacementOut, **WRITE})
def add_placement(request, code: str, node_code: str, payload: AddPlacementIn):
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.projects.models import Project

    node = _node(code, node_code)
    enterprise = project = None
    if payload.enterprise_id is not None:
        enterprise = get_object_or_404(Enterprise, pk=payload.enterprise_id)
    if payload.project_code:
        project = get_object_or_404(Project, code=payload.project_code)
    placement = services.add_placement(
        user=request.auth, node=node, enterprise=enterprise, project=project, note=payload.note
    )
    return Status(201, _placement_out(placement))


class ClassifyRow(Schema):
    name: str = ""
    business_scope: str = ""
    industry_code: str = ""


class ClassifyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    rows: list[ClassifyRow] = Field(..., max_length=10000)
    min_confidence: float | None = Field(None, ge=0, le=1)


@router.post("/chains/classify", response={200: list[dict[str, Any]], **ADD})
def classify(request, payload: ClassifyIn):
    """Place rows without storing them: `[{"name", "nodes": [{"chain", "node", "confidence",
    "evidence"}]}]`, as `zhaoshang chains classify FILE.csv --format json` does."""
    _viewer(request)
    return services.classify_rows(
        [r.dict() for r in payload.rows], min_confidence=payload.min_confidence
    )


class CadenceOut(Schema):
    enterprise_id: int
    months: float | None
    basis: str
    computed_months: float | None
    stated_months: float | None
    stated_source: str
    projects: list[dict[str, Any]]


@router.get("/enterprises/{enterprise_id}/cadence", response={200: CadenceOut, **READ_QUERY})
def cadence(request, enterprise_id: int):
    """Reinvestment cadence: projects here over time and the mean months between them."""
    from zhaoshang.enterprises.models import Enterprise

    _viewer(request)
    enterprise = get_object_or_404(Enterprise, pk=enterprise_id)
    c = reinvestment_cadence(enterprise)

    def num(v):
        return float(v) if v is not None else None

    return {
        "enterprise_id": enterprise.pk, "months": num(c.months), "basis": c.basis,
        "computed_months": num(c.computed_months), "stated_months": num(c.stated_months),
        "stated_source": c.stated_source,
        "projects": [{**p, "date": p["date"].isoformat() if p["date"] else None} for p in c.projects],
    }  # fmt: skip


# --- who answers for a chain (链长, 副链长, 专班) and its tasks (强链、补链、延链) -----------


class OfficialOut(Schema):
    id: int
    version: int
    role: Literal["chief", "deputy", "lead_bureau"]
    name: str
    title: str
    unit: str
    phone: str
    is_synthetic: bool


class OfficialIn(Schema):
    model_config = ConfigDict(extra="forbid")
    role: Literal["chief", "deputy", "lead_bureau"]
    name: str
    title: str = ""
    unit: str = ""
    phone: str = ""


class TaskNoteOut(Schema):
    on: datetime.date
    text: str


class TaskOut(Schema):
    id: int
    version: int
    chain: str
    chain_name: str
    node: str | None
    node_name: str | None
    kind: Literal["strengthen", "fill", "extend"]
    goal: str
    target_count: int | None
    target_unit: str
    achieved_count: int | None
    owner: str
    deadline: datetime.date
    status: Literal["open", "in_progress", "done", "dropped"]
    done_on: datetime.date | None
    level: Literal["red", "amber", "green", "none"] = Field(
        ..., description="The light as of the month's end (see the user guide)"
    )
    is_synthetic: bool
    notes: list[TaskNoteOut] = Field(..., description="Progress notes, newest first")


class ChainLeaderOut(Schema):
    enterprise_id: int
    enterprise: str
    node: str | None


class ChainProgressOut(Schema):
    chain: str
    name: str
    as_of: datetime.date
    officials: list[OfficialOut]
    leaders: list[ChainLeaderOut] = Field(..., description="链主: anchor firms")
    lights: dict[str, int]
    done: int
    open: int
    tasks: list[TaskOut]


class MonthQuery(Schema):
    month: str | None = Field(
        None, description="YYYY-MM; lights as of its last day (default: today)"
    )


class DueQuery(MonthQuery):
    chain: str | None = Field(None, description="Chain code or name")


class TaskIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["strengthen", "fill", "extend"]
    goal: str
    owner: str = Field(..., description="A person or a bureau")
    deadline: datetime.date
    node: str | None = Field(None, description="Node code, when the task is on one node")
    target_count: int | None = Field(None, ge=0)
    target_unit: str = ""
    achieved_count: int | None = Field(None, ge=0)


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(..., description="The task's version the change is based on")
    text: str
    on: datetime.date | None = Field(None, description="Default: today")
    status: Literal["open", "in_progress", "done", "dropped"] | None = None
    achieved_count: int | None = Field(None, ge=0)
    done_on: datetime.date | None = None


def _month_of(value: str | None):
    from zhaoshang.progress.months import Month

    if not value:
        return None
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise InputError({"month": str(exc)}) from None


def _official_out(o) -> dict:
    return {"id": o.pk, "version": o.version, "role": o.role, "name": o.name, "title": o.title,
            "unit": o.unit, "phone": o.phone, "is_synthetic": o.is_synthetic}  # fmt: skip


def _task_out(task, month=None) -> dict:
    from zhaoshang.chains import tasks

    row = next(r for r in tasks.task_rows(chain=task.chain, month=month) if r.id == task.pk)
    return row.as_dict()


@router.get("/chains/{code}/tasks", response={200: ChainProgressOut, **READ_QUERY})
def chain_tasks(request, code: str, q: Query[MonthQuery]):
    """链长, 副链长, 专班, 链主 and the chain's tasks with their lights as of the month's end."""
    from zhaoshang.chains import tasks

    _viewer(request)
    chain = _chain(code)
    p = tasks.chain_progress(chain, _month_of(q.month))
    return {
        "chain": chain.code, "name": chain.name, "as_of": p["as_of"],
        "officials": [_official_out(o) for o in p["officials"]],
        "leaders": [{"enterprise_id": x.enterprise_id, "enterprise": x.enterprise.name,
                     "node": x.node.code if x.node_id else None} for x in p["leaders"]],
        "lights": p["lights"], "done": p["done"], "open": p["open"],
        "tasks": [r.as_dict() for r in p["tasks"]],
    }  # fmt: skip


@router.get("/chain-tasks", response={200: list[TaskOut], **READ_QUERY})
def due_chain_tasks(request, q: Query[DueQuery]):
    """Every chain's (or one chain's) tasks the month answers for: the deadline falls in
    it, or fell before it and the task was still open when it began."""
    from zhaoshang.chains import tasks

    _viewer(request)
    chain = _chain(q.chain) if q.chain else None
    rows = tasks.task_rows(chain=chain, month=_month_of(q.month), due_only=True)
    return [r.as_dict() for r in rows]


@router.post("/chains/{code}/tasks", response={201: TaskOut, **WRITE})
def add_chain_task(request, code: str, payload: TaskIn):
    from zhaoshang.chains import tasks

    chain = _chain(code)
    task = tasks.add_task(user=request.auth, chain=chain, data=payload.dict())
    return Status(201, _task_out(task))


@router.post("/chain-tasks/{task_id}/progress", response={200: TaskOut, 409: Conflict, **WRITE})
def chain_task_progress(request, task_id: int, payload: ProgressIn):
    """A dated progress note, with the new status and achieved count when given."""
    from zhaoshang.chains import tasks
    from zhaoshang.chains.models import ChainTask

    task = get_object_or_404(
        ChainTask.objects.select_related("chain"), pk=task_id, removed_at__isnull=True
    )
    task = tasks.record_progress(
        user=request.auth, task=task, expected_version=payload.version, on=payload.on,
        text=payload.text, status=payload.status, achieved_count=payload.achieved_count,
        done_on=payload.done_on,
    )  # fmt: skip
    return _task_out(task)


@router.post("/chains/{code}/officials", response={201: OfficialOut, **WRITE})
def add_chain_official(request, code: str, payload: OfficialIn):
    """Add a 链长, 副链长 or the lead bureau / 专班 of a chain."""
    from zhaoshang.chains import tasks

    chain = _chain(code)
    official = tasks.add_official(user=request.auth, chain=chain, data=payload.dict())
    return Status(201, _official_out(official))
