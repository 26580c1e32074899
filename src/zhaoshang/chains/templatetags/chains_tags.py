"""`{% chain_panel enterprise as panel %}`: what `chains/_enterprise_panel.html` shows."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def chain_panel(enterprise):
    """Cadence, placements with evidence, chain leaderships of one enterprise (4 queries)."""
    from zhaoshang.chains.models import ChainLeader, Placement
    from zhaoshang.chains.queries import reinvestment_cadence

    if enterprise is None or getattr(enterprise, "pk", None) is None:
        return {"cadence": None, "placements": [], "leads": []}
    return {
        "cadence": reinvestment_cadence(enterprise),
        "placements": list(
            Placement.objects.filter(enterprise=enterprise)
            .select_related("node__chain")
            .order_by("-is_active", "-confidence")
        ),
        "leads": list(
            ChainLeader.objects.filter(enterprise=enterprise).select_related("chain", "node")
        ),
    }


@register.filter
def position_label(position: str) -> str:
    """`{{ s.position|position_label }}`: 上游/中游/下游, or upstream/… on English pages."""
    from zhaoshang.chains.views import position_label as label

    return label(position)


@register.filter
def klass_label(klass: str) -> str:
    """`{{ s.klass|klass_label }}`: 强/弱/缺失 (strong/weak/missing) in the reader's language."""
    from zhaoshang.chains.gaps import CLASS_LABELS

    return str(CLASS_LABELS.get(klass, klass))


@register.filter
def group_label(group: str) -> str:
    """`{{ chain.group|group_label }}`: 传统产业链/新兴产业链/未来产业, or Traditional/… in
    English (the model's choice labels carry both languages, for the admin)."""
    from django.utils.translation import pgettext

    labels = {
        "traditional": pgettext("chain group", "Traditional chains"),
        "emerging": pgettext("chain group", "Emerging chains"),
        "future": pgettext("chain group", "Future industries"),
    }
    return labels.get(group, group)
