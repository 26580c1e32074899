"""The project ledger: projects, their stages, investors, lists and batch events."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhaoshang.core.fields import Qualifier, money_field, money_fields
from zhaoshang.lib.dates import PartialDate
from zhaoshang.regions.models import Level


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    REGISTERED = "registered", _("Registered")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    IN_PRODUCTION = "in_production", _("In production")
    FULL_PRODUCTION = "full_production", _("Full production")


STAGE_ORDER = list(Stage.values)

# Forward moves a project may make. Registration and negotiation may be skipped
# (a firm already registered here signs and starts; a lead signs at a fair);
# nothing else is skipped, so a project moved stage by stage has every date.
# (A project entered from an existing ledger may start at any stage, dates unknown.)
FORWARD: dict[str, set[str]] = {
    Stage.LEAD: {Stage.NEGOTIATING, Stage.SIGNED},
    Stage.NEGOTIATING: {Stage.SIGNED},
    Stage.SIGNED: {Stage.REGISTERED, Stage.STARTED},
    Stage.REGISTERED: {Stage.STARTED},
    Stage.STARTED: {Stage.COMPLETED},
    Stage.COMPLETED: {Stage.IN_PRODUCTION},
    Stage.IN_PRODUCTION: {Stage.FULL_PRODUCTION},
    Stage.FULL_PRODUCTION: set(),
}


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


# How much of a date is known: 2023-03-15, 2023-03 (stored as the 1st) or 2023.
DATE_PRECISIONS = [("day", _("day")), ("month", _("month")), ("year", _("year"))]


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    PAUSED = "paused", _("Paused")
    DROPPED = "dropped", _("Dropped")


class Nature(models.TextChoices):
    NEW = "new", _("New")
    EXPANSION = "expansion", _("Expansion")
    UPGRADE = "upgrade", _("Technical upgrade")


NATIONAL_CODE_RE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")


def validate_national_code(value: str) -> None:
    if value and not NATIONAL_CODE_RE.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a national investment-project code "
                "(format YYYY-AAAAAA-BB-CC-NNNNNN, e.g. 2023-320582-36-03-512345)."
            ),
            params={"value": value},
            code="national_code",
        )


class Project(models.Model):
    code = models.CharField(
        _("project code"), max_length=32, unique=True, help_text=_("Our own code, never reused")
    )
    national_code = models.CharField(
        _("national investment-project code"),
        max_length=24,
        blank=True,
        db_index=True,
        validators=[validate_national_code],
    )
    name = models.CharField(_("project name"), max_length=300, db_index=True)
    description = models.TextField(_("construction content and scale"), blank=True)
    category = models.CharField(
        _("category"), max_length=100, blank=True, help_text=_("e.g. 新开工项目 from a ledger")
    )
    investors = models.ManyToManyField(
        "enterprises.Enterprise",
        through="ProjectInvestor",
        related_name="projects",
        blank=True,
        verbose_name=_("investors"),
    )
    unit = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("township unit"),
        related_name="projects",
        help_text=_("Empty while the site is not yet decided"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    industry = models.ForeignKey(
        "industries.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("industry (GB/T 4754-2017)"),
    )
    chain = models.ForeignKey(
        "chains.Chain",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("industrial chain"),
        related_name="projects",
    )
    is_foreign = models.BooleanField(_("foreign-invested"), default=False, db_index=True)
    nature = models.CharField(
        _("new or expansion"), max_length=10, choices=Nature.choices, default=Nature.NEW
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ON_TRACK, db_index=True
    )
    status_reason = models.TextField(_("status reason"), blank=True)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="phases",
        verbose_name=_("parent project"),
    )
    phase_label = models.CharField(
        _("phase"), max_length=50, blank=True, help_text=_("e.g. 首期, 二期")
    )

    total_investment_wan, total_investment_qualifier, total_investment_text = money_fields(
        _("total investment")
    )
    (
        signed_amount_wan,
        signed_amount_qualifier,
        signed_amount_text,
    ) = money_fields(_("signed amount"))
    (
        registered_capital_wan,
        registered_capital_qualifier,
        registered_capital_text,
        registered_capital_currency,
        registered_capital_original,
        registered_capital_rate,
    ) = money_fields(_("registered capital"), foreign=True)
    (
        foreign_investment_wan,
        foreign_investment_qualifier,
        foreign_investment_text,
        foreign_investment_currency,
        foreign_investment_original,
        foreign_investment_rate,
    ) = money_fields(_("foreign investment"), foreign=True)
    expected_revenue_wan, expected_revenue_qualifier, expected_revenue_text = money_fields(
        _("expected yearly revenue")
    )
    expected_tax_wan, expected_tax_qualifier, expected_tax_text = money_fields(
        _("expected yearly tax")
    )
    expected_output_wan, expected_output_qualifier, expected_output_text = money_fields(
        _("expected yearly output value")
    )
    expected_jobs = models.PositiveIntegerField(_("jobs at full production"), null=True, blank=True)
    capacity = models.CharField(
        _("capacity"), max_length=200, blank=True, help_text=_("e.g. 60GWh, 月产1000万只")
    )
    # land in 亩 as written (约120亩, 8公顷): the 亩均 figures divide by it (projects.mujun)
    land_area_mu = models.DecimalField(
        _("land area (mu)"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    land_area_qualifier = models.CharField(
        _("land area qualifier"), max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    land_area_text = models.CharField(_("land area as written"), max_length=200, blank=True)

    sources = models.ManyToManyField(
        "core.Source", through="ProjectSource", blank=True, verbose_name=_("sources")
    )
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, db_index=True, help_text=_("Invented demo data")
    )
    # public and infrastructure projects are published by their industry or category
    # (projects.oc4ids); this flag publishes any other project too
    publish_oc4ids = models.BooleanField(
        _("publish as open data (公开发布)"),
        default=False,
        help_text=_("Include this project in the OC4IDS open-data export"),
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

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-total_investment_wan", "code"]
        indexes = [
            models.Index(fields=["unit", "stage"]),
            models.Index(fields=["total_investment_wan"]),
            # covering indexes for the cockpit's grouped sums: SQLite reads the index
            # instead of sorting the whole table for every GROUP BY
            models.Index(
                fields=[
                    "stage",
                    "unit",
                    "chain",
                    "is_foreign",
                    "total_investment_wan",
                    "is_synthetic",
                    "parent",
                ],
                name="project_cockpit_idx",
            ),
            models.Index(
                fields=["industry", "stage", "unit", "is_synthetic", "total_investment_wan"],
                name="project_industry_idx",
            ),
            # the stage-date join (signings and starts per day): found by id, the amount and
            # the cockpit's filter columns come from this index instead of the wide table row
            models.Index(
                fields=["id", "total_investment_wan", "stage", "unit", "industry", "is_synthetic"],
                name="project_by_id_amount_idx",
            ),
            # a county's projects among a province's (bench/province.py): ids, status, parent
            # and stage read from this index instead of 10^4 table pages scattered over 10^6
            # rows, for every plan and report query of the county
            models.Index(
                fields=["unit", "status", "id", "parent", "stage"], name="project_unit_scope_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.parent_id is not None and self.pk is not None:
            node, seen = self.parent, {self.pk}
            while node is not None:
                if node.pk in seen:
                    errors.setdefault("parent", []).append(
                        _("A project cannot be a phase of itself.")
                    )
                    break
                seen.add(node.pk)
                node = node.parent
        if self.status == Status.DROPPED and not self.status_reason.strip():
            errors.setdefault("status_reason", []).append(_("Dropping a project needs a reason."))
        for name in ("total_investment", "signed_amount", "registered_capital"):
            value = getattr(self, f"{name}_wan")
            if value is not None and value < 0:
                errors.setdefault(f"{name}_wan", []).append(
                    _("An amount cannot be negative: %(value)s") % {"value": value}
                )
        if self.unit_id and self.unit.level != Level.TOWNSHIP:
            errors.setdefault("unit", []).append(
                _("“%(unit)s” is not a township-level unit.") % {"unit": self.unit}
            )
        if errors:
            raise ValidationError(errors)

    def can_move_to(self, stage: str) -> bool:
        return stage in FORWARD[self.stage]

    @property
    def is_phase(self) -> bool:
        return self.parent_id is not None

    def total_qualified(self) -> str:
        from zhaoshang.lib.money import Qualifier as Q
        from zhaoshang.lib.money import format_wan

        if self.total_investment_wan is None:
            return ""
        return format_wan(self.total_investment_wan, Q(self.total_investment_qualifier))


class InvestorRole(models.TextChoices):
    LEAD = "lead", _("Lead investor")
    PARTNER = "partner", _("Partner")


class ProjectInvestor(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="investor_links", verbose_name=_("project")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="project_links",
        verbose_name=_("investor"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=InvestorRole.choices, default=InvestorRole.LEAD
    )
    share_percent = models.DecimalField(
        _("share (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("project investor")
        verbose_name_plural = _("project investors")
        constraints = [
            models.UniqueConstraint(fields=["project", "enterprise"], name="uniq_project_investor")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.project}"


class StageDate(models.Model):
    """Planned and actual date of one stage of one project, and who recorded it."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stage_dates", verbose_name=_("project")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    planned_precision = models.CharField(
        _("precision of the planned date"),
        max_length=5,
        choices=DATE_PRECISIONS,
        default="day",
    )
    actual_on = models.DateField(_("actual date"), null=True, blank=True)
    actual_precision = models.CharField(
        _("precision of the actual date"),
        max_length=5,
        choices=DATE_PRECISIONS,
        default="day",
        help_text=_("“month” when a source says only 2022年11月; the date is then the 1st"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage date")
        verbose_name_plural = _("stage dates")
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="uniq_project_stage_date")
        ]
        indexes = [
            models.Index(
                fields=["stage", "actual_on", "project"], name="stagedate_stage_actual_idx"
            ),
            # a project's start and completion dates (the four rates, per planned project of a
            # county) read from the index, not from the table's scattered pages
            models.Index(fields=["project", "stage", "actual_on"], name="stagedate_project_actual"),
        ]
        ordering = ["project", "stage"]

    def __str__(self) -> str:
        return f"{self.project} {self.get_stage_display()}"

    def partial(self, prefix: str):
        """The planned or actual date with its precision, or None."""
        on = getattr(self, f"{prefix}_on")
        return None if on is None else PartialDate(on, getattr(self, f"{prefix}_precision"))

    def display(self, prefix: str) -> str:
        value = self.partial(prefix)
        return "" if value is None else str(value)


