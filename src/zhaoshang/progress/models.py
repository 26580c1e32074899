"""Annual plans with their baselines, monthly progress, warning rules, problems (问题督办).

Amounts are Decimal 万元. Cumulative figures (year to date, since start) are never
stored: they are sums of the monthly rows (`queries.py`, `facts.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.fields import money_field


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class AnnualPlan(models.Model):
    """A project's plan for one year: planned investment, start and completion months,
    physical milestones (形象进度目标).

    The figures here are the plan as it stands. Approving it keeps a copy as a
    `PlanBaseline`; every later change of an approved plan needs a reason and adds the
    next baseline, so the first one is never lost and slippage can be measured.
    """

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="annual_plans",
        verbose_name=_("project"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned_investment_wan = money_field(_("annual planned investment (10k CNY)"))
    planned_start = models.DateField(
        _("planned start month"),
        null=True,
        blank=True,
        help_text=_("The first day of the month; empty when the project started before"),
    )
    planned_completion = models.DateField(
        _("planned completion month"),
        null=True,
        blank=True,
        help_text=_("The first day of the month; empty when completion is not due this year"),
    )
    milestones = models.TextField(_("physical milestones (形象进度目标)"), blank=True)
    status = models.CharField(
        _("plan status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    approved_at = models.DateTimeField(
        _("current baseline approved at"), null=True, blank=True, editable=False
    )
    baseline_count = models.PositiveSmallIntegerField(_("baselines"), default=0, editable=False)
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

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="uniq_plan_project_year")
        ]
        indexes = [
            models.Index(fields=["year", "project"], name="plan_year_project"),
            # a county's plans for the four rates, read from the index (bench/province.py)
            models.Index(
                fields=[
                    "project",
                    "year",
                    "id",
                    "planned_start",
                    "planned_completion",
                    "planned_investment_wan",
                ],
                name="plan_project_figures",
            ),
            # the few plans changed during the year (the four rates count them apart): found
            # without reading 10^6 plans (bench/province.py)
            models.Index(
                fields=["year"], condition=models.Q(baseline_count__gt=1), name="plan_rebaselined"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.project}"


class PlanBaseline(models.Model):
    """An approved version of an annual plan; number 1 is the first baseline."""

    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("baseline number"))
    planned_investment_wan = money_field(_("annual planned investment (10k CNY)"))
    planned_start = models.DateField(_("planned start month"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion month"), null=True, blank=True)
    milestones = models.TextField(_("physical milestones (形象进度目标)"), blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        verbose_name = _("plan baseline")
        verbose_name_plural = _("plan baselines")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="uniq_plan_baseline")
        ]

    def __str__(self) -> str:
        return f"{self.plan} #{self.number}"


class MonthlyProgress(models.Model):
    """One project's report for one month. Amounts are for the month only."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="monthly_progress",
        verbose_name=_("project"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    completed_wan = money_field(
        _("investment completed this month (10k CNY)"), null=False, blank=False, default=0
    )
    funds_in_place_wan = money_field(
        _("funds in place this month (10k CNY)"), null=False, blank=False, default=0
    )
    counted_wan = money_field(
        _("investment counted in statistics this month (入统, 10k CNY)"),
        null=False,
        blank=False,
        default=0,
    )
    physical_progress = models.TextField(_("physical progress (形象进度)"), blank=True)
    problems_raised = models.TextField(_("problems raised"), blank=True)
    reported_at = models.DateTimeField(
        _("first reported at"), default=timezone.now, help_text=_("Kept when the report is edited")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Invented demo data")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly progress report")
        verbose_name_plural = _("monthly progress reports")
        ordering = ["project", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "month"], name="uniq_progress_project_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="progress_month_1_12"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "month"], name="progress_year_month"),
            # Year-to-date sums per project read only this index (SQLite has no INCLUDE).
            models.Index(
                fields=[
                    "year", "project", "month", "completed_wan", "funds_in_place_wan",
                    "counted_wan",
                ],
                name="progress_ytd_cover",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.project} {self.year}-{self.month:02d}"


class Rule(models.TextChoices):
    BEHIND_ELAPSED = "behind_elapsed", _("Investment behind elapsed time")
    START_OVERDUE = "start_overdue", _("Planned start passed without a start")
    COMPLETION_OVERDUE = "completion_overdue", _("Planned completion passed without completion")
    NO_REPORT = "no_report", _("No report for the month")
    PROBLEM_OVERDUE = "problem_overdue", _("Problem overdue")
    ELEMENT_DUE = "element_due", _("Approvals and inputs due or overdue")


# What each rule's thresholds count, and the defaults (amber from, red from).
RULE_UNITS = {
    Rule.BEHIND_ELAPSED: _("percentage points behind elapsed time"),
    Rule.START_OVERDUE: _("months late"),
    Rule.COMPLETION_OVERDUE: _("months late"),
    Rule.NO_REPORT: _("days after the due date"),
    Rule.PROBLEM_OVERDUE: _("days after the deadline"),
    # two measures: amber counts days before an item's due date, red days after it
    Rule.ELEMENT_DUE: _("amber: days before the due date; red: days after it"),
}
RULE_DEFAULTS = {
    Rule.BEHIND_ELAPSED: (10, 25),
    Rule.START_OVERDUE: (1, 3),
    Rule.COMPLETION_OVERDUE: (1, 3),
    Rule.NO_REPORT: (1, 15),
    Rule.PROBLEM_OVERDUE: (1, 30),
    Rule.ELEMENT_DUE: (14, 1),
}
# rules whose amber and red thresholds count different things (red may be below amber)
TWO_SIDED_RULES = {Rule.ELEMENT_DUE}


class WarningRule(models.Model):
    """A warning rule's thresholds, which the city administrator may change.

    A project gets an amber light when the rule's measure reaches `amber_from`, a red
    one when it reaches `red_from` (see `RULE_UNITS` for what each measure counts).
    """

    code = models.CharField(_("rule"), max_length=24, choices=Rule.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    amber_from = models.DecimalField(_("amber from"), max_digits=8, decimal_places=2)
    red_from = models.DecimalField(_("red from"), max_digits=8, decimal_places=2)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_code_display())

    @property
    def measure(self) -> str:
        return str(RULE_UNITS[Rule(self.code)])

    def clean(self) -> None:
        errors = {}
        for name in ("amber_from", "red_from"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("A threshold cannot be negative.")
        if (
            not errors
            and self.code not in TWO_SIDED_RULES
            and self.amber_from is not None
            and self.red_from is not None
        ):
            if self.red_from < self.amber_from:
                errors["red_from"] = _("“Red from” cannot be below “amber from”.")
        if errors:
            raise ValidationError(errors)


class ProgressSettings(models.Model):
    """One row: reporting settings the city administrator may change."""

    report_due_day = models.PositiveSmallIntegerField(
        _("report due by day of the next month"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("The monthly report for June is due by this day of July (1–28)"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reporting settings")
        verbose_name_plural = _("reporting settings")

    def __str__(self) -> str:
        return str(_("reporting settings"))

    @classmethod
    def current(cls) -> ProgressSettings:
        return cls.objects.get_or_create(pk=1)[0]


class Department(models.Model):
    """A department that answers for problems (自然资源和规划局, 住建局, 供电公司 …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("responsible department")
        verbose_name_plural = _("responsible departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    SOLVED = "solved", _("Solved")
    CANNOT_SOLVE = "cannot_solve", _("Cannot be solved")


OPEN_STATUSES = (ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS)
CLOSED_STATUSES = (ProblemStatus.SOLVED, ProblemStatus.CANNOT_SOLVE)


class Problem(models.Model):
    """A blocking problem of a project, with who answers for it and by when (问题督办)."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name=_("project"),
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name=_("responsible department"),
    )
    leader = models.CharField(_("responsible leader"), max_length=100, blank=True)
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
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

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["deadline", "status"], name="problem_deadline_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_overdue(self, on) -> int:
        """Days past the deadline on `on` while open then; 0 when not overdue."""
        if self.raised_on > on or (self.closed_on is not None and self.closed_on <= on):
            return 0
        return max(0, (on - self.deadline).days)
