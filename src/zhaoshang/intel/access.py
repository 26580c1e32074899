"""Who may read and review news: everyone signed in reads; editors add and decide; leaders read."""

from __future__ import annotations

from zhaoshang.core.access import check, visible_to, writer_refusal
from zhaoshang.intel.models import Article, Candidate


def articles_visible_to(user):
    return visible_to(user, Article.objects.all())


def candidates_visible_to(user):
    return visible_to(user, Candidate.objects.all())


def review_refusal(user) -> str | None:
    return writer_refusal(user)


def can_review(user) -> bool:
    return review_refusal(user) is None


def check_can_review(user) -> None:
    check(review_refusal(user))
