"""Writes for batch events planned ahead: draft → published → reported.

Each function checks the caller's right (`access.check_office`: the 发改委's side plans;
leaders and towns read), validates everything before writing, runs in one transaction and
keeps the change in the history (`core.history`), as the other progress services do.
Adding and removing projects afterwards goes through `services.add_event_projects` and
`services.remove_event_project`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core.errors import ConflictError, InputError
from zhaoshang.core.history import record, save_tracked
from zhaoshang.core.models import ChangeAction
from zhaoshang.progress import access
from zhaoshang.progress.events import PLANNABLE, event_report, event_window
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import BatchEvent, EventStatus, Project
from zhaoshang.projects.rules import RuleError, characters, too_long
from zhaoshang.projects.services import parse_date, require_version, version_stale
from zhaoshang.regions.home import home_code
from zhaoshang.regions.models import Region

NAME_LIMIT = 200
PLACE_LIMIT = 200


def _text(errors: dict, key: str, value: Any, limit: int, *, required: bool) -> str:
    try:
        text = characters(key, value or "", str(BatchEvent._meta.get_field(key).verbose_name))
    except RuleError as exc:
        errors[key] = str(exc)
        return ""
    if required and not text:
        errors[key] = _("This field is required.")
    elif len(text) > limit:
        errors[key] = too_long(len(text), limit)
    return text


@transaction.atomic
def plan_event(
    *,
    user,
    kind: str,
    month: Any,
    name: Any,
    date: Any = None,
    place: Any = "",
    codes: list[str] | tuple[str, ...] = (),
) -> BatchEvent:
    """Draft an event of `kind` for `month` (its window) holding the projects `codes`.

    Refused, naming the field and value, with nothing written: a kind that cannot be
    planned, a bad month, a date outside the month, a blank or too long name, an unknown
    project code, an event of the same name on the same day."""
    access.check_office(user)
    errors: dict[str, str] = {}
    if kind not in PLANNABLE:
        errors["kind"] = _(
            "“%(value)s” is not a kind of event that can be planned (one of %(choices)s)"
        ) % {"value": kind, "choices": "、".join(PLANNABLE)}
    window = None
    try:
        m = Month.parse(month)
        window = (m.first_day, m.last_day)
    except ValueError as exc:
        errors["month"] = str(exc)
    text_name = _text(errors, "name", name, NAME_LIMIT, required=True)
    text_place = _text(errors, "place", place, PLACE_LIMIT, required=False)
    day: datetime.date | None = None
    if date not in (None, ""):
        try:
            parsed = parse_date(date)
        except ValueError as exc:
            errors["date"] = str(exc)
        else:
            if parsed.precision != "day":
                errors["date"] = _("give the day of the event (“%(value)s”)") % {"value": date}
            elif window and not (window[0] <= parsed.date <= window[1]):
                errors["date"] = _("%(value)s is not in %(month)s") % {
                    "value": parsed.date.isoformat(),
                    "month": str(m),
                }
            else:
                day = parsed.date
    codes = [c.strip() for c in codes if c and str(c).strip()]
    found = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
    missing = [c for c in codes if c not in found]
    if missing:
        errors["projects"] = _("no project with code %(codes)s") % {"codes": "、".join(missing)}
    if (
        "name" not in errors
        and "date" not in errors
        and window
        and BatchEvent.objects.filter(name=text_name, date=day or window[0]).exists()
    ):
        errors["name"] = _("an event “%(value)s” on that day exists already") % {"value": text_name}
    if errors:
        raise InputError(errors)
    assert window is not None
    event = BatchEvent(
        name=text_name,
        kind=kind,
        date=day or window[0],
        date_precision="day" if day else "month",
        place=text_place,
        unit=Region.objects.filter(code=home_code()).first(),  # the home region's event
        status=EventStatus.DRAFT,
        window_start=window[0],
        window_end=window[1],
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    save_tracked(event, user=user)
    if found:
        event.projects.add(*found.values())
        record(
            event,
            user=user,
            action=ChangeAction.UPDATE,
            changes={"projects": [0, len(found)]},
        )
    return event


def _check_version(event: BatchEvent, expected_version: int | None) -> None:
    expected = require_version(expected_version, what=_("batch event"))
    if expected != event.version:
        raise ConflictError(
            version_stale(_("batch event"), expected, event.version),
            current_version=event.version,
        )


@transaction.atomic
def publish_event(*, user, event: BatchEvent, expected_version: int | None = None) -> BatchEvent:
    """Publish a drafted event with its list: from then on it is public and due."""
    access.check_office(user)
    event = BatchEvent.objects.select_for_update().get(pk=event.pk)
    if expected_version is not None:
        _check_version(event, expected_version)
    if event.status != EventStatus.DRAFT:
        raise InputError(
            {
                "status": _("only a draft can be published; this event is %(status)s")
                % {"status": event.get_status_display()}
            }
        )
    if not event.projects.exists():
        raise InputError({"projects": _("an event without projects cannot be published")})
    event.status = EventStatus.PUBLISHED
    event.published_at = timezone.now()
    save_tracked(event, user=user)
    event.refresh_from_db()
    return event


@transaction.atomic
def mark_reported(
    *, user, event: BatchEvent, expected_version: int | None = None, today=None
) -> BatchEvent:
    """Close a published event's window with its report. The report stays computed from
    the stage dates; the history keeps the figures it read at this moment."""
    access.check_office(user)
    today = today or timezone.localdate()
    event = BatchEvent.objects.select_for_update().get(pk=event.pk)
    if expected_version is not None:
        _check_version(event, expected_version)
    if event.status != EventStatus.PUBLISHED:
        raise InputError(
            {
                "status": _("only a published event can be reported; this event is %(status)s")
                % {"status": event.get_status_display()}
            }
        )
    window = event_window(event)
    if window is None or today <= window[1]:
        raise InputError(
            {
                "date": _("the event's window runs to %(day)s; report it after that day")
                % {"day": "—" if window is None else window[1].isoformat()}
            }
        )
    report = event_report(event, today=today)
    event.status = EventStatus.REPORTED
    event.reported_at = timezone.now()
    event.save(update_fields=["status", "reported_at"])
    record(
        event,
        user=user,
        action=ChangeAction.UPDATE,
        changes={
            "status": [str(EventStatus.PUBLISHED.label), str(EventStatus.REPORTED.label)],
            # the amount as a plain number, the same on every database (PostgreSQL hands
            # back the column's six decimal places, SQLite none)
            "report": [
                None,
                f"{report.done_count}/{report.count}, {_plain(report.done_total_wan)}",
            ],
        },
    )
    BatchEvent.objects.filter(pk=event.pk).update(version=event.version + 1)
    event.refresh_from_db()
    return event


def _plain(amount) -> str:
    """A Decimal without trailing zeros and never in exponent form (100000, 12.5)."""
    if amount is None:
        return ""
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
