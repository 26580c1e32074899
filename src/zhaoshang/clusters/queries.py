"""Read side of clusters and indicators, shared by the pages, the API, the CLI and the cockpit.

- `cluster_projects(cluster)`: the projects a cluster includes;
- `pipeline(cluster, target_year)`: those projects by stage with their yearly output at
  full production and planned production date, and how much of the gap they close;
- `target_statuses()`: for every cluster target, actual, gap, growth needed and achieved,
  projection range and pipeline; `status_json()` is the CLI's and API's shape of it;
- `series(definition)` and `derived_values(definition)`: an indicator's figures by scope and
  period, entered or computed with the formula behind each;
- `cockpit_strip()`: one line per target for the cockpit's clusters strip.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from zhaoshang.chains.models import ProjectPlacement
from zhaoshang.clusters.formula import Formula, FormulaError, Value
from zhaoshang.clusters.models import (
    CLUSTER_OUTPUT,
    Cluster,
    Indicator,
    IndicatorDefinition,
    IndicatorKind,
)
from zhaoshang.clusters.projection import DEFAULT_WINDOW, Projection, needed_growth, project
from zhaoshang.core import figcache
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.sei import sei_industry_codes
from zhaoshang.lib.money import Qualifier, format_wan
from zhaoshang.projects import estimates
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Project,
    ProjectInvestor,
    Stage,
    StageDate,
    Status,
)
from zhaoshang.regions.models import Region

WAN_PER_UNIT = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}
PRODUCING = {Stage.IN_PRODUCTION, Stage.FULL_PRODUCTION}
STARTED = {Stage.STARTED, Stage.COMPLETED}
# Projections are estimates: shown to the nearest 100万元 (0.01亿元).
PROJECTION_STEP = Decimal(100)


def to_wan(value: Decimal | None, unit: str) -> Decimal | None:
    """A money figure in 万元 (亿元 × 10,000); None for other units."""
    if value is None or unit not in WAN_PER_UNIT:
        return None
    return value * WAN_PER_UNIT[unit]


def _round_estimate(value: float | Decimal) -> Decimal:
    return (Decimal(str(value)) / PROJECTION_STEP).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    ) * PROJECTION_STEP


def lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def wan_text(value: Decimal | None, qualifier: str = "exact") -> str:
    """`format_wan` in the reader's language; a negative amount (a gap already closed) too."""
    if value is None:
        return "—"
    if value < 0:
        return "−" + format_wan(-value, Qualifier(qualifier or "exact"), lang=lang())
    return format_wan(value, Qualifier(qualifier or "exact"), lang=lang())


def percent_text(fraction: float | None) -> str:
    if fraction is None:
        return "—"
    return f"{fraction * 100:.1f}%"


# --- What a cluster includes -----------------------------------------------------------


def cluster_units(cluster: Cluster) -> set[str]:
    """The cluster's unit and its 区镇合一 partner (冶金工业园 and 锦丰镇)."""
    units = {cluster.unit_id}
    if cluster.unit.merged_with_id:
        units.add(cluster.unit.merged_with_id)
    units |= set(Region.objects.filter(merged_with_id=cluster.unit_id).values_list("pk", flat=True))
    return units


def includes_q(cluster: Cluster) -> Q | None:
    """Projects on one of the cluster's chains, under one of its codes, or by one of its
    named enterprises (or their subsidiaries); None when the cluster includes nothing."""
    parts: list[Q] = []
    chain_ids = [c.pk for c in cluster.chains.all()]
    if chain_ids:
        parts.append(Q(chain_id__in=chain_ids))
    node_ids = [n.pk for n in cluster.nodes.all()]
    if node_ids:
        parts.append(
            Q(
                pk__in=ProjectPlacement.objects.filter(node_id__in=node_ids, is_active=True).values(
                    "project_id"
                )
            )
        )
    for industry in cluster.industries.all():
        code = industry.code
        if code.isalpha():
            parts.append(Q(industry__section=code))
        else:
            parts.append(Q(industry__code__startswith=code))
    named = [e.pk for e in cluster.enterprises.all()]
    if named:
        family = Enterprise.objects.filter(
            Q(pk__in=named) | Q(parent_id__in=named) | Q(parent__parent_id__in=named)
        ).values("pk")
        parts.append(
            Q(pk__in=ProjectInvestor.objects.filter(enterprise_id__in=family).values("project_id"))
        )
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def cluster_projects(cluster: Cluster, qs: QuerySet | None = None) -> QuerySet:
    qs = Project.objects.all() if qs is None else qs
    q = includes_q(cluster)
    if q is None:
        return qs.none()
    return qs.filter(q, unit_id__in=cluster_units(cluster))


