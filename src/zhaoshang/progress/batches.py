"""四个一批: projects signed, started, completed and at full production (签约一批, 开工一批,
竣工一批, 达产一批) in a month and in its year to date, with their total investment.

Counted from the ledger's actual stage dates (`projects.StageDate.actual_on`), as of the
end of the month (today while it is still running): a project is in a month's batch when
its actual date of that stage falls in the month, in the year's batch when it falls
between 1 January and the end of the month. These are the same projects the ledger lists
with `date_stage=<stage>&date_from=<month>&date_to=<month>` (or `date_from=<year>`), so a
figure and the list behind it agree.

Counts count projects, phases included. Amounts (total investment, 万元) count each
investment once (`projects.queries.left_out`): a phase is left out of a batch's amount
when its parent project is in the same batch (盛虹 signed 306亿 holding its 首期 140亿 in
the same month counts 306亿); a phase whose parent is not in the batch counts in full.

The cockpit, the 大屏 and the monthly report (#17) take the figures from here:

>>> four_batches(Month(2023, 6)).rows[0]
Batch(stage='signed', label='签约', month_n=3, month_wan=Decimal('250000'), year_n=9, ...)
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from zhaoshang.progress.facts import Scope
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Project, Stage, StageDate
from zhaoshang.projects.queries import left_out

BATCH_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED, Stage.FULL_PRODUCTION)
ZERO = Decimal(0)
ALL = object()  # `_Events.count(unit=ALL)`: every unit together


@dataclass
class Batch:
    """One of the four batches: projects and their total investment (万元) in the month
    and in the year to the end of the month."""

    stage: str
    label: str
    month_n: int = 0
    month_wan: Decimal = ZERO
    year_n: int = 0
    year_wan: Decimal = ZERO


@dataclass
class FourBatches:
    month: Month
    as_of: datetime.date  # the end of the month, or today while the month is running
    rows: list[Batch] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.as_of < self.month.last_day

    def get(self, stage: str) -> Batch:
        return next(b for b in self.rows if b.stage == stage)


def scoped(qs: QuerySet, scope: Scope | None) -> QuerySet:
    """`qs` (projects) narrowed to a scope's units, chain, list or projects."""
    return qs if scope is None else scope.narrow(qs)


class _Events:
    """The batch events of a set of projects between two days, read once, then counted
    over any window inside them. Three queries whatever the number of projects: the
    events grouped by stage and day (from the dates' index and the projects' covering
    index: every project's amount, phases too), the set's phases (few) with their dates,
    and their parents' dates; a phase's amount is then taken back out of a batch that
    holds its parent (`left_out`)."""

    def __init__(
        self,
        qs: QuerySet,
        stages,
        start: datetime.date,
        end: datetime.date,
        *,
        by_unit: bool = False,
    ):
        # by_unit: the events are also grouped by township unit (`count(..., unit=)`);
        # the unit is in the projects' covering index, so it is the same three queries
        self.by_unit = by_unit
        window = Q(
            stage_dates__stage__in=stages,
            stage_dates__actual_on__gte=start,
            stage_dates__actual_on__lte=end,
        )
        columns = ["stage_dates__stage", "stage_dates__actual_on"]
        if by_unit:
            columns.append("unit_id")
        self.days = [
            (*row, None) if not by_unit else row
            for row in qs.filter(window)
            .values_list(*columns)
            .annotate(n=Count("pk"), total=Sum("total_investment_wan"))
            .order_by()
        ]  # (stage, day, n, total, unit) with the unit last (None when not grouped)
        if by_unit:
            self.days = [(st, on, n, total, unit) for st, on, unit, n, total in self.days]
        self.units: set = {row[4] for row in self.days}
        # the rows of each stage, and of each stage and unit: a count reads only its own
        # (a table of 12 months × the units × 4 stages is hundreds of counts)
        self.rows: dict = defaultdict(list)
        for event, on, n, total, unit in self.days:
            self.rows[(event, ALL)].append((on, n, total))
            if by_unit:
                self.rows[(event, unit)].append((on, n, total))
        phases = dict(qs.filter(parent_id__isnull=False).order_by().values_list("pk", "parent_id"))
        self.phases: list = []
        self.parents: dict = defaultdict(dict)  # parent id -> stage -> actual date
        self.unit_of: dict = {}  # project id -> unit, for phases and their parents
        if not phases:
            return
        dated = StageDate.objects.filter(
            stage__in=stages, actual_on__gte=start, actual_on__lte=end
        ).order_by()
        amounts = {
            pk: (amount, unit)
            for pk, amount, unit in Project.objects.filter(
                pk__in=[*phases, *phases.values()]
            ).values_list("pk", "total_investment_wan", "unit_id")
        }
        self.unit_of = {pk: unit for pk, (_amount, unit) in amounts.items()}
        self.phases = [
            (pk, phases[pk], stage, on, amounts.get(pk, (None, None))[0])
            for pk, stage, on in dated.filter(project_id__in=list(phases)).values_list(
                "project_id", "stage", "actual_on"
            )
        ]
        in_set = set(qs.filter(pk__in=set(phases.values())).values_list("pk", flat=True))
        for pk, stage, on in dated.filter(project_id__in=in_set).values_list(
            "project_id", "stage", "actual_on"
        ):
            self.parents[pk][stage] = on

    def count(
        self, stage: str, since: datetime.date, until: datetime.date, *, unit=ALL
    ) -> tuple[int, Decimal]:
        """(projects, total investment in 万元) of `stage`'s batch from `since` to `until`,
        each investment once (`left_out` over the batch). With `unit` (events read
        `by_unit`): the batch's projects in that township unit (None: no unit yet); a phase
        is left out of its unit's amount when its parent is in the batch and the same unit,
        as the monthly report's rows count it."""
        n, total = 0, ZERO
        for on, rows, amount in self.rows.get((stage, unit), ()):
            if since <= on <= until:
                n += rows
                total += amount or ZERO
        if not self.phases:
            return n, total
        members: dict[int, int | None] = {}
        for pk, parent, event, on, _amount in self.phases:
            if event == stage and since <= on <= until:
                members[pk] = parent
        for parent_pk, dates in self.parents.items():
            on = dates.get(stage)
            if on is not None and since <= on <= until:
                members.setdefault(parent_pk, None)
        inside = left_out(members)
        for pk, parent, event, on, amount in self.phases:
            if event == stage and since <= on <= until and pk in inside:
                if unit is not ALL and not (
                    self.unit_of.get(pk) == unit and self.unit_of.get(parent) == unit
                ):
                    continue  # its parent is counted in another unit's row
                total -= amount or ZERO  # counted within its parent's amount
        return n, total


