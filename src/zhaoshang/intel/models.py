"""Articles read for leads, and the candidate projects and batches found in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.fields import Qualifier, money_field


class Article(models.Model):
    """A news story or notice as pasted or uploaded, stored once (by the hash of its text)."""

    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    source_url = models.CharField(
        _("source"), max_length=500, blank=True, help_text=_("Web address or where it came from")
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_hash = models.CharField(_("text hash"), max_length=64, unique=True, editable=False)
    source = models.ForeignKey(
        "core.Source",
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("source record"),
        help_text=_("Kept on every lead and project accepted from this article"),
    )
    amounts = models.JSONField(
        _("amounts found"), default=list, blank=True, help_text=_("Spans index the text")
    )
    reference_date = models.CharField(
        _("date the text was read against"), max_length=10, blank=True
    )
    extractor_version = models.PositiveSmallIntegerField(_("extractor version"), default=0)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-added_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CandidateKind(models.TextChoices):
    PROJECT = "project", _("Project")
    BATCH = "batch", _("Batch of projects")


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    ACCEPTED = "accepted", _("Accepted")
    MERGED = "merged", _("Merged")
    REJECTED = "rejected", _("Rejected")


class Event(models.TextChoices):
    SIGNED = "signed", _("Signed")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    IN_PRODUCTION = "in_production", _("In production")
    OTHER = "other", _("Other or not said")


def _amount(label):
    return (
        money_field(label),
        models.CharField(
            _("qualifier"), max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT
        ),
        models.CharField(_("as written"), max_length=200, blank=True),
    )


class Candidate(models.Model):
    """A project or batch the extractor found, waiting for a person's decision."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CandidateKind.choices)
    position = models.PositiveSmallIntegerField(_("position in the article"))
    name = models.CharField(_("name"), max_length=300, blank=True)
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "regions.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township unit"),
    )
    location = models.CharField(_("location as read"), max_length=100, blank=True)
    event = models.CharField(_("event"), max_length=16, choices=Event.choices, default=Event.OTHER)
    event_date = models.CharField(
        _("event date"), max_length=10, blank=True, help_text=_("2023-01-31, 2023-01 or 2023")
    )
    total_investment_wan, total_investment_qualifier, total_investment_text = _amount(
        _("total investment")
    )
    annual_revenue_wan, annual_revenue_qualifier, annual_revenue_text = _amount(
        _("expected yearly revenue")
    )
    annual_tax_wan, annual_tax_qualifier, annual_tax_text = _amount(_("expected yearly tax"))
    annual_output_wan, annual_output_qualifier, annual_output_text = _amount(
        _("expected yearly output value")
    )
    annual_plan_wan, annual_plan_qualifier, annual_plan_text = _amount(
        _("annual planned investment")
    )
    capacity = models.CharField(_("capacity"), max_length=200, blank=True)
    project_count = models.PositiveIntegerField(_("number of projects"), null=True, blank=True)
    phase_label = models.CharField(_("phase"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    evidence = models.TextField(_("sentence it came from"), blank=True)
    spans = models.JSONField(_("spans in the text"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CandidateStatus.choices,
        default=CandidateStatus.PENDING,
        db_index=True,
    )
    lead = models.ForeignKey(
        "enterprises.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead it became"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project it became or joined"),
    )
    batch_event = models.ForeignKey(
        "projects.BatchEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("batch event it became"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["article", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "kind", "position"], name="uniq_candidate_position"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    @property
    def is_pending(self) -> bool:
        return self.status == CandidateStatus.PENDING