# --- Pipeline --------------------------------------------------------------------------


def _planned(stage: str) -> Subquery:
    return Subquery(
        StageDate.objects.filter(project=OuterRef("pk"), stage=stage).values("planned_on")[:1]
    )


@dataclass
class PipelineRow:
    code: str
    name: str
    stage: str
    status: str
    unit: str
    yearly_wan: Decimal | None
    yearly_qualifier: str
    basis: str  # "output", "revenue" or ""
    production_on: datetime.date | None
    is_synthetic: bool
    counted_on_plan: bool = False
    counted_started: bool = False
    is_sei: bool = False  # its industry code counts in the strategic-emerging-industry catalogue
    # no output nor revenue disclosed: the ledger's estimate (`projects.estimates`), flagged,
    # counted only in the `estimated_*` totals; `estimate_basis` says how it was made
    estimated_wan: Decimal | None = None
    estimate_basis: str = ""
    estimated_on_plan: bool = False

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass
class Pipeline:
    """The projects of a cluster that are not yet producing, and what they would add."""

    target_year: int
    rows: list[PipelineRow] = field(default_factory=list)
    producing_count: int = 0
    producing_wan: Decimal = Decimal(0)
    on_plan_wan: Decimal = Decimal(0)
    started_wan: Decimal = Decimal(0)
    sei_on_plan_wan: Decimal = Decimal(0)  # of on_plan_wan, projects in SEI industries
    later_wan: Decimal = Decimal(0)  # planned after the target year
    undated_count: int = 0
    unknown_count: int = 0
    dropped_count: int = 0
    synthetic_count: int = 0
    # estimates for the projects without a disclosed output or revenue, kept apart so that
    # the totals above keep their meaning (disclosed figures only) unless a reader asks
    estimated_on_plan_wan: Decimal = Decimal(0)
    estimated_started_wan: Decimal = Decimal(0)
    estimated_later_wan: Decimal = Decimal(0)
    estimated_count: int = 0  # projects with an estimate
    not_estimated_count: int = 0  # projects without an output, too few comparable to estimate

    def on_plan(self, include_estimates: bool) -> Decimal:
        return self.on_plan_wan + (self.estimated_on_plan_wan if include_estimates else 0)

    def started(self, include_estimates: bool) -> Decimal:
        return self.started_wan + (self.estimated_started_wan if include_estimates else 0)

    def by_stage(self) -> list[dict]:
        out = []
        for stage in STAGE_ORDER:
            if stage in PRODUCING:
                continue
            rows = [r for r in self.rows if r.stage == stage]
            out.append(
                {
                    "stage": stage,
                    "label": str(Stage(stage).label),
                    "count": len(rows),
                    "yearly_wan": sum((r.yearly_wan or Decimal(0) for r in rows), Decimal(0)),
                    "on_plan_wan": sum(
                        (r.yearly_wan for r in rows if r.counted_on_plan and r.yearly_wan),
                        Decimal(0),
                    ),
                }
            )
        return out

    def by_year(self) -> list[tuple[int, Decimal]]:
        """Yearly output at full production by planned production year."""
        years: dict[int, Decimal] = defaultdict(Decimal)
        for r in self.rows:
            if r.production_on is not None and r.yearly_wan and r.status != "dropped":
                years[r.production_on.year] += r.yearly_wan
        return sorted(years.items())


