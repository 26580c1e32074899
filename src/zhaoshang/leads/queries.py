"""The lead list's filters, read once from a request's or a command's parameters, so the
list page, its CSV/Excel downloads, the board (and the API built on them) filter alike."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet, prefetch_related_objects

from zhaoshang.enterprises.models import LEAD_STAGE_ORDER, Lead, LeadStatus
from zhaoshang.leads import sla

FILTER_KEYS = ("q", "stage", "status", "team", "owner", "chain", "overdue", "mine", "synthetic")


@dataclass
class LeadFilters:
    q: str = ""
    stage: str = ""
    status: str = ""
    team: str = ""
    owner: str = ""
    chain: str = ""
    overdue: bool = False
    mine: bool = False
    synthetic: str = ""

    @classmethod
    def from_params(cls, params) -> LeadFilters:
        """From a QueryDict or dict; unknown values are ignored, not an error (a link)."""
        get = params.get
        stage = get("stage", "") or ""
        status = get("status", "") or ""
        return cls(
            q=" ".join(str(get("q", "") or "").split())[:100],
            stage=stage if stage in LEAD_STAGE_ORDER else "",
            status=status if status in LeadStatus.values or status == "open" else "",
            team=str(get("team", "") or "") if str(get("team", "") or "").isdigit() else "",
            owner=str(get("owner", "") or "") if str(get("owner", "") or "").isdigit() else "",
            chain=str(get("chain", "") or "")[:40],
            overdue=str(get("overdue", "")) in ("1", "true", "on"),
            mine=str(get("mine", "")) in ("1", "true", "on"),
            synthetic=get("synthetic", "") if get("synthetic", "") in ("real", "synthetic") else "",
        )


def filter_leads(
    qs: QuerySet[Lead], f: LeadFilters, *, user=None, today: datetime.date | None = None
) -> QuerySet[Lead]:
    """`qs` (already the user's visible leads) narrowed by `f`."""
    if f.q:
        qs = qs.filter(
            Q(title__icontains=f.q)
            | Q(enterprise__name__icontains=f.q)
            | Q(enterprise__aliases__alias__icontains=f.q)
        ).distinct()
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.status == "open":
        qs = qs.filter(status__in=[LeadStatus.ACTIVE, LeadStatus.PAUSED])
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.team:
        qs = qs.filter(team_id=int(f.team))
    if f.owner:
        qs = qs.filter(owner_id=int(f.owner))
    if f.chain:
        qs = qs.filter(chain__code=f.chain)
    if f.overdue:
        qs = qs.filter(sla.overdue_q(today))
    if f.mine and user is not None:
        qs = qs.filter(owner=user)
    if f.synthetic:
        qs = qs.filter(is_synthetic=f.synthetic == "synthetic")
    return qs


# What a lead's row and card show beside the lead itself. Read by primary key after the leads
# (one query each), not joined: PostgreSQL spent 250 ms *planning* the eight outer joins of
# one board column (exhaustive join-order search; 4 joins: 3 ms, none: 0.2 ms), five times a
# board, at 50,000 leads (bench/leads.py).
RELATED = ("enterprise", "owner", "team", "node__chain", "chain", "unit", "project")


def with_related(qs: QuerySet[Lead]) -> QuerySet[Lead]:
    return qs.prefetch_related(*RELATED)


def attach_related(leads: list[Lead]) -> list[Lead]:
    """`RELATED` read once for leads fetched by several queries (the board's columns)."""
    prefetch_related_objects(leads, *RELATED)
    return leads
