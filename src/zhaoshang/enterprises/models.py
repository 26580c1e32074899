"""The enterprise and investor registry."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhaoshang.lib.creditcode import CreditCodeError, validate_credit_code


def validate_credit_code_field(value: str) -> None:
    if not value:
        return
    try:
        validate_credit_code(value)
    except CreditCodeError as exc:
        raise ValidationError(str(exc), code="credit_code") from None


# Names of the countries and regions investors here come from, for pages (the registry keeps
# the ISO 3166 code). A code not listed is shown as it is.
COUNTRY_NAMES = {
    "CN": _("China"),
    "HK": _("Hong Kong, China"),
    "MO": _("Macao, China"),
    "TW": _("Taiwan, China"),
    "US": _("United States"),
    "CA": _("Canada"),
    "MX": _("Mexico"),
    "BR": _("Brazil"),
    "JP": _("Japan"),
    "KR": _("South Korea"),
    "SG": _("Singapore"),
    "MY": _("Malaysia"),
    "TH": _("Thailand"),
    "ID": _("Indonesia"),
    "VN": _("Vietnam"),
    "IN": _("India"),
    "IL": _("Israel"),
    "SA": _("Saudi Arabia"),
    "AE": _("United Arab Emirates"),
    "AU": _("Australia"),
    "NZ": _("New Zealand"),
    "DE": _("Germany"),
    "FR": _("France"),
    "GB": _("United Kingdom"),
    "NL": _("Netherlands"),
    "BE": _("Belgium"),
    "LU": _("Luxembourg"),
    "CH": _("Switzerland"),
    "AT": _("Austria"),
    "IT": _("Italy"),
    "ES": _("Spain"),
    "SE": _("Sweden"),
    "DK": _("Denmark"),
    "FI": _("Finland"),
    "NO": _("Norway"),
    "IE": _("Ireland"),
    "VG": _("British Virgin Islands"),
    "KY": _("Cayman Islands"),
    "BM": _("Bermuda"),
}


def country_name(code: str) -> str:
    """The name of an ISO 3166 code in the reader's language; the code itself if unknown."""
    name = COUNTRY_NAMES.get((code or "").upper())
    return str(name) if name is not None else (code or "")


class SizeBand(models.TextChoices):
    """Enterprise size as the statistics bureau bands it (统计上大中小微型企业划分办法 2017)."""

    LARGE = "large", pgettext_lazy("size band", "large")
    MEDIUM = "medium", pgettext_lazy("size band", "medium")
    SMALL = "small", pgettext_lazy("size band", "small")
    MICRO = "micro", pgettext_lazy("size band", "micro")


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code_field],
        help_text=_("18 characters with a check character (GB 32100-2015)"),
    )
    country = models.CharField(
        _("country"), max_length=2, default="CN", help_text=_("ISO 3166 code, e.g. CN, DE, US")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("parent group"),
        help_text=_("The enterprise that owns it; the top of this chain is the ultimate parent."),
    )
    industry = models.ForeignKey(
        "industries.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("industry"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("location"),
    )
    is_fortune500 = models.BooleanField(_("Fortune Global 500"), default=False)
    is_listed = models.BooleanField(_("listed"), default=False)
    stock_code = models.CharField(
        _("exchange and stock code"), max_length=40, blank=True, help_text=_("e.g. SZ 002008")
    )
    is_specialised = models.BooleanField(_("specialised and innovative (专精特新)"), default=False)
    is_high_tech = models.BooleanField(_("high-tech enterprise (高新技术企业)"), default=False)
    business_scope = models.TextField(_("business scope"), blank=True)
    size_band = models.CharField(
        _("size band"), max_length=8, choices=SizeBand.choices, blank=True, default=""
    )
    website = models.URLField(_("website"), blank=True)
    note = models.TextField(_("note"), blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, db_index=True, help_text=_("Invented demo data")
    )
    sources = models.ManyToManyField("core.Source", blank=True, verbose_name=_("sources"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="uniq_enterprise_credit_code",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.credit_code:
            try:
                self.credit_code = validate_credit_code(self.credit_code)
            except CreditCodeError as exc:
                raise ValidationError({"credit_code": str(exc)}) from None
        self.country = (self.country or "").upper()
        if self.parent_id is not None and self.pk is not None:
            seen = {self.pk}
            node = self.parent
            while node is not None:
                if node.pk in seen:
                    raise ValidationError({"parent": _("The parent group would form a loop.")})
                seen.add(node.pk)
                node = node.parent

    @property
    def ultimate_parent(self) -> Enterprise:
        node, seen = self, {self.pk}
        while node.parent is not None and node.parent.pk not in seen:
            node = node.parent
            seen.add(node.pk)
        return node

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def is_foreign(self) -> bool:
        return self.ultimate_parent.country not in ("CN", "")


class UniverseUpload(models.Model):
    """A file of target firms as uploaded, kept between its dry run and the confirmation so
    that the import writes exactly what was checked (`enterprises.universe`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("by")
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("file of target firms")
        verbose_name_plural = _("files of target firms")

    def __str__(self) -> str:
        return self.filename


class AliasKind(models.TextChoices):
    SHORT = "short", _("Chinese short name")
    ENGLISH = "english", _("English name")
    FORMER = "former", _("former name")
    OTHER = "other", _("other")


class EnterpriseAlias(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("enterprise")
    )
    alias = models.CharField(_("alias"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AliasKind.choices)

    class Meta:
        verbose_name = _("enterprise alias")
        verbose_name_plural = _("enterprise aliases")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "alias"], name="uniq_enterprise_alias")
        ]

    def __str__(self) -> str:
        return f"{self.alias} = {self.enterprise}"


class Contact(models.Model):
    """A person at an enterprise the investment office talks to."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("enterprise")
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.enterprise})"


