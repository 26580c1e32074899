"""Who may read and review news: everyone signed in reads; editors add and decide; leaders read."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.core.access import role_of
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.models import Role
from zhaoshang.intel.models import Article, Candidate


def articles_visible_to(user):
    if role_of(user) is None:
        return Article.objects.none()
    return Article.objects.all()


def candidates_visible_to(user):
    if role_of(user) is None:
        return Candidate.objects.none()
    return Candidate.objects.all()


def review_refusal(user) -> str | None:
    role = role_of(user)
    if role is None:
        return _("You are not signed in or your account has no role.")
    if role == Role.LEADER:
        return _("Leaders have read-only access.")
    return None


def can_review(user) -> bool:
    return review_refusal(user) is None


def check_can_review(user) -> None:
    reason = review_refusal(user)
    if reason:
        raise NotAllowed(reason)
