"""Who a user is in the product: role and unit. Every face asks here."""

from __future__ import annotations

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
