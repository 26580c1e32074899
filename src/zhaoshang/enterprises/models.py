"""The enterprise and investor registry."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    FOLLOWING = "following", _("Following up")
    CONVERTED = "converted", _("Became a project")
    DORMANT = "dormant", _("Dormant")
    CLOSED = "closed", _("Closed")


class LeadOrigin(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    CHAIN_TARGET = "chain_target", _("Chain gap target")
    NEWS = "news", _("News or notice")
    REFERRAL = "referral", _("Referral")
    VISIT = "visit", _("Visit or fair")


class Lead(models.Model):
    """A possible investment (招商线索) before it is a project: who, what, who follows it up.

    Large leads follow the rule in the brief: respond in 1 day, assess in 3, feed back
    in a week, report every two weeks; `next_follow_up` carries the next deadline.
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
    estimated_investment_wan = models.DecimalField(
        _("estimated investment (10k CNY)"), max_digits=20, decimal_places=6, null=True, blank=True
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
    origin = models.CharField(
        _("origin"), max_length=16, choices=LeadOrigin.choices, default=LeadOrigin.MANUAL
    )
    origin_note = models.CharField(
        _("origin detail"), max_length=300, blank=True, help_text=_("e.g. the chain node, article")
    )
    source = models.ForeignKey(
        "core.Source", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("source")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("owner"),
    )
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("project it became"),
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["next_follow_up", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Visit(models.Model):
    """A visit to or from an enterprise (走访, 接待), with what came of it."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="visits", verbose_name=_("enterprise")
    )
    lead = models.ForeignKey(
        Lead,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("lead"),
    )
    visited_on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visited by"),
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"
