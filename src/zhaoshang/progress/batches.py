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

from django.db.models import Count, F, Q, QuerySet, Sum

from zhaoshang.progress.facts import Scope
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Project, Stage
from zhaoshang.projects.queries import left_out

BATCH_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED, Stage.FULL_PRODUCTION)
ZERO = Decimal(0)


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
    if scope is None:
        return qs
    if scope.units is not None:
        qs = qs.filter(unit_id__in=scope.units)
    if scope.chain_id is not None:
        qs = qs.filter(chain_id=scope.chain_id)
    if scope.list_id is not None:
        qs = qs.filter(projectlistentry__project_list_id=scope.list_id)
    if scope.project_ids is not None:
        qs = qs.filter(pk__in=scope.project_ids)
    return qs


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
    from zhaoshang.projects.access import projects_visible_to

    month = Month.parse(month)
    as_of = month.as_of(today)
    first, start = month.first_day, datetime.date(month.year, 1, 1)
    qs = projects if projects is not None else Project.objects.all()
    if user is not None:
        qs = qs & projects_visible_to(user)
    qs = scoped(qs, scope).order_by()
    result = FourBatches(month, as_of, [Batch(s, str(Stage(s).label)) for s in BATCH_STAGES])
    if as_of < start:
        return result
    window = Q(
        stage_dates__stage__in=BATCH_STAGES,
        stage_dates__actual_on__gte=start,
        stage_dates__actual_on__lte=as_of,
    )
    rows = (
        qs.filter(window)
        .values(event=F("stage_dates__stage"), on=F("stage_dates__actual_on"))
        .annotate(
            n=Count("pk"),
            total=Sum("total_investment_wan", filter=Q(parent_id__isnull=True)),
        )
        .order_by()
    )
    by_stage = {b.stage: b for b in result.rows}
    for row in rows:
        batch = by_stage[row["event"]]
        total = row["total"] or ZERO
        batch.year_n += row["n"]
        batch.year_wan += total
        if row["on"] >= first:
            batch.month_n += row["n"]
            batch.month_wan += total
    # phases: in full unless their parent is in the same batch (same stage, same window)
    phases = list(
        qs.filter(window, parent_id__isnull=False).values_list(
            "pk",
            "parent_id",
            "stage_dates__stage",
            "stage_dates__actual_on",
            "total_investment_wan",
        )
    )
    if not phases:
        return result
    parents: dict = defaultdict(dict)  # parent id -> stage -> actual date
    for pk, stage, on in (
        qs.filter(window, pk__in={p[1] for p in phases})
        .values_list("pk", "stage_dates__stage", "stage_dates__actual_on")
        .order_by()
    ):
        parents[pk][stage] = on
    for scope_name, since in (("month", first), ("year", start)):
        for stage in BATCH_STAGES:
            members: dict[int, int | None] = {}
            for pk, parent, event, on, _total in phases:
                if event == stage and on >= since:
                    members[pk] = parent
            for parent_pk, dates in parents.items():
                if dates.get(stage) is not None and dates[stage] >= since:
                    members.setdefault(parent_pk, None)
            inside = left_out(members)
            for pk, _parent, event, on, total in phases:
                if event == stage and on >= since and pk not in inside:
                    batch = by_stage[stage]
                    name = f"{scope_name}_wan"
                    setattr(batch, name, getattr(batch, name) + (total or ZERO))
    return result
