"""Who a user is in the product (role and unit), and the rules every app's access module
is made of. Every face asks here.

The rules return None when the user may act, else the reason in the reader's language;
`check` turns a reason into `NotAllowed`.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.models import Role


def role_of(user) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.CITY_ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def unit_codes_of(user) -> set[str]:
    """The township units a town editor answers for, with its 区镇合一 partner."""
    profile = getattr(user, "profile", None)
    if profile is None or profile.unit_id is None:
        return set()
    codes = {profile.unit_id}
    if profile.unit.merged_with_id:
        codes.add(profile.unit.merged_with_id)
    return codes


def signed_in_refusal(user) -> str | None:
    """None for anyone signed in with a role (everyone with a role sees the whole city)."""
    if role_of(user) is None:
        return _("You are not signed in or your account has no role.")
    return None


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """`queryset` for anyone signed in with a role, nothing otherwise."""
    return queryset if role_of(user) is not None else queryset.none()


def writer_refusal(user) -> str | None:
    """None for editors of every kind (town editors too); leaders read only."""
    role = role_of(user)
    if role is None:
        return _("You are not signed in or your account has no role.")
    if role == Role.LEADER:
        return _("Leaders have read-only access.")
    return None


def office_refusal(user, town_editor_reason: str) -> str | None:
    """None for the city's side (city administrator, bureau editors); a town editor is
    told `town_editor_reason`."""
    reason = writer_refusal(user)
    if reason is None and role_of(user) == Role.TOWN_EDITOR:
        return town_editor_reason
    return reason


def unit_refusal(user, unit_code: str | None, outside_reason: str) -> str | None:
    """None for the city's side, and for a town editor acting in its own unit (or its
    区镇合一 partner); a town editor elsewhere is told `outside_reason`."""
    reason = writer_refusal(user)
    if reason is not None or role_of(user) != Role.TOWN_EDITOR:
        return reason
    units = unit_codes_of(user)
    if not units:
        return _("Your account is not attached to a township unit; ask the city administrator.")
    if unit_code not in units:
        return outside_reason
    return None


def check(reason: str | None) -> None:
    """Raise `NotAllowed(reason)` when a rule gave a reason."""
    if reason:
        raise NotAllowed(reason)
