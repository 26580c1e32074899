"""What a user may see and change in the enterprise registry."""

from __future__ import annotations

from zhaoshang.core.access import check, visible_to, writer_refusal
from zhaoshang.enterprises.models import Enterprise


def enterprises_visible_to(user):
    return visible_to(user, Enterprise.objects.all())


def check_can_edit_enterprises(user) -> None:
    """Editors of every kind may register investors; leaders only read."""
    check(writer_refusal(user))
