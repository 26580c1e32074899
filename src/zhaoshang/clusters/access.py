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
from zhaoshang.core.access import role_of, unit_codes_of
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.models import Role


def clusters_visible_to(user):
    if role_of(user) is None:
        return Cluster.objects.none()
    return Cluster.objects.all()


def indicators_visible_to(user):
    if role_of(user) is None:
        return Indicator.objects.none()
    return Indicator.objects.all()


def definitions_visible_to(user):
    if role_of(user) is None:
        return IndicatorDefinition.objects.none()
    return IndicatorDefinition.objects.all()


def figure_refusal(user, region_code: str | None) -> str | None:
    """None if `user` may record a figure of the unit `region_code`; otherwise why not."""
    role = role_of(user)
    if role is None:
        return _("You are not signed in or your account has no role.")
    if role in (Role.CITY_ADMIN, Role.BUREAU_EDITOR):
        return None
    if role == Role.LEADER:
        return _("Leaders have read-only access.")
    units = unit_codes_of(user)
    if not units:
        return _("Your account is not attached to a township unit; ask the city administrator.")
    if region_code not in units:
        return _("Town editors may only record the figures of their own unit.")
    return None


def check_can_record(user, region_code: str | None) -> None:
    reason = figure_refusal(user, region_code)
    if reason:
        raise NotAllowed(reason)


def definer_refusal(user) -> str | None:
    """None if `user` may define indicators and clusters (city-wide settings)."""
    role = role_of(user)
    if role is None:
        return _("You are not signed in or your account has no role.")
    if role in (Role.CITY_ADMIN, Role.BUREAU_EDITOR):
        return None
    if role == Role.LEADER:
        return _("Leaders have read-only access.")
    return _("Only the city administrator and bureau editors define indicators and clusters.")


def check_can_define(user) -> None:
    reason = definer_refusal(user)
    if reason:
        raise NotAllowed(reason)


def can_edit_cluster(user, cluster: Cluster) -> bool:
    return figure_refusal(user, cluster.unit_id) is None