class ProjectSource(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, verbose_name=_("project"))
    source = models.ForeignKey("core.Source", on_delete=models.PROTECT, verbose_name=_("source"))
    note = models.CharField(
        _("what it says"), max_length=300, blank=True, help_text=_("The facts taken from it")
    )

    class Meta:
        verbose_name = _("project source")
        verbose_name_plural = _("project sources")
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="uniq_project_source")
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.project}"


class ListLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Prefecture city")
    COUNTY = "county", _("County")


class ProjectList(models.Model):
    """A major-project list such as 2023年江苏省重大项目清单, as it concerns this county."""

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=ListLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    declared_project_count = models.PositiveIntegerField(
        _("projects on the list (as published)"), null=True, blank=True
    )
    planned_investment_wan = money_field(_("annual planned investment (10k CNY, as published)"))
    planned_investment_qualifier = models.CharField(
        _("qualifier"), max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    projects = models.ManyToManyField(
        Project, through="ProjectListEntry", related_name="lists", verbose_name=_("projects")
    )

    class Meta:
        verbose_name = _("major-project list")
        verbose_name_plural = _("major-project lists")
        ordering = ["-year", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="uniq_project_list")]

    def __str__(self) -> str:
        return self.name


class ProjectListEntry(models.Model):
    project_list = models.ForeignKey(
        ProjectList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("list")
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, verbose_name=_("project"))
    planned_investment_wan = money_field(_("annual planned investment on this list (10k CNY)"))

    class Meta:
        verbose_name = _("list member")
        verbose_name_plural = _("list members")
        constraints = [
            models.UniqueConstraint(fields=["project_list", "project"], name="uniq_list_member")
        ]

    def __str__(self) -> str:
        return f"{self.project_list}: {self.project}"


