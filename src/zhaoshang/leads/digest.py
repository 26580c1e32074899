"""The weekly digest: per owner, their overdue leads and those whose signing is expected
within the service levels' windows (30 and 60 days by default), sent through Django's
e-mail backend (the console in the demo; `EMAIL_BACKEND` and `EMAIL_HOST` otherwise).

Overdue is `sla.overdue_q` / `sla.is_overdue`; the windows are the active "signing expected
within N days" service levels (`leads.ServiceLevel`), as `sla.reminders` reads them; a lead
falls in the first (shortest) window that holds its expected signing date.

    >>> digests = build_digests()          # one per owner with something to say
    >>> send_digests(digests)              # (sent, [owners without an e-mail address])
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.enterprises.models import Lead, LeadStatus
from zhaoshang.leads import sla
from zhaoshang.leads.queries import with_related


@dataclass
class Digest:
    owner: object  # the user
    overdue: list[Lead] = field(default_factory=list)
    signing: dict[int, list[Lead]] = field(default_factory=dict)  # window (days) -> leads

    @property
    def email(self) -> str:
        return (getattr(self.owner, "email", "") or "").strip()

    @property
    def count(self) -> int:
        return len(self.overdue) + sum(len(v) for v in self.signing.values())


def build_digests(today: datetime.date | None = None) -> list[Digest]:
    """One digest per owner of an active lead that is overdue or due to sign within a
    window; owners by user name, leads by deadline then signing date."""
    today = today or timezone.localdate()
    windows = sla.signing_windows(sla.load_rules())
    soon = Q()
    if windows:
        last = today + datetime.timedelta(days=windows[-1])
        soon = Q(expected_signing_on__gte=today, expected_signing_on__lte=last)
    wanted = sla.overdue_q(today) | (soon if windows else Q(pk__in=[]))
    leads = (
        with_related(Lead.objects.filter(wanted, status=LeadStatus.ACTIVE, owner__isnull=False))
        .order_by("owner__username", "due_on", "expected_signing_on", "pk")
    )  # fmt: skip
    out: dict[int, Digest] = {}
    for lead in leads:
        digest = out.get(lead.owner_id)
        if digest is None:
            digest = out[lead.owner_id] = Digest(owner=lead.owner)
        if sla.is_overdue(lead, today):
            digest.overdue.append(lead)
        window = sla.signing_window(lead, windows, today)
        if window is not None:
            digest.signing.setdefault(window, []).append(lead)
    return [d for d in out.values() if d.count]


def _line(lead: Lead) -> str:
    firm = lead.enterprise.name if lead.enterprise_id else "—"
    return f"  #{lead.pk} {lead.title}（{firm}）"


def subject(digest: Digest) -> str:
    return _("Leads this week: %(overdue)s overdue, %(soon)s expected to sign soon") % {
        "overdue": len(digest.overdue),
        "soon": sum(len(v) for v in digest.signing.values()),
    }


def body(digest: Digest, today: datetime.date) -> str:
    lines = [_("Hello %(name)s,") % {"name": digest.owner.get_full_name() or digest.owner}, ""]
    if digest.overdue:
        lines.append(_("Overdue (%(n)s):") % {"n": len(digest.overdue)})
        for lead in digest.overdue:
            lines.append(_line(lead))
            lines.append("    " + _("%(what)s was due on %(date)s, %(days)s days ago") % {
                "what": sla.due_label(lead.due_kind), "date": lead.due_on.isoformat(),
                "days": sla.days_overdue(lead, today)})  # fmt: skip
        lines.append("")
    for window in sorted(digest.signing):
        leads = digest.signing[window]
        lines.append(_("Signing expected within %(days)s days (%(n)s):") % {
            "days": window, "n": len(leads)})  # fmt: skip
        for lead in leads:
            lines.append(_line(lead) + " " + lead.expected_signing_on.isoformat())
        lines.append("")
    lines.append(_("Open the lead list: /leads/?mine=1"))
    return "\n".join(lines)


def messages(digests: list[Digest], today: datetime.date | None = None) -> list[EmailMessage]:
    """The e-mails of the digests whose owner has an address."""
    today = today or timezone.localdate()
    return [
        EmailMessage(subject(d), body(d, today), settings.DEFAULT_FROM_EMAIL, [d.email])
        for d in digests
        if d.email
    ]


def send_digests(digests: list[Digest], today: datetime.date | None = None) -> tuple[int, list]:
    """Send through the configured backend; (messages sent, owners without an address)."""
    mails = messages(digests, today)
    sent = get_connection().send_messages(mails) if mails else 0
    return sent or 0, [d.owner for d in digests if not d.email]
