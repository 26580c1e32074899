"""The firms and people met at an event (招商推介会, 签约活动, a fair), and their one step to a lead.

- `add_event_contact(user=, event=, data=)` -- one contact from the event's page or the API;
- `read_contact_rows(data, filename)` then `import_event_contacts(user=, event=, rows=)` --
  a spreadsheet of contacts, every row checked first, all written or none;
- `convert_event_contact(user=, contact=, owner=, team=, next_follow_up=)` -- the contact
  becomes a lead through `services.create_lead` (origin: event, `origin_event` set), once;
  `convert_event_contacts` does it for several, all or none.

The firm is resolved through the project's one name resolver (`projects.services.
resolve_enterprise`: name, alias or credit code, any spelling), as a news candidate's investor
is on its way to a lead; a firm the registry lacks stays a name, and its lead carries that
name until someone links the enterprise on the lead. Rights are those of making a lead from a
chain target (`access.check_can_create`: editors of every kind; leaders read only).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError
from zhaoshang.core.history import record
from zhaoshang.core.models import ChangeAction
from zhaoshang.core.names import Lookup
from zhaoshang.enterprises.models import Lead, LeadOrigin
from zhaoshang.leads import access, services
from zhaoshang.leads.models import EventContact
from zhaoshang.lib.names import firm_key
from zhaoshang.lib.textnorm import to_halfwidth
from zhaoshang.projects import rules as ledger_rules
from zhaoshang.projects.services import resolve_enterprise

FIELDS = ("firm_name", "enterprise", "person", "title", "phone", "note")
TEXTS = {"firm_name": False, "person": False, "title": False, "phone": False, "note": True}
# Headers as people write them -> the row's keys (compared after `lib.excel.header_key`).
HEADERS = {
    "firm_name": ("企业名称", "企业", "公司名称", "公司", "单位", "单位名称", "firm", "firm_name",
                  "company", "name"),
    "enterprise": ("统一社会信用代码", "信用代码", "登记企业", "enterprise", "credit_code", "uscc"),
    "person": ("联系人", "姓名", "人员", "person", "contact"),
    "title": ("职务", "职位", "title", "job title", "job_title"),
    "phone": ("电话", "联系电话", "手机", "phone", "telephone", "mobile"),
    "note": ("备注", "说明", "note", "notes"),
}  # fmt: skip
HEADER_ROWS = 10
MAX_ROWS = 2000  # contacts per file: more than any one event meets
# A phone as people write it: digits, +, -, brackets, spaces, an extension (转, ext).
PHONE = re.compile(r"[0-9+\-() /,、转ext.]*")
FOLLOW_UP_DAYS = 7  # as a chain target's lead: first follow-up within a week


def _label(key: str) -> str:
    return str(EventContact._meta.get_field(key).verbose_name)


def contacts_of(event):
    """The event's contacts in the order they were recorded, with their firm and lead."""
    return (
        EventContact.objects.filter(event=event).select_related("enterprise", "lead").order_by("id")
    )


