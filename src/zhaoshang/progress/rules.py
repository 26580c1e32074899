"""Red, amber and green lights (红黄绿灯) for any month, computed from the data.

The rules, each with thresholds the city administrator sets (`WarningRule`):

- behind_elapsed: the year's investment completion rate (completed January to the
  month / annual planned investment) against 序时进度 (month / 12). The measure is
  how many percentage points completion is behind; a project on pace gets green.
- start_overdue / completion_overdue: the planned start (completion) month has
  passed and the project has not started (completed) by the end of the month asked
  about; the measure is whole months since the planned month.
- no_report: the report due during the month (the previous month's report, due on
  a day of this month, `ProgressSettings`) was not in by its due date; the measure
  is days late: until it came, or until the end of the month if it had not come by
  then. A month's own report is due in the next month, so it is judged there.
- problem_overdue: a problem still open at the end of the month, past its deadline;
  the measure is days overdue.
- element_due: a project's approvals and inputs (要素保障) by their deadlines, one
  warning per project at its worst item's light (`dossier.elements.element_lights`:
  amber from N days before an item's due date, red from M days after it, while not
  obtained by the end of the month).

A month is judged as it stood at its end (today while it is still running, and only
then): the plan in force then, starts and completions dated by then, reports' first
submission dates, problems open then. Nothing is counted to a later day.
Every warning says why with the figures: `完成率 42%，序时进度 75%`.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core import figcache
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress.amounts import percent
from zhaoshang.progress.models import (
    Problem,
    ProgressSettings,
    Rule,
    WarningRule,
)
from zhaoshang.progress.months import Month
from zhaoshang.regions.models import Region

RED, AMBER, GREEN = "red", "amber", "green"
# Rule -> its code, read once: `Rule.X.value` through the enum's descriptor, per warning,
# cost more than the rest of building one at 10^4 warnings
RULE_CODES = {rule: rule.value for rule in Rule}
LEVELS = (RED, AMBER, GREEN)
LEVEL_RANK = {RED: 0, AMBER: 1, GREEN: 2}


@dataclass(frozen=True, slots=True)
class Warning:
    project_code: str
    project_name: str
    unit: str
    level: str
    rule: str
    reason: str
    is_synthetic: bool = False
    project_id: int = 0
    unit_code: str = ""

    def as_json(self) -> dict:
        """The CLI's and API's shape."""
        data = asdict(self)
        return {
            k: data[k] for k in ("project_code", "project_name", "unit", "level", "rule", "reason")
        }

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def rule_label(self) -> str:
        return str(Rule(self.rule).label)


def _level_labels():
    from django.utils.translation import gettext_lazy

    return {RED: gettext_lazy("red"), AMBER: gettext_lazy("amber"), GREEN: gettext_lazy("green")}


LEVEL_LABELS = _level_labels()


@dataclass(frozen=True)
class Thresholds:
    amber: Decimal
    red: Decimal

    def level(self, measure: Decimal | int) -> str | None:
        if measure >= self.red:
            return RED
        if measure >= self.amber:
            return AMBER
        return None


def active_rules() -> dict[str, Thresholds]:
    return {
        r.code: Thresholds(r.amber_from, r.red_from)
        for r in WarningRule.objects.filter(enabled=True)
    }


def _month_label(day: datetime.date) -> str:
    return _("%(year)s-%(month)02d") % {"year": day.year, "month": day.month}


def compute(
    month: Month,
    scope: facts_mod.Scope | None = None,
    *,
    include_green: bool = False,
    today: datetime.date | None = None,
    facts: dict[int, facts_mod.PlanFacts] | None = None,
) -> list[Warning]:
    """Every warning for `month`, worst first (then by unit and project code).

    `facts` may be passed in when the caller has loaded them already (same month).
    """
    today = today or timezone.localdate()
    if month.is_future(today):
        raise ValueError(_("%(month)s is in the future") % {"month": month})
    rules = active_rules()
    as_of = month.as_of(today)
    if facts is None:
        facts = facts_mod.load(month, scope, today=today)
    units = dict(Region.objects.filter(level=4).values_list("code", "short_name"))
    names = dict(Region.objects.filter(level=4).values_list("code", "name"))
    out: list[Warning] = []

    def add(item, level: str, rule: str, reason: str) -> None:
        unit = units.get(item.unit_id) or names.get(item.unit_id) or ""
        out.append(
            Warning(
                project_code=item.code,
                project_name=item.name,
                unit=unit,
                level=level,
                rule=RULE_CODES.get(rule, rule),
                reason=reason,
                is_synthetic=item.is_synthetic or item.plan_synthetic,
                project_id=item.project_id,
                unit_code=item.unit_id or "",
            )
        )

    elapsed = month.elapsed_share()
    behind = rules.get(Rule.BEHIND_ELAPSED)
    start = rules.get(Rule.START_OVERDUE)
    completion = rules.get(Rule.COMPLETION_OVERDUE)
    no_report = rules.get(Rule.NO_REPORT)
    # At the end of a month the report due by then is the previous month's (due on a day
    # of this month): this month's own report is not due until the next month.
    reported_month = month.previous()
    due = reported_month.due_date(ProgressSettings.current().report_due_day)
    judge_reports = no_report is not None and as_of > due
    reporters: dict[int, facts_mod.PlanFacts] = {}
    reports: dict[int, facts_mod.Report] = {}
    if judge_reports and reported_month.year == month.year:
        # the same year's plans: the projects judged are this month's, with that month's
        # reports (no second read of the plans)
        reporters = facts
        reports = facts_mod.month_reports(reported_month, facts, scope)
    elif judge_reports:
        reporters = facts_mod.load(reported_month, scope, today=today, reports_only=True)
        reports = {pk: item.report for pk, item in reporters.items() if item.report is not None}
    m = month.month
    # Each message translated once, not once per project: gettext is slow at 10^5 calls.
    say_behind = _("completion %(rate)s, elapsed time %(elapsed)s")
    say_start = _("planned to start in %(planned)s, not started by %(as_of)s (%(n)s months late)")
    say_completion = _(
        "planned to complete in %(planned)s, not completed by %(as_of)s (%(n)s months late)"
    )
    say_missing = _("no report for %(month)s by %(as_of)s; due %(due)s, %(n)s days overdue")
    say_late = _("report for %(month)s came %(n)s days late (due %(due)s, in %(on)s)")
    month_format = _("%(year)s-%(month)02d")
    elapsed_text = percent(elapsed)
    month_text = reported_month.label()
    as_of_index = Month.of(as_of).index
    if behind is not None:
        # gap (points) = (m/12 - done/planned) * 100 >= t  <=>
        # (m * planned - 12 * done) * 10^4 >= 12 * (100 t) * planned: integers, no Decimal
        red_from, amber_from = int(behind.red * 100) * 12, int(behind.amber * 100) * 12
    if judge_reports:
        missing_days = (as_of - due).days
        missing_level = no_report.level(missing_days)
        missing_text = say_missing % {
            "month": month_text,
            "as_of": as_of,
            "due": due,
            "n": missing_days,
        }
    for item in facts.values():
        if behind is not None and item.planned:
            lhs = (m * item.planned - 12 * item.ytd_completed) * 10_000
            if lhs >= red_from * item.planned:
                level = RED
            elif lhs >= amber_from * item.planned:
                level = AMBER
            else:
                level = GREEN
            if level != GREEN or include_green:
                share = Decimal(item.ytd_completed) / Decimal(item.planned)
                add(
                    item,
                    level,
                    Rule.BEHIND_ELAPSED,
                    say_behind % {"rate": percent(share), "elapsed": elapsed_text},
                )
        planned = item.planned_start
        if start is not None and planned is not None and not item.started_by(as_of):
            late = as_of_index - (planned.year * 12 + planned.month - 1)
            level = start.level(late) if late > 0 else None
            if level:
                label = month_format % {"year": planned.year, "month": planned.month}
                add(
                    item,
                    level,
                    Rule.START_OVERDUE,
                    say_start % {"planned": label, "as_of": as_of, "n": late},
                )
        planned = item.planned_completion
        if completion is not None and planned is not None and not item.completed_by(as_of):
            late = as_of_index - (planned.year * 12 + planned.month - 1)
            level = completion.level(late) if late > 0 else None
            if level:
                label = month_format % {"year": planned.year, "month": planned.month}
                add(
                    item,
                    level,
                    Rule.COMPLETION_OVERDUE,
                    say_completion % {"planned": label, "as_of": as_of, "n": late},
                )
    for item in reporters.values():
        report = reports.get(item.project_id)
        if report is not None and report.on_time:
            continue
        reported = None if report is None else report.reported_on
        if reported is None or reported > as_of:  # not in by the end of the month
            if missing_level:
                add(item, missing_level, Rule.NO_REPORT, missing_text)
            continue
        days = (reported - due).days
        level = no_report.level(days)
        if level:
            add(
                item,
                level,
                Rule.NO_REPORT,
                say_late % {"month": month_text, "n": days, "due": due, "on": reported},
            )
    overdue = rules.get(Rule.PROBLEM_OVERDUE)
    if overdue is not None:
        _problems(month, scope, as_of, overdue, add)
    if Rule.ELEMENT_DUE in rules:
        _elements(month, scope, today, add, include_green)
    out.sort(key=lambda w: (LEVEL_RANK[w.level], w.unit_code, w.project_code, w.rule))
    return out


def _problems(month, scope, as_of, thresholds, add) -> None:
    qs = Problem.objects.filter(facts_mod.open_filter(as_of), deadline__lt=as_of)
    if scope is not None and not scope.is_all:
        qs = scope.restrict(qs, month.year)
    qs = qs.select_related("project", "department").order_by("deadline", "id")
    for problem in qs:
        days = problem.days_overdue(as_of)
        level = thresholds.level(days)
        if not level:
            continue
        project = problem.project
        item = facts_mod.PlanFacts(
            project_id=project.pk,
            code=project.code,
            name=project.name,
            unit_id=project.unit_id,
            chain_id=project.chain_id,
            stage=project.stage,
            is_synthetic=project.is_synthetic or problem.is_synthetic,
            plan_id=0,
            plan_synthetic=False,
            planned=None,
            planned_start=None,
            planned_completion=None,
            baseline=0,
        )
        add(
            item,
            level,
            Rule.PROBLEM_OVERDUE,
            _(
                "problem “%(title)s” (%(department)s, leader %(leader)s) was due %(deadline)s, "
                "%(n)s days overdue"
            )
            % {
                "title": problem.title,
                "department": problem.department,
                "leader": problem.leader or "—",
                "deadline": problem.deadline,
                "n": days,
            },
        )


@dataclass(frozen=True, slots=True)
class _Subject:
    """What `add` needs of a project warned about by a rule that has no plan facts."""

    project_id: int
    code: str
    name: str
    unit_id: str | None
    is_synthetic: bool
    plan_synthetic: bool = False


def _elements(month, scope, today, add, include_green) -> None:
    # imported here: the project file (dossier) builds on progress, not the other way round
    from zhaoshang.dossier import elements

    thresholds = elements.element_thresholds()
    levels = None if include_green else {elements.RED, elements.AMBER}
    lights = elements.element_lights(
        month, scope, levels=levels, today=today, thresholds=thresholds
    )
    by_project: dict[int, list] = {}
    for light in lights:  # worst first, then by due date
        by_project.setdefault(light.project_id, []).append(light)
    say_both = _("%(red)s overdue, %(amber)s due within %(days)s days: %(items)s")
    say_red = _("%(red)s overdue: %(items)s")
    say_amber = _("%(amber)s due within %(days)s days: %(items)s")
    say_item = _("%(item)s (%(bureau)s) due %(due)s")
    say_none = _("no item due within %(days)s days or overdue") % {"days": thresholds.amber_days}
    for items in by_project.values():
        first = items[0]
        red = sum(1 for x in items if x.level == elements.RED)
        amber = sum(1 for x in items if x.level == elements.AMBER)
        level = RED if red else AMBER if amber else GREEN
        if level == GREEN and not include_green:
            continue
        if level == GREEN:
            reason = say_none
        else:
            worst = items[:3]  # the worst items, earliest due first
            say = say_both if red and amber else say_red if red else say_amber
            reason = say % {
                "red": red,
                "amber": amber,
                "days": thresholds.amber_days,
                "items": "; ".join(
                    say_item % {"item": x.item_label, "bureau": x.bureau or "—", "due": x.due}
                    for x in worst
                ),
            }
        subject = _Subject(
            first.project_id, first.project_code, first.project_name, first.unit_code,
            first.is_synthetic,
        )  # fmt: skip
        add(subject, level, Rule.ELEMENT_DUE, reason)


@dataclass
class Tally:
    """A month's warnings counted two ways: projects by their light (the worst level of
    their warnings; green = no red or amber warning), and rule hits (a project hit by two
    rules is one project and two hits).

    `projects` = the planned projects judged plus any other project a rule hit (an
    overdue problem of a project without a plan this year); red + amber + green = projects.
    """

    projects: int
    red: int
    amber: int
    green: int
    hits: dict[str, dict[str, int]]  # rule -> {"red": n, "amber": n}

    @property
    def hits_red(self) -> int:
        return sum(h[RED] for h in self.hits.values())

    @property
    def hits_amber(self) -> int:
        return sum(h[AMBER] for h in self.hits.values())

    def hit_rows(self) -> list[tuple[str, str, int, int]]:
        """(rule code, rule label, red hits, amber hits) for every rule, in the rules' order."""
        return [
            (code, str(Rule(code).label), self.hits[code][RED], self.hits[code][AMBER])
            for code in Rule.values
        ]

    def as_json(self) -> dict:
        return {
            "projects": self.projects,
            "red_projects": self.red,
            "amber_projects": self.amber,
            "green_projects": self.green,
            "rule_hits": {code: dict(levels) for code, levels in self.hits.items()},
        }