def pipeline(cluster: Cluster, target_year: int) -> Pipeline:
    """The cluster's projects not yet in production, with what they would add by `target_year`.

    A project counts with its yearly output at full production (its expected revenue when
    the output is unknown) if its planned production date (in production, else full
    production) falls in or before `target_year`: an upper bound, as ramp-up is not
    modelled. "Started only" counts those among them already started or completed.
    Dropped projects count nowhere; a phase whose parent is in the cluster is left out,
    as in the ledger totals (盛虹 306亿 already holds its 首期 140亿).
    """
    return pipelines([cluster], {cluster.pk: [target_year]})[(cluster.pk, target_year)]


@dataclass
class _Includes:
    units: set[str]
    chains: set[int]
    prefixes: tuple[str, ...]
    sections: set[str]
    enterprises: set[int]
    nodes: set[int]

    def holds(self, row: dict, investors: set[int], nodes: set[int]) -> bool:
        if row["unit_id"] not in self.units:
            return False
        industry = row["industry_id"] or ""
        return (
            row["chain_id"] in self.chains
            or (bool(industry) and industry.startswith(self.prefixes))
            or row["industry__section"] in self.sections
            or bool(investors & self.enterprises)
            or bool(nodes & self.nodes)
        )


def _includes(clusters: list[Cluster]) -> dict[int, _Includes]:
    """What each cluster includes, read in a fixed number of queries for all of them."""
    partners: dict[str, set[str]] = defaultdict(set)
    for code, merged in Region.objects.filter(
        merged_with_id__in=[c.unit_id for c in clusters]
    ).values_list("pk", "merged_with_id"):
        partners[merged].add(code)
    named = {c.pk: {e.pk for e in c.enterprises.all()} for c in clusters}
    all_named = set().union(*named.values()) if named else set()
    family: dict[int, set[int]] = defaultdict(set)  # named enterprise -> it and its subsidiaries
    if all_named:
        for pk, parent, grandparent in Enterprise.objects.filter(
            Q(pk__in=all_named) | Q(parent_id__in=all_named) | Q(parent__parent_id__in=all_named)
        ).values_list("pk", "parent_id", "parent__parent_id"):
            for top in (pk, parent, grandparent):
                if top in all_named:
                    family[top].add(pk)
    out = {}
    for c in clusters:
        codes = [i.code for i in c.industries.all()]
        units = {c.unit_id, *partners[c.unit_id]}
        if c.unit.merged_with_id:
            units.add(c.unit.merged_with_id)
        out[c.pk] = _Includes(
            units=units,
            chains={ch.pk for ch in c.chains.all()},
            prefixes=tuple(code for code in codes if not code.isalpha()),
            sections={code for code in codes if code.isalpha()},
            enterprises=set().union(*(family[n] for n in named[c.pk])) if named[c.pk] else set(),
            nodes={n.pk for n in c.nodes.all()},
        )
    return out