class LeadStage(models.TextChoices):
    """Where a lead is in the pipeline (线索→接洽→在谈→签约→落地), kept apart from its status."""

    LEAD = "lead", _("Lead")
    CONTACT = "contact", _("In contact")
    NEGOTIATING = "negotiating", pgettext_lazy("lead stage", "Negotiating")
    SIGNED = "signed", pgettext_lazy("lead stage", "Signed")
    LANDED = "landed", _("Landed")


LEAD_STAGE_ORDER = list(LeadStage.values)


class LeadStatus(models.TextChoices):
    """How a lead is doing, whatever its stage (Data Hub keeps the two apart too)."""

    ACTIVE = "active", pgettext_lazy("lead status", "Active")
    PAUSED = "paused", pgettext_lazy("lead status", "Paused")
    LOST = "lost", _("Lost")
    WON = "won", _("Won")


class LeadOrigin(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    CHAIN_TARGET = "chain_target", _("Chain gap target")
    NEWS = "news", _("News or notice")
    REFERRAL = "referral", _("Referral")
    VISIT = "visit", _("Visit or fair")
    EVENT = "event", _("Investment event")
    WALK_IN = "walk_in", _("Walk-in")


class Lead(models.Model):
    """A possible investment (招商线索) before it is a project: who, what, who follows it up.

    `stage` moves 线索→接洽→在谈→签约→落地 through `leads.services.advance_lead`, which
    asks `leads.rules.missing_to_advance` first; `status` (active, paused, lost, won) is
    apart from it. `due_on` is the earliest service-level deadline (`leads.sla`), kept on
    the row so "overdue" is one indexed comparison on a list of 50,000 leads.
    """

    title = models.CharField(_("title"), max_length=300)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("enterprise"),
    )
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=LeadStage.choices, default=LeadStage.LEAD
    )
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.ACTIVE
    )
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    status_since = models.DateField(_("status since"), default=timezone.localdate)
    estimated_investment_wan = models.DecimalField(
        _("estimated investment (10k CNY)"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    estimated_investment_qualifier = models.CharField(
        _("estimated investment qualifier"), max_length=10, default="exact"
    )
    estimated_investment_text = models.CharField(
        _("estimated investment as written"), max_length=200, blank=True
    )
    chain = models.ForeignKey(
        "chains.Chain",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("industrial chain"),
    )
    node = models.ForeignKey(
        "chains.Node",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("chain node"),
    )
    unit = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intended location"),
        help_text=_("The township unit or park where the investment would land."),
    )
    origin = models.CharField(
        _("origin"), max_length=16, choices=LeadOrigin.choices, default=LeadOrigin.MANUAL
    )
    origin_note = models.CharField(
        _("origin detail"), max_length=300, blank=True, help_text=_("e.g. the chain node, article")
    )
    origin_event = models.ForeignKey(
        "projects.BatchEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("event it came from"),
    )
    source = models.ForeignKey(
        "core.Source", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("source")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        "leads.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("team"),
    )
    next_action = models.CharField(_("next action"), max_length=300, blank=True)
    next_follow_up = models.DateField(_("next action date"), null=True, blank=True)
    expected_signing_on = models.DateField(_("expected signing date"), null=True, blank=True)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    due_on = models.DateField(_("due by"), null=True, blank=True, db_index=True)
    due_kind = models.CharField(_("what is due"), max_length=20, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("project it became"),
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    # Optimistic locking, as on projects: every tracked save counts one up
    # (`core.history.bump_version`); a page or API write based on an older one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["next_follow_up", "-created_at"]
        indexes = [
            models.Index(fields=["status", "stage"], name="lead_status_stage"),
            models.Index(fields=["owner", "status"], name="lead_owner_status"),
            models.Index(fields=["team", "status"], name="lead_team_status"),
            # the list's and the board's order, read from the index (50,000 leads)
            models.Index(fields=["due_on", "-created_at", "id"], name="lead_due_order"),
            models.Index(
                fields=["stage", "due_on", "-created_at", "id"], name="lead_stage_due_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InteractionKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Phone call")
    MESSAGE = "message", _("Message or e-mail")


class Visit(models.Model):
    """An interaction with an enterprise (走访, 接待, 洽谈会, a call or a message), with what
    came of it. The lead's page and the enterprise's page show them as one timeline."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("enterprise"),
    )
    lead = models.ForeignKey(
        Lead,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("lead"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=InteractionKind.choices, default=InteractionKind.VISIT
    )
    visited_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    our_participants = models.CharField(_("our participants"), max_length=300, blank=True)
    their_participants = models.CharField(_("their participants"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    summary = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Never deleted: a removal sets this and is kept in the change history
    # (`leads.services.remove_interaction`); reads leave removed ones out.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["lead", "-visited_on"], name="visit_lead_date")]

    def __str__(self) -> str:
        return f"{self.enterprise or self.lead} {self.visited_on}"