def tally(warnings: list[Warning], planned_ids) -> Tally:
    """Count `warnings` (green ones are ignored) as projects and as rule hits;
    `planned_ids` are the ids of the planned projects judged (the facts' keys)."""
    warned = [w for w in warnings if w.level != GREEN]
    hits = {code: {RED: 0, AMBER: 0} for code in Rule.values}
    for w in warned:
        hits[w.rule][w.level] += 1
    worst = worst_by_project(warned)
    judged = set(planned_ids) | set(worst)
    red = sum(1 for level in worst.values() if level == RED)
    amber = len(worst) - red
    return Tally(
        projects=len(judged), red=red, amber=amber, green=len(judged) - len(worst), hits=hits
    )


def worst_by_project(warnings: list[Warning]) -> dict[int, str]:
    """project id -> its worst level (its light)."""
    out: dict[int, str] = {}
    for w in warnings:
        if w.project_id not in out or LEVEL_RANK[w.level] < LEVEL_RANK[out[w.project_id]]:
            out[w.project_id] = w.level
    return out


def project_history(project, year: int, *, today: datetime.date | None = None):
    """[(month, [warnings])] for each month of `year` up to today: a project's lights
    (judged once per state of the data: `core.figcache`)."""
    today = today or timezone.localdate()
    return figcache.cached(
        "project_history", (project.pk, year, today), lambda: _history(project, year, today)
    )


def _history(project, year: int, today: datetime.date):
    scope = facts_mod.Scope(project_ids={project.pk})
    out = []
    for m in range(1, 13):
        month = Month(year, m)
        if month.is_future(today):
            break
        out.append((month, compute(month, scope, include_green=True, today=today)))
    return out
