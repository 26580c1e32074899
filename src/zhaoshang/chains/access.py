"""Who may do what with chains. Everyone signed in sees every chain, placement and target.

- the chain taxonomies (import, nodes, chain leaders, score weights) are the city's: the
  city administrator and bureau editors change them;
- placements of enterprises and projects, and leads made from targets, are registry work:
  editors of every kind (town editors too) may confirm, remove or add them;
- leaders read only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.core.access import role_of
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.models import Role


def can_view(user) -> bool:
    return role_of(user) is not None


def taxonomy_refusal(user) -> str | None:
    role = role_of(user)
    if role is None:
        return _("You are not signed in or your account has no role.")
    if role == Role.LEADER:
        return _("Leaders have read-only access.")
    if role == Role.TOWN_EDITOR:
        return _("Only the city administrator and bureau editors change the chain maps.")
    return None


def placement_refusal(user) -> str | None:
    role = role_of(user)
    if role is None:
        return _("You are not signed in or your account has no role.")
    if role == Role.LEADER:
        return _("Leaders have read-only access.")
    return None


def check_can_edit_taxonomy(user) -> None:
    reason = taxonomy_refusal(user)
    if reason:
        raise NotAllowed(reason)


def check_can_place(user) -> None:
    reason = placement_refusal(user)
    if reason:
        raise NotAllowed(reason)