def pipelines(
    clusters: list[Cluster], years: dict[int, list[int]]
) -> dict[tuple[int, int], Pipeline]:
    """`pipeline` for several clusters and target years, in a fixed number of queries.

    The candidate projects (in any cluster's units, on any of their chains, codes or
    enterprises) are read once; each cluster then takes its own in memory.
    """
    includes = _includes(clusters)
    units = set().union(*(i.units for i in includes.values())) if includes else set()
    chains = set().union(*(i.chains for i in includes.values())) if includes else set()
    enterprises = set().union(*(i.enterprises for i in includes.values())) if includes else set()
    prefixes = {p for i in includes.values() for p in i.prefixes}
    sections = set().union(*(i.sections for i in includes.values())) if includes else set()
    q = Q(chain_id__in=chains) if chains else Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(industry__code__startswith=prefix)
    if sections:
        q |= Q(industry__section__in=sections)
    links = ProjectInvestor.objects.filter(enterprise_id__in=enterprises)
    if enterprises:
        q |= Q(pk__in=links.values("project_id"))
    nodes = set().union(*(i.nodes for i in includes.values())) if includes else set()
    placements = ProjectPlacement.objects.filter(node_id__in=nodes, is_active=True)
    if nodes:
        q |= Q(pk__in=placements.values("project_id"))
    candidates = Project.objects.filter(q, unit_id__in=units) if units else Project.objects.none()
    rows = list(
        candidates.annotate(
            production_on=Coalesce(_planned(Stage.IN_PRODUCTION), _planned(Stage.FULL_PRODUCTION)),
            unit_name=Coalesce(F("unit__short_name"), F("unit__name")),
        )
        .values(
            "pk",
            "parent_id",
            "code",
            "name",
            "stage",
            "status",
            "unit_id",
            "unit_name",
            "chain_id",
            "industry_id",
            "industry__section",
            "expected_output_wan",
            "expected_output_qualifier",
            "expected_revenue_wan",
            "expected_revenue_qualifier",
            "production_on",
            "is_synthetic",
        )
        .order_by("production_on", "code")
    )
    investors: dict[int, set[int]] = defaultdict(set)
    if enterprises:
        for project_id, enterprise_id in links.filter(project__unit_id__in=units).values_list(
            "project_id", "enterprise_id"
        ):
            investors[project_id].add(enterprise_id)
    placed: dict[int, set[int]] = defaultdict(set)
    if nodes:
        for project_id, node_id in placements.filter(project__unit_id__in=units).values_list(
            "project_id", "node_id"
        ):
            placed[project_id].add(node_id)
    sei_codes = sei_industry_codes()
    ledger = estimates.ledger_estimates()
    out = {}
    for cluster in clusters:
        inc = includes[cluster.pk]
        members = [
            r
            for r in rows
            if inc.holds(r, investors.get(r["pk"], set()), placed.get(r["pk"], set()))
        ]
        pks = {r["pk"] for r in members}
        members = [r for r in members if r["parent_id"] not in pks]
        for year in years.get(cluster.pk, []):
            out[(cluster.pk, year)] = _summarise(members, year, sei_codes, ledger)
    return out


def _summarise(members: list[dict], target_year: int, sei_codes: set[str], ledger=None) -> Pipeline:
    end = datetime.date(target_year, 12, 31)
    result = Pipeline(target_year=target_year)
    for r in members:
        if r["stage"] in PRODUCING:
            result.producing_count += 1
            continue
        if r["expected_output_wan"] is not None:
            yearly, q, basis = r["expected_output_wan"], r["expected_output_qualifier"], "output"
        elif r["expected_revenue_wan"] is not None:
            yearly, q, basis = r["expected_revenue_wan"], r["expected_revenue_qualifier"], "revenue"
        else:
            yearly, q, basis = None, "exact", ""
        row = PipelineRow(
            code=r["code"],
            name=r["name"],
            stage=r["stage"],
            status=r["status"],
            unit=r["unit_name"] or "",
            yearly_wan=yearly,
            yearly_qualifier=q,
            basis=basis,
            production_on=r["production_on"],
            is_synthetic=r["is_synthetic"],
            is_sei=r["industry_id"] in sei_codes,
        )
        result.synthetic_count += row.is_synthetic
        if row.status == "dropped":
            result.dropped_count += 1
        elif yearly is None:
            result.unknown_count += 1
            _estimate(row, result, r["pk"], ledger, end)
        elif row.production_on is None:
            result.undated_count += 1
        elif row.production_on <= end:
            row.counted_on_plan = True
            row.counted_started = row.stage in STARTED
            result.on_plan_wan += yearly
            if row.is_sei:
                result.sei_on_plan_wan += yearly
            if row.counted_started:
                result.started_wan += yearly
        else:
            result.later_wan += yearly
        result.rows.append(row)
    return result


def _estimate(row: PipelineRow, result: Pipeline, pk: int, ledger, end: datetime.date) -> None:
    """The estimated yearly output of a project that discloses neither output nor revenue,
    counted in the pipeline's `estimated_*` totals by the same date rule."""
    figs = ledger.get(pk) if ledger is not None else None
    e = figs["output"].estimate if figs is not None else None
    if e is None:
        return
    row.estimate_basis = estimates.basis_text(e, ledger.labels, ledger.min_sample)
    if not e.ok:
        result.not_estimated_count += 1
        return
    row.estimated_wan = estimates.rounded("output", e.value)
    result.estimated_count += 1
    if row.production_on is None:
        return
    if row.production_on <= end:
        row.estimated_on_plan = True
        result.estimated_on_plan_wan += row.estimated_wan
        if row.stage in STARTED:
            result.estimated_started_wan += row.estimated_wan
    else:
        result.estimated_later_wan += row.estimated_wan


