"""`/clusters` and `/indicators`: targets, status, pipeline, figures and derived values.

Reads go through `access` and `queries`; writes through `services`. Amounts of clusters are
numbers in 万元; indicator values keep their own unit (亿元, %, 家 …).
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from zhaoshang.api.schemas import Detail, FieldErrors, HistoryEntry
from zhaoshang.clusters import services
from zhaoshang.clusters.access import (
    clusters_visible_to,
    definitions_visible_to,
    indicators_visible_to,
)
from zhaoshang.clusters.models import Cluster, Indicator
from zhaoshang.clusters.projection import DEFAULT_WINDOW
from zhaoshang.clusters.queries import indicator_data, pipeline, status_json, target_statuses
from zhaoshang.core.history import history_of
from zhaoshang.core.models import ChangeLog
from zhaoshang.projects.rules import DATE_MAX, DATE_MIN

router = Router(tags=["clusters and indicators"])

# What each operation can answer besides its success, in the shapes of `zhaoshang.api.errors`:
# 400 a body that is not JSON (or not text), 401 not signed in, 403 not allowed, 404 no such
# row, 422 a path, query or body value refused (field by field). No operation here takes a
# `version`: clusters and figures have none (a figure is replaced only with `replace` and a
# reason, kept in the history).
LIST_ERRORS = {401: Detail, 422: FieldErrors}  # query parameters
READ_ERRORS = {401: Detail, 404: Detail, 422: FieldErrors}  # a path parameter (and a query)
CODE_ERRORS = {401: Detail, 404: Detail}  # a text path parameter, no query
ADD_ERRORS = {400: Detail, 401: Detail, 403: Detail, 422: FieldErrors}  # a body, no path
WRITE_ERRORS = {**ADD_ERRORS, 404: Detail}
Number = int | float
QualifierValue = Literal["exact", "at_least", "approx", "at_most"]


def _number(value):
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


class TargetStatusOut(Schema):
    cluster: str
    target_year: int
    target_wan: Number | None
    target_qualifier: str
    actual_wan: Number | None
    actual_year: int | None
    needed_growth: Number | None = Field(None, description="percent per year")
    achieved_growth: Number | None = Field(None, description="percent per year")
    projection_low_wan: Number | None
    projection_high_wan: Number | None
    pipeline_wan: Number | None = Field(
        None, description="yearly output of projects planned to produce by the target year"
    )


class TargetDetail(TargetStatusOut):
    projection_central_wan: Number | None
    gap_wan: Number | None
    verdict: str
    method: str
    pipeline_started_wan: Number | None
    actuals_are_synthetic: bool


class ClusterOut(Schema):
    id: int
    name: str
    unit: str
    unit_name: str
    description: str
    chains: list[str]
    nodes: list[str] = Field(description="chain/node codes")
    industries: list[str]
    enterprises: list[str]
    targets: list[TargetDetail]


class ActualOut(Schema):
    period: str
    value: Number
    unit: str
    qualifier: str
    is_synthetic: bool
    source: str | None


class ClusterDetail(ClusterOut):
    actuals: list[ActualOut]


class PipelineProject(Schema):
    code: str
    name: str
    stage: str
    status: str
    unit: str
    yearly_wan: Number | None
    basis: str = Field(description="output, revenue (used when the output is unknown) or empty")
    production_on: datetime.date | None
    counted_on_plan: bool
    counted_started: bool
    is_synthetic: bool
    is_sei: bool = Field(description="its industry counts as strategic emerging (2018 catalogue)")


class PipelineOut(Schema):
    cluster: str
    target_year: int
    on_plan_wan: Number
    started_wan: Number
    sei_on_plan_wan: Number
    later_wan: Number
    producing_count: int
    undated_count: int
    unknown_count: int
    projects: list[PipelineProject]


class ClusterIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    unit: str | None = Field(None, description="township unit or park: code, name or alias")
    description: str | None = None
    chains: list[str] | None = Field(None, description="chain codes or names")
    nodes: list[str] | None = Field(None, description="chain nodes as chain/node codes")
    industries: list[str] | None = Field(None, description="GB/T 4754-2017 codes (38, 3841)")
    enterprises: list[str] | None = Field(None, description="enterprise names or aliases")
    reason: str = ""


class DefinitionOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    value_type: str
    derived: bool
    formula: str
    formula_text: str = ""


class IndicatorValueOut(Schema):
    scope: str
    period: str
    kind: str
    value: Number
    qualifier: str
    worked: str | None
    source: str | None
    is_synthetic: bool


class IndicatorOut(DefinitionOut):
    values: list[IndicatorValueOut]


class DefinitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str
    name: str | None = None
    name_en: str | None = None
    unit_of_measure: str | None = None
    value_type: Literal["amount", "share", "growth", "count", "other"] | None = None
    formula: str | None = None
    description: str | None = None
    reason: str = ""


class FigureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="indicator code or name")
    period: str | int | None = Field(None, description="2024, 2024-Q2 or 2024-06")
    kind: Literal["actual", "target"] = "actual"
    value: str | float | int | None = Field(None, description="a number, or text: 超2400亿元")
    unit: str | None = None
    qualifier: QualifierValue | None = None
    region: str | None = None
    cluster: str | int | None = None
    chain: str | None = None
    source: str | None = None
    note: str | None = None
    replace: bool = Field(False, description="change a recorded figure (needs a reason)")
    reason: str = ""


class FigureOut(Schema):
    id: int
    code: str
    name: str
    region: str
    cluster: str | None
    chain: str | None
    period: str
    kind: str
    value: Number
    unit: str
    qualifier: str
    is_synthetic: bool
    status: str = Field(description="new, changed or unchanged")


class StatusFilters(Schema):
    window: int = Field(DEFAULT_WINDOW, ge=2, le=30, description="years of actuals in the trend")


def _target_details(statuses) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for s, plain in zip(statuses, status_json(statuses), strict=True):
        out.setdefault(s.cluster.pk, []).append(
            {
                **plain,
                "projection_central_wan": _number(s.central_wan),
                "gap_wan": _number(s.gap_wan),
                "verdict": s.verdict,
                "method": s.method,
                "pipeline_started_wan": _number(s.pipeline.started_wan),
                "actuals_are_synthetic": s.is_synthetic,
            }
        )
    return out


def _cluster_data(cluster: Cluster, targets: list[dict]) -> dict[str, Any]:
    return {
        "id": cluster.pk,
        "name": cluster.name,
        "unit": cluster.unit_id,
        "unit_name": str(cluster.unit),
        "description": cluster.description,
        "chains": [c.code for c in cluster.chains.all()],
        "nodes": [f"{n.chain.code}/{n.code}" for n in cluster.nodes.all()],
        "industries": [i.code for i in cluster.industries.all()],
        "enterprises": [e.name for e in cluster.enterprises.all()],
        "targets": targets,
    }


def _clusters(request):
    return (
        clusters_visible_to(request.auth)
        .select_related("unit")
        .prefetch_related("chains", "nodes__chain", "industries", "enterprises")
    )


def _cluster(request, cluster_id: int) -> Cluster:
    cluster = _clusters(request).filter(pk=cluster_id).first()
    if cluster is None:
        raise HttpError(404, _("No cluster with id %(id)s.") % {"id": cluster_id})
    return cluster


@router.get("/clusters", response={200: list[ClusterOut], **LIST_ERRORS})
def list_clusters(request, filters: Query[StatusFilters]):
    """Every cluster with what it includes and the status of each of its targets."""
    clusters = list(_clusters(request))
    details = _target_details(target_statuses(clusters, window=filters.window))
    return [_cluster_data(c, details.get(c.pk, [])) for c in clusters]


@router.get("/clusters/status", response={200: list[TargetStatusOut], **LIST_ERRORS})
def clusters_status(request, filters: Query[StatusFilters]):
    """One line per cluster target, as `zhaoshang clusters status --format json` prints it."""
    return status_json(target_statuses(list(_clusters(request)), window=filters.window))


@router.get("/clusters/{cluster_id}", response={200: ClusterDetail, **READ_ERRORS})
def get_cluster(request, cluster_id: int, filters: Query[StatusFilters]):
    """A cluster with its targets' status and its actuals by period (synthetic ones marked)."""
    cluster = _cluster(request, cluster_id)
    details = _target_details(target_statuses([cluster], window=filters.window))
    data = _cluster_data(cluster, details.get(cluster.pk, []))
    data["actuals"] = [
        {
            "period": a.period,
            "value": _number(a.value),
            "unit": a.unit_of_measure,
            "qualifier": a.qualifier,
            "is_synthetic": a.is_synthetic,
            "source": a.source.title if a.source_id else None,
        }
        for a in cluster.indicators.filter(kind="actual")
        .select_related("source")
        .order_by("period")
    ]
    return data


