"""Team figures of the lead pipeline, as of a month's end: ONE function, `team_figures`, that
the /leads/figures/ page, the cockpit panel, the API and the command all call.

For the leads a user may see (`access.leads_visible_to`), in total and per team, per
township unit (the lead's intended location) and per chain, judged on the month's last day
(today while the month is running, never today for a past month):

- leads: leads that existed by then (created, or a stage change recorded, by that day);
- by stage: those leads by the stage they were at that day, read from the stage log
  (`leads.StageChange`, the last move on or before the day); lost leads apart (`lost`);
- conversion rate: leads that had reached 签约 (signed or landed) by the day / leads;
- median days per stage: over the stays in a stage that had ended by the day (from the move
  into the stage to the next move), so a lead still sitting in a stage does not count yet;
- 履约率 (performance rate): of the projects won leads became (converted by the day), those
  whose planned start month (the year's annual plan, as the four rates read it) is the
  month or earlier, the share that started by the end of their planned start month;
- 资金到位率 of won projects: funds in place January to the month over their annual
  planned investment, counted by the four rates' own `progress.rates.Rates` (phases whose
  parent is in the same set counted once, as the ledger does).

A status is read as of the day from `status_since` (a lead lost after the day was still
open then). Team, unit and chain are the lead's current ones (a hand-over moves the lead's
whole history with it). A rate whose denominator is 0 is None (shown "—").

    >>> figures = team_figures(user, Month(2024, 6))
    >>> figures.total.conversion_rate, [g.label for g in figures.by_team]
"""

from __future__ import annotations

import datetime
import itertools
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core import figcache
from zhaoshang.core.access import role_of
from zhaoshang.core.models import Role
from zhaoshang.enterprises.models import LEAD_STAGE_ORDER, Lead, LeadStage, LeadStatus
from zhaoshang.leads import access
from zhaoshang.leads.models import StageChange
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress.amounts import percent, rate
from zhaoshang.progress.months import Month
from zhaoshang.progress.rates import Rates, planned_phases
from zhaoshang.projects.queries import left_out

GROUPINGS = ("team", "unit", "chain")
SIGNED_STAGES = frozenset(LEAD_STAGE_ORDER[LEAD_STAGE_ORDER.index(LeadStage.SIGNED) :])


@dataclass
class GroupFigures:
    key: int | str | None
    label: str
    leads: int = 0
    by_stage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEAD_STAGE_ORDER, 0))
    lost: int = 0
    signed: int = 0
    stays: dict[str, list[int]] = field(default_factory=lambda: {s: [] for s in LEAD_STAGE_ORDER})
    won_projects: int = 0
    to_start: int = 0
    started_on_time: int = 0
    rates: Rates = field(default_factory=lambda: Rates(key=None, label=""))

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.signed, self.leads)

    @property
    def median_days(self) -> dict[str, Decimal | None]:
        return {
            stage: Decimal(str(statistics.median(days))) if days else None
            for stage, days in self.stays.items()
        }

    @property
    def performance_rate(self) -> Decimal | None:
        """履约率: started by the end of the planned start month / due to have started."""
        return rate(self.started_on_time, self.to_start)

    @property
    def funds_rate(self) -> Decimal | None:
        return self.rates.funds_rate

    def percents(self) -> dict[str, str]:
        return {
            "conversion_rate": percent(self.conversion_rate),
            "performance_rate": percent(self.performance_rate),
            "funds_rate": percent(self.funds_rate),
        }

    def as_json(self) -> dict:
        def share(value: Decimal | None) -> float | None:
            return None if value is None else float(round(value, 6))

        return {
            "key": self.key,
            "label": self.label,
            "leads": self.leads,
            "by_stage": dict(self.by_stage),
            "lost": self.lost,
            "signed": self.signed,
            "conversion_rate": share(self.conversion_rate),
            "median_days": {
                s: None if d is None else float(d) for s, d in self.median_days.items()
            },
            "won_projects": self.won_projects,
            "planned_to_start": self.to_start,
            "started_on_time": self.started_on_time,
            "performance_rate": share(self.performance_rate),
            "planned_investment_wan": self.rates.planned_wan,
            "funds_in_place_wan": self.rates.funds_wan,
            "funds_rate": share(self.funds_rate),
        }


@dataclass
class TeamFigures:
    month: Month
    as_of: datetime.date
    total: GroupFigures
    by_team: list[GroupFigures]
    by_unit: list[GroupFigures]
    by_chain: list[GroupFigures]

    def groups(self) -> list[tuple[str, list[GroupFigures]]]:
        return [("team", self.by_team), ("unit", self.by_unit), ("chain", self.by_chain)]

    def as_json(self) -> dict:
        return {
            "month": str(self.month),
            "as_of": self.as_of.isoformat(),
            "total": self.total.as_json(),
            "by_team": [g.as_json() for g in self.by_team],
            "by_unit": [g.as_json() for g in self.by_unit],
            "by_chain": [g.as_json() for g in self.by_chain],
        }


