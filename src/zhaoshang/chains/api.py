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

from zhaoshang.api.schemas import Detail, FieldErrors
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
