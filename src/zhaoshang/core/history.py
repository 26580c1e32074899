"""Keep every change to ledger data: who, when, each field before and after.

Services call `save_tracked` instead of `obj.save()`; the admin does too. The
state before is read back from the database, so a change made anywhere is
compared with what was really stored, not with what a form believed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from zhaoshang.core.models import ChangeAction, ChangeLog

# Bookkeeping fields whose changes are not news to anyone reading the history.
UNTRACKED = {"updated_at", "created_at", "version", "search_text"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Field name -> a JSON-friendly value; foreign keys as their readable name."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in UNTRACKED:
            continue
        if field.is_relation:
            raw_id = getattr(obj, field.attname)
            out[field.name] = None if raw_id is None else _plain(getattr(obj, field.name))
        else:
            out[field.name] = _plain(getattr(obj, field.attname))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(
    obj: models.Model,
    *,
    user,
    action: str,
    changes: dict[str, list[Any]],
    reason: str = "",
) -> ChangeLog:
    return ChangeLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        changes=changes,
        reason=reason,
        user=user if user is not None and user.is_authenticated else None,
    )


def bump_version(obj: models.Model) -> None:
    """Count a recorded change in the object's `version` (optimistic locking), if it has one."""
    model = type(obj)
    if not any(f.name == "version" for f in model._meta.concrete_fields):
        return
    manager = model._default_manager
    manager.filter(pk=obj.pk).update(version=models.F("version") + 1)
    obj.version = manager.values_list("version", flat=True).get(pk=obj.pk)


@transaction.atomic
def save_tracked(
    obj: models.Model, *, user, reason: str = "", action: str | None = None
) -> ChangeLog | None:
    """Save `obj` and record what changed. Returns the log entry (None if nothing changed)."""
    model = type(obj)
    before: dict[str, Any] = {}
    if obj.pk is not None and not obj._state.adding:
        stored = model._default_manager.filter(pk=obj.pk).first()
        before = snapshot(stored) if stored is not None else {}
    creating = not before
    obj.save()
    after = snapshot(obj)
    changes = (
        diff(before, after)
        if not creating
        else {k: [None, v] for k, v in after.items() if v not in (None, "", False)}
    )
    if not changes and not creating:
        return None
    if not creating:
        bump_version(obj)
    return record(
        obj,
        user=user,
        action=action or (ChangeAction.CREATE if creating else ChangeAction.UPDATE),
        changes=changes,
        reason=reason,
    )


def history_for(obj: models.Model):
    return history_of(type(obj), [obj.pk])


def history_of(model: type[models.Model], keys) -> models.QuerySet:
    """The recorded changes of the `model` objects with these primary keys."""
    return ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(key) for key in keys],
    ).select_related("user", "content_type")


def _label_value(field, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def describe(log: ChangeLog) -> list[tuple[str, str, str]]:
    """(label, before, after) for each change, in the reader's language.

    Field names become their verbose names and choice values their labels;
    `planned_started` reads "planned date: Started".
    """
    model = log.content_type.model_class()
    fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
    stage_field = fields.get("stage")
    rows = []
    for key, (before, after) in log.changes.items():
        field = fields.get(key)
        if field is not None:
            label = str(field.verbose_name)
        elif key.startswith(("planned_", "actual_")) and stage_field is not None:
            prefix, stage = key.split("_", 1)
            which = _("planned date") if prefix == "planned" else _("actual date")
            label = f"{which}: {_label_value(stage_field, stage)}"
        else:
            label = key
        rows.append((label, _label_value(field, before), _label_value(field, after)))
    return rows
