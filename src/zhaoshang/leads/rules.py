"""Stage gates as data: what a lead must hold before it may enter each stage.

Like Data Hub's investment-project stage gates, the rule is a table, read by one function,
`missing_to_advance`, that the board, the lead's page, the API and the command all ask. A
stage's requirements include every earlier stage's (a lead in 在谈 still needs its owner).

>>> missing_to_advance(lead)               # towards the next stage
[Missing(key='team', label='team'), Missing(key='interaction', label='an interaction recorded')]
>>> missing_to_advance(lead, "signed")     # towards a given stage
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhaoshang.enterprises.models import LEAD_STAGE_ORDER, InteractionKind, Lead, LeadStage


class Missing(NamedTuple):
    key: str
    label: str


# A requirement: its key, what a person reads, and the test on the lead.
CHECKS: dict[str, tuple[Promise, Callable[[Lead], bool]]] = {
    "enterprise": (_("the enterprise"), lambda lead: lead.enterprise_id is not None),
    "owner": (_("an owner"), lambda lead: lead.owner_id is not None),
    "team": (_("a team"), lambda lead: lead.team_id is not None),
    "interaction": (
        _("an interaction recorded (visit, meeting, call or message)"),
        lambda lead: lead.last_contact_on is not None,
    ),
    "chain": (
        _("a chain node"),
        lambda lead: lead.node_id is not None,
    ),
    "estimated_investment": (
        _("an expected investment"),
        lambda lead: lead.estimated_investment_wan is not None,
    ),
    "next_action": (
        _("a next action and its date"),
        lambda lead: bool(lead.next_action) and lead.next_follow_up is not None,
    ),
    "unit": (_("an intended location (township unit)"), lambda lead: lead.unit_id is not None),
    "meeting": (
        _("a visit or meeting recorded"),
        lambda lead: lead.visits.filter(
            kind__in=[InteractionKind.VISIT, InteractionKind.MEETING], removed_at__isnull=True
        ).exists(),
    ),
    "expected_signing_on": (
        _("an expected signing date"),
        lambda lead: lead.expected_signing_on is not None,
    ),
    "project": (
        _("a ledger project made from it (convert the signed lead)"),
        lambda lead: lead.project_id is not None,
    ),
}

# The gates: what entering each stage adds to the ones before it.
STAGE_GATES: dict[str, tuple[str, ...]] = {
    LeadStage.LEAD: (),
    LeadStage.CONTACT: ("enterprise", "owner", "team"),
    LeadStage.NEGOTIATING: ("interaction", "chain", "estimated_investment", "next_action"),
    LeadStage.SIGNED: ("unit", "meeting"),
    LeadStage.LANDED: ("project",),
}


def requirements(stage: str) -> list[str]:
    """Every requirement for entering `stage`, earlier stages' first."""
    out: list[str] = []
    for s in LEAD_STAGE_ORDER[: LEAD_STAGE_ORDER.index(stage) + 1]:
        out.extend(STAGE_GATES[s])
    return out


def next_stage(stage: str) -> str | None:
    i = LEAD_STAGE_ORDER.index(stage)
    return LEAD_STAGE_ORDER[i + 1] if i + 1 < len(LEAD_STAGE_ORDER) else None


def missing_to_advance(lead: Lead, to_stage: str | None = None) -> list[Missing]:
    """What `lead` lacks to enter `to_stage` (default: the stage after its own); [] when
    nothing is missing or when there is no later stage."""
    target = to_stage or next_stage(lead.stage)
    if target is None:
        return []
    out = []
    for key in requirements(target):
        label, test = CHECKS[key]
        if not test(lead):
            out.append(Missing(key, str(label)))
    return out
