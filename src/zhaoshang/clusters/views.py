"""Cluster and indicator pages. Thin: figures come from `queries`, rights from `access`,
writes from `services`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhaoshang.clusters.access import (
    clusters_visible_to,
    definitions_visible_to,
    figure_refusal,
    indicators_visible_to,
)
from zhaoshang.clusters.excel import export_workbook, import_workbook
from zhaoshang.clusters.models import Cluster, Indicator, IndicatorKind
from zhaoshang.clusters.queries import (
    cluster_impact,
    derived_values,
    formula_for_people,
    percent_text,
    scope_label,
    series,
    target_statuses,
    wan_text,
)
from zhaoshang.clusters.services import ImportRefused
from zhaoshang.clusters.templatetags.clusters_tags import unit_label
from zhaoshang.core import figcache
from zhaoshang.core.access import role_of, writer_refusal
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.history import describe, history_for, history_of
from zhaoshang.core.models import Role
from zhaoshang.excel.uploads import upload_view
from zhaoshang.lib.uploads import limits

PIPELINE_PAGE = 50
YI = Decimal(10000)


def _yi(value: Decimal | None) -> float | None:
    """万元 -> 亿元 as a plain number for a chart."""
    return None if value is None else float(value / YI)


def _chart(status) -> dict:
    """What one bullet chart needs: values in 亿元 and the labels in the reader's language.
    A target whose year is over has no projected range or trend: it is met or missed."""
    over = status.year_over
    return {
        "id": f"bullet-{status.target.pk}",
        "name": status.cluster.name,
        "target_year": status.target_year,
        "target": _yi(status.target_wan),
        "actual": _yi(status.actual_wan),
        "actual_year": status.actual_year,
        "low": None if over else _yi(status.low_wan),
        "high": None if over else _yi(status.high_wan),
        "central": None if over else _yi(status.central_wan),
        "pipeline": _yi(status.pipeline.on_plan_wan),
        "year_over": over,
        "verdict": status.verdict_label,
        "labels": {
            "actual": _("Actual %(year)s") % {"year": status.actual_year or "—"},
            "target": _("Target %(year)s") % {"year": status.target_year},
            "range": _("Projected range %(year)s") % {"year": status.target_year},
            "trend": _("Trend"),
            "unit": _("CNY 100m"),
        },
    }


def _outcome_text(status) -> str:
    """What a target whose year is over says instead of a projection (verdict from
    `TargetStatus.verdict`, the one rule the cockpit uses too)."""
    if status.verdict in ("met", "missed"):
        return _("The target year %(year)s is over: judged on its actual, %(actual)s.") % {
            "year": status.target_year,
            "actual": wan_text(status.actual_wan, status.actual.qualifier),
        }
    return _(
        "The target year %(year)s is over and its actual is not entered yet. Enter the "
        "%(year)s actual to see whether the target was met."
    ) % {"year": status.target_year}


def include_estimates(request) -> bool:
    """The pages' "含估算 / include estimates" switch (`?estimates=1`). Off by default: the
    pipeline totals keep their meaning (disclosed output and revenue only) and the estimates
    are shown beside them, flagged, until a reader switches them in."""
    return request.GET.get("estimates") == "1"


def _row(status, include: bool = False) -> dict:
    p = status.pipeline
    on_plan, started = p.on_plan(include), p.started(include)
    return {
        "s": status,
        "year_over": status.year_over,
        "outcome": _outcome_text(status) if status.year_over else "",
        "chart": _chart(status),
        "target": wan_text(status.target_wan, status.target.qualifier),
        "actual": wan_text(status.actual_wan, status.actual.qualifier if status.actual else ""),
        "gap": wan_text(status.gap_wan),
        "needed": percent_text(status.needed_growth),
        "achieved": percent_text(status.achieved_growth),
        "low": wan_text(status.low_wan),
        "high": wan_text(status.high_wan),
        "central": wan_text(status.central_wan),
        "on_plan": wan_text(on_plan),
        "started": wan_text(started),
        "on_plan_share": percent_text(status.gap_closed_share(on_plan)),
        "started_share": percent_text(status.gap_closed_share(started)),
        "include_estimates": include,
        "estimated_on_plan": wan_text(p.estimated_on_plan_wan),
        "estimated_started": wan_text(p.estimated_started_wan),
    }


def _clusters():
    return Cluster.objects.select_related("unit").prefetch_related(
        "chains", "nodes__chain", "industries", "enterprises"
    )


@login_required
def cluster_list(request):
    clusters = list(_clusters().filter(pk__in=clusters_visible_to(request.user)))
    # judged once per state of the data (`core.figcache`): each pipeline reads the ledger
    statuses = figcache.cached(
        "cluster_statuses", tuple(c.pk for c in clusters), lambda: target_statuses(clusters)
    )
    include = include_estimates(request)
    rows = [_row(s, include) for s in statuses]
    by_cluster: dict[int, list] = {}
    for row in rows:
        by_cluster.setdefault(row["s"].cluster.pk, []).append(row)
    return render(
        request,
        "clusters/list.html",
        {
            "clusters": [(c, by_cluster.get(c.pk, [])) for c in clusters],
            "charts": [row["chart"] for row in rows],
            "include_estimates": include,
        },
    )


def _history(cluster: Cluster) -> list:
    ids = cluster.indicators.values_list("pk", flat=True)
    logs = history_for(cluster) | history_of(Indicator, ids)
    return [(log, describe(log)) for log in logs[:200]]


def _impact(cluster: Cluster, include: bool) -> dict:
    """The cluster's yearly impact at full production, each figure with its formula."""
    from zhaoshang.projects import impact

    t = figcache.cached(
        "cluster_impact",
        (cluster.pk, include),
        lambda: cluster_impact(cluster, include_estimates=include),
    )
    return {
        "totals": t,
        "gva": impact.wan_text(t.gva, estimated=t.gva_estimated > 0),
        "tax": impact.wan_text(t.tax, estimated=t.tax_estimated > 0),
        "jobs": impact.jobs_text(t.jobs, estimated=t.jobs_estimated > 0),
    }


