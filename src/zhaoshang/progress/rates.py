"""The four rates (四率) for the city, or by township unit, chain or list.

All four are taken over the planned (not dropped) projects of the year, as of the end
of the month asked about (today while that month is running), with the plan in force
then:

- start rate (开工率) = projects that have started by then / projects whose planned
  start month is that month or earlier;
- investment completion rate (投资完成率) = investment completed from January to the
  month / annual planned investment (to compare with 序时进度 = month / 12);
- funds-in-place rate (资金到位率) = funds in place from January to the month /
  annual planned investment;
- on-time completion rate (按期竣工率) = projects completed by the end of their planned
  completion month / projects whose planned completion month is that month or earlier.

A rate whose denominator is zero is shown as "—", never as 0%.

Amounts count each investment once (`projects.queries.left_out`, the ledger's rule for
phases): a phase whose parent project is planned in the same set (the row's unit, chain
or list; the whole scope for the total) is counted as a project, but its planned,
completed and funds-in-place amounts are left out, its parent's plan holding them
(盛虹's plan of 15亿 holds its 首期's 9.6亿). `phases` and `phases_planned` say what was
left out, for the note beside a total.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_lazy as _

from zhaoshang.core import figcache
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress.amounts import from_micro, percent, rate
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Project,
    ProjectList,
    ProjectListEntry,
    Stage,
    StageDate,
)
from zhaoshang.projects.queries import left_out, phase_note

DEFINITIONS = [
    (
        "start_rate",
        _("Start rate (开工率)"),
        _(
            "Projects started by the end of the month, over projects whose planned start month "
            "is that month or earlier."
        ),
    ),
    (
        "completion_rate",
        _("Investment completion rate (投资完成率)"),
        _(
            "Investment completed from January to the month, over the annual planned "
            "investment; compare it with the elapsed time (序时进度), months elapsed / 12."
        ),
    ),
    (
        "funds_rate",
        _("Funds-in-place rate (资金到位率)"),
        _("Funds in place from January to the month, over the annual planned investment."),
    ),
    (
        "on_time_rate",
        _("On-time completion rate (按期竣工率)"),
        _(
            "Projects completed by the end of their planned completion month, over projects "
            "whose planned completion month is that month or earlier."
        ),
    ),
]
GROUPINGS = ("unit", "county", "chain", "list")
COUNTY_WIDTH = 6  # a county's division code is the first six digits of its units'


@functools.lru_cache(maxsize=4096)
def _last_day(day: datetime.date) -> datetime.date:
    return Month.of(day).last_day


@dataclass
class Rates:
    key: str | int | None
    label: str
    projects: int = 0
    to_start: int = 0
    started: int = 0
    planned: int = 0  # micro 万元
    completed: int = 0
    funds: int = 0
    to_complete: int = 0
    on_time: int = 0
    phases: int = 0  # phases whose amounts are counted within their parent's
    phases_planned: int = 0  # micro 万元: their planned investment, so left out

    def merge(self, other: Rates) -> None:
        for name in ("projects", "to_start", "started", "planned", "completed", "funds",
                     "to_complete", "on_time", "phases", "phases_planned"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def add(
        self,
        item: facts_mod.PlanFacts,
        last_day: datetime.date,
        as_of: datetime.date,
        *,
        amounts: bool = True,
    ):
        """Count `item`; with `amounts=False` (a phase whose parent is in the same set)
        as a project only, its amounts being in its parent's."""
        self.projects += 1
        if item.planned_start is not None and item.planned_start <= last_day:
            self.to_start += 1
            if item.started_by(as_of):
                self.started += 1
        if item.planned_completion is not None and item.planned_completion <= last_day:
            self.to_complete += 1
            due = _last_day(item.planned_completion)
            if item.completed_by(min(due, as_of)):
                self.on_time += 1
        if not amounts:
            self.phases += 1
            self.phases_planned += item.planned or 0
            return
        if item.planned:
            self.planned += item.planned
        self.completed += item.ytd_completed
        self.funds += item.ytd_funds

    def leave_out_amounts(self, item: facts_mod.PlanFacts) -> None:
        """Take back the amounts of `item`, counted before it was known to be a phase whose
        parent is in the same set."""
        self.planned -= item.planned or 0
        self.completed -= item.ytd_completed
        self.funds -= item.ytd_funds
        self.phases += 1
        self.phases_planned += item.planned or 0

    @property
    def start_rate(self) -> Decimal | None:
        return rate(self.started, self.to_start)

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.planned)

    @property
    def funds_rate(self) -> Decimal | None:
        return rate(self.funds, self.planned)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.to_complete)

    @property
    def planned_wan(self) -> Decimal:
        return from_micro(self.planned)

    @property
    def completed_wan(self) -> Decimal:
        return from_micro(self.completed)

    @property
    def funds_wan(self) -> Decimal:
        return from_micro(self.funds)

    @property
    def phases_planned_wan(self) -> Decimal:
        return from_micro(self.phases_planned)

    @property
    def phase_note(self) -> str:
        """含分期… : what the amounts left out, "" when nothing."""
        return phase_note(self.phases, self.phases_planned_wan)

    def percents(self) -> dict[str, str]:
        return {
            "start_rate": percent(self.start_rate),
            "completion_rate": percent(self.completion_rate),
            "funds_rate": percent(self.funds_rate),
            "on_time_rate": percent(self.on_time_rate),
        }

    def as_json(self) -> dict:
        def share(value: Decimal | None) -> float | None:
            return None if value is None else float(round(value, 6))

        return {
            "key": self.key,
            "label": self.label,
            "projects": self.projects,
            "planned_to_start": self.to_start,
            "started": self.started,
            "planned_investment_wan": self.planned_wan,
            "completed_wan": self.completed_wan,
            "funds_in_place_wan": self.funds_wan,
            "planned_to_complete": self.to_complete,
            "completed_on_time": self.on_time,
            "start_rate": share(self.start_rate),
            "completion_rate": share(self.completion_rate),
            "funds_rate": share(self.funds_rate),
            "on_time_rate": share(self.on_time_rate),
            "phases_counted_in_parent": self.phases,
            "phases_planned_investment_wan": self.phases_planned_wan,
        }


