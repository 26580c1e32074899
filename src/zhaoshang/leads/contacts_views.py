"""The firms and people met at an event, on the event's page and on their own page: record one,
import a spreadsheet, make leads of them. Thin: rules and writes in `leads.contacts`.

The event's page shows them through `{% event_contacts event %}` (`leads_events`), so the
event page's view does not change. A bad contact or file re-shows this app's contacts page
with each message and what was typed (422), nothing written.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.core.access import writer_refusal
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.excel.uploads import upload_view
from zhaoshang.leads import contacts
from zhaoshang.leads.models import EventContact
from zhaoshang.lib.uploads import limits
from zhaoshang.projects.models import BatchEvent

FORM_FIELDS = ("firm_name", "enterprise", "person", "title", "phone", "note")


def panel_context(user, event, **extra) -> dict:
    """What `leads/_event_contacts.html` shows: the contacts, the form, and the refusal if
    the user may not record contacts or make leads (leaders)."""
    return {
        "event": event,
        "contacts": list(contacts.contacts_of(event)),
        "refusal": writer_refusal(user),
        "max_mb": limits().max_bytes // (1024 * 1024),
        "form": {},
        "errors": {},
        "file_errors": [],
        **extra,
    }


def _page(request, event, status: int = 200, **extra):
    return render(request, "leads/event_contacts.html",
                  panel_context(request.user, event, **extra), status=status)  # fmt: skip


def _back(event) -> str:
    return reverse("progress:event", args=[event.pk]) + "#contacts"


@login_required
@require_http_methods(["GET", "POST"])
def event_contacts(request, pk: int):
    """GET: the event's contacts. POST: record one (firm, registry firm, person, title,
    phone, note), then back to the event's page."""
    event = get_object_or_404(BatchEvent, pk=pk)
    if request.method == "GET":
        return _page(request, event)
    form = {k: request.POST.get(k, "") for k in FORM_FIELDS}
    try:
        contact = contacts.add_event_contact(user=request.user, event=event, data=form)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except InputError as exc:
        errors = {k: " ".join(v) for k, v in exc.fields.items()}
        return _page(request, event, 422, form=form, errors=errors)
    messages.success(request, _("Contact recorded: %(contact)s.") % {"contact": contact})
    return redirect(_back(event))


def _refused(request, message: str, status: int):
    event = get_object_or_404(BatchEvent, pk=request.resolver_match.kwargs["pk"])
    return _page(request, event, status, file_errors=[message])


@login_required
@require_POST
@upload_view(refusal=writer_refusal, limit=lambda: limits().max_bytes, refused=_refused)
def import_contacts(request, pk: int):
    """A spreadsheet (Excel or CSV) of the firms met: every row recorded, or none with each
    problem named by row, field and value."""
    event = get_object_or_404(BatchEvent, pk=pk)
    file = request.FILES.get("file")
    if file is None:
        return _page(
            request, event, 422, file_errors=[_("Choose an Excel or CSV file of contacts.")]
        )
    try:
        rows = contacts.read_contact_rows(file.read(), file.name or "")
        made = contacts.import_event_contacts(user=request.user, event=event, rows=rows)
    except NotAllowed as exc:
        return _page(request, event, 403, file_errors=[str(exc)])
    except InputError as exc:
        problems = [f"{k}: {m}" if k != "file" else m for k, ms in exc.fields.items() for m in ms]
        return _page(request, event, 422, file_errors=problems)
    messages.success(request, _("%(n)s contacts imported from %(file)s.") % {
        "n": len(made), "file": file.name})  # fmt: skip
    return redirect(_back(event))


def _said(request, exc: InputError) -> None:
    for texts in exc.fields.values():
        for text in texts:
            messages.error(request, text)


@login_required
@require_POST
def contact_lead(request, pk: int):
    """One contact becomes a lead: to the new lead's page, to work it."""
    contact = get_object_or_404(EventContact.objects.select_related("event"), pk=pk)
    try:
        lead = contacts.convert_event_contact(user=request.user, contact=contact)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except InputError as exc:
        _said(request, exc)
        return redirect(_back(contact.event))
    messages.success(request, _("Lead %(id)s created: %(title)s, follow up by %(date)s.") % {
        "id": lead.pk, "title": lead.title, "date": lead.next_follow_up})  # fmt: skip
    return redirect("leads:detail", lead.pk)


@login_required
@require_POST
def contacts_leads(request, pk: int):
    """The ticked contacts become leads, all or none."""
    event = get_object_or_404(BatchEvent, pk=pk)
    try:
        leads = contacts.convert_event_contacts(
            user=request.user, event=event, ids=request.POST.getlist("contacts")
        )
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except InputError as exc:
        _said(request, exc)
    else:
        messages.success(request, _("%(n)s leads created: %(ids)s.") % {
            "n": len(leads), "ids": "、".join(str(lead.pk) for lead in leads)})  # fmt: skip
    return redirect(_back(event))