def cluster_impact(cluster: Cluster, *, include_estimates: bool):
    """The yearly impact at full production (value added, tax, jobs) of the cluster's
    projects (`projects.impact.totals`)."""
    from zhaoshang.projects import impact  # projects.impact reads the ledger; no cycle at import

    pks = list(cluster_projects(cluster).values_list("pk", flat=True))
    return impact.totals(pks, include_estimates=include_estimates)


# --- Target status ---------------------------------------------------------------------


@dataclass
class TargetStatus:
    cluster: Cluster
    target: Indicator
    target_wan: Decimal | None
    actual: Indicator | None
    actual_wan: Decimal | None
    actuals: list[Indicator]
    projection: Projection | None
    pipeline: Pipeline | None  # None when asked for without pipelines (the cockpit strip)
    window: int
    as_of_year: int | None = None  # the year the status is judged in; None: this year

    @property
    def year_over(self) -> bool:
        """The target's year has ended by the year judged in (this year by default)."""
        return self.target_year < (self.as_of_year or timezone.localdate().year)

    @property
    def target_year(self) -> int:
        return self.target.year

    @property
    def actual_year(self) -> int | None:
        return self.actual.year if self.actual else None

    @property
    def gap_wan(self) -> Decimal | None:
        if self.target_wan is None or self.actual_wan is None:
            return None
        return self.target_wan - self.actual_wan

    @property
    def needed_growth(self) -> float | None:
        if self.actual is None or self.target_wan is None or self.actual_wan is None:
            return None
        return needed_growth(self.actual_wan, self.actual.year, self.target_wan, self.target_year)

    @property
    def achieved_growth(self) -> float | None:
        return self.projection.achieved_growth if self.projection else None

    def _unit(self, value: float | None) -> Decimal | None:
        if value is None:
            return None
        wan = to_wan(Decimal(str(value)), self.target.unit_of_measure)
        return None if wan is None else _round_estimate(wan)

    @property
    def low_wan(self) -> Decimal | None:
        return self._unit(self.projection.low if self.projection else None)

    @property
    def high_wan(self) -> Decimal | None:
        return self._unit(self.projection.high if self.projection else None)

    @property
    def central_wan(self) -> Decimal | None:
        return self._unit(self.projection.central if self.projection else None)

    @property
    def is_synthetic(self) -> bool:
        return any(a.is_synthetic for a in self.actuals)

    @property
    def verdict(self) -> str:
        """met, missed, not_reported, on_course, at_risk, off_course or unknown.

        The one rule for every face: met or missed once the target year's actual is known;
        a target whose year is over is never forecast: without that actual it is
        `not_reported` (the latest actual and the gap to it still shown); only a target
        still ahead is judged by the projection."""
        if self.target_wan is None:
            return "unknown"
        if self.actual is not None and self.actual.year >= self.target_year:
            return "met" if self.actual_wan >= self.target_wan else "missed"
        if self.year_over:
            return "not_reported"
        if self.actual_wan is None or self.low_wan is None or self.high_wan is None:
            return "unknown"
        if self.low_wan >= self.target_wan:
            return "on_course"
        if self.high_wan >= self.target_wan:
            return "at_risk"
        return "off_course"

    @property
    def verdict_label(self) -> str:
        return str(VERDICTS[self.verdict])

    @property
    def method(self) -> str:
        p = self.projection
        if p is None:
            if self.actual is not None and self.actual.year >= self.target_year:
                return _("The target year's actual is known; no projection needed.")
            return _("No projection: it needs yearly actuals for at least two years.")
        return _(
            "Log-linear trend of the %(n)s yearly actuals %(first)s–%(last)s extended to "
            "%(year)s; the range applies the lowest (%(low)s) and the highest (%(high)s) "
            "year-on-year growth of those years to the %(last)s actual."
        ) % {
            "n": len(p.years),
            "first": p.first_year,
            "last": p.last_year,
            "year": p.target_year,
            "low": percent_text(p.growth_low),
            "high": percent_text(p.growth_high),
        }

    def gap_closed_share(self, amount: Decimal) -> float | None:
        gap = self.gap_wan
        if gap is None or gap <= 0:
            return None
        return float(min(amount, gap) / gap)