@login_required
def cluster_detail(request, pk: int):
    cluster = _clusters().filter(pk=pk, pk__in=clusters_visible_to(request.user)).first()
    if cluster is None:
        raise Http404(pk)
    statuses = target_statuses([cluster])
    include = include_estimates(request)
    rows = [_row(s, include) for s in statuses]
    years = sorted({s.target_year for s in statuses})
    ahead = [s.target_year for s in statuses if not s.year_over]
    default_year = ahead[0] if ahead else (years[-1] if years else 0)
    asked = request.GET.get("year", "").strip()
    bad_year = bool(asked) and not (asked.isdigit() and int(asked) in years)
    year = int(asked) if asked and not bad_year else default_year
    chosen = next((s for s in statuses if s.target_year == year), statuses[0] if statuses else None)
    pipe = chosen.pipeline if chosen else None
    page = None
    if pipe is not None:
        ordered = sorted(
            pipe.rows,
            key=lambda r: (
                not r.counted_on_plan,
                r.production_on or datetime.date.max,
                -(r.yearly_wan or 0),
                r.code,
            ),
        )
        page = Paginator(ordered, PIPELINE_PAGE).get_page(request.GET.get("page"))
    actuals = list(
        cluster.indicators.filter(kind=IndicatorKind.ACTUAL)
        .select_related("source")
        .order_by("period")
    )
    trend = {
        "years": [a.period for a in actuals if len(a.period) == 4],
        "values": [float(a.value) for a in actuals if len(a.period) == 4],
        "synthetic": [a.is_synthetic for a in actuals if len(a.period) == 4],
        "targets": [
            {
                "year": s.target_year,
                "target": float(s.target.value),
                # no projected range or trend for a year that is over
                "low": None if s.year_over else _yi(s.low_wan),
                "high": None if s.year_over else _yi(s.high_wan),
                "central": None if s.year_over else _yi(s.central_wan),
            }
            for s in statuses
        ],
        "unit": unit_label(actuals[0].unit_of_measure if actuals else "亿元"),
        "labels": {
            "actual": _("Actual"),
            "target": _("Target"),
            "range": _("Projected range"),
            "trend": _("Trend"),
        },
    }
    by_year = {
        "years": [y for y, _v in pipe.by_year()] if pipe else [],
        "values": [_yi(v) for _y, v in pipe.by_year()] if pipe else [],
        "target_year": year,
        "label": _(
            "Yearly output at full production by planned production year (100 million yuan)"
        ),
    }
    return render(
        request,
        "clusters/detail.html",
        {
            "cluster": cluster,
            "rows": rows,
            "charts": [row["chart"] for row in rows],
            "trend": trend,
            "by_year": by_year,
            "actuals": actuals,
            "year": year,
            "years": years,
            "pipeline": pipe,
            "chosen": _row(chosen, include) if chosen else None,
            "include_estimates": include,
            "impact": _impact(cluster, include),
            "bad_year": bad_year,
            "page": page,
            "history": _history(cluster),
            "can_record": figure_refusal(request.user, cluster.unit_id) is None,
        },
    )