def team_figures(
    user,
    month: Month | None = None,
    *,
    today: datetime.date | None = None,
    all_leads: bool = False,
) -> TeamFigures:
    """The figures of the leads `user` may see (`all_leads`: every lead, for the operator's
    command line), as of the end of `month` (default: the current month, as of today).
    Kept per state of the data (`core.figcache`)."""
    month = month or Month.current()
    sees_all = all_leads or role_of(user) in (Role.CITY_ADMIN, Role.LEADER)
    leads = Lead.objects.all() if all_leads else access.leads_visible_to(user)
    who = "all" if sees_all else getattr(user, "pk", None)
    if today is not None:
        return _compute(leads, month, today)
    return figcache.cached("leads.team_figures", (str(month), who),
                           lambda: _compute(leads, month, None))  # fmt: skip


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the city's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def _compute(leads, month: Month, today: datetime.date | None) -> TeamFigures:
    as_of = month.as_of(today)
    end = _end_of(as_of)
    rows = list(
        leads.order_by().values_list(
            "pk",
            "team_id",
            "unit_id",
            "chain_id",
            "created_at",
            "status",
            "status_since",
            "project_id",
        )
    )
    moves: dict[int, list[tuple[datetime.date, int, str]]] = defaultdict(list)
    for lead_id, to_stage, on, pk in (
        StageChange.objects.filter(lead__in=leads.values("pk"), on__lte=as_of)
        .order_by()
        .values_list("lead_id", "to_stage", "on", "pk")
    ):
        moves[lead_id].append((on, pk, to_stage))
    total = GroupFigures(key=None, label=_("Total"))
    groups: dict[str, dict] = {g: {} for g in GROUPINGS}
    won: dict[int, list[GroupFigures]] = {}
    for pk, team_id, unit_id, chain_id, created_at, status, status_since, project_id in rows:
        steps = sorted(moves.get(pk, ()))
        if created_at >= end and not steps:
            continue
        targets = [total]
        for name, key in zip(GROUPINGS, (team_id, unit_id, chain_id), strict=True):
            group = groups[name].get(key)
            if group is None:
                group = groups[name][key] = GroupFigures(key=key, label="")
            targets.append(group)
        stage = steps[-1][2] if steps else LeadStage.LEAD
        lost = status == LeadStatus.LOST and status_since <= as_of
        reached = {step[2] for step in steps} | {stage}
        stays = [(a[2], (b[0] - a[0]).days) for a, b in itertools.pairwise(steps)]
        converted = project_id is not None and status == LeadStatus.WON and status_since <= as_of
        for group in targets:
            group.leads += 1
            if lost:
                group.lost += 1
            else:
                group.by_stage[stage] += 1
            if reached & SIGNED_STAGES:
                group.signed += 1
            for s, days in stays:
                group.stays[s].append(days)
            if converted:
                group.won_projects += 1
        if converted:
            won.setdefault(project_id, []).extend(targets)
    _add_projects(month, as_of, today, won)
    return TeamFigures(
        month=month,
        as_of=as_of,
        total=total,
        by_team=_labelled("team", groups["team"]),
        by_unit=_labelled("unit", groups["unit"]),
        by_chain=_labelled("chain", groups["chain"]),
    )


def _add_projects(month: Month, as_of, today, won: dict[int, list[GroupFigures]]) -> None:
    """履约率 and 资金到位率 of the won projects, from the ledger's plan facts of the year."""
    if not won:
        return
    facts = facts_mod.load(month, facts_mod.Scope(project_ids=set(won)), with_reports=False,
                           today=today)  # fmt: skip
    phases = planned_phases(month.year)
    last_day = month.last_day
    members: dict[int, dict[int, int | None]] = defaultdict(dict)
    by_group: dict[int, GroupFigures] = {}
    for pk in facts:
        for group in won[pk]:
            by_group[id(group)] = group
            members[id(group)][pk] = phases.get(pk)
    for gid, group in by_group.items():
        inside = left_out(members[gid])
        for pk in members[gid]:
            item = facts[pk]
            group.rates.add(item, last_day, as_of, amounts=pk not in inside)
            if item.planned_start is not None and item.planned_start <= last_day:
                group.to_start += 1
                due = Month.of(item.planned_start).last_day
                if item.started_by(min(due, as_of)):
                    group.started_on_time += 1


def _labelled(by: str, groups: dict) -> list[GroupFigures]:
    from zhaoshang.chains.models import Chain
    from zhaoshang.leads.models import Team
    from zhaoshang.regions.models import Region

    keys = [k for k in groups if k is not None]
    if by == "team":
        labels = dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
        none = _("(no team)")
    elif by == "unit":
        labels = {r.code: str(r) for r in Region.objects.filter(code__in=keys)}
        none = _("(no township unit)")
    else:
        labels = dict(Chain.objects.filter(pk__in=keys).values_list("pk", "name"))
        none = _("(no chain)")
    for key, group in groups.items():
        group.label = labels.get(key, str(key)) if key is not None else none
    return sorted(groups.values(), key=lambda g: (g.key is None, g.label))


def stage_labels() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in LeadStage.choices]