class BatchKind(models.TextChoices):
    SIGNING = "signing", _("Batch signing (集中签约)")
    START = "start", _("Batch start (集中开工)")
    COMPLETION = "completion", _("Batch completion (集中竣工)")
    START_AND_COMPLETION = "start_completion", _("Batch start and completion (集中开竣工)")
    PROMOTION = "promotion", _("Promotion meeting (推进会)")


class EventStatus(models.TextChoices):
    """A planned event is drafted, then published with its list; after its window it is
    reported (its report is computed from the projects' stage dates, never typed). An
    event recorded after the fact (from a source, the admin or the news) is published."""

    DRAFT = "draft", pgettext_lazy("batch event", "Draft")
    PUBLISHED = "published", pgettext_lazy("batch event", "Published")
    REPORTED = "reported", pgettext_lazy("batch event", "Reported")


class BatchEvent(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=BatchKind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DATE_PRECISIONS,
        default="day",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("administrative unit"),
    )
    declared_project_count = models.PositiveIntegerField(
        _("number of projects (as published)"), null=True, blank=True
    )
    declared_total_wan = money_field(_("total investment (10k CNY, as published)"))
    declared_total_qualifier = models.CharField(
        _("qualifier"), max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    projects = models.ManyToManyField(
        Project, blank=True, related_name="batch_events", verbose_name=_("projects")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EventStatus.choices,
        default=EventStatus.PUBLISHED,
        db_index=True,
    )
    # The window the event's projects are due to start (complete, sign) in: the month it
    # was planned for, or a quarter (the 开门红 meeting's first-quarter projects). Its
    # report counts a project done when its stage date falls on or before the window's end.
    window_start = models.DateField(_("window from"), null=True, blank=True)
    window_end = models.DateField(_("window to"), null=True, blank=True)
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
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch event")
        verbose_name_plural = _("batch events")
        ordering = ["-date", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "date"], name="uniq_batch_event")]

    def __str__(self) -> str:
        return self.name