def _projects(projects, user, scope) -> QuerySet:
    from zhaoshang.projects.access import projects_visible_to

    qs = projects if projects is not None else Project.objects.all()
    if user is not None:
        qs = qs & projects_visible_to(user)
    return scoped(qs, scope).order_by()


def four_batches(
    month: Month | str,
    *,
    scope: Scope | None = None,
    user=None,
    projects: QuerySet | None = None,
    today: datetime.date | None = None,
) -> FourBatches:
    """The four batches of `month` (a Month or "2023-06") and of its year to date.

    `projects` is the set to count in (default: the whole ledger; the cockpit passes its
    filtered ledger), narrowed to what `user` may see when given and to `scope`
    (`progress.facts.Scope`: units, a chain, a list or some projects). Three queries
    whatever the number of projects: batch counts and amounts of the projects that are not
    phases, grouped by stage and day; the phases' dates; their parents' dates.
    """
    month = Month.parse(month)
    as_of = month.as_of(today)
    first, start = month.first_day, datetime.date(month.year, 1, 1)
    result = FourBatches(month, as_of, [Batch(s, str(Stage(s).label)) for s in BATCH_STAGES])
    if as_of < start:
        return result
    events = _Events(_projects(projects, user, scope), BATCH_STAGES, start, as_of)
    for batch in result.rows:
        batch.month_n, batch.month_wan = events.count(batch.stage, first, as_of)
        batch.year_n, batch.year_wan = events.count(batch.stage, start, as_of)
    return result


def batches_with_months(
    month: Month | str,
    months: int = 24,
    *,
    stages=BATCH_STAGES,
    scope: Scope | None = None,
    user=None,
    projects: QuerySet | None = None,
    today: datetime.date | None = None,
) -> tuple[FourBatches, list[tuple[Month, dict[str, tuple[int, Decimal]]]]]:
    """`four_batches(month)` and `batches_by_month(month, months)` from one read of the
    events (the months reach back past January, so the year to date is inside them)."""
    month = Month.parse(month)
    first = month
    for _i in range(months - 1):
        first = first.previous()
    as_of = month.as_of(today)
    start = min(first.first_day, datetime.date(month.year, 1, 1))
    result = FourBatches(month, as_of, [Batch(s, str(Stage(s).label)) for s in BATCH_STAGES])
    series: list[tuple[Month, dict[str, tuple[int, Decimal]]]] = []
    m = first
    if as_of < start:
        while m <= month:
            series.append((m, {s: (0, ZERO) for s in stages}))
            m = m.next()
        return result, series
    events = _Events(_projects(projects, user, scope), BATCH_STAGES, start, as_of)
    year_start = datetime.date(month.year, 1, 1)
    for batch in result.rows:
        batch.month_n, batch.month_wan = events.count(batch.stage, month.first_day, as_of)
        batch.year_n, batch.year_wan = events.count(batch.stage, year_start, as_of)
    while m <= month:
        until = min(m.last_day, as_of)
        series.append((m, {s: events.count(s, m.first_day, until) for s in stages}))
        m = m.next()
    return result, series


