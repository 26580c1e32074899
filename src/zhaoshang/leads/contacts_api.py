"""Event contacts in the JSON API, beside the leads (`leads.api` mounts this router): the
firms met at an event, recorded and made leads through `leads.contacts`, as on the event's
page. Reads: everyone signed in (as the event page); writes: as making a lead from a chain
target (leaders read only)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from zhaoshang.api.schemas import Detail, FieldErrors
from zhaoshang.leads import contacts
from zhaoshang.leads.models import EventContact
from zhaoshang.projects.models import BatchEvent

router = Router(tags=["leads"])

READ_ERRORS = {401: Detail, 404: Detail, 422: FieldErrors}
WRITE_ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 422: FieldErrors}


class ContactLead(Schema):
    id: int
    title: str


class ContactOut(Schema):
    id: int
    event: int
    firm_name: str
    enterprise: int | None = Field(description="The registry's enterprise id, when it resolved")
    enterprise_name: str | None
    person: str
    title: str
    phone: str
    note: str
    lead: ContactLead | None = Field(description="The lead it became, once converted")
    is_synthetic: bool
    created_at: datetime.datetime


class ContactIn(Schema):
    model_config = ConfigDict(extra="forbid")
    firm_name: str = Field(max_length=400)
    enterprise: str | None = Field(
        None, max_length=400, description="Name, credit code or id in the registry (default: "
        "the firm name, if it resolves)")  # fmt: skip
    person: str = Field("", max_length=400)
    title: str = Field("", max_length=400)
    phone: str = Field("", max_length=200)
    note: str = Field("", max_length=20000)


class ConvertIn(Schema):
    model_config = ConfigDict(extra="forbid")
    owner: str | None = Field(None, max_length=150, description="User name or id (default: you)")
    team: str | None = Field(None, max_length=100, description="Team id or name")
    next_follow_up: datetime.date | None = Field(None, description="Default: in a week")


class ConvertManyIn(ConvertIn):
    # ids as the database holds them (a larger number is no contact: 422, not 500)
    contacts: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(min_length=1, max_length=2000)


class LeadsMade(Schema):
    leads: list[ContactLead]


def _out(contact: EventContact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "event": contact.event_id,
        "firm_name": contact.firm_name,
        "enterprise": contact.enterprise_id,
        "enterprise_name": contact.enterprise.name if contact.enterprise_id else None,
        "person": contact.person,
        "title": contact.title,
        "phone": contact.phone,
        "note": contact.note,
        "lead": {"id": contact.lead.pk, "title": contact.lead.title} if contact.lead_id else None,
        "is_synthetic": contact.is_synthetic,
        "created_at": contact.created_at,
    }


def _event(event_id: int) -> BatchEvent:
    return get_object_or_404(BatchEvent, pk=event_id)


@router.get("/events/{event_id}/contacts", response={200: list[ContactOut], **READ_ERRORS})
def list_contacts(request, event_id: int):
    """The firms and people met at the event, with the lead each became."""
    return [_out(c) for c in contacts.contacts_of(_event(event_id))]


@router.post("/events/{event_id}/contacts", response={201: ContactOut, **WRITE_ERRORS})
def add_contact(request, event_id: int, payload: ContactIn):
    """Record a firm met at the event; the same firm and person twice is refused (422)."""
    contact = contacts.add_event_contact(
        user=request.auth, event=_event(event_id), data=payload.model_dump(exclude_unset=True)
    )
    return Status(201, _out(contacts.contacts_of(contact.event).get(pk=contact.pk)))


def _made(leads) -> dict[str, Any]:
    return {"leads": [{"id": lead.pk, "title": lead.title} for lead in leads]}


@router.post("/events/{event_id}/contacts/leads", response={201: LeadsMade, **WRITE_ERRORS})
def convert_contacts(request, event_id: int, payload: ConvertManyIn):
    """Make each listed contact a lead (origin event), all or none: a contact that is a lead
    already, or not one of this event's, refuses the lot (422) naming it."""
    leads = contacts.convert_event_contacts(
        user=request.auth, event=_event(event_id), ids=payload.contacts, owner=payload.owner,
        team=payload.team, next_follow_up=payload.next_follow_up,
    )  # fmt: skip
    return Status(201, _made(leads))


@router.post("/event-contacts/{contact_id}/lead", response={201: ContactLead, **WRITE_ERRORS})
def convert_contact(request, contact_id: int, payload: ConvertIn):
    """Make the contact a lead (origin event, the event as its origin); once only (422)."""
    contact = get_object_or_404(EventContact, pk=contact_id)
    lead = contacts.convert_event_contact(
        user=request.auth, contact=contact, owner=payload.owner, team=payload.team,
        next_follow_up=payload.next_follow_up,
    )  # fmt: skip
    return Status(201, {"id": lead.pk, "title": lead.title})
