"""Chain pages. Thin: numbers from `gaps`/`targets`, writes through `services`, rights from
`access`. The node panel is a partial for htmx and a page of its own without it."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.chains import access, gaps, services
from zhaoshang.chains.models import WEIGHT_KEYS, Chain, Node, Placement, ProjectPlacement
from zhaoshang.chains.queries import local_enterprise_ids
from zhaoshang.chains.targets import rank_targets
from zhaoshang.chains.taxonomy import chain_to_yaml
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.excel.uploads import upload_view
from zhaoshang.lib.uploads import limits

COLOURS = {"strong": "#2e7d32", "weak": "#f9a825", "missing": "#c62828"}
PANEL_TARGETS = 10
PAGE_TARGETS = 50


def _viewer(request):
    if not access.can_view(request.user):
        raise Http404


def _errors(exc: InputError) -> str:
    return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.fields.items())


@login_required
def index(request):
    _viewer(request)
    stats = gaps.node_stats()
    chains = []
    for chain in Chain.objects.order_by("order", "code"):
        mine = [s for s in stats if s.chain_id == chain.pk]
        chains.append(
            {
                "chain": chain,
                "nodes": len(mine),
                **{k: sum(1 for s in mine if s.klass == k) for k in gaps.CLASSES},
            }
        )
    return render(
        request,
        "chains/index.html",
        {
            "chains": chains,
            "rule": gaps.rule_text(),
            "can_edit": access.taxonomy_refusal(request.user) is None,
            "weights": services.default_weights(),
            "weight_keys": WEIGHT_KEYS,
        },
    )


def _tree(stats: list[gaps.NodeStats], chain: Chain) -> dict:
    by_parent: dict[int | None, list[gaps.NodeStats]] = {}
    for s in stats:
        by_parent.setdefault(s.parent_id, []).append(s)

    def item(s: gaps.NodeStats) -> dict:
        return {
            "name": s.name,
            "code": s.code,
            "klass": s.klass,
            "label": str(gaps.CLASS_LABELS[s.klass]),
            "enterprises": s.enterprises,
            "projects": s.projects,
            "itemStyle": {"color": COLOURS[s.klass], "borderColor": COLOURS[s.klass]},
            "children": [item(c) for c in by_parent.get(s.node_id, [])],
        }

    return {
        "name": chain.name,
        "code": "",
        "itemStyle": {"color": "#546e7a"},
        "children": [item(s) for s in by_parent.get(None, [])],
    }


@login_required
def chain_map(request, code: str):
    _viewer(request)
    chain = get_object_or_404(Chain, code=code)
    stats = gaps.node_stats([chain.pk])
    return render(
        request,
        "chains/map.html",
        {
            "chain": chain,
            "stats": stats,
            "tree": _tree(stats, chain),
            "panel_url": reverse("chains:node", args=[chain.code, "__node__"]),
            "rule": gaps.rule_text(),
            "leaders": chain.leaders.select_related("enterprise", "node"),
            "colours": COLOURS,
            "class_labels": gaps.CLASS_LABELS,
        },
    )


def _weights_from(request) -> tuple[dict[str, int], str]:
    weights = services.default_weights()
    try:
        weights.update(services.parse_weights(request.GET))
    except InputError as exc:
        return services.default_weights(), _errors(exc)
    if not any(weights.values()):
        return services.default_weights(), _("at least one weight must be above zero")
    return weights, ""


def _node_context(request, chain_code: str, node_code: str, limit: int) -> dict:
    node = get_object_or_404(
        Node.objects.select_related("chain"), chain__code=chain_code, code=node_code
    )
    stats = {s.node_id: s for s in gaps.node_stats([node.chain_id])}
    weights, weight_error = _weights_from(request)
    placements = list(
        Placement.objects.filter(node=node)
        .select_related("enterprise", "decided_by")
        .order_by("-is_active", "-confidence", "enterprise__name")
    )
    local = local_enterprise_ids([p.enterprise_id for p in placements])
    for p in placements:
        p.is_local = p.enterprise_id in local
    return {
        "node": node,
        "chain": node.chain,
        "stat": stats.get(node.pk),
        "class_label": gaps.CLASS_LABELS[stats[node.pk].klass] if node.pk in stats else "",
        "placements": placements,
        "projects": ProjectPlacement.objects.filter(node=node)
        .select_related("project__unit")
        .order_by("-is_active", "project__code"),
        "targets": rank_targets(node, weights=weights, limit=limit),
        "weights": weights,
        "weight_keys": WEIGHT_KEYS,
        "weight_error": weight_error,
        "can_place": access.placement_refusal(request.user) is None,
        "users": get_user_model().objects.filter(is_active=True).order_by("username"),
        "rule": gaps.rule_text(),
    }


@login_required
def node_panel(request, code: str, node: str):
    _viewer(request)
    context = _node_context(request, code, node, PANEL_TARGETS)
    template = (
        "chains/_node_panel.html" if request.headers.get("HX-Request") else "chains/node.html"
    )
    return render(request, template, context)


@login_required
def node_targets(request, code: str, node: str):
    _viewer(request)
    return render(request, "chains/targets.html", _node_context(request, code, node, PAGE_TARGETS))


@login_required
def gap_list(request):
    _viewer(request)
    chain_code = request.GET.get("chain", "").strip()
    klass = request.GET.get("class", "").strip()
    chain_ids = None
    if chain_code:
        chain = Chain.objects.filter(code=chain_code).first()
        chain_ids = [chain.pk] if chain else []
    stats = gaps.node_stats(chain_ids)
    wanted = (klass,) if klass in gaps.CLASSES else ("weak", "missing")
    rows = [s for s in stats if s.klass in wanted]
    if request.GET.get("format") == "xlsx":
        return _gaps_xlsx(rows)
    return render(
        request,
        "chains/gaps.html",
        {
            "rows": rows,
            "chains": Chain.objects.order_by("order", "code"),
            "chain_code": chain_code,
            "klass": klass,
            "classes": [(k, gaps.CLASS_LABELS[k]) for k in gaps.CLASSES],
            "class_labels": gaps.CLASS_LABELS,
            "rule": gaps.rule_text(),
            "query": request.GET.urlencode(),
        },
    )


def _gaps_xlsx(rows: list[gaps.NodeStats]) -> HttpResponse:
    import xlsxwriter

    from zhaoshang.chains.models import Position
    from zhaoshang.projects.models import STAGE_ORDER, Stage

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Gaps")[:31])
    bold = book.add_format({"bold": True, "bg_color": "#eceff1", "text_wrap": True})
    header = [
        _("Chain"), _("Node"), _("Position"), _("Class"), _("Local enterprises"), _("Projects"),
        *[str(Stage(s).label) for s in STAGE_ORDER], _("Expected yearly revenue (10k CNY)"),
        _("Chain leaders"),
    ]  # fmt: skip
    sheet.write_row(0, 0, header, bold)
    for i, s in enumerate(rows, start=1):
        sheet.write_row(
            i, 0,
            [s.chain_name, s.name, str(Position(s.position).label), str(gaps.CLASS_LABELS[s.klass]),
             s.enterprises, s.projects, *[s.by_stage.get(st, 0) for st in STAGE_ORDER],
             float(s.revenue_wan) if s.revenue_known else "", "、".join(s.leaders)],
        )  # fmt: skip
    sheet.write(len(rows) + 2, 0, gaps.rule_text())
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 1, 22)
    sheet.set_column(2, len(header), 12)
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="chain-gaps.xlsx"'
    return response


@login_required
def export_yaml(request, code: str):
    _viewer(request)
    chain = get_object_or_404(Chain, code=code)
    response = HttpResponse(chain_to_yaml(chain), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chain.code}.yaml"'
    return response


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


def _yaml_refused(request, message: str, status: int):
    messages.error(request, message)
    return redirect("chains:index")


@login_required
@require_POST
@upload_view(
    refusal=access.taxonomy_refusal,  # refused before a byte of the file is read
    limit=lambda: limits().max_yaml_bytes,
    refused=_yaml_refused,
)
def import_yaml(request):
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InputError({"file": _("choose a YAML file")})
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise InputError({"file": _("the file is not UTF-8 text")}) from None
        chain = services.import_chain(user=request.user, text=text, reason=upload.name)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    except InputError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Chain %(name)s imported.") % {"name": chain.name})
    return redirect("chains:index")


@login_required
@require_POST
def save_weights(request):
    try:
        services.set_default_weights(user=request.user, values=request.POST)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    except InputError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Default weights saved."))
    return redirect("chains:index")


@login_required
@require_POST
def decide(request, kind: str, pk: int, action: str):
    model = {"enterprise": Placement, "project": ProjectPlacement}.get(kind)
    if model is None or action not in ("confirm", "remove"):
        raise Http404
    placement = get_object_or_404(model.objects.select_related("node__chain"), pk=pk)
    fallback = reverse("chains:node", args=[placement.node.chain.code, placement.node.code])
    fn = services.confirm_placement if action == "confirm" else services.remove_placement
    try:
        fn(user=request.user, placement=placement, note=request.POST.get("note", "").strip())
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved; later runs keep this decision."))
    return _back(request, fallback)


@login_required
@require_POST
def add(request, code: str, node: str):
    from zhaoshang.projects.services import resolve_enterprise

    node_obj = get_object_or_404(Node, chain__code=code, code=node)
    fallback = reverse("chains:node", args=[code, node])
    name = request.POST.get("enterprise", "").strip()
    try:
        enterprise = resolve_enterprise(name) if name else None
        if enterprise is None:
            raise InputError(
                {"enterprise": _("no enterprise “%(value)s” in the registry") % {"value": name}}
            )
        services.add_placement(
            user=request.user, node=node_obj, enterprise=enterprise,
            note=request.POST.get("note", "").strip(),
        )  # fmt: skip
    except NotAllowed as exc:
        messages.error(request, str(exc))
    except InputError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("%(name)s placed on %(node)s.") % {"name": enterprise.name, "node": node_obj.name},
        )
    return _back(request, fallback)


@login_required
@require_POST
def make_lead(request, code: str, node: str):
    from zhaoshang.enterprises.models import Enterprise

    node_obj = get_object_or_404(Node.objects.select_related("chain"), chain__code=code, code=node)
    fallback = reverse("chains:targets", args=[code, node])
    enterprise = get_object_or_404(Enterprise, pk=request.POST.get("enterprise_id") or 0)
    owner = get_user_model().objects.filter(pk=request.POST.get("owner") or 0).first()
    try:
        lead = services.make_lead(
            user=request.user, node=node_obj, enterprise=enterprise, owner=owner,
            next_follow_up=request.POST.get("next_follow_up", "").strip() or None,
            score=request.POST.get("score") or None,
        )  # fmt: skip
    except NotAllowed as exc:
        messages.error(request, str(exc))
    except InputError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("Lead %(id)s created: %(title)s, follow up by %(date)s.")
            % {"id": lead.pk, "title": lead.title, "date": lead.next_follow_up},
        )
    return _back(request, fallback)
