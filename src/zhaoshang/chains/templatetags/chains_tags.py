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