@router.get("/clusters/{cluster_id}/pipeline", response={200: PipelineOut, **READ_ERRORS})
def cluster_pipeline(
    request,
    cluster_id: int,
    year: int | None = Query(
        None,
        ge=DATE_MIN.year,
        le=DATE_MAX.year,
        description=f"{DATE_MIN.year} to {DATE_MAX.year}, the years a project's dates may take",
    ),
):
    """The cluster's projects not yet producing, and what they add by `year` (default: the
    first target year): on plan, and from those already started."""
    cluster = _cluster(request, cluster_id)
    if year is None:
        target = cluster.indicators.filter(kind="target").order_by("year").first()
        year = target.year if target else datetime.date.today().year
    p = pipeline(cluster, year)
    return {
        "cluster": cluster.name,
        "target_year": year,
        "on_plan_wan": _number(p.on_plan_wan),
        "started_wan": _number(p.started_wan),
        "sei_on_plan_wan": _number(p.sei_on_plan_wan),
        "later_wan": _number(p.later_wan),
        "producing_count": p.producing_count,
        "undated_count": p.undated_count,
        "unknown_count": p.unknown_count,
        "projects": [{**r.__dict__, "yearly_wan": _number(r.yearly_wan)} for r in p.rows],
    }


def _history(model, ids) -> list[ChangeLog]:
    return list(history_of(model, ids))


