"""Data-quality checks of the ledger against its plans and monthly reports. They never
block saving: they point at figures that contradict each other, for someone to correct.

The rules are the table `RULES` (code, severity, function); `check(projects)` runs all
of them over any set of projects in five queries, whatever its size, and
`check_project(project)` over one. Each finding names the project, the rule and the
figures, in the reader's language:

>>> [f.message for f in check_project(shenghong)]
['阶段为签约，但2023年12月月报形象进度为“（合成）试生产”，累计完成投资2.4198亿元']

Rules in short (stage order: lead < negotiating < signed < registered < started <
completed < in production < full production):

- stage_behind_reports: a monthly report's physical progress (形象进度) names a later
  stage than the project's (试生产 while at 签约), or investment is reported for a
  project not yet started;
- spending_before_start: investment reported for a month before the actual start;
- plan_above_remaining: a year's planned investment above the total investment less
  what was completed in earlier years;
- completed_above_total, funds_above_total: cumulative completed investment or funds
  in place (到位资金) above the total investment;
- stage_date_in_future: an actual stage date after today;
- report_for_future_month: a monthly report for a month after the current month;
- plan_before_signing, plan_for_dropped: an annual plan for a lead or a negotiation,
  or for a dropped project (for the year it was dropped and later).

A total written as a floor (超100亿元, qualifier "at least") is not exceeded by
anything, so the amount rules leave it alone.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, QuerySet, When
from django.db.models import TextChoices as _Choices
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError
from zhaoshang.lib.dates import PartialDate
from zhaoshang.lib.money import Qualifier, format_wan
from zhaoshang.progress.amounts import from_micro, micro_sum
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Project, Stage, StageDate, Status
from zhaoshang.projects.queries import find_unit_code

STAGES = tuple(Stage.values)
RANK = {stage: i for i, stage in enumerate(STAGES)}
STARTED = RANK[Stage.STARTED]


class Severity(_Choices):
    ERROR = "error", pgettext_lazy("data quality", "Error")
    WARNING = "warning", pgettext_lazy("data quality", "To check")


class Check(_Choices):
    STAGE_BEHIND_REPORTS = "stage_behind_reports", gettext_lazy("Stage behind the monthly reports")
    SPENDING_BEFORE_START = (
        "spending_before_start",
        gettext_lazy("Investment reported before the actual start"),
    )
    PLAN_ABOVE_REMAINING = (
        "plan_above_remaining",
        gettext_lazy("Annual plan above the remaining total investment"),
    )
    COMPLETED_ABOVE_TOTAL = (
        "completed_above_total",
        gettext_lazy("Completed investment above the total investment"),
    )
    FUNDS_ABOVE_TOTAL = (
        "funds_above_total",
        gettext_lazy("Funds in place above the total investment"),
    )
    STAGE_DATE_IN_FUTURE = "stage_date_in_future", gettext_lazy("Actual stage date after today")
    REPORT_FOR_FUTURE_MONTH = (
        "report_for_future_month",
        gettext_lazy("Monthly report for a month after the current month"),
    )
    PLAN_BEFORE_SIGNING = (
        "plan_before_signing",
        gettext_lazy("Annual plan for a lead or a negotiation"),
    )
    PLAN_FOR_DROPPED = "plan_for_dropped", gettext_lazy("Annual plan for a dropped project")


# --------------------------------------------------------------------------- progress text

# Words of a physical-progress text (形象进度) and the stage they show the project has
# reached, latest stage first. 主体完工 is building work, not completion (竣工).
STAGE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Stage.FULL_PRODUCTION, ("达产", "满产")),
    (Stage.IN_PRODUCTION, ("投产", "投入生产", "正式生产", "量产")),
    (Stage.COMPLETED, ("竣工", "试生产", "试运行", "全面完工", "全部完工")),
    (
        Stage.STARTED,
        (
            "开工", "动工", "施工", "桩基", "主体结构", "主体工程", "主体完工", "封顶",
            "设备安装", "安装调试", "土建",
        ),
    ),
)  # fmt: skip
# Paperwork before the start that contains a stage word (施工许可证, 施工图设计).
NOT_STAGE_WORDS = ("施工许可", "施工图", "施工招标", "施工单位", "开工手续", "开工许可", "开工证")
_WORD_STAGE: dict[str, str | None] = {w: stage for stage, words in STAGE_WORDS for w in words}
_WORD_STAGE.update(dict.fromkeys(NOT_STAGE_WORDS))
_WORD_RE = re.compile("|".join(sorted(map(re.escape, _WORD_STAGE), key=len, reverse=True)))
# A clause that speaks of a plan or a negation (计划6月开工, 尚未开工, 争取年底竣工) does
# not say the stage was reached; nor does "开工前".
_NOT_YET_RE = re.compile(r"未|待|拟|计划|准备|预计|即将|力争|争取|确保|筹备|目标")
_CLAUSE_RE = re.compile(r"[，。；;,!！?？\n]")


def stage_named(text: str) -> str | None:
    """The latest stage a physical-progress text says was reached, or None.

    >>> stage_named("主体结构施工，设备安装调试"), stage_named("尚未开工")
    ('started', None)
    """
    best = None
    for clause in _CLAUSE_RE.split(text):
        if _NOT_YET_RE.search(clause):
            continue
        for match in _WORD_RE.finditer(clause):
            if clause[match.end() : match.end() + 1] == "前":
                continue
            stage = _WORD_STAGE[match.group()]
            if stage is None:  # paperwork (施工许可): the longest match wins, so it is seen
                continue
            if best is None or RANK[stage] > RANK[best]:
                best = stage
    return best


# --------------------------------------------------------------------------- facts


@dataclass(slots=True)
class YearSums:
    completed: Decimal = Decimal(0)
    funds: Decimal = Decimal(0)
    first_spent_month: int | None = None  # first month with completed investment > 0
    last_month: int = 0
    future_reports: int = 0  # reports of this year for months after the current month


@dataclass(slots=True)
class ProjectFacts:
    """What the rules know of one project: the ledger row, actual stage dates, report
    sums per year, texts of reports that name a stage, and plans."""

    id: int
    code: str
    name: str
    unit_code: str
    unit_name: str
    stage: str
    status: str
    status_since: datetime.date | None
    total: Decimal | None
    total_qualifier: str
    is_synthetic: bool
    actual: dict[str, PartialDate] = field(default_factory=dict)
    years: dict[int, YearSums] = field(default_factory=dict)
    named: list[tuple[Month, str, str]] = field(default_factory=list)  # month, text, stage
    plans: list[tuple[int, Decimal]] = field(default_factory=list)

    @property
    def completed(self) -> Decimal:
        return sum((y.completed for y in self.years.values()), Decimal(0))

    @property
    def funds(self) -> Decimal:
        return sum((y.funds for y in self.years.values()), Decimal(0))

    @property
    def total_is_ceiling(self) -> bool:
        """A total that can be exceeded by nothing but a mistake (not "超100亿元")."""
        return self.total is not None and self.total_qualifier != Qualifier.AT_LEAST.value

    def first_spent(self) -> Month | None:
        for year in sorted(self.years):
            if self.years[year].first_spent_month:
                return Month(year, self.years[year].first_spent_month)
        return None

    def last_report(self) -> Month | None:
        reported = [y for y, s in self.years.items() if s.last_month]
        return Month(max(reported), self.years[max(reported)].last_month) if reported else None


@dataclass(frozen=True, slots=True)
class Context:
    today: datetime.date
    lang: str

    def money(self, value: Decimal) -> str:
        return format_wan(value, lang=self.lang)


@dataclass(frozen=True, slots=True)
class Finding:
    project_id: int
    project_code: str
    project_name: str
    unit_code: str
    unit: str
    rule: str
    severity: str
    message: str
    is_synthetic: bool = False

    @property
    def rule_label(self) -> str:
        return str(Check(self.rule).label)

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


# --------------------------------------------------------------------------- the rules


def _stage_behind_reports(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    stage = RANK[p.stage]
    named = [n for n in p.named if RANK[n[2]] > stage]
    # the furthest stage named, in its latest report
    latest = max(named, key=lambda n: (RANK[n[2]], n[0])) if named else None
    spent = p.completed if stage < STARTED else Decimal(0)
    if not (latest or spent):
        return
    values = {"stage": Stage(p.stage).label, "amount": ctx.money(spent)}
    if latest:
        values.update(month=latest[0].label(), text=latest[1])
        if spent:
            yield (
                _(
                    "Stage is %(stage)s, but the %(month)s report's physical progress reads "
                    "“%(text)s” and %(amount)s has been completed in all"
                )
                % values
            )
        else:
            yield (
                _(
                    "Stage is %(stage)s, but the %(month)s report's physical progress reads "
                    "“%(text)s”"
                )
                % values
            )
    else:
        yield _(
            "Stage is %(stage)s (not started), but monthly reports show %(amount)s completed "
            "in all, from %(month)s"
        ) % {**values, "month": p.first_spent().label()}


def _spending_before_start(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    started, first = p.actual.get(Stage.STARTED), p.first_spent()
    if started and first and PartialDate(first.first_day, "month").is_before(started):
        yield _(
            "Investment completed is reported from %(month)s, before the actual start on %(date)s"
        ) % {"month": first.label(), "date": started}


def _plan_above_remaining(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    if not p.total_is_ceiling:
        return
    for year, planned in sorted(p.plans):
        before = sum((s.completed for y, s in p.years.items() if y < year), Decimal(0))
        remaining = p.total - before
        if planned > remaining:
            yield _(
                "The %(year)s plan of %(planned)s is more than the total investment left: "
                "%(total)s total, %(before)s completed before %(year)s, %(remaining)s left"
            ) % {
                "year": year,
                "planned": ctx.money(planned),
                "total": ctx.money(p.total),
                "before": ctx.money(before),
                "remaining": ctx.money(remaining)
                if remaining >= 0
                else f"-{ctx.money(-remaining)}",
            }


def _completed_above_total(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    if p.total_is_ceiling and p.completed > p.total:
        yield _(
            "%(amount)s of investment completed in all (reports to %(month)s) is more than "
            "the total investment of %(total)s"
        ) % {
            "amount": ctx.money(p.completed),
            "month": p.last_report().label(),
            "total": ctx.money(p.total),
        }


def _funds_above_total(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    if p.total_is_ceiling and p.funds > p.total:
        yield _(
            "%(amount)s of funds in place in all (reports to %(month)s) is more than the "
            "total investment of %(total)s"
        ) % {
            "amount": ctx.money(p.funds),
            "month": p.last_report().label(),
            "total": ctx.money(p.total),
        }


def _stage_date_in_future(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    today = PartialDate(ctx.today)
    for stage in STAGES:
        on = p.actual.get(stage)
        # a date known to the month or year is in the future only after that month or year
        if on is not None and on.date > ctx.today and today.is_before(on):
            yield _("The actual date of %(stage)s, %(date)s, is after today (%(today)s)") % {
                "stage": Stage(stage).label,
                "date": on,
                "today": ctx.today.isoformat(),
            }


def _report_for_future_month(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    n = sum(s.future_reports for s in p.years.values())
    if n:
        yield ngettext(
            "%(n)d monthly report is for a month after the current month (%(current)s, "
            "today %(today)s), the latest for %(month)s",
            "%(n)d monthly reports are for months after the current month (%(current)s, "
            "today %(today)s), the latest for %(month)s",
            n,
        ) % {
            "n": n,
            "current": Month.of(ctx.today).label(),
            "today": ctx.today.isoformat(),
            "month": p.last_report().label(),
        }


def _plan_before_signing(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    if RANK[p.stage] < RANK[Stage.SIGNED]:
        for year, planned in sorted(p.plans):
            yield _("An annual plan for %(year)s (%(planned)s) while the stage is %(stage)s") % {
                "year": year,
                "planned": ctx.money(planned),
                "stage": Stage(p.stage).label,
            }


def _plan_for_dropped(p: ProjectFacts, ctx: Context) -> Iterator[str]:
    if p.status != Status.DROPPED:
        return
    for year, planned in sorted(p.plans):
        if p.status_since is None:
            yield _("An annual plan for %(year)s (%(planned)s) for a dropped project") % {
                "year": year,
                "planned": ctx.money(planned),
            }
        elif year >= p.status_since.year:
            yield _(
                "An annual plan for %(year)s (%(planned)s) for a project dropped on %(since)s"
            ) % {"year": year, "planned": ctx.money(planned), "since": p.status_since.isoformat()}


@dataclass(frozen=True)
class QualityRule:
    code: str
    severity: str
    find: Callable[[ProjectFacts, Context], Iterable[str]]


RULES: tuple[QualityRule, ...] = (
    QualityRule(Check.STAGE_BEHIND_REPORTS, Severity.ERROR, _stage_behind_reports),
    QualityRule(Check.SPENDING_BEFORE_START, Severity.WARNING, _spending_before_start),
    QualityRule(Check.PLAN_ABOVE_REMAINING, Severity.WARNING, _plan_above_remaining),
    QualityRule(Check.COMPLETED_ABOVE_TOTAL, Severity.ERROR, _completed_above_total),
    QualityRule(Check.FUNDS_ABOVE_TOTAL, Severity.ERROR, _funds_above_total),
    QualityRule(Check.STAGE_DATE_IN_FUTURE, Severity.ERROR, _stage_date_in_future),
    QualityRule(Check.REPORT_FOR_FUTURE_MONTH, Severity.ERROR, _report_for_future_month),
    QualityRule(Check.PLAN_BEFORE_SIGNING, Severity.WARNING, _plan_before_signing),
    QualityRule(Check.PLAN_FOR_DROPPED, Severity.WARNING, _plan_for_dropped),
)


# --------------------------------------------------------------------------- loading


def load(projects: QuerySet, today: datetime.date) -> list[ProjectFacts]:
    """Facts of every project in `projects`, in five queries (the others select by a
    subquery of `projects`, so the set may be of any size)."""
    # plain tuples: model instances cost more than the rules for a city of 100,000 projects
    rows = projects.order_by(F("unit_id").asc(nulls_last=True), "code").values_list(
        "pk", "code", "name", "unit_id", "unit__short_name", "unit__name", "stage", "status",
        "status_since", "total_investment_wan", "total_investment_qualifier", "is_synthetic",
    )  # fmt: skip
    facts = {
        row[0]: ProjectFacts(*row[:3], row[3] or "", row[4] or row[5] or "", *row[6:])
        for row in rows
    }
    ids = projects.values("pk")
    _load_stage_dates(facts, ids, today)
    _load_report_sums(facts, ids, Month.of(today))
    _load_stage_texts(facts, ids)
    for pid, year, planned in AnnualPlan.objects.filter(
        project_id__in=ids, planned_investment_wan__isnull=False
    ).values_list("project_id", "year", "planned_investment_wan"):
        if pid in facts:
            facts[pid].plans.append((year, planned))
    return list(facts.values())


def _load_stage_dates(facts: dict[int, ProjectFacts], ids: QuerySet, today: datetime.date):
    """The actual start, and dates after today (a date known to the month or year is
    stored as its first day, so one in the future is after today too)."""
    for pid, stage, on, precision in StageDate.objects.filter(
        Q(stage=Stage.STARTED) | Q(actual_on__gt=today),
        project_id__in=ids,
        actual_on__isnull=False,
    ).values_list("project_id", "stage", "actual_on", "actual_precision"):
        if pid in facts:
            facts[pid].actual[stage] = PartialDate(on, precision)


def _load_report_sums(facts: dict[int, ProjectFacts], ids: QuerySet, current: Month):
    sums = (
        MonthlyProgress.objects.filter(project_id__in=ids)
        .order_by()
        .values("project_id", "year")
        .annotate(
            completed=micro_sum("completed_wan"),
            funds=micro_sum("funds_in_place_wan"),
            first_spent=Min(
                Case(When(completed_wan__gt=0, then="month"), output_field=IntegerField())
            ),
            last=Max("month"),
            future=Count(
                "pk",
                filter=Q(year__gt=current.year) | Q(year=current.year, month__gt=current.month),
            ),
        )
    )
    for row in sums:
        if row["project_id"] in facts:
            facts[row["project_id"]].years[row["year"]] = YearSums(
                from_micro(row["completed"]),
                from_micro(row["funds"]),
                row["first_spent"],
                row["last"],
                row["future"],
            )


def _load_stage_texts(facts: dict[int, ProjectFacts], ids: QuerySet):
    """Reports whose physical progress names a stage (only texts with a stage word are
    read: the rest cannot name one)."""
    word_filter = Q()
    for _stage, words in STAGE_WORDS:
        for word in words:
            word_filter |= Q(physical_progress__contains=word)
    for pid, year, month, text in (
        MonthlyProgress.objects.filter(word_filter, project_id__in=ids)
        .order_by()
        .values_list("project_id", "year", "month", "physical_progress")
    ):
        stage = stage_named(text)
        if stage and pid in facts:
            facts[pid].named.append((Month(year, month), " ".join(text.split())[:80], stage))


# --------------------------------------------------------------------------- faces


def check(projects: QuerySet, *, today: datetime.date | None = None) -> list[Finding]:
    """Every finding for every project in `projects` (a queryset), by unit, project code
    and rule order. Five queries whatever the number of projects."""
    today = today or timezone.localdate()
    ctx = Context(today, "en" if (get_language() or "").startswith("en") else "zh")
    found = []
    for p in load(projects, today):
        for rule in RULES:
            for message in rule.find(p, ctx):
                found.append(
                    Finding(
                        project_id=p.id,
                        project_code=p.code,
                        project_name=p.name,
                        unit_code=p.unit_code,
                        unit=p.unit_name,
                        rule=str(rule.code),
                        severity=str(rule.severity),
                        message=message,
                        is_synthetic=p.is_synthetic,
                    )
                )
    return found


def check_project(project: Project, *, today: datetime.date | None = None) -> list[Finding]:
    return check(Project.objects.filter(pk=project.pk), today=today)


@dataclass
class Summary:
    """Findings of one township unit ("" for projects whose site is not decided), or of
    all units: how many projects each rule flags (a project counts once per rule, however
    many years or dates it concerns), how many projects have any finding, how many
    findings."""

    unit_code: str
    unit: str
    rules: dict[str, set[int]] = field(default_factory=lambda: {str(r.code): set() for r in RULES})
    flagged: set[int] = field(default_factory=set)
    findings: int = 0

    def add(self, finding: Finding) -> None:
        self.rules[finding.rule].add(finding.project_id)
        self.flagged.add(finding.project_id)
        self.findings += 1

    @property
    def by_rule(self) -> dict[str, int]:
        return {rule: len(ids) for rule, ids in self.rules.items()}

    @property
    def projects(self) -> int:
        return len(self.flagged)


def summarise(findings: Iterable[Finding]) -> tuple[list[Summary], Summary]:
    """One summary per unit (units in code order, undecided sites last) and one for all."""
    units: dict[str, Summary] = {}
    total = Summary("", "")
    for f in findings:
        if f.unit_code not in units:
            units[f.unit_code] = Summary(f.unit_code, f.unit)
        units[f.unit_code].add(f)
        total.add(f)
    return [units[code] for code in sorted(units, key=lambda c: (c == "", c))], total


def unit_code(text: str) -> str:
    """The code of the township unit named by `text` (code, name or alias, e.g. 冶金园).

    Raises InputError naming the value when no unit has that name."""
    code = find_unit_code(text)
    if code is None:
        raise InputError({"unit": _("unknown township unit “%(value)s”") % {"value": text.strip()}})
    return code
