"""Teams that work leads, the lead's stage log, referrals, documents, and the service levels.

The lead itself is `enterprises.Lead` (and its interactions `enterprises.Visit`): chain
targets and news candidates made leads there before this app existed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.enterprises.models import LeadStage


class TeamKind(models.TextChoices):
    TASK_FORCE = "task_force", _("Investment task force (招商专班)")
    TOWN = "town", _("Town or park")
    DIVISION = "division", _("Bureau division")


class Team(models.Model):
    """Who works a lead: a 招商专班, a town's investment office, or a bureau division.
    A town team carries its township unit; its town editors see its leads."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=TeamKind.choices)
    unit = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township unit"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="lead_teams", verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """One move of a lead between stages, dated: the stage log that median days per stage
    and conversion rates are computed from."""

    lead = models.ForeignKey(
        "enterprises.Lead",
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("lead"),
    )
    from_stage = models.CharField(
        _("from stage"), max_length=12, choices=LeadStage.choices, blank=True
    )
    to_stage = models.CharField(_("to stage"), max_length=12, choices=LeadStage.choices)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["lead", "on", "id"]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_stage or '-'} -> {self.to_stage} {self.on}"


class Referral(models.Model):
    """A hand-over of a lead from one owner or team to another, with why."""

    lead = models.ForeignKey(
        "enterprises.Lead",
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("lead"),
    )
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from owner"),
    )
    from_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from team"),
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to owner"),
    )
    to_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to team"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_team or self.from_owner} -> {self.to_team or self.to_owner}"


class LeadDocument(models.Model):
    """A file kept with a lead (a letter of intent, a brochure, a photo of a visit). The bytes
    live where the project file keeps its own (`dossier.files`), under a random name."""

    lead = models.ForeignKey(
        "enterprises.Lead",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("lead"),
    )
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_name = models.CharField(_("stored as"), max_length=80, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Never deleted: a removal sets this, records it in the history and deletes the bytes.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead document")
        verbose_name_plural = _("lead documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ServiceLevelKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact within N days of creation")
    FOLLOW_UP = "follow_up", _("Follow up every N days")
    NO_CONTACT = "no_contact", _("Remind when no contact in N days")
    SIGNING_SOON = "signing_soon", _("Remind when signing is expected within N days")


class ServiceLevel(models.Model):
    """One service-level rule, kept as data so the bureau can change N without a release.

    `stage` limits a follow-up rule to one stage (blank: every stage); `min_investment_wan`
    makes a stricter rule for large leads (the 2024 rule for leads of 1亿 or more: respond
    in 1 day). Where several rules of a kind fit a lead, the shortest wins (a large lead in
    negotiation is followed up within the stricter of the two). `leads.sla` reads them.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ServiceLevelKind.choices)
    stage = models.CharField(_("stage"), max_length=12, choices=LeadStage.choices, blank=True)
    min_investment_wan = models.DecimalField(
        _("from an estimated investment of (10k CNY)"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
    )
    days = models.PositiveSmallIntegerField(_("days"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["kind", "stage", "min_investment_wan"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.stage} {self.days}"


class EventContact(models.Model):
    """A firm (and its person) met at an event: a 招商推介会, a signing ceremony, a fair.

    Recorded on the event's page, one at a time or from a spreadsheet; `enterprise` is the
    registry's firm when the name resolves (`projects.services.resolve_enterprise`). One
    click makes it a lead (origin: event, `origin_event` set) through the leads service;
    `lead` then points to that lead, and a second conversion is refused.
    """

    event = models.ForeignKey(
        "projects.BatchEvent",
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("event"),
    )
    firm_name = models.CharField(_("firm"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_contacts",
        verbose_name=_("enterprise"),
    )
    person = models.CharField(_("person"), max_length=100, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    lead = models.OneToOneField(
        "enterprises.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_contact",
        verbose_name=_("lead it became"),
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("event contact")
        verbose_name_plural = _("event contacts")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return f"{self.firm_name} {self.person}".strip()
