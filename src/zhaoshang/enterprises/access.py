"""What a user may see and change in the enterprise registry."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.core.access import role_of
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.models import Role
from zhaoshang.enterprises.models import Enterprise


def enterprises_visible_to(user):
    if role_of(user) is None:
        return Enterprise.objects.none()
    return Enterprise.objects.all()


def check_can_edit_enterprises(user) -> None:
    """Editors of every kind may register investors; leaders only read."""
    role = role_of(user)
    if role is None:
        raise NotAllowed(_("You are not signed in or your account has no role."))
    if role == Role.LEADER:
        raise NotAllowed(_("Leaders have read-only access."))