VERDICTS = {
    "met": gettext_lazy("met"),
    "missed": gettext_lazy("missed"),
    "not_reported": gettext_lazy("year over; its actual not yet entered"),
    "on_course": gettext_lazy("on course"),
    "at_risk": gettext_lazy("at risk"),
    "off_course": gettext_lazy("off course"),
    "unknown": gettext_lazy("not enough data"),
}


def _annual(rows: Iterable[Indicator]) -> list[Indicator]:
    return sorted((r for r in rows if len(r.period) == 4), key=lambda r: r.year)


def target_statuses(
    clusters: Iterable[Cluster] | None = None,
    *,
    window: int = DEFAULT_WINDOW,
    with_pipelines: bool = True,
    as_of_year: int | None = None,
) -> list[TargetStatus]:
    """One status per cluster target, clusters in their order, targets by year.

    `with_pipelines=False` leaves out the projects in the pipeline (a read of every
    candidate project) for faces that show only targets, actuals and projections.
    `as_of_year` judges the targets as in that year (the cockpit's month): actuals of
    later years are not used, and a target is over when its year is before it."""
    if clusters is None:
        clusters = Cluster.objects.select_related("unit").prefetch_related(
            "chains", "nodes__chain", "industries", "enterprises"
        )
    clusters = list(clusters)
    figures = Indicator.objects.filter(
        code=CLUSTER_OUTPUT,
        cluster__in=clusters,
        kind__in=[IndicatorKind.ACTUAL, IndicatorKind.TARGET],
    ).select_related("source")
    by_cluster: dict[int, dict[str, list[Indicator]]] = defaultdict(lambda: defaultdict(list))
    for f in figures:
        by_cluster[f.cluster_id][f.kind].append(f)
    wanted = {
        c.pk: sorted({t.year for t in by_cluster[c.pk][IndicatorKind.TARGET]}) for c in clusters
    }
    pipes = pipelines(clusters, wanted) if with_pipelines else {}
    out = []
    for cluster in clusters:
        actuals = _annual(by_cluster[cluster.pk][IndicatorKind.ACTUAL])
        for target in sorted(by_cluster[cluster.pk][IndicatorKind.TARGET], key=lambda t: t.period):
            upto = [
                a
                for a in actuals
                if a.year <= target.year
                and a.unit_of_measure == target.unit_of_measure
                and (as_of_year is None or a.year <= as_of_year)
            ]
            latest = upto[-1] if upto else None
            projection = (
                project([(a.year, a.value) for a in upto], target.year, window) if upto else None
            )
            out.append(
                TargetStatus(
                    cluster=cluster,
                    target=target,
                    target_wan=to_wan(target.value, target.unit_of_measure),
                    actual=latest,
                    actual_wan=to_wan(latest.value, latest.unit_of_measure) if latest else None,
                    actuals=upto,
                    projection=projection,
                    pipeline=pipes.get((cluster.pk, target.year)),
                    window=window,
                    as_of_year=as_of_year,
                )
            )
    return out


def _number(value: Decimal | None):
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _pct(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 2)


def status_json(statuses: list[TargetStatus]) -> list[dict]:
    """The shape of `zhaoshang clusters status --format json` and `GET /clusters/status`.

    Amounts in 万元; growth rates in percent per year; projections to the nearest 100万元.
    """
    return [
        {
            "cluster": s.cluster.name,
            "target_year": s.target_year,
            "target_wan": _number(s.target_wan),
            "target_qualifier": s.target.qualifier,
            "actual_wan": _number(s.actual_wan),
            "actual_year": s.actual_year,
            "needed_growth": _pct(s.needed_growth),
            "achieved_growth": _pct(s.achieved_growth),
            "projection_low_wan": _number(s.low_wan),
            "projection_high_wan": _number(s.high_wan),
            "pipeline_wan": _number(s.pipeline.on_plan_wan),
        }
        for s in statuses
    ]