class MujunThreshold(models.Model):
    """A 亩均 threshold (亩均 = per 亩 of land) kept as data: the minimum investment per 亩 a
    project must bring at signing (投资强度) and the output and tax per 亩 expected at full
    production. A threshold applies to the projects whose GB/T 4754 code starts with
    `industry_prefix` (empty: every project); the longest prefix wins. Each row says where
    its figures come from, so an operator can check and change them in the admin."""

    name = models.CharField(_("name"), max_length=200)
    industry_prefix = models.CharField(
        _("industry code prefix"),
        max_length=4,
        blank=True,
        help_text=_("GB/T 4754-2017 code or its first digits (C, 38, 3841); empty for all"),
    )
    min_investment_per_mu_wan = models.DecimalField(
        _("minimum investment per mu at signing (10k CNY)"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
    )
    min_output_per_mu_wan = models.DecimalField(
        _("minimum yearly output per mu at full production (10k CNY)"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
    )
    min_tax_per_mu_wan = models.DecimalField(
        _("minimum yearly tax per mu at full production (10k CNY)"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
    )
    binding = models.BooleanField(
        _("binding"),
        default=False,
        help_text=_("Below it, a signed project is refused instead of only warned"),
    )
    active = models.BooleanField(_("active"), default=True)
    source_title = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_note = models.TextField(_("source note"), blank=True)

    class Meta:
        verbose_name = _("mu-average threshold")
        verbose_name_plural = _("mu-average thresholds")
        ordering = ["industry_prefix", "name"]

    def __str__(self) -> str:
        return self.name
