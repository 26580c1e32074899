"""A lead as one flat row: what `zhaoshang leads`, the weekly digest and the API's list print.

Every value comes from the lead services' own answers (`sla.is_overdue`,
`sla.days_since_contact`); nothing is computed a second way here.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from zhaoshang.enterprises.models import Lead
from zhaoshang.leads import sla

ROW_KEYS = ("id", "enterprise", "stage", "status", "owner", "team", "chain_node",
            "next_action_date", "days_since_contact", "overdue")  # fmt: skip


def node_code(lead: Lead) -> str | None:
    """`chain-code/node-code`, as `services.resolve_node` reads it back; None when unset."""
    if lead.node_id is None:
        return None
    return f"{lead.node.chain.code}/{lead.node.code}"


def row(lead: Lead, today: datetime.date | None = None) -> dict:
    """The lead's row (`ROW_KEYS`); `lead` comes from `queries.with_related`."""
    today = today or timezone.localdate()
    return {
        "id": lead.pk,
        "enterprise": lead.enterprise.name if lead.enterprise_id else None,
        "stage": lead.stage,
        "status": lead.status,
        "owner": lead.owner.username if lead.owner_id else None,
        "team": lead.team.name if lead.team_id else None,
        "chain_node": node_code(lead),
        "next_action_date": lead.next_follow_up.isoformat() if lead.next_follow_up else None,
        "days_since_contact": sla.days_since_contact(lead, today),
        "overdue": sla.is_overdue(lead, today),
    }