def cockpit_strip(as_of_year: int | None = None) -> list[dict]:
    """One line per cluster target for the cockpit: name, target, actual, gap, projection,
    judged as in `as_of_year` (the cockpit's month; this year by default).

    Texts are formatted for the reader's language; `verdict` is a key for colouring
    (met, missed, not_reported, on_course, at_risk, off_course, unknown). A target whose
    year is over shows no projection: met or missed with the actual, or not yet reported.
    """
    return figcache.cached("cluster_strip", as_of_year, lambda: _cockpit_strip(as_of_year))


def _cockpit_strip(as_of_year: int | None) -> list[dict]:
    lines = []
    for s in target_statuses(with_pipelines=False, as_of_year=as_of_year):
        lines.append(
            {
                "cluster_id": s.cluster.pk,
                "name": s.cluster.name,
                "target_year": s.target_year,
                "target": wan_text(s.target_wan, s.target.qualifier),
                "actual": wan_text(s.actual_wan, s.actual.qualifier if s.actual else "exact"),
                "actual_year": s.actual_year,
                "gap": wan_text(s.gap_wan),
                "projection": (
                    f"{wan_text(s.low_wan)} – {wan_text(s.high_wan)}"
                    if s.low_wan is not None and not s.year_over
                    else "—"
                ),
                "year_over": s.year_over,
                "verdict": s.verdict,
                "verdict_label": s.verdict_label,
                "is_synthetic": s.is_synthetic,
            }
        )
    return lines


# --- Indicators: entered and derived ---------------------------------------------------


def scope_key(row: Indicator) -> tuple:
    return (row.region_id, row.cluster_id, row.chain_id)


def scope_label(row: Indicator) -> str:
    if row.cluster_id:
        return row.cluster.name
    if row.chain_id:
        return f"{row.region} · {row.chain}"
    return str(row.region)


def series(definition: IndicatorDefinition | str) -> list[Indicator]:
    """Entered figures of an indicator, by scope then period."""
    code = definition if isinstance(definition, str) else definition.code
    return list(
        Indicator.objects.filter(code=code)
        .select_related("region", "cluster", "chain", "source")
        .order_by("region_id", "cluster_id", "chain_id", "period", "kind")
    )


@dataclass
class DerivedValue:
    scope: tuple
    scope_label: str
    period: str
    value: Value
    worked: str
    is_synthetic: bool

    @property
    def year(self) -> int:
        return int(self.period[:4])


def _names(definitions: dict[str, IndicatorDefinition], code: str) -> set[str]:
    """Every entered code a derived code reads, through other derived codes."""
    out, pending, seen = set(), [code], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        d = definitions.get(name)
        if d is not None and d.formula:
            pending.extend(Formula(d.formula).names)
        else:
            out.add(name)
    return out


def derived_values(definition: IndicatorDefinition) -> list[DerivedValue]:
    """Compute a derived indicator for every scope and period whose inputs are entered.

    Inputs are actuals. A result is marked synthetic when any input is.
    """
    if not definition.formula:
        return []
    definitions = {d.code: d for d in IndicatorDefinition.objects.all()}
    try:
        formulas = {code: Formula(d.formula) for code, d in definitions.items() if d.formula}
    except FormulaError:
        return []
    inputs = _names(definitions, definition.code) - {definition.code}
    rows = list(
        Indicator.objects.filter(code__in=inputs, kind=IndicatorKind.ACTUAL).select_related(
            "region", "cluster", "chain"
        )
    )
    store: dict[tuple, dict[tuple[str, str], Indicator]] = defaultdict(dict)
    labels: dict[tuple, str] = {}
    for r in rows:
        store[scope_key(r)][(r.code, r.period)] = r
        labels[scope_key(r)] = scope_label(r)

    out: list[DerivedValue] = []
    formula = formulas[definition.code]
    for scope, figures in store.items():
        evaluator = _Evaluator(formulas, figures)
        for period in sorted({p for (_c, p) in figures}):
            found = evaluator.value_of(definition.code, period)
            if found is None:
                continue
            # the worked sum, with this period's inputs in place of the codes
            worked = formula.evaluate(evaluator.lookup_for(period))
            out.append(
                DerivedValue(
                    scope=scope,
                    scope_label=labels[scope],
                    period=period,
                    value=found[0],
                    worked=f"{worked[1]} = {found[0]}" if worked else "",
                    is_synthetic=found[1],
                )
            )
    out.sort(key=lambda d: (d.scope_label, d.period))
    return out


