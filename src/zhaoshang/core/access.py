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
    if profile is None or profile.unit_id is None or profile.unit.level != 4:
        return set()  # no unit, or a county's staff (`region_of`)
    codes = {profile.unit_id}
    if profile.unit.merged_with_id:
        codes.add(profile.unit.merged_with_id)
    return codes


def region_of(user) -> str | None:
    """The county (or city) a user's views and edits are confined to; None for the whole
    home region.

    A user whose unit is a county (or, in a province, a city) is confined to it; a town
    editor is confined to its town's county when the home region holds several counties
    (it sees its own county as it saw the whole county before). Nobody is confined to
    the home region itself or to what holds it."""
    profile = getattr(user, "profile", None)
    if profile is None or profile.unit_id is None:
        return None
    from zhaoshang.regions import home  # the regions app reads settings and the table
    from zhaoshang.regions.models import Level

    unit = profile.unit
    code = unit.code if unit.level < Level.TOWNSHIP else unit.parent_id
    if not code or home.contains(code, home.home_code()):
        return None
    return code


def units_visible_to(user) -> frozenset[str] | None:
    """The unit codes whose projects `user` sees; None: every project of the home region."""
    from zhaoshang.regions.home import units_under

    code = region_of(user)
    return None if code is None else units_under(code)


def scope_key(user) -> tuple:
    """What a user's figures depend on, for `core.figcache` keys: a role or none, and the
    region the user is confined to."""
    return (role_of(user) is not None, region_of(user))


def narrow_to_region(user, queryset: QuerySet, field: str = "unit") -> QuerySet:
    """`queryset` narrowed to the rows whose `field` (a unit) lies in the user's region."""
    units = units_visible_to(user)
    if units is None:
        return queryset
    return queryset.filter(**{f"{field}_id__in": units})


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
    区镇合一 partner); a town editor elsewhere is told `outside_reason`. County staff
    (`region_of`) act only within their county."""
    reason = writer_refusal(user)
    if reason is not None:
        return reason
    if role_of(user) != Role.TOWN_EDITOR:
        units = units_visible_to(user)
        if units is not None and unit_code not in units:
            return _("County staff may only act on projects of their own county.")
        return None
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
