"""Who may read and review news: everyone signed in reads; editors add articles; leaders read.

Deciding a candidate (accept as lead, project or batch, merge, reject) is scoped like the
ledger: the city's side decides every candidate; a town editor decides only the candidates
the extractor placed in its own unit (or its 区镇合一 partner). A candidate with no unit
(the article names no township) is the city's to decide: otherwise any town could take
another town's news into its own ledger.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.core.access import check, unit_refusal, visible_to, writer_refusal
from zhaoshang.intel.models import Article, Candidate


def articles_visible_to(user):
    return visible_to(user, Article.objects.all())


def candidates_visible_to(user):
    return visible_to(user, Candidate.objects.all())


def review_refusal(user) -> str | None:
    """None for anyone who may add articles (every editor); leaders read only."""
    return writer_refusal(user)


def can_review(user) -> bool:
    return review_refusal(user) is None


def check_can_review(user) -> None:
    check(review_refusal(user))


def decision_refusal(user, candidate: Candidate) -> str | None:
    """None if `user` may decide `candidate`; otherwise the reason, in the reader's language."""
    if candidate.unit_id is None:
        outside = _("This candidate names no township unit: the city's editors decide it.")
    else:
        outside = _("Town editors may only decide candidates of their own unit.")
    return unit_refusal(user, candidate.unit_id, outside)


def can_decide(user, candidate: Candidate) -> bool:
    return decision_refusal(user, candidate) is None


def check_can_decide(user, candidate: Candidate) -> None:
    check(decision_refusal(user, candidate))