@router.get("/clusters/{cluster_id}/history", response={200: list[HistoryEntry], **READ_ERRORS})
def cluster_history(request, cluster_id: int):
    """Changes to the cluster and to its targets and actuals, newest first."""
    cluster = _cluster(request, cluster_id)
    logs = _history(Cluster, [cluster.pk]) + _history(
        Indicator, cluster.indicators.values_list("pk", flat=True)
    )
    return sorted(logs, key=lambda log: (log.at, log.pk), reverse=True)


@router.post("/clusters", response={201: ClusterOut, **ADD_ERRORS})
def create_cluster(request, payload: ClusterIn):
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    cluster = services.create_cluster(user=request.auth, data=data, reason=reason)
    return Status(201, _cluster_data(_cluster(request, cluster.pk), []))


@router.patch("/clusters/{cluster_id}", response={200: ClusterOut, **WRITE_ERRORS})
def update_cluster(request, cluster_id: int, payload: ClusterIn):
    """Change the name, unit, description or what the cluster includes (lists replace)."""
    cluster = _cluster(request, cluster_id)
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    services.update_cluster(user=request.auth, cluster=cluster, data=data, reason=reason)
    cluster = _cluster(request, cluster_id)
    details = _target_details(target_statuses([cluster]))
    return _cluster_data(cluster, details.get(cluster.pk, []))


def _definition_out(d) -> dict:
    return {
        "code": d.code,
        "name": d.name,
        "name_en": d.name_en,
        "unit": d.unit_of_measure,
        "value_type": d.value_type,
        "derived": d.is_derived,
        "formula": d.formula,
    }


@router.get("/indicators", response={200: list[DefinitionOut], 401: Detail})
def list_indicators(request):
    """Every defined indicator; derived ones with their formula."""
    return [_definition_out(d) for d in definitions_visible_to(request.auth)]


def _definition(request, code: str):
    definition = definitions_visible_to(request.auth).filter(code=code).first()
    if definition is None:
        raise HttpError(404, _("No indicator with code “%(code)s”.") % {"code": code})
    return definition


@router.post("/indicators/figures", response={200: FigureOut, 201: FigureOut, **ADD_ERRORS})
def record_figure(request, payload: FigureIn):
    """Record an actual or a target. A second value for the same indicator, scope, period and
    kind is refused (422) unless sent with `replace` and a `reason`; the old one stays in the
    history. 201 when new, 200 when changed or unchanged."""
    data = payload.model_dump(exclude_unset=True)
    replace = data.pop("replace", False)
    reason = data.pop("reason", "")
    row, status = services.record_figure(
        user=request.auth, data=data, replace=replace, reason=reason
    )
    out = {
        "id": row.pk,
        "code": row.code,
        "name": row.name,
        "region": row.region_id,
        "cluster": row.cluster.name if row.cluster_id else None,
        "chain": row.chain.code if row.chain_id else None,
        "period": row.period,
        "kind": row.kind,
        "value": _number(row.value),
        "unit": row.unit_of_measure,
        "qualifier": row.qualifier,
        "is_synthetic": row.is_synthetic,
        "status": status,
    }
    return Status(201 if status == "new" else 200, out)


@router.get("/indicators/{code}", response={200: IndicatorOut, **CODE_ERRORS})
def get_indicator(request, code: str):
    """An indicator's figures by scope and period; for a derived one the values computed
    from its formula, each with the sum behind it (`≥2400 ÷ 41 × 100 = ≥5853.66`)."""
    return indicator_data(_definition(request, code))


@router.get("/indicators/{code}/history", response={200: list[HistoryEntry], **CODE_ERRORS})
def indicator_history(request, code: str):
    """Every change to the indicator's figures, newest first (the value each edit replaced)."""
    definition = _definition(request, code)
    ids = (
        indicators_visible_to(request.auth)
        .filter(code=definition.code)
        .values_list("pk", flat=True)
    )
    return sorted(_history(Indicator, ids), key=lambda log: (log.at, log.pk), reverse=True)


@router.post("/indicators", response={201: DefinitionOut, **ADD_ERRORS})
def define_indicator(request, payload: DefinitionIn):
    """Define or change an indicator code; give a formula to make it derived."""
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    d = services.define_indicator(user=request.auth, data=data, reason=reason)
    return Status(201, _definition_out(d))
