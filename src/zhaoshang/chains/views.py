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
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from zhaoshang.chains import access, gaps, services
from zhaoshang.chains.models import (
    WEIGHT_KEYS,
    Chain,
    Node,
    Placement,
    Position,
    ProjectPlacement,
)
from zhaoshang.chains.queries import local_enterprise_ids
from zhaoshang.chains.targets import rank_targets
from zhaoshang.chains.taxonomy import chain_to_yaml
from zhaoshang.core import figcache
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
    """The messages of a refused input for a person: a weight named by its label, a place in
    an imported YAML file by its own keys (`nodes[3].position`), no form field's code name."""
    from zhaoshang.chains.models import TargetWeights

    labels = {k: str(TargetWeights._meta.get_field(k).verbose_name) for k in WEIGHT_KEYS}
    parts = []
    for field, msgs in exc.fields.items():
        text = " ".join(str(m) for m in msgs)
        if field in labels:
            parts.append(f"{labels[field]}: {text}")
        elif field in ("enterprise", "project", "file", "name", "nodes", "note", "__all__"):
            parts.append(text)
        else:
            parts.append(f"{field}: {text}")
    return "; ".join(parts)


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


COLUMNS = ("upstream", "midstream", "downstream")
GROUP_GAP = 0.6  # rows of space between two branches in one column


def position_label(position: str) -> str:
    """上游/中游/下游 (upstream/midstream/downstream) in the reader's language: the one place
    the chain pages, the map's JSON and the Excel export translate a node's position."""
    try:
        return str(Position(position).label)
    except ValueError:
        return position


def map_layout(stats: list[gaps.NodeStats], chain: Chain) -> dict:
    """What the chain map draws: the node tree (`children`, nested as the chain's tree),
    each node with its class (and colour), its 链主 and its place in the three columns
    上游 | 中游 | 下游 (`column` 0-2 from its position, `row` counted from the top);
    `rows`: the height in rows (the last row starts at `rows` - 1).

    A branch (a top-level node with the nodes below it) starts in every column it touches
    on one row, below what is already in those columns, so that a node's children sit on
    its level in their own columns; inside a column a node comes before its children."""
    by_parent: dict[int | None, list[gaps.NodeStats]] = {}
    ids = {s.node_id for s in stats}
    for s in stats:
        by_parent.setdefault(s.parent_id if s.parent_id in ids else None, []).append(s)
    column = {code: i for i, code in enumerate(COLUMNS)}
    rows: dict[int, float] = {}
    fill = [0.0] * len(COLUMNS)

    def branch(s: gaps.NodeStats) -> list[gaps.NodeStats]:
        out = [s]
        for child in by_parent.get(s.node_id, []):
            out += branch(child)
        return out

    for root in by_parent.get(None, []):
        per_column: dict[int, list[gaps.NodeStats]] = {}
        for s in branch(root):
            per_column.setdefault(column.get(s.position, 1), []).append(s)
        start = max(fill[c] for c in per_column)
        for c, members in per_column.items():
            for i, s in enumerate(members):
                rows[s.node_id] = start + i
            fill[c] = start + len(members) + GROUP_GAP

    marked = _leader_marks(chain, stats)

    def item(s: gaps.NodeStats, depth: int) -> dict:
        return {
            "name": s.name,
            "code": s.code,
            "klass": s.klass,
            "label": str(gaps.CLASS_LABELS[s.klass]),
            "colour": COLOURS[s.klass],
            "position": s.position,
            "position_label": position_label(s.position),
            "column": column.get(s.position, 1),
            "row": rows[s.node_id],
            "depth": depth,
            "enterprises": s.enterprises,
            "projects": s.projects,
            "leaders": marked.get(s.node_id, []),
            "children": [item(c, depth + 1) for c in by_parent.get(s.node_id, [])],
        }

    return {
        "name": chain.name,
        "columns": [position_label(p) for p in COLUMNS],
        "rows": max(fill) - GROUP_GAP if stats else 0,
        "labels": {
            "leader": pgettext("badge on a chain node", "Chain leader"),
            "enterprises": _("Local enterprises"),
            "projects": _("Projects here"),
        },
        "children": [item(s, 0) for s in by_parent.get(None, [])],
    }


