"""What a project's file (一项目一档) holds beyond the ledger: approvals and inputs, the
people attached to it, and its documents and photos.

Rows are never deleted: a removal sets `removed_at` and is recorded in the change history
(`core.history`), so the history of a project's file keeps what was there and who took it
away. A removed document's bytes are deleted from the data folder; its record stays.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tracked(models.Model):
    """The bookkeeping every record of a project's file carries."""

    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Invented demo data")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        abstract = True


class ApprovalItem(models.TextChoices):
    """The approvals and inputs (审批/要素) a major project usually needs, in the order
    they are usually obtained. Issue #17 adds templates per project type."""

    LAND_PREEXAM = "land_preexam", _("Land-use pre-examination")
    LAND_SUPPLY = "land_supply", _("Land supply")
    PLANNING_PERMIT = "planning_permit", _("Planning permit")
    EIA = "eia", _("Environmental impact approval")
    ENERGY = "energy", _("Energy-saving review")
    CONSTRUCTION_PERMIT = "construction_permit", _("Construction permit")
    UTILITIES = "utilities", _("Water, power and gas connection")
    OTHER = "other", pgettext_lazy("approval item", "Other")


class ApprovalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("approval", "In progress")
    DONE = "done", pgettext_lazy("approval", "Obtained")
    NOT_NEEDED = "not_needed", _("Not needed")


FINISHED = (ApprovalStatus.DONE, ApprovalStatus.NOT_NEEDED)


class Approval(Tracked):
    """One approval or input of a project: who handles it, when it was planned, when it
    was obtained."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name=_("project"),
    )
    item = models.CharField(_("approval item"), max_length=24, choices=ApprovalItem.choices)
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("What exactly, when the item alone does not say it."),
    )
    department = models.ForeignKey(
        "progress.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvals",
        verbose_name=_("responsible department"),
    )
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    done_on = models.DateField(_("date obtained"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.NOT_STARTED,
    )
    reference = models.CharField(_("document number"), max_length=100, blank=True)
    document = models.ForeignKey(
        "dossier.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approvals",
        verbose_name=_("document"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals and inputs")
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return self.name or str(self.get_item_display())

    def days_late(self, on: datetime.date) -> int:
        """Days past the planned date on `on`: while not obtained (and needed) by then,
        or, once obtained, how late it came. 0 when on time or without a planned date."""
        if self.planned_on is None or self.status == ApprovalStatus.NOT_NEEDED:
            return 0
        if self.done_on is not None and self.done_on <= on:
            return max(0, (self.done_on - self.planned_on).days)
        return max(0, (on - self.planned_on).days)

    def is_overdue(self, on: datetime.date) -> bool:
        """Not obtained and past its planned date on `on`."""
        return self.status not in FINISHED and self.days_late(on) > 0


class PersonRole(models.TextChoices):
    LEADER = "leader", _("Leader in charge")
    TASK_FORCE = "task_force", _("Task-force member")
    PROJECT_CONTACT = "project_contact", _("Project contact")
    ENTERPRISE_CONTACT = "enterprise_contact", _("Enterprise contact")


ROLE_ORDER = [r.value for r in PersonRole]


class ProjectPerson(Tracked):
    """Someone attached to a project in a role: the leader in charge, the task force, the
    contacts on the government's and the investor's side."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("project"),
    )
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices)
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title and organisation"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("project person")
        verbose_name_plural = _("leaders, task force and contacts")
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class DocumentKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    PHOTO = "photo", _("Photo")


class Document(Tracked):
    """A file uploaded to a project's file. The bytes live in the data folder
    (`files/<stored_name>`, 0600); `content_type` is what the content was found to be,
    not what the browser said."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_name = models.CharField(_("stored as"), max_length=80, unique=True, editable=False)

    class Meta:
        verbose_name = _("document or photo")
        verbose_name_plural = _("documents and photos")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ChecklistTemplate(models.Model):
    """The 要素保障 checklist a kind of project needs, kept as data (admin-editable; the
    seed is `dossier/data/checklists.yaml`).

    A project's type is its GB/T 4754 section (门类: C = manufacturing, others service and
    infrastructure) and its nature (new, expansion, technical upgrade). The template for a
    project is the active one with the lowest `priority` whose `sections` and `natures`
    both admit it (an empty list admits everything): e.g. 新建工业项目 (C, new) before
    技改扩建工业项目 (C, expansion/upgrade) before the catch-all 服务业及其他项目.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    sections = models.CharField(
        _("industry sections"),
        max_length=60,
        blank=True,
        help_text=_(
            "GB/T 4754 section letters separated by commas (C = manufacturing); empty: any"
        ),
    )
    natures = models.CharField(
        _("natures"),
        max_length=60,
        blank=True,
        help_text=_("new, expansion, upgrade separated by commas; empty: any"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower first when several templates fit")
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def _listed(text: str) -> set[str]:
        return {part.strip() for part in text.replace("，", ",").split(",") if part.strip()}

    def admits(self, section: str | None, nature: str | None) -> bool:
        sections = {s.upper() for s in self._listed(self.sections)}
        natures = self._listed(self.natures)
        return (not sections or (section or "").upper() in sections) and (
            not natures or (nature or "") in natures
        )


class ChecklistStep(models.Model):
    """One item of a checklist template: what, which bureau answers for it, and when it is
    due relative to the project's planned start."""

    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("checklist template"),
    )
    item = models.CharField(_("approval item"), max_length=24, choices=ApprovalItem.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    department = models.ForeignKey(
        "progress.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    days_before_start = models.IntegerField(
        _("days before the planned start"),
        default=0,
        help_text=_("Due this many days before the planned start; negative: after it"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "item", "name"], name="dossier_step_once_per_template"
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.get_item_display())


class BureauMember(models.Model):
    """Which bureau a user works for: the bureau view opens on its items."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bureau",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        "progress.Department",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("responsible department"),
    )

    class Meta:
        verbose_name = _("bureau member")
        verbose_name_plural = _("bureau members")

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"
