"""Writes to a project's file: approvals, people, documents. Each checks rights, refuses
a change based on a stale version (`projects.services.version_stale`), records who changed
what before and after (`core.history`), in one transaction.

    add_person(user=u, project=p, data={"role": "leader", "name": "王某"})
    update_approval(user=u, approval=a, data={...}, expected_version=3)
    add_document(user=u, project=p, data=b"%PDF-...", name="批复.pdf", title="环评批复")
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core.errors import ConflictError, InputError
from zhaoshang.core.history import bump_version, record, save_tracked
from zhaoshang.core.models import ChangeAction
from zhaoshang.dossier import access, checklists, files
from zhaoshang.dossier.models import FINISHED as FINISHED_STATUSES
from zhaoshang.dossier.models import (
    Approval,
    ApprovalItem,
    ApprovalStatus,
    Document,
    ProjectPerson,
)
from zhaoshang.lib.uploads import FileRefused, check_size
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import require_version, version_stale

PERSON_FIELDS = ("role", "name", "title", "phone", "note")
APPROVAL_FIELDS = (
    "item", "name", "department", "planned_on", "done_on", "status", "reference", "document",
    "note",
)  # fmt: skip


def _what(model) -> str:
    return str(model._meta.verbose_name)


def _assign(obj: models.Model, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Set the given fields and validate the whole object; InputError field by field."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise InputError({k: _("unknown field “%(value)s”") % {"value": k} for k in unknown})
    for key, value in data.items():
        setattr(obj, key, "" if value is None and _is_text(obj, key) else value)
    try:
        obj.full_clean(exclude=["project", "created_by", "stored_name"])
    except Exception as exc:  # ValidationError: shown beside each field
        if hasattr(exc, "message_dict"):
            raise InputError(exc.message_dict) from None
        raise


def _is_text(obj, key: str) -> bool:
    field = obj._meta.get_field(key)
    return isinstance(field, models.CharField | models.TextField)


def _locked(model, obj, expected_version: Any):
    """`obj` locked for this transaction, refused when it was saved (or removed) since the
    version the change was based on."""
    expected = require_version(expected_version, what=_what(model))
    locked = model.objects.select_for_update().select_related("project").get(pk=obj.pk)
    if locked.version != expected or locked.removed_at is not None:
        raise ConflictError(
            version_stale(_what(model), expected, locked.version),
            current_version=locked.version,
        )
    return locked


def _check_approval(approval: Approval) -> None:
    errors = {}
    if approval.status == ApprovalStatus.DONE and approval.done_on is None:
        errors["done_on"] = _("An obtained approval needs the date it was obtained.")
    if approval.done_on is not None and approval.status != ApprovalStatus.DONE:
        errors["status"] = _("A date obtained is given: set the status to obtained.")
    if approval.done_on is not None and approval.done_on > timezone.localdate():
        errors["done_on"] = _("The date obtained cannot be in the future.")
    if approval.document_id and approval.document.project_id != approval.project_id:
        errors["document"] = _("The document must belong to this project.")
    if approval.document_id and approval.document.removed_at is not None:
        errors["document"] = _("That document was removed.")
    if errors:
        raise InputError(errors)


# --------------------------------------------------------------------------- people


@transaction.atomic
def add_person(*, user, project: Project, data: dict[str, Any]) -> ProjectPerson:
    access.check_edit(user, project)
    person = ProjectPerson(project=project, created_by=_user(user))
    _assign(person, data, PERSON_FIELDS)
    save_tracked(person, user=user)
    return person


@transaction.atomic
def update_person(
    *, user, person: ProjectPerson, data: dict[str, Any], expected_version: Any
) -> ProjectPerson:
    access.check_edit(user, person.project)
    person = _locked(ProjectPerson, person, expected_version)
    _assign(person, data, PERSON_FIELDS)
    save_tracked(person, user=user)
    return person


@transaction.atomic
def remove_person(*, user, person: ProjectPerson, expected_version: Any) -> None:
    access.check_edit(user, person.project)
    person = _locked(ProjectPerson, person, expected_version)
    _remove(person, user)


# --------------------------------------------------------------------------- approvals


@transaction.atomic
def add_approval(*, user, project: Project, data: dict[str, Any]) -> Approval:
    access.check_edit(user, project)
    approval = Approval(project=project, created_by=_user(user))
    _assign(approval, data, APPROVAL_FIELDS)
    _check_approval(approval)
    save_tracked(approval, user=user)
    return approval


@transaction.atomic
def update_approval(
    *, user, approval: Approval, data: dict[str, Any], expected_version: Any
) -> Approval:
    access.check_edit(user, approval.project)
    approval = _locked(Approval, approval, expected_version)
    _assign(approval, data, APPROVAL_FIELDS)
    _check_approval(approval)
    save_tracked(approval, user=user)
    return approval


@transaction.atomic
def remove_approval(*, user, approval: Approval, expected_version: Any) -> None:
    access.check_edit(user, approval.project)
    approval = _locked(Approval, approval, expected_version)
    _remove(approval, user)


# --------------------------------------------------------------------------- documents


class DocumentRefused(Exception):
    """An upload refused for its content or size; the message names the file."""


def refusal_text(name: str, exc: Exception) -> str:
    if isinstance(exc, FileRefused) and exc.code == "too_large":
        return _("“%(name)s” is larger than %(limit)s MB.") % {
            "name": name,
            "limit": exc.params["limit"],
        }
    if isinstance(exc, FileRefused):
        return _("“%(name)s” is damaged and cannot be read.") % {"name": name}
    return _(
        "“%(name)s” is not a file type kept here. Accepted: %(extensions)s (PDF; Word, Excel "
        "and PowerPoint documents; photos). The type is judged by the content, not the name."
    ) % {"name": name, "extensions": files.EXTENSIONS}


def add_document(*, user, project: Project, data: bytes, name: str, title: str = "") -> Document:
    """Check `data` (size, then content) and keep it with the project; DocumentRefused
    naming the file otherwise. The bytes are written before the row, and taken away again
    if the row cannot be saved."""
    access.check_edit(user, project)
    # a name sent with a path (an old browser's C:\照片\a.png): its last part only
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "file"
    try:
        check_size(len(data), files.max_bytes())
        found = files.sniff(data)
    except (FileRefused, files.FileType) as exc:
        raise DocumentRefused(refusal_text(name, exc)) from None
    title = (title or "").strip()[:200] or name.rsplit(".", 1)[0][:200] or name
    stored, digest = files.store(data, found.extension)
    try:
        with transaction.atomic():
            document = Document(
                project=project,
                kind=found.kind,
                title=title,
                original_name=name,
                content_type=found.content_type,
                size=len(data),
                sha256=digest,
                stored_name=stored,
                created_by=_user(user),
            )
            document.save()
            # what a reader of the history needs; the stored name and checksum are bookkeeping
            record(
                document,
                user=user,
                action=ChangeAction.CREATE,
                changes={
                    key: [None, getattr(document, key)]
                    for key in ("title", "original_name", "kind", "size")
                },
            )
    except BaseException:
        files.discard(stored)
        raise
    return document


@transaction.atomic
def remove_document(*, user, document: Document, expected_version: Any) -> None:
    """Take a document away: its record stays (who removed it, when), its bytes go."""
    access.check_edit(user, document.project)
    document = _locked(Document, document, expected_version)
    _remove(document, user)
    stored = document.stored_name
    transaction.on_commit(lambda: files.discard(stored))


def download_name(document: Document) -> str:
    """The name a download carries: the uploaded name with the extension of its content."""
    stem = document.original_name.rsplit(".", 1)[0] or "file"
    return stem + "." + document.stored_name.rsplit(".", 1)[-1]


# --------------------------------------------------------------------------- shared


def _remove(obj, user) -> None:
    obj.removed_at = timezone.now()
    type(obj).objects.filter(pk=obj.pk).update(removed_at=obj.removed_at)
    bump_version(obj)
    record(
        obj,
        user=user,
        action=ChangeAction.DELETE,
        changes={"removed_at": [None, obj.removed_at.isoformat()]},
    )


def _user(user):
    return user if user is not None and user.is_authenticated else None


# --------------------------------------------------------------------------- 要素保障


@dataclass
class ChecklistApplied:
    """What applying a checklist template did: the items added, the ones the project had
    already (left as they were), and the day the new items were dated from."""

    template: Any
    added: list[Approval]
    kept: list[str]
    start: datetime.date | None

    def message(self) -> str:
        if self.template is None:
            return _("No checklist template fits this project.")
        text = _("%(added)s items added from “%(template)s”; %(kept)s already there, kept.") % {
            "added": len(self.added),
            "template": self.template.name,
            "kept": len(self.kept),
        }
        if self.added and self.start is None:
            text += " " + _("The project has no planned start: the new items have no due date.")
        return text


def _item_key(item: str, name: str) -> tuple[str, str]:
    # one approval per kind; only "other" items are told apart by their name
    return (item, name if item == ApprovalItem.OTHER else "")


@transaction.atomic
def apply_checklist(
    *, user, project: Project, template=None, start: datetime.date | None = None
) -> ChecklistApplied:
    """Give `project` the items of its checklist template (`checklists.template_for` when
    none is named), each due `days_before_start` before the planned start (`start`, else
    `checklists.planned_start_of`). Idempotent: an item the project has already (same kind;
    "other" items by name) is never added twice and never changed, dates included."""
    access.check_edit(user, project)
    template = template or checklists.template_for(project)
    if template is None:
        return ChecklistApplied(None, [], [], None)
    start = start or checklists.planned_start_of(project)
    existing = {
        _item_key(item, name)
        for item, name in Approval.objects.select_for_update()
        .filter(project=project, removed_at__isnull=True)
        .values_list("item", "name")
    }
    added, kept = [], []
    for step in template.steps.select_related("department").order_by("order", "id"):
        if _item_key(step.item, step.name) in existing:
            kept.append(str(step))
            continue
        existing.add(_item_key(step.item, step.name))
        approval = Approval(
            project=project,
            item=step.item,
            name=step.name,
            department=step.department,
            planned_on=checklists.due_on(step.days_before_start, start),
            created_by=_user(user),
        )
        save_tracked(approval, user=user, reason=_("checklist “%(name)s”") % {"name": template})
        added.append(approval)
    return ChecklistApplied(template, added, kept, start)


def close_element(
    *,
    user,
    approval: Approval,
    done_on: Any,
    reference: str = "",
    expected_version: Any,
    upload: tuple[bytes, str] | None = None,
) -> Approval:
    """Mark an approval or input obtained on `done_on` with its document number, and keep
    the uploaded document (bytes, file name) with the project when one is given. Refused
    (InputError naming the field and value; nothing written) for a missing, unreadable or
    future date, a date before the project's file could know it, or a stale version."""
    access.check_edit(user, approval.project)
    day = _parse_day(done_on)
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise InputError(
            {"reference": _("“%(value)s” is longer than 100 characters.") % {"value": reference}}
        )
    stored = None
    try:
        with transaction.atomic():
            locked = _locked(Approval, approval, expected_version)
            if locked.status in FINISHED_STATUSES:
                raise ConflictError(
                    _("“%(item)s” is already marked %(status)s.")
                    % {"item": locked, "status": locked.get_status_display()},
                    current_version=locked.version,
                )
            data: dict[str, Any] = {"status": ApprovalStatus.DONE, "done_on": day}
            if reference:
                data["reference"] = reference
            if upload is not None:
                # titled by its file name, as the project page's uploads are
                document = add_document(
                    user=user, project=locked.project, data=upload[0], name=upload[1]
                )
                stored = document.stored_name
                data["document"] = document
            _assign(locked, data, APPROVAL_FIELDS)
            _check_approval(locked)
            save_tracked(locked, user=user)
    except BaseException:
        if stored is not None:
            files.discard(stored)
        raise
    return locked


def _parse_day(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        day = value
    else:
        text = str(value or "").strip()
        if not text:
            raise InputError({"done_on": _("Give the date the item was obtained.")})
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise InputError(
                {"done_on": _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}}
            ) from None
    if day > timezone.localdate():
        raise InputError(
            {"done_on": _("%(value)s is in the future: give the day it was obtained.")
             % {"value": day.isoformat()}}
        )  # fmt: skip
    return day
