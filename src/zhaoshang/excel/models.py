"""What the Excel import remembers: header mappings users fixed, and import jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HeaderMapping(models.Model):
    """A header the importer could not guess (or guessed wrong), as one user mapped it and
    asked to remember.

    `key` is the header as `lib.excel.header_key` writes it (two-row headers as
    ``总投资/完成``); `target` is a field name, ``field@亿元`` for an amount column and its
    unit, or empty to ignore the column. It belongs to `saved_by`: that user's later
    imports offer it as a suggestion, applied only when the user accepts it; nobody
    else's import ever reads it (a job's own mapping is `ImportJob.mapping`).
    """

    key = models.CharField(_("header"), max_length=300)
    header = models.CharField(_("header as written"), max_length=300)
    target = models.CharField(_("mapped to"), max_length=60, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("header mapping")
        verbose_name_plural = _("header mappings")
        ordering = ["saved_by", "key"]
        constraints = [
            models.UniqueConstraint(fields=["saved_by", "key"], name="excel_mapping_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.target or '—'}"


class JobStatus(models.TextChoices):
    CHECKING = "checking", _("checking")
    CHECKED = "checked", _("checked")
    WRITING = "writing", _("writing")
    WRITTEN = "written", _("written")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One uploaded workbook: its dry run, then (if asked) its commit.

    The file is kept in the database so that the commit re-reads exactly what was checked;
    the report is what the preview shows (long lists cut, see `services.REPORT_LIMIT`).
    `mapping` is this job's own column mapping (header key -> target), used by its dry
    runs and its commit and by nothing else. `worker` names the process running it
    (``host:pid:start``): a busy job whose process is gone was interrupted (see
    `jobs.fail_interrupted`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("by")
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.CHECKING
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    worker = models.CharField(_("worker process"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def busy(self) -> bool:
        return self.status in (JobStatus.CHECKING, JobStatus.WRITING)


class MonthlyImport(models.Model):
    """A township unit's monthly workbook (`excel.monthly`): its dry run, then its confirm.

    The file is kept so that the confirm reads exactly what was checked; `report` holds the
    dry run's rows and the report versions it saw, which the confirm passes on (a report
    changed in between is refused, never overwritten)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("by")
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    unit_code = models.CharField(_("township unit"), max_length=12)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    report = models.JSONField(_("report"), default=dict, blank=True)
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly report import")
        verbose_name_plural = _("monthly report imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
