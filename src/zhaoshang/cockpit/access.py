"""Who sees the cockpit and the 大屏, and where a user lands.

Everyone signed in with a role reads both (they show figures, never a form); a town
editor lands on its own township unit's cockpit and may switch to the whole city.
"""

from __future__ import annotations

from zhaoshang.core.access import region_of, role_of, signed_in_refusal
from zhaoshang.core.models import Role


def view_refusal(user) -> str | None:
    """None for anyone signed in with a role: the cockpit and the 大屏 are read-only."""
    return signed_in_refusal(user)


def home_unit(user) -> str | None:
    """The unit code a user's cockpit opens on: a town editor's own unit; a county's
    staff's county (`core.access.region_of`); None (the whole home region) for leaders,
    bureaus and administrators."""
    if user is None or role_of(user) is None:
        return None
    if role_of(user) != Role.TOWN_EDITOR:
        return region_of(user)
    profile = getattr(user, "profile", None)
    return profile.unit_id if profile is not None and profile.unit_id else None