@login_required
def indicator_list(request):
    definitions = list(definitions_visible_to(request.user))
    latest: dict[str, Indicator] = {}
    rows = (
        Indicator.objects.filter(cluster__isnull=True, chain__isnull=True)
        .select_related("region", "source")
        .order_by("code", "period")
    )
    for row in rows:
        if row.kind == IndicatorKind.ACTUAL or row.code not in latest:
            latest[row.code] = row
    items = []
    for d in definitions:
        item = {"d": d, "latest": latest.get(d.code), "formula": formula_for_people(d)}
        if d.is_derived:
            values = derived_values(d)
            item["derived"] = values[-1] if values else None
        items.append(item)
    return render(
        request,
        "clusters/indicators.html",
        {
            "items": items,
            "can_import": role_of(request.user)
            in (Role.CITY_ADMIN, Role.BUREAU_EDITOR, Role.TOWN_EDITOR),
        },
    )


@login_required
def indicator_detail(request, code: str):
    definition = definitions_visible_to(request.user).filter(code=code).first()
    if definition is None:
        raise Http404(code)
    formula = formula_for_people(definition)
    if definition.is_derived:
        values = derived_values(definition)
        rows = []
        groups: dict[str, list] = {}
        for v in values:
            groups.setdefault(v.scope_label, []).append(v)
        chart_series = [
            {
                "name": label,
                "kind": "derived",
                "points": [[v.period, float(v.value.amount)] for v in items],
            }
            for label, items in groups.items()
        ]
        history = []
    else:
        values = []
        rows = series(definition)
        groups = {}
        for row in rows:
            groups.setdefault((scope_label(row), row.kind), []).append(row)
        chart_series = [
            {
                "name": f"{label} · {IndicatorKind(kind).label}",
                "kind": kind,
                "points": [[r.period, float(r.value)] for r in items],
            }
            for (label, kind), items in groups.items()
        ]
        ids = [str(r.pk) for r in rows]
        history = [(log, describe(log)) for log in history_of(Indicator, ids)[:200]]
    periods = sorted({p for s in chart_series for p, _v in s["points"]})
    return render(
        request,
        "clusters/indicator.html",
        {
            "definition": definition,
            "formula": formula,
            "derived": values,
            "rows": rows,
            "history": history,
            "chart": {
                "periods": periods,
                "series": chart_series,
                "unit": unit_label(definition.unit_of_measure),
            },
        },
    )


@login_required
def indicator_export(request):
    rows = (
        indicators_visible_to(request.user)
        .exclude(kind=IndicatorKind.DERIVED)
        .select_related("region", "cluster", "chain", "source")
        .order_by("code", "region_id", "cluster_id", "chain_id", "period", "kind")
    )
    content = export_workbook(rows, list(definitions_visible_to(request.user)))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"indicators-{datetime.date.today():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _import_refused(request, message: str, status: int):
    context = {"result": None, "errors": [], "file_errors": [message]}
    return render(request, "clusters/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@upload_view(
    refusal=writer_refusal,  # leaders read only: refused before the file is read
    limit=lambda: limits().max_bytes,
    refused=_import_refused,
)
def indicator_import(request):
    """Upload the Excel table: check it (nothing written) or import it, all rows or none."""
    context: dict = {"result": None, "errors": [], "file_errors": []}
    if request.method == "POST":
        upload = request.FILES.get("file")
        commit = request.POST.get("action") == "import"
        replace = request.POST.get("replace") == "on"
        reason = request.POST.get("reason", "").strip()
        if upload is None:
            context["file_errors"] = [_("Choose an Excel file (.xlsx) to import.")]
        else:
            try:
                result = import_workbook(
                    user=request.user,
                    file=upload,
                    dry_run=not commit,
                    replace=replace,
                    reason=reason,
                )
            except ImportRefused as exc:
                context["errors"] = exc.result.errors
            except InputError as exc:
                context["file_errors"] = [m for ms in exc.fields.values() for m in ms]
            except NotAllowed as exc:
                context["file_errors"] = [str(exc)]
            else:
                counts = {s: result.count(s) for s in ("new", "changed", "unchanged")}
                if commit:
                    messages.success(
                        request,
                        _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
                        % counts,
                    )
                    return redirect("clusters:indicators")
                context["result"] = result
                context["counts"] = counts
        context.update({"replace": replace, "reason": reason})
    return render(request, "clusters/import.html", context)