def batches_by_month(
    last: Month | str,
    months: int = 24,
    *,
    stages=BATCH_STAGES,
    scope: Scope | None = None,
    user=None,
    projects: QuerySet | None = None,
    today: datetime.date | None = None,
) -> list[tuple[Month, dict[str, tuple[int, Decimal]]]]:
    """Each month's batches for the `months` months up to `last`: [(month, {stage: (n,
    万元)})], oldest first; every month counted as `four_batches` counts its month (the
    cockpit's monthly chart and its cards agree). The same three queries."""
    last = Month.parse(last)
    series = [last]
    while len(series) < months:
        series.append(series[-1].previous())
    series.reverse()
    as_of = last.as_of(today)
    out: list[tuple[Month, dict[str, tuple[int, Decimal]]]] = []
    if as_of < series[0].first_day:
        return [(m, {s: (0, ZERO) for s in stages}) for m in series]
    events = _Events(_projects(projects, user, scope), stages, series[0].first_day, as_of)
    for m in series:
        until = min(m.last_day, as_of)
        out.append((m, {s: events.count(s, m.first_day, until) for s in stages}))
    return out


@dataclass
class TownBatches:
    """四个一批 per month and per township unit, January to `month`, each month as of its
    end (`as_of` for the running one): `cells[(month, unit)][stage] = (n, 万元)`, the year
    to date per unit in `year`, and each month's city total in `totals` (each investment
    once, so a phase split from its parent's unit may make units add up to more)."""

    month: Month
    as_of: datetime.date
    units: list[tuple[str | None, str]]  # (code, name); None: projects without a unit
    months: list[Month]
    cells: dict[tuple[Month, str | None], dict[str, tuple[int, Decimal]]]
    year: dict[str | None, dict[str, tuple[int, Decimal]]]
    totals: dict[Month, dict[str, tuple[int, Decimal]]]
    year_total: dict[str, tuple[int, Decimal]]

    @property
    def running(self) -> bool:
        return self.as_of < self.month.last_day


def batches_by_town(
    month: Month | str,
    *,
    stages=BATCH_STAGES,
    scope: Scope | None = None,
    user=None,
    projects: QuerySet | None = None,
    today: datetime.date | None = None,
) -> TownBatches:
    """四个一批 of each month from January to `month` and each township unit, counted as
    `four_batches` counts the city (the same events, the same rule for phases), from one
    read of the events grouped by unit: the list of units and `_Events`' queries (one
    without phases), whatever the number of projects, months and units.

    Units are the county's townships and parks in code order (the home county's, or the
    county `user` is confined to), each shown even when it has nothing, then any other unit
    a batch holds (in a prefecture city or province seen whole: only those), and "no unit
    yet" when a batch holds projects without one."""
    from django.utils.translation import gettext as _

    from zhaoshang.core.access import region_of
    from zhaoshang.regions.home import is_multi_county, township_units
    from zhaoshang.regions.models import Region

    month = Month.parse(month)
    as_of = month.as_of(today)
    start = datetime.date(month.year, 1, 1)
    months = [Month(month.year, m) for m in range(1, month.month + 1)]
    whole_region = is_multi_county() and (user is None or region_of(user) is None)
    units: list[tuple[str | None, str]] = (
        [] if whole_region else [(r.code, str(r)) for r in township_units(user)]
    )
    empty = {s: (0, ZERO) for s in stages}
    result = TownBatches(month, as_of, units, months, {}, {}, {}, dict(empty))
    if as_of < start:
        return result
    events = _Events(_projects(projects, user, scope), stages, start, as_of, by_unit=True)
    known = {code for code, _name in units}
    extra = sorted((u for u in events.units if u not in known), key=lambda u: (u is None, u))
    if scope is not None and scope.units is not None:  # a town's own view: its rows only
        units = [u for u in units if u[0] in scope.units]
    names = {r.code: str(r) for r in Region.objects.filter(code__in=[u for u in extra if u])}
    for code in extra:
        units.append((code, _("No township unit yet") if code is None else names.get(code, code)))
    result.units = units
    for m in months:
        until = min(m.last_day, as_of)
        if m.first_day > as_of:
            break
        result.totals[m] = {s: events.count(s, m.first_day, until) for s in stages}
        for code, _name in units:
            result.cells[(m, code)] = {
                s: events.count(s, m.first_day, until, unit=code) for s in stages
            }
    result.year_total = {s: events.count(s, start, as_of) for s in stages}
    for code, _name in units:
        result.year[code] = {s: events.count(s, start, as_of, unit=code) for s in stages}
    return result
