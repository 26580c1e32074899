"""Service levels: when a lead is due, whether it is overdue, and the reminders it raises.

The rules are rows of `leads.ServiceLevel` (data, changed in the admin). Every face asks
here: the list's "overdue" filter, the board, the lead's page, and (built on these) the API,
the `zhaoshang leads` command and the weekly digest.

- `due(lead)` -> (date, kind): the earliest deadline of an active lead: its next action
  date; its first contact (creation + N days) until an interaction is recorded; after that
  its next follow-up (last contact + N days for its stage).
- `lead.due_on` / `lead.due_kind` keep that answer on the row; `refresh(lead)` sets them and
  the services call it on every change, so "overdue" is `overdue_q()`, one comparison.
- `is_overdue(lead)`: active and `due_on` before today (Asia/Shanghai).
- `reminders(lead)`: no contact in N days; signing expected within N days.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.enterprises.models import Lead, LeadStage, LeadStatus
from zhaoshang.leads.models import ServiceLevel, ServiceLevelKind

DUE_KINDS = ("next_action", "first_contact", "follow_up")


@dataclass(frozen=True)
class Rule:
    kind: str
    stage: str
    min_wan: Decimal | None
    days: int


def load_rules() -> list[Rule]:
    """The active service levels (one small query; pass the result on for many leads)."""
    return [
        Rule(r.kind, r.stage, r.min_investment_wan, r.days)
        for r in ServiceLevel.objects.filter(is_active=True)
    ]


def _fits(rule: Rule, lead: Lead) -> bool:
    if rule.stage and rule.stage != lead.stage:
        return False
    if rule.min_wan is not None:
        amount = lead.estimated_investment_wan
        return amount is not None and amount >= rule.min_wan
    return True


def days_for(kind: str, lead: Lead, rules: list[Rule]) -> int | None:
    """The N of rule `kind` for `lead`: the shortest among the rules that fit it."""
    days = [r.days for r in rules if r.kind == kind and _fits(r, lead)]
    return min(days) if days else None


def due(lead: Lead, rules: list[Rule] | None = None) -> tuple[datetime.date | None, str]:
    """The earliest deadline of an active lead and what it is (see the module docstring)."""
    if lead.status != LeadStatus.ACTIVE:
        return None, ""
    rules = load_rules() if rules is None else rules
    found: list[tuple[datetime.date, str]] = []
    if lead.next_follow_up is not None:
        found.append((lead.next_follow_up, "next_action"))
    if lead.last_contact_on is None:
        n = days_for(ServiceLevelKind.FIRST_CONTACT, lead, rules)
        if n is not None:
            created = timezone.localdate(lead.created_at) if lead.created_at else _today()
            found.append((created + datetime.timedelta(days=n), "first_contact"))
    else:
        n = days_for(ServiceLevelKind.FOLLOW_UP, lead, rules)
        if n is not None:
            found.append((lead.last_contact_on + datetime.timedelta(days=n), "follow_up"))
    if not found:
        return None, ""
    return min(found)


def refresh(lead: Lead, rules: list[Rule] | None = None) -> None:
    """Set `lead.due_on` and `lead.due_kind` (not saved)."""
    lead.due_on, lead.due_kind = due(lead, rules)


def _today() -> datetime.date:
    return timezone.localdate()


def is_overdue(lead: Lead, today: datetime.date | None = None) -> bool:
    """An active lead whose earliest deadline has passed."""
    today = today or _today()
    return lead.status == LeadStatus.ACTIVE and lead.due_on is not None and lead.due_on < today


def overdue_q(today: datetime.date | None = None) -> Q:
    """`is_overdue` as a filter: `Lead.objects.filter(overdue_q())`."""
    return Q(status=LeadStatus.ACTIVE, due_on__lt=today or _today())


def days_overdue(lead: Lead, today: datetime.date | None = None) -> int:
    today = today or _today()
    return (today - lead.due_on).days if is_overdue(lead, today) else 0


def days_since_contact(lead: Lead, today: datetime.date | None = None) -> int | None:
    """Days since the last interaction; None when there has been none."""
    if lead.last_contact_on is None:
        return None
    return ((today or _today()) - lead.last_contact_on).days


def due_label(kind: str) -> str:
    return {
        "next_action": _("next action"),
        "first_contact": _("first contact"),
        "follow_up": _("follow-up"),
    }.get(kind, kind)


def reminders(
    lead: Lead, rules: list[Rule] | None = None, today: datetime.date | None = None
) -> list[str]:
    """What a person should be reminded of, in the reader's language (active leads only)."""
    if lead.status != LeadStatus.ACTIVE:
        return []
    rules = load_rules() if rules is None else rules
    today = today or _today()
    out = []
    if is_overdue(lead, today):
        out.append(
            _("Overdue by %(days)s days: %(what)s was due on %(date)s.")
            % {"days": days_overdue(lead, today), "what": due_label(lead.due_kind),
               "date": lead.due_on.isoformat()}
        )  # fmt: skip
    n = days_for(ServiceLevelKind.NO_CONTACT, lead, rules)
    since = days_since_contact(lead, today)
    if n is not None and since is not None and since >= n:
        out.append(_("No contact in %(days)s days.") % {"days": since})
    window = signing_window(lead, signing_windows(rules), today)
    if window is not None:
        out.append(
            _("Signing expected within %(window)s days (on %(date)s).")
            % {"window": window, "date": lead.expected_signing_on.isoformat()}
        )
    return out


def signing_windows(rules: list[Rule]) -> list[int]:
    """The "expected signing within N days" windows of the service levels, shortest first."""
    return sorted({r.days for r in rules if r.kind == ServiceLevelKind.SIGNING_SOON})


def signing_window(lead: Lead, windows: list[int], today: datetime.date) -> int | None:
    """The shortest window holding the lead's expected signing date, or None."""
    if lead.expected_signing_on is None or lead.stage == LeadStage.LANDED:
        return None
    ahead = (lead.expected_signing_on - today).days
    return next((w for w in windows if 0 <= ahead <= w), None)


def recompute_all(batch: int = 2000) -> int:
    """Refresh every lead's deadline after the service levels changed; returns the count."""
    rules = load_rules()
    changed = 0
    pending: list[Lead] = []
    fields = ["status", "stage", "next_follow_up", "last_contact_on", "created_at",
              "estimated_investment_wan", "due_on", "due_kind"]  # fmt: skip
    for lead in Lead.objects.only(*fields).iterator(chunk_size=batch):
        before = (lead.due_on, lead.due_kind)
        refresh(lead, rules)
        if (lead.due_on, lead.due_kind) != before:
            pending.append(lead)
        if len(pending) >= batch:
            Lead.objects.bulk_update(pending, ["due_on", "due_kind"])
            changed += len(pending)
            pending = []
    if pending:
        Lead.objects.bulk_update(pending, ["due_on", "due_kind"])
        changed += len(pending)
    return changed