def _labels(by: str, keys) -> dict:
    from zhaoshang.chains.models import Chain
    from zhaoshang.projects.models import ProjectList
    from zhaoshang.regions.models import Region

    keys = [k for k in keys if k is not None]
    if by in ("unit", "county"):
        return {r.code: str(r) for r in Region.objects.filter(code__in=keys)}
    if by == "chain":
        return dict(Chain.objects.filter(pk__in=keys).values_list("pk", "name"))
    return dict(ProjectList.objects.filter(pk__in=keys).values_list("pk", "name"))


def compute(
    month: Month,
    by: str | None = None,
    scope: facts_mod.Scope | None = None,
    *,
    today: datetime.date | None = None,
    facts: dict[int, facts_mod.PlanFacts] | None = None,
) -> tuple[list[Rates], Rates]:
    """(rows by `by`, the total over the scope). `by`: None, "unit", "county" (the units
    rolled up to their county, for the 赛马 between counties), "chain" or "list".

    Counted by the database in one grouped query; plans changed after the month (whose
    figures then were another baseline) are counted in Python from their facts. Given
    `facts` (already loaded for the month), counts those instead.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(by)
    if facts is not None:
        return _from_facts(month, by, facts, today)
    scope = scope or facts_mod.Scope()
    as_of = month.as_of(today)
    changed = dict(
        AnnualPlan.objects.filter(
            year=month.year, baseline_count__gt=1, approved_at__gt=facts_mod._end_of(as_of)
        )
        .order_by()
        .values_list("pk", "project_id")
    )
    groups = {row.key: row for row in _grouped(month, by, scope, as_of, exclude=list(changed))}
    if by is None or by == "list":
        totals = (
            groups.values()
            if by is None
            else _grouped(month, None, scope, as_of, exclude=list(changed))
        )
        total = next(iter(totals), None) or Rates(key=None, label="")
        if by is None:
            groups = {}
    else:
        total = Rates(key=None, label="")
        for row in groups.values():
            total.merge(row)
    if changed:
        ids = set(changed.values())
        if scope.project_ids is not None:
            ids &= scope.project_ids
        narrowed = dataclasses.replace(scope, project_ids=ids)
        rows, extra = _from_facts(
            month,
            by,
            facts_mod.load(month, narrowed, with_reports=False, today=today),
            today,
            phases_once=False,  # done below, over the whole scope
        )
        total.merge(extra)
        for row in rows:
            if row.key in groups:
                groups[row.key].merge(row)
            else:
                groups[row.key] = row
    _count_phases_once(month, by, scope, today, groups, total)
    total.label = str(_("Total"))
    return _labelled(by, groups), total


def planned_phases(year: int) -> dict[int, int]:
    """Phase project id -> parent id, for the phases planned in `year` whose parent is
    planned that year too: the only ones whose amounts a total may leave out. One query;
    a handful of rows however many plans there are."""
    return dict(
        AnnualPlan.objects.filter(
            year=year, project__parent_id__isnull=False, project__parent__annual_plans__year=year
        )
        .order_by()
        .values_list("project_id", "project__parent_id")
    )


def _keys(item: facts_mod.PlanFacts, by: str | None) -> list:
    if by == "unit":
        return [item.unit_id]
    if by == "county":
        return [item.unit_id[:COUNTY_WIDTH] if item.unit_id else None]
    if by == "chain":
        return [item.chain_id]
    if by == "list":
        return item.lists
    return []


def _count_phases_once(month, by, scope, today, groups: dict, total: Rates) -> None:
    """Take the amounts of each phase out of the total and of each row that also holds its
    parent (`left_out`, applied to each row's set), after the grouped query counted them."""
    phases = planned_phases(month.year)
    if not phases:
        return
    ids = set(phases) | set(phases.values())
    if scope.project_ids is not None:
        ids &= scope.project_ids
    facts = facts_mod.load(
        month, dataclasses.replace(scope, project_ids=ids), with_reports=False, today=today
    )
    if by == "list":
        facts_mod.attach_lists(facts, month.year)
    members = {pk: phases.get(pk) for pk in facts}
    for pk in left_out(members):
        item, parent = facts[pk], facts[phases[pk]]
        total.leave_out_amounts(item)
        for key in set(_keys(item, by)) & set(_keys(parent, by)):
            if key in groups:
                groups[key].leave_out_amounts(item)


def compute_kept(
    month: Month, by: str | None = None, scope: facts_mod.Scope | None = None
) -> tuple[list[Rates], Rates]:
    """`compute(month, by, scope)` once per state of the tables it reads (`core.figcache`,
    by table): the rates page's rows stand while nobody writes to plans, reports, projects
    or stage dates (a county's page among 10^6 projects: 0.9 s computed, bench/province.py).
    Read-only for callers."""
    return figcache.cached(
        "progress.rates",
        (str(month), by, None if scope is None else scope.key),
        lambda: compute(month, by, scope),
        by_table=True,
    )


def _labelled(by: str | None, groups: dict) -> list[Rates]:
    labels = _labels(by, groups) if by else {}
    none_label = {
        "unit": _("(no township unit)"),
        "county": _("(no township unit)"),
        "chain": _("(no chain)"),
    }
    for key, group in groups.items():
        group.label = labels.get(key) or str(none_label.get(by, key))
    return sorted(groups.values(), key=lambda g: (g.key is None, str(g.key)))


def _from_facts(month, by, facts, today, *, phases_once: bool = True) -> tuple[list[Rates], Rates]:
    if by == "list":
        facts_mod.attach_lists(facts, month.year)
    as_of, last_day = month.as_of(today), month.last_day
    total = Rates(key=None, label=str(_("Total")))
    groups: dict = {}
    phases = planned_phases(month.year) if facts and phases_once else {}
    inside = left_out({pk: phases.get(pk) for pk in facts}) if phases else set()
    for item in facts.values():
        pk = item.project_id
        total.add(item, last_day, as_of, amounts=pk not in inside)
        keys = _keys(item, by)
        parent_keys = set(_keys(facts[phases[pk]], by)) if pk in inside else set()
        for key in keys:
            group = groups.get(key)
            if group is None:
                group = groups[key] = Rates(key=key, label="")
            group.add(item, last_day, as_of, amounts=key not in parent_keys)
    return _labelled(by, groups), total


STARTED_STAGES = tuple(STAGE_ORDER[facts_mod.STARTED :])
COMPLETED_STAGES = tuple(STAGE_ORDER[facts_mod.COMPLETED :])


def _grouped(month, by, scope, as_of, *, exclude: list[int]) -> list[Rates]:
    """The four rates' counts and sums per group, in one query (see the module docstring;
    the same rules as `Rates.add`, written in SQL)."""
    t = facts_mod._table
    day = connection.ops.adapt_datefield_value
    year = month.year
    where, where_params = facts_mod._plan_where(scope, year)
    if exclude:
        where += f" AND ap.id NOT IN ({', '.join(['%s'] * len(exclude))})"
        where_params = [*where_params, *exclude]
    restrict, restrict_params = "", []
    if not scope.is_all:
        restrict = (
            f" AND m.project_id IN (SELECT ap.project_id FROM {t(AnnualPlan)} ap "
            f"JOIN {t(Project)} p ON p.id = ap.project_id WHERE {where})"
        )
        restrict_params = where_params
    if connection.vendor == "postgresql":
        month_after = "(ap.planned_completion + INTERVAL '1 month')"
    else:
        month_after = "date(ap.planned_completion, '+1 month')"
    started = ", ".join(["%s"] * len(STARTED_STAGES))
    completed = ", ".join(["%s"] * len(COMPLETED_STAGES))
    key, join, join_params = "NULL", "", []
    if by == "unit":
        key = "p.unit_id"
    elif by == "county":
        key = f"SUBSTR(p.unit_id, 1, {COUNTY_WIDTH})"
    elif by == "chain":
        key = "p.chain_id"
    elif by == "list":
        key = "e.project_list_id"
        join = (
            f"JOIN {t(ProjectListEntry)} e ON e.project_id = ap.project_id "
            f"JOIN {t(ProjectList)} l ON l.id = e.project_list_id AND l.year = %s "
        )
        join_params = [year]
    micro = facts_mod._micro
    sql = (
        f"SELECT {key}, COUNT(*), "
        "SUM(CASE WHEN ap.planned_start <= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN ap.planned_start <= %s AND ("
        "(s.actual_on IS NOT NULL AND s.actual_on <= %s) OR (s.actual_on IS NULL AND "
        f"(p.stage IN ({started}) OR c.actual_on <= %s))) THEN 1 ELSE 0 END), "
        f"SUM({micro('ap.planned_investment_wan')}), SUM(y.done), SUM(y.funds), "
        "SUM(CASE WHEN ap.planned_completion <= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN ap.planned_completion <= %s AND ("
        f"(c.actual_on IS NOT NULL AND c.actual_on <= %s AND c.actual_on < {month_after}) OR "
        f"(c.actual_on IS NULL AND p.stage IN ({completed}))) THEN 1 ELSE 0 END) "
        f"FROM {t(AnnualPlan)} ap JOIN {t(Project)} p ON p.id = ap.project_id {join}"
        f"LEFT JOIN (SELECT m.project_id, SUM({micro('m.completed_wan')}) AS done, "
        f"SUM({micro('m.funds_in_place_wan')}) AS funds FROM {t(MonthlyProgress)} m "
        f"WHERE m.year = %s AND m.month <= %s{restrict} GROUP BY m.project_id) y "
        "ON y.project_id = ap.project_id "
        f"LEFT JOIN {t(StageDate)} s ON s.project_id = ap.project_id AND s.stage = %s "
        f"LEFT JOIN {t(StageDate)} c ON c.project_id = ap.project_id AND c.stage = %s "
        f"WHERE {where}" + (f" GROUP BY {key}" if by else "")
    )
    last, upto = day(month.last_day), day(as_of)
    params = [
        last, last, upto, *STARTED_STAGES, upto, last, last, upto, *COMPLETED_STAGES,
        *join_params, year, month.month, *restrict_params, Stage.STARTED, Stage.COMPLETED,
        *where_params,
    ]  # fmt: skip
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for k, n, to_start, started_n, planned, done, funds, to_complete, on_time in cursor:
            if not n:
                continue
            out.append(
                Rates(
                    key=k,
                    label="",
                    projects=int(n),
                    to_start=int(to_start or 0),
                    started=int(started_n or 0),
                    planned=int(planned or 0),
                    completed=int(done or 0),
                    funds=int(funds or 0),
                    to_complete=int(to_complete or 0),
                    on_time=int(on_time or 0),
                )
            )
    return out
