"""Writes to a project's file: approvals, people, documents. Each checks rights, refuses
a change based on a stale version (`projects.services.version_stale`), records who changed
what before and after (`core.history`), in one transaction.

    add_person(user=u, project=p, data={"role": "leader", "name": "王某"})
    update_approval(user=u, approval=a, data={...}, expected_version=3)
    add_document(user=u, project=p, data=b"%PDF-...", name="批复.pdf", title="环评批复")
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core.errors import ConflictError, InputError
from zhaoshang.core.history import bump_version, record, save_tracked
from zhaoshang.core.models import ChangeAction
from zhaoshang.dossier import access, files
from zhaoshang.dossier.models import (
    Approval,
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