class _Evaluator:
    """Values of entered and derived codes in one scope, by period, computed once each."""

    def __init__(self, formulas: dict[str, Formula], figures: dict[tuple[str, str], Indicator]):
        self.formulas = formulas
        self.figures = figures
        self.memo: dict[tuple[str, str], tuple[Value, bool] | None] = {}

    def lookup_for(self, period: str, synthetic: list[bool] | None = None):
        def lookup(name: str, lag: int) -> Value | None:
            found = self.value_of(name, shift(period, -lag))
            if found is None:
                return None
            if synthetic is not None:
                synthetic.append(found[1])
            return found[0]

        return lookup

    def value_of(self, code: str, period: str) -> tuple[Value, bool] | None:
        key = (code, period)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # a formula reading itself in the same period finds nothing
        if code in self.formulas:
            synthetic: list[bool] = []
            result = self.formulas[code].evaluate(self.lookup_for(period, synthetic))
            self.memo[key] = None if result is None else (result[0], any(synthetic))
        elif key in self.figures:
            row = self.figures[key]
            self.memo[key] = (Value(row.value.normalize(), row.qualifier), row.is_synthetic)
        return self.memo[key]


def shift(period: str, years: int) -> str:
    return f"{int(period[:4]) + years}{period[4:]}"


def formula_for_people(definition: IndicatorDefinition) -> str:
    """`战略性新兴产业产值 ÷ 战略性新兴产业产值占规上工业总产值比重 × 100`."""
    if not definition.formula:
        return ""
    english = lang() == "en"
    names = {
        code: (name_en if english and name_en else name)
        for code, name, name_en in IndicatorDefinition.objects.values_list(
            "code", "name", "name_en"
        )
    }
    previous = _("%(value)s (previous year)") % {"value": "{}"}
    try:
        return Formula(definition.formula).render(lambda code: names.get(code, code), previous)
    except FormulaError:
        return definition.formula


SIX_PLACES = Decimal("0.000001")


def indicator_data(definition: IndicatorDefinition) -> dict:
    """The definition, its figures (or derived values with their sums), as the API and
    `zhaoshang indicators show NAME --format json` give them."""
    data = {
        "code": definition.code,
        "name": definition.name,
        "name_en": definition.name_en,
        "unit": definition.unit_of_measure,
        "value_type": definition.value_type,
        "derived": definition.is_derived,
        "formula": definition.formula,
        "formula_text": formula_for_people(definition),
        "values": [],
    }
    if definition.is_derived:
        for v in derived_values(definition):
            data["values"].append(
                {
                    "scope": v.scope_label,
                    "period": v.period,
                    "kind": "derived",
                    "value": _number(v.value.amount.quantize(SIX_PLACES)),
                    "qualifier": v.value.qualifier,
                    "worked": v.worked,
                    "source": None,
                    "is_synthetic": v.is_synthetic,
                }
            )
    else:
        for row in series(definition):
            data["values"].append(
                {
                    "scope": scope_label(row),
                    "period": row.period,
                    "kind": row.kind,
                    "value": _number(row.value),
                    "qualifier": row.qualifier,
                    "worked": None,
                    "source": row.source.title if row.source_id else None,
                    "is_synthetic": row.is_synthetic,
                }
            )
    return data