def _clean(data: dict[str, Any], names: Lookup) -> tuple[dict[str, Any], dict[str, str]]:
    """A contact's values as kept (key -> value) and the errors (key -> message)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in sorted(set(data) - set(FIELDS)):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    for key, lines in TEXTS.items():
        try:
            values[key] = services._text(EventContact, key, data.get(key), lines=lines)
        except ledger_rules.RuleError as exc:
            errors[key] = str(exc)
    if "firm_name" not in errors and not values["firm_name"]:
        errors["firm_name"] = _("%(field)s is required") % {"field": _label("firm_name")}
    phone = values.get("phone", "")
    if phone and "phone" not in errors:
        folded = to_halfwidth(phone).lower()
        if not PHONE.fullmatch(folded) or sum(c.isdigit() for c in folded) < 3:
            errors["phone"] = _("%(field)s: “%(value)s” is not a phone number") % {
                "field": _label("phone"), "value": phone[:80]}  # fmt: skip
    wanted = str(data.get("enterprise") or "").strip()
    if wanted:
        pk = names.enterprise(int(wanted) if wanted.isdigit() else wanted)
        if pk is None:
            errors["enterprise"] = _("%(field)s: no “%(value)s” in the registry") % {
                "field": _label("enterprise"), "value": wanted[:80]}  # fmt: skip
        values["enterprise_id"] = pk
    elif values.get("firm_name"):
        values["enterprise_id"] = names.enterprise(values["firm_name"])
    values.pop("enterprise", None)
    return values, errors


def _same(event, values: dict[str, Any]) -> EventContact | None:
    """A contact of the event already recorded for the same firm (any spelling) and person."""
    key, person = firm_key(values["firm_name"]), values.get("person", "")
    for contact in EventContact.objects.filter(event=event, person=person).only("firm_name"):
        if firm_key(contact.firm_name) == key:
            return contact
    return None


def _duplicate_message(values: dict[str, Any], contact_id: Any) -> str:
    return _("%(firm)s %(person)s is already recorded on this event (contact %(id)s)") % {
        "firm": values["firm_name"], "person": values.get("person", ""), "id": contact_id}  # fmt: skip


def _create(user, event, values: dict[str, Any]) -> EventContact:
    contact = EventContact.objects.create(
        event=event, created_by=services._user(user),
        is_synthetic=bool(getattr(event, "is_synthetic", False)), **values,
    )  # fmt: skip
    record(contact, user=user, action=ChangeAction.CREATE,
           changes={k: [None, v] for k, v in values.items() if v not in ("", None)})  # fmt: skip
    return contact


@transaction.atomic
def add_event_contact(*, user, event, data: dict[str, Any]) -> EventContact:
    """Record one firm met at `event`: `data` holds firm_name (required), enterprise (a
    name, credit code or id the registry knows; default: the firm name if it resolves),
    person, title, phone, note. The same firm and person twice on one event is refused."""
    access.check_can_create(user)
    values, errors = _clean(data, Lookup())
    if not errors:
        same = _same(event, values)
        if same is not None:
            errors["firm_name"] = _duplicate_message(values, same.pk)
    if errors:
        raise InputError(errors)
    return _create(user, event, values)


def read_contact_rows(data: bytes, filename: str = "") -> list[tuple[int, dict[str, str]]]:
    """(row number as the file shows it, {key: text}) for each non-empty row under the header
    of the first sheet that has a firm column. Raises InputError({"file": message})."""
    from zhaoshang.excel.services import workbook_message
    from zhaoshang.lib.excel import WorkbookError, header_key, read_workbook, rows_under_header

    by_header = {header_key(h): key for key, words in HEADERS.items() for h in words}
    try:
        sheets = read_workbook(data, filename)
    except WorkbookError as exc:
        raise InputError({"file": workbook_message(exc)}) from None
    out = rows_under_header(
        sheets, lambda c: by_header.get(header_key(c)), "firm_name", HEADER_ROWS, _cell
    )
    if out == []:
        raise InputError({"file": _("the sheet has a header but no contacts under it")})
    if out is not None and len(out) > MAX_ROWS:
        raise InputError({"file": _(
            "the file holds %(n)s contacts, more than %(max)s; import it in parts"
        ) % {"n": len(out), "max": MAX_ROWS}})  # fmt: skip
    if out is not None:
        return out
    raise InputError({"file": _(
        "no header row found: the first %(n)s rows of a sheet need a column firm (企业名称); "
        "the others are person (联系人), job title (职务), phone (电话), note (备注) and "
        "the registry's firm (统一社会信用代码)"
    ) % {"n": HEADER_ROWS}})  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number read as a number: 13800000000.0
    return str(value).strip()


@transaction.atomic
def import_event_contacts(
    *, user, event, rows: list[tuple[int, dict[str, str]]]
) -> list[EventContact]:
    """Record every row of a spreadsheet as a contact of `event`, or none: each problem is
    named by row, field and value (`InputError` keyed "row N: field")."""
    access.check_can_create(user)
    names = Lookup()
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in rows:
        values, problems = _clean(raw, names)
        for key, message in problems.items():
            errors[_("row %(n)s: %(field)s") % {"n": number, "field": key}] = message
        if problems:
            continue
        pair = (firm_key(values["firm_name"]), values.get("person", ""))
        first = seen.setdefault(pair, number)
        row_key = _("row %(n)s: %(field)s") % {"n": number, "field": "firm_name"}
        if first != number:
            errors[row_key] = _("%(firm)s %(person)s is in the file twice (first on row %(row)s)") % {
                "firm": values["firm_name"], "person": values.get("person", ""), "row": first}  # fmt: skip
            continue
        same = _same(event, values)
        if same is not None:
            errors[row_key] = _duplicate_message(values, same.pk)
            continue
        cleaned.append(values)
    if errors:
        raise InputError(errors)
    return [_create(user, event, values) for values in cleaned]


def _lead_fields(contact: EventContact) -> dict[str, Any]:
    """What the lead holds from the contact, in the terms of `services.create_lead`."""
    event = contact.event
    who = "，".join(p for p in (contact.person, contact.title, contact.phone) if p)
    if event.date is not None:
        lines = [_("Met at %(event)s (%(date)s).") % {"event": event.name,
                                                      "date": event.date.isoformat()}]  # fmt: skip
    else:
        lines = [_("Met at %(event)s.") % {"event": event.name}]
    if who:
        lines.append(_("Contact: %(who)s") % {"who": who})
    if contact.note:
        lines.append(contact.note)
    if contact.enterprise_id is None:
        lines.append(_("Firm not in the registry: %(firm)s") % {"firm": contact.firm_name})
    return {
        "title": (_("%(firm)s: met at %(event)s") % {"firm": contact.firm_name,
                                                     "event": event.name})[:300],
        "enterprise": contact.enterprise,
        "origin": LeadOrigin.EVENT,
        "origin_event": event,
        "origin_note": f"{event.name}: {contact}"[:300],
        "description": "\n".join(lines),
        "is_synthetic": contact.is_synthetic or event.is_synthetic,
    }  # fmt: skip


def _converted_message(contact: EventContact) -> str:
    return _("%(contact)s already became lead %(id)s.") % {"contact": str(contact),
                                                          "id": contact.lead_id}  # fmt: skip


def _convert(user, contact: EventContact, extra: dict[str, Any]) -> Lead:
    if contact.enterprise_id is None:  # the registry may have learnt the firm since
        contact.enterprise = resolve_enterprise(contact.firm_name)
    lead = services.create_lead(user=user, **_lead_fields(contact), **extra)
    contact.lead = lead
    EventContact.objects.filter(pk=contact.pk).update(lead=lead, enterprise=contact.enterprise_id)
    record(contact, user=user, action=ChangeAction.UPDATE,
           changes={"lead": [None, lead.pk]})  # fmt: skip
    return lead


def _extra(owner: Any, team: Any, next_follow_up: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if not services._blank(owner):
        extra["owner"] = owner
    if not services._blank(team):
        extra["team"] = team
    if services._blank(next_follow_up):
        next_follow_up = timezone.localdate() + datetime.timedelta(days=FOLLOW_UP_DAYS)
    extra["next_follow_up"] = next_follow_up
    return extra


def _locked(pks: list[int]) -> list[EventContact]:
    return list(
        EventContact.objects.select_for_update(of=("self",))
        .filter(pk__in=pks)
        .select_related("event", "enterprise")
        .order_by("id")
    )


@transaction.atomic
def convert_event_contact(*, user, contact: EventContact, owner: Any = None, team: Any = None,
                          next_follow_up: Any = None) -> Lead:  # fmt: skip
    """Make `contact` a lead in one step: origin event, the event as `origin_event`, the firm
    as its enterprise when the registry knows it, the person, title, phone and note in its
    description, owned by `owner` (default: the user) with a follow-up date (default: in a
    week). A contact becomes a lead once; a second time is refused naming the lead."""
    access.check_can_create(user)
    locked = _locked([contact.pk])
    if not locked:
        raise InputError({"contact": _("This contact is no longer there.")})
    contact = locked[0]
    if contact.lead_id is not None:
        raise InputError({"contact": _converted_message(contact)})
    return _convert(user, contact, _extra(owner, team, next_follow_up))


@transaction.atomic
def convert_event_contacts(*, user, event, ids: list[Any], owner: Any = None, team: Any = None,
                           next_follow_up: Any = None) -> list[Lead]:  # fmt: skip
    """Make each of the event's contacts `ids` a lead, all or none: an id that is not a
    contact of this event, or a contact that is a lead already, refuses the lot by name."""
    access.check_can_create(user)
    wanted: list[int] = []
    errors: dict[str, str] = {}
    for value in ids:
        text = str(value).strip()
        if not text.isdigit():
            errors[f"contact {text[:20]}"] = _("“%(value)s” is not a contact's number") % {
                "value": text[:80]}  # fmt: skip
        elif int(text) not in wanted:
            wanted.append(int(text))
    if not wanted and not errors:
        errors["contacts"] = _("Tick the contacts to make leads of.")
    contacts = [c for c in _locked(wanted) if c.event_id == event.pk]
    found = {c.pk for c in contacts}
    for pk in wanted:
        if pk not in found:
            errors[f"contact {pk}"] = _("No contact %(id)s on this event.") % {"id": pk}
    for contact in contacts:
        if contact.lead_id is not None:
            errors[f"contact {contact.pk}"] = _converted_message(contact)
    if errors:
        raise InputError(errors)
    extra = _extra(owner, team, next_follow_up)
    return [_convert(user, contact, extra) for contact in contacts]
