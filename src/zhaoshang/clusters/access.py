"""Who may see and change clusters and indicators. Pages, API and CLI all ask here.

- everyone signed in sees every cluster and figure of the city;
- city administrators and bureau editors record figures and targets anywhere, and
  define indicators and clusters;
- a town/park editor records the figures of its own unit (and of its 区镇合一
  partner) and of the clusters of that unit, nothing city-wide;
- leaders read only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.clusters.models import Cluster, Indicator, IndicatorDefinition
from zhaoshang.core.access import check, office_refusal, unit_refusal, visible_to


def clusters_visible_to(user):
    return visible_to(user, Cluster.objects.all())


def indicators_visible_to(user):
    return visible_to(user, Indicator.objects.all())


def definitions_visible_to(user):
    return visible_to(user, IndicatorDefinition.objects.all())


def figure_refusal(user, region_code: str | None) -> str | None:
    """None if `user` may record a figure of the unit `region_code`; otherwise why not."""
    return unit_refusal(
        user, region_code, _("Town editors may only record the figures of their own unit.")
    )


def check_can_record(user, region_code: str | None) -> None:
    check(figure_refusal(user, region_code))


def definer_refusal(user) -> str | None:
    """None if `user` may define indicators and clusters (city-wide settings)."""
    return office_refusal(
        user, _("Only the city administrator and bureau editors define indicators and clusters.")
    )


def check_can_define(user) -> None:
    check(definer_refusal(user))


def can_edit_cluster(user, cluster: Cluster) -> bool:
    return figure_refusal(user, cluster.unit_id) is None