def _leader_marks(chain: Chain, stats: list[gaps.NodeStats]) -> dict[int, list[str]]:
    """Node id -> the 链主 marked on it: on the node recorded with the leader; without one,
    on the nodes it counts on that have no child it also counts on (a parent counts its
    children's leaders: the badge goes where the enterprise works, not on every node above)."""
    rows = chain.leaders.values_list("enterprise_id", "enterprise__name", "node_id")
    recorded = {eid: node_id for eid, _name, node_id in rows if node_id}
    names = {eid: name for eid, name, _node in rows}
    below: dict[int, set[int]] = {}
    for s in stats:
        if s.parent_id is not None:
            below.setdefault(s.parent_id, set()).update(s.leader_ids)
    marks: dict[int, list[str]] = {}
    for s in stats:
        for eid in sorted(s.leader_ids, key=lambda e: names.get(e, "")):
            here = (
                recorded[eid] == s.node_id
                if eid in recorded
                else eid not in below.get(s.node_id, ())
            )
            if here and eid in names:
                marks.setdefault(s.node_id, []).append(names[eid])
    return marks


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
            "tree": map_layout(stats, chain),
            "columns": [position_label(p) for p in COLUMNS],
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


def _node_context(
    request, chain_code: str, node_code: str, limit: int, *, with_placements: bool = True
) -> dict:
    """`with_placements=False`: without the node's placements (thousands of enterprises on a
    busy node at 10^5 projects), which the targets page does not show."""
    node = get_object_or_404(
        Node.objects.select_related("chain"), chain__code=chain_code, code=node_code
    )
    stats = {s.node_id: s for s in gaps.node_stats([node.chain_id])}
    weights, weight_error = _weights_from(request)
    placements = []
    if with_placements:
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
        # ranked once per state of the data and weights (`core.figcache`)
        "targets": figcache.cached(
            "node_targets",
            (node.pk, tuple(sorted(weights.items())), limit),
            lambda: rank_targets(node, weights=weights, limit=limit),
        ),
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
    context = _node_context(request, code, node, PAGE_TARGETS, with_placements=False)
    if request.GET.get("format") == "csv":
        return _targets_csv(context)
    return render(request, "chains/targets.html", context)


def _targets_csv(context: dict) -> HttpResponse:
    """The page's ranking as CSV (UTF-8 with BOM for Excel): each target local (本地) or
    outside (外地), its place, score and parts; text cells neutralised (`lib.csvsafe`)."""
    from zhaoshang.lib import csvsafe

    keys = context["weight_keys"]
    labels = {"fit": _("fit to the node"), "size": _("size"),
              "expansion": _("expansion activity"), "relationship": _("existing relationship"),
              "links": _("links to local firms")}  # fmt: skip
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, numeric={0, 5, *range(6, 6 + 2 * len(keys), 2)})
    writer.writerow(
        [_("Rank"), _("Enterprise"), _("Local or outside"),
         _("Place"), _("Synthetic"), _("Score"),
         *[f"{labels[k]} ({w})" for k in keys for w in (_("value"), _("why"))]]
    )  # fmt: skip
    for rank, t in enumerate(context["targets"], start=1):
        parts = {p.key: p for p in t.parts}
        writer.writerow(
            [rank, t.name,
             pgettext("firm", "local") if t.is_local else pgettext("firm", "outside"),
             t.place, _("yes") if t.is_synthetic else _("no"), round(t.score, 1),
             *[v for k in keys for v in (round(parts[k].value, 3), parts[k].why)]]
        )  # fmt: skip
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"targets-{context['chain'].code}-{context['node'].code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


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
            [s.chain_name, s.name, position_label(s.position), str(gaps.CLASS_LABELS[s.klass]),
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
        return redirect("leads:detail", lead.pk)  # the new lead's page, to work it
    return _back(request, fallback)
