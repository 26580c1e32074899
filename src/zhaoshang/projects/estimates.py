"""Capex, jobs and output at full production estimated from our own ledger when a project
does not disclose them, as fDi Markets does: every estimated value is flagged, shown with
its basis (group, sample size, spread) and excludable from every figure that uses it.

The estimator, for one project and one field (capex = total investment, jobs = jobs at full
production, output = yearly output at full production, the expected revenue standing in
where the output is unknown, as in the cluster pipelines):

1. If the project discloses another of the three (its *anchor*: capex for jobs and output,
   output then jobs for capex), the estimate is anchor × the median ratio field/anchor of
   comparable projects that disclose both;
2. else the median of the field among comparable projects.

"Comparable" is the finest group with at least `min_sample` members (the setting
`ZHAOSHANG_ESTIMATE_MIN_SAMPLE`, 5): chain node × activity (new, expansion, upgrade) × the
lead investor's size band, then node × activity, node, chain, GB/T 4754 division (大类),
section (门类). A group key with an unknown part (no node, no size band) is skipped. No
group large enough: no estimate, and the figure says why (the closest group and its n).

Only disclosed values enter the samples; an estimate never feeds another. Synthetic demo
projects count in the samples (a real deployment has none); the basis says how many.

`leave_one_out()` measures the estimator on the ledger: each disclosed value hidden in turn
and estimated from the others (the project left out of every sample it is in), beside the
naive estimate (the median of the field over all other projects). bench/estimates.py
prints their median absolute percentage errors.

Medians are computed on floats: estimates are approximations shown rounded (whole 万元,
whole jobs, qualifier "about"); the disclosed amounts themselves stay Decimal.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from zhaoshang.core import figcache
from zhaoshang.lib import collector

FIELDS = ("capex", "jobs", "output")
# the anchors tried in turn for each field: a disclosed figure of the same project
ANCHORS = {"capex": ("output", "jobs"), "jobs": ("capex", "output"), "output": ("capex", "jobs")}
DEFAULT_MIN_SAMPLE = 5


def min_sample() -> int:
    return getattr(settings, "ZHAOSHANG_ESTIMATE_MIN_SAMPLE", DEFAULT_MIN_SAMPLE)


@dataclass(slots=True)
class Row:
    """What the estimator knows of one project (disclosed figures only). With slots, as
    the figures: 10^5 of them are built after every write to the ledger."""

    pk: int
    code: str = ""
    name: str = ""
    parent_id: int | None = None
    unit_id: str | None = None
    chain_id: int | None = None
    node_id: int | None = None
    nature: str = ""
    size: str = ""
    industry: str = ""  # GB/T 4754 code
    section: str = ""
    status: str = ""
    stage: str = ""
    production_year: int | None = None
    is_synthetic: bool = False
    capex: float | None = None
    jobs: float | None = None
    output: float | None = None
    output_basis: str = ""  # "output" or "revenue" (the output unknown)
    tax: float | None = None  # disclosed expected yearly tax, 万元

    @property
    def division(self) -> str:
        return self.industry[:2] if len(self.industry) >= 2 else ""


# Levels from the finest to the coarsest: (name, the row's attributes that make the key,
# those of them that must be known: a key with an unknown part is skipped)
LEVELS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("node_activity_size", ("node_id", "nature", "size"), ("node_id", "size")),
    ("node_activity", ("node_id", "nature"), ("node_id", "nature")),
    ("node", ("node_id",), ("node_id",)),
    ("chain", ("chain_id",), ("chain_id",)),
    ("division", ("division",), ("division",)),
    ("section", ("section",), ("section",)),
]
# every attribute a key uses: rows with the same profile are in the same groups
PROFILE = ("node_id", "nature", "size", "chain_id", "division", "section")
_profile = attrgetter(*PROFILE)
_PARTS = [
    (name, tuple(PROFILE.index(a) for a in parts), tuple(PROFILE.index(a) for a in known))
    for name, parts, known in LEVELS
]


def group_keys(profile: tuple) -> list[tuple[str, tuple]]:
    """(level, key) of the groups a row of this profile is in, from the finest."""
    return [
        (name, tuple(profile[j] for j in parts))
        for name, parts, known in _PARTS
        if all(profile[j] for j in known)
    ]


def _ratio(row: Row, f: str, a: str) -> float | None:
    top, bottom = getattr(row, f), getattr(row, a)
    if top is None or not bottom:
        return None
    return top / bottom


def _stat(row: Row, stat: tuple) -> float | None:
    """The value `row` puts into the statistic `stat` (None: it has none)."""
    if stat[0] == "level":
        return getattr(row, stat[1])
    return _ratio(row, stat[1], stat[2])


def _stats(row: Row) -> Iterable[tuple[tuple, float]]:
    """The statistics a row's disclosed figures enter: the level of each field and the ratio
    of each pair."""
    for f in FIELDS:
        value = getattr(row, f)
        if value is not None:
            yield ("level", f), value
            for a in ANCHORS[f]:
                ratio = _ratio(row, f, a)
                if ratio is not None:
                    yield ("ratio", f, a), ratio


def _quantile(get: Callable[[int], float], n: int, p: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    pos = p * (n - 1)
    lo = math.floor(pos)
    frac = pos - lo
    if frac == 0 or lo + 1 >= n:
        return get(lo)
    return get(lo) + frac * (get(lo + 1) - get(lo))


def quartiles(values: list[float], drop: float | None = None) -> tuple[int, float, float, float]:
    """(n, q1, median, q3) of sorted `values`, without one occurrence of `drop` when given.

    >>> quartiles([1.0, 2.0, 3.0, 10.0], drop=10.0)
    (3, 1.5, 2.0, 2.5)
    """
    if drop is None:
        n = len(values)

        def get(j: int) -> float:
            return values[j]
    else:
        i = bisect.bisect_left(values, drop)
        if i >= len(values) or values[i] != drop:
            raise ValueError(f"{drop} is not in the sample")
        n = len(values) - 1

        def get(j: int) -> float:
            return values[j] if j < i else values[j + 1]

    if n == 0:
        return 0, math.nan, math.nan, math.nan
    return n, _quantile(get, n, 0.25), _quantile(get, n, 0.5), _quantile(get, n, 0.75)


@dataclass(frozen=True)
class Estimate:
    """One estimated value, or a refusal (`value` None, `reason` says why)."""

    field: str
    value: float | None
    level: str = ""  # one of LEVELS' names
    key: tuple = ()
    n: int = 0
    q1: float | None = None  # the spread of the estimate: anchor × ratio quartiles, or levels
    q3: float | None = None
    anchor: str = ""  # "" (the group's median) or the field it was scaled from
    ratio: float | None = None  # the median ratio used
    n_synthetic: int = 0
    reason: str = ""  # why there is no estimate

    @property
    def ok(self) -> bool:
        return self.value is not None


class Estimator:
    """The groups of a ledger's disclosed figures, ready to estimate from.

    Rows are grouped once by their profile (the attributes the group keys use: thousands of
    profiles for 10^5 projects); a group's sorted sample of one statistic is gathered on
    first use, and `estimate` without `leave_out` answers once per (field, anchors
    disclosed, profile): every project of a profile walks the same groups to the same
    quartiles, only its anchor differs."""

    def __init__(self, rows: Iterable[Row], minimum: int | None = None) -> None:
        self.min_sample = minimum if minimum is not None else min_sample()
        self.rows = list(rows)
        profiles: dict[tuple, list[int]] = {}  # profile -> its rows' indices, in row order
        for i, profile in enumerate(map(_profile, self.rows)):
            found = profiles.get(profile)
            if found is None:
                profiles[profile] = [i]
            else:
                found.append(i)
        # level -> key -> the profiles in that group
        self._groups: dict[str, dict[tuple, list[tuple]]] = {n: {} for n, _p, _k in LEVELS}
        for profile in profiles:
            for level, key in group_keys(profile):
                self._groups[level].setdefault(key, []).append(profile)
        self._profiles = profiles
        # (level, key, stat) -> sorted sample
        self._samples: dict[tuple, list[float]] = {}
        self._synthetic_counts: dict[tuple, int] = {}
        self._counted: dict[tuple, list[bool]] = {}
        self._columns: dict[tuple, list[float | None]] = {}
        self._plans: dict[tuple, tuple] = {}
        self._member_lists: dict[tuple, list[int]] = {}  # (level, key) -> `_members`

    def sample(self, level: str, key: tuple, stat: tuple) -> list[float]:
        """The sorted values of `stat` in a group (every row that has one, in row order
        before sorting); read-only."""
        found = self._samples.get((level, key, stat))
        if found is None:
            column = self._column(stat)
            members = self._members(level, key)
            found = [v for v in map(column.__getitem__, members) if v is not None]
            found.sort()
            self._samples[(level, key, stat)] = found
        return found

    def _members(self, level: str, key: tuple) -> list[int]:
        """The indices of a group's rows, ascending; gathered once per group, however many
        statistics and synthetic counts are then read from it. Read-only."""
        found = self._member_lists.get((level, key))
        if found is None:
            profiles = self._groups[level].get(key, ())
            found = [i for profile in profiles for i in self._profiles[profile]]
            if len(profiles) > 1:
                found.sort()
            self._member_lists[(level, key)] = found
        return found

    def synthetic(self, level: str, key: tuple, stat: tuple) -> int:
        """How many of a group's sample of `stat` are synthetic projects (counted when an
        estimate first rests on the group)."""
        found = self._synthetic_counts.get((level, key, stat))
        if found is None:
            counted = self._counted.get(stat)
            if counted is None:  # per row: synthetic and in the sample of `stat`
                counted = self._counted[stat] = [
                    flag and value is not None
                    for flag, value in zip(self._synthetic_flags, self._column(stat), strict=True)
                ]
            found = sum(map(counted.__getitem__, self._members(level, key)))
            self._synthetic_counts[(level, key, stat)] = found
        return found

    def _column(self, stat: tuple) -> list[float | None]:
        """Every row's value of `stat` (`_stat`), in row order."""
        found = self._columns.get(stat)
        if found is None:
            if stat[0] == "level":
                found = list(map(attrgetter(stat[1]), self.rows))
            else:  # `_ratio` of every row
                tops, bottoms = self._column(("level", stat[1])), self._column(("level", stat[2]))
                found = [
                    None if top is None or not bottom else top / bottom
                    for top, bottom in zip(tops, bottoms, strict=True)
                ]
            self._columns[stat] = found
        return found

    @functools.cached_property
    def _synthetic_flags(self) -> list[bool]:
        return [r.is_synthetic for r in self.rows]

    @functools.cached_property
    def everything(self) -> dict[str, list[float]]:
        """Per field, the sorted disclosed values of the whole ledger (the naive estimate)."""
        return {f: sorted(v for r in self.rows if (v := getattr(r, f)) is not None) for f in FIELDS}

    def _try(self, groups: list, stat: tuple, leave_out: Row | None, best: list):
        """The first level with enough members for `stat`, as (level, key, n, q1, med, q3)."""
        drop = None if leave_out is None else _stat(leave_out, stat)
        for level, key in groups:
            values = self.sample(level, key, stat)
            if not values:
                continue
            n, q1, med, q3 = quartiles(values, drop)
            if n >= self.min_sample:
                return level, key, n, q1, med, q3
            if n > best[0][2]:
                best[0] = (level, key, n)
        return None

    def estimate(self, row: Row, f: str, *, leave_out: bool = False) -> Estimate:
        """The estimate of field `f` of `row`; `leave_out`: the row's own figures are taken
        out of every sample (the leave-one-out test; the row's `f` is then ignored)."""
        anchors = tuple(getattr(row, a) for a in ANCHORS[f])
        if leave_out:
            plan = self._plan(f, anchors, _profile(row), row)
        else:
            plan_key = (f, tuple(bool(a) for a in anchors), _profile(row))
            plan = self._plans.get(plan_key)
            if plan is None:
                plan = self._plans[plan_key] = self._plan(f, anchors, plan_key[2], None)
        if isinstance(plan, Estimate):  # a group's median, or none: the same for the profile
            return plan
        i, level, key, n, q1, med, q3, n_synthetic = plan
        anchor = anchors[i]
        return Estimate(
            field=f,
            value=anchor * med,
            level=level,
            key=key,
            n=n,
            q1=anchor * q1,
            q3=anchor * q3,
            anchor=ANCHORS[f][i],
            ratio=med,
            n_synthetic=n_synthetic,
        )

    def _plan(self, f: str, anchors: tuple, profile: tuple, out: Row | None):
        """How field `f` is estimated for a row of `profile` whose anchors are `anchors`
        (only their being disclosed matters): the estimate itself when it does not depend
        on the anchor, else (anchor's index, level, key, n, q1, median ratio, q3,
        synthetic)."""
        groups = group_keys(profile)
        best: list = [("", (), 0)]
        for i, a in enumerate(ANCHORS[f]):
            if not anchors[i]:
                continue
            stat = ("ratio", f, a)
            found = self._try(groups, stat, out, best)
            if found:
                level, key, n, q1, med, q3 = found
                return i, level, key, n, q1, med, q3, self._synthetic(level, stat, key, out)
        stat = ("level", f)
        found = self._try(groups, stat, out, best)
        if found:
            level, key, n, q1, med, q3 = found
            return Estimate(
                field=f,
                value=med,
                level=level,
                key=key,
                n=n,
                q1=q1,
                q3=q3,
                n_synthetic=self._synthetic(level, stat, key, out),
            )
        level, key, n = best[0]
        return Estimate(field=f, value=None, level=level, key=key, n=n, reason="too_few")

    def _synthetic(self, level: str, stat: tuple, key: tuple, out: Row | None) -> int:
        n = self.synthetic(level, key, stat)
        if out is not None and out.is_synthetic and _stat(out, stat) is not None:
            n -= 1
        return n

    def naive(self, row: Row, f: str, *, leave_out: bool = False) -> float | None:
        """The naive estimate: the median of `f` over the whole ledger (without the row)."""
        values = self.everything[f]
        own = getattr(row, f) if leave_out else None
        n, _q1, med, _q3 = quartiles(values, own)
        return None if n == 0 else med


def leave_one_out(
    rows: Iterable[Row], f: str, *, minimum: int | None = None
) -> list[tuple[float, float | None, float | None]]:
    """For every row disclosing `f`: (actual, estimate with the row left out, naive estimate
    with the row left out). The estimate is None where the estimator refuses."""
    est = Estimator(rows, minimum)
    out = []
    for row in est.rows:
        actual = getattr(row, f)
        if actual is None:
            continue
        guess = est.estimate(row, f, leave_out=True).value
        out.append((actual, guess, est.naive(row, f, leave_out=True)))
    return out


def median_ape(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """The median absolute percentage error |estimate − actual| / actual, in percent, over
    the pairs with an estimate and a non-zero actual."""
    errors = sorted(abs(g - a) / abs(a) * 100 for a, g in pairs if g is not None and a)
    if not errors:
        return None
    return quartiles(errors)[2]


# --- The ledger ------------------------------------------------------------------------


def _f(value) -> float | None:
    return None if value is None else float(value)


# the ledger's Decimal amounts, read as floats (the estimator's and the impact's unit)
DECIMAL_AMOUNTS = (
    "total_investment_wan", "expected_output_wan", "expected_revenue_wan", "expected_tax_wan"
)  # fmt: skip


# Below this, an amount column cast to float by the database is the float of the Decimal
# the ORM reads: with at most 6 decimal places (the columns' scale: the ORM quantizes every
# value it writes, PostgreSQL's numeric(20, 6) refuses more) such a number has at most 15
# significant digits, which a float keeps exactly (SQLite stores the float; PostgreSQL
# rounds the numeric once). A row with a larger amount is read again as Decimals.
FLOAT_EXACT_BELOW = 1e9


@collector.paused()
def ledger_rows(projects=None) -> list[Row]:
    """The estimator's view of every project (or of `projects`, a queryset), in 5 queries
    (4 when `projects` is given); the chain node, lead investor's size band and year of
    full production of every project are each kept by table (`core.figcache`), so a
    project saved reads only the projects again."""
    from django.db.models import FloatField
    from django.db.models.functions import Cast

    from zhaoshang.industries.models import Industry
    from zhaoshang.projects.models import Project

    qs = Project.objects.all() if projects is None else projects
    if projects is None:
        nodes = figcache.cached("projects.ledger_nodes", None, _nodes, by_table=True)
        sizes = figcache.cached("projects.ledger_sizes", None, _sizes, by_table=True)
        years = figcache.cached("projects.ledger_years", None, _years, by_table=True)
    else:
        scope = Q(project__in=qs.values("pk"))
        nodes, sizes, years = _nodes(scope), _sizes(scope), _years(scope)
    sections = dict(Industry.objects.values_list("code", "section"))
    floats = {f"{name}_float": Cast(name, FloatField()) for name in DECIMAL_AMOUNTS}
    rows = []
    again = []  # rows with an amount to read as a Decimal (`FLOAT_EXACT_BELOW`)
    ledger = (
        qs.annotate(**floats)
        .values_list(
            "pk", "code", "name", "parent_id", "unit_id", "chain_id", "nature", "industry_id",
            "status", "stage", "is_synthetic", "total_investment_wan_float", "expected_jobs",
            "expected_output_wan_float", "expected_revenue_wan_float", "expected_tax_wan_float",
        )
        .order_by("pk")
    )  # fmt: skip
    # run as SQL: every column is an integer, a text or a float as the driver gives it (the
    # flag a 0/1 in SQLite), so the ORM's per-value converters only cost time
    sql, params = ledger.query.get_compiler(using=ledger.db).as_sql()
    with connections[ledger.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    for (
        pk, code, name, parent_id, unit_id, chain_id, nature, industry, status, stage,
        synthetic, capex, jobs, output, revenue, tax,
    ) in found:  # fmt: skip
        row = Row(
            pk=pk,
            code=code,
            name=name,
            parent_id=parent_id,
            unit_id=unit_id,
            chain_id=chain_id,
            node_id=nodes.get(pk),
            nature=nature or "",
            size=sizes.get(pk, ""),
            industry=industry or "",
            section=sections.get(industry, ""),
            status=status,
            stage=stage,
            production_year=years.get(pk),
            is_synthetic=bool(synthetic),
            jobs=_f(jobs),
        )
        if (
            (capex is None or -FLOAT_EXACT_BELOW < capex < FLOAT_EXACT_BELOW)
            and (output is None or -FLOAT_EXACT_BELOW < output < FLOAT_EXACT_BELOW)
            and (revenue is None or -FLOAT_EXACT_BELOW < revenue < FLOAT_EXACT_BELOW)
            and (tax is None or -FLOAT_EXACT_BELOW < tax < FLOAT_EXACT_BELOW)
        ):
            _amounts(row, capex, output, revenue, tax)
        else:
            again.append(row)
        rows.append(row)
    for start in range(0, len(again), 500):
        chunk = {row.pk: row for row in again[start : start + 500]}
        for pk, *amounts in Project.objects.filter(pk__in=chunk).values_list(
            "pk", *DECIMAL_AMOUNTS
        ):
            _amounts(chunk[pk], *(_f(a) for a in amounts))
    return rows


def _amounts(row: Row, capex, output, revenue, tax) -> None:
    """The amounts of `row`: the output, else the expected revenue standing in for it."""
    basis = "output"
    if output is None:
        output, basis = revenue, "revenue"
    row.capex, row.output, row.tax = capex, output, tax
    row.output_basis = basis if output is not None else ""


def _nodes(scope: Q | None = None) -> dict[int, int]:
    """Each project's chain node: its active placement of highest confidence."""
    from zhaoshang.chains.models import ProjectPlacement

    out: dict[int, int] = {}
    for project_id, node_id in (
        ProjectPlacement.objects.filter(scope or Q(), is_active=True)
        .order_by("project_id", "-confidence", "node_id")
        .values_list("project_id", "node_id")
    ):
        out.setdefault(project_id, node_id)
    return out


def _sizes(scope: Q | None = None) -> dict[int, str]:
    """Each project's lead investor's size band: of the first lead investor entered that
    has one."""
    from zhaoshang.projects.models import ProjectInvestor

    out: dict[int, str] = {}
    for project_id, size in (
        ProjectInvestor.objects.filter(scope or Q(), role="lead")
        .exclude(enterprise__size_band="")
        .exclude(enterprise__size_band__isnull=True)
        .order_by("project_id", "id")
        .values_list("project_id", "enterprise__size_band")
    ):
        out.setdefault(project_id, size)
    return out


def _years(scope: Q | None = None) -> dict[int, int]:
    """Each project's year of full production: actual, else planned, of full production,
    else of production."""
    from django.db.models import Max
    from django.db.models.functions import Coalesce

    from zhaoshang.projects.models import Stage, StageDate

    on = Coalesce("actual_on", "planned_on")
    return {
        project_id: day.year
        for project_id, day in StageDate.objects.filter(
            scope or Q(), stage__in=[Stage.IN_PRODUCTION, Stage.FULL_PRODUCTION]
        )
        .order_by()
        .values("project_id")
        .annotate(
            on=Coalesce(
                Max(on, filter=Q(stage=Stage.FULL_PRODUCTION)),
                Max(on, filter=Q(stage=Stage.IN_PRODUCTION)),
            )
        )
        .values_list("project_id", "on")
        if day is not None
    }


@dataclass(slots=True)
class Figure:
    """One of a project's three figures: disclosed, estimated or unknown."""

    field: str
    disclosed: float | None
    estimate: Estimate | None = None  # only when not disclosed
    basis: str = ""  # output: "output" or "revenue" when disclosed

    @property
    def is_estimate(self) -> bool:
        return self.disclosed is None and self.estimate is not None and self.estimate.ok

    def value(self, include_estimates: bool) -> float | None:
        if self.disclosed is not None:
            return self.disclosed
        if include_estimates and self.is_estimate:
            return self.estimate.value
        return None


@dataclass(slots=True)
class ProjectFigures:
    row: Row
    figures: dict[str, Figure] = field(default_factory=dict)

    def __getitem__(self, f: str) -> Figure:
        return self.figures[f]


class LedgerEstimates:
    """Every project's figures; `labels` (names of nodes, chains and industries for the
    basis texts) are read on first use: the roll-ups need none."""

    def __init__(self, by_pk: dict[int, ProjectFigures], min_sample: int, labels=None) -> None:
        self.by_pk = by_pk
        self.min_sample = min_sample
        self._labels = labels

    @property
    def labels(self) -> dict[str, dict]:
        """Names as they are now (not kept on this object, which outlives renames: it is
        reused until a table it read is written, `ledger_estimates`)."""
        if self._labels is None:
            return figcache.cached("projects.estimate_labels", None, _labels, by_table=True)
        return self._labels

    def get(self, pk: int) -> ProjectFigures | None:
        return self.by_pk.get(pk)

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """Per field: (disclosed, estimated, neither)."""
        out = {}
        for f in FIELDS:
            figs = [p[f] for p in self.by_pk.values()]
            disclosed = sum(fig.disclosed is not None for fig in figs)
            estimated = sum(fig.is_estimate for fig in figs)
            out[f] = (disclosed, estimated, len(figs) - disclosed - estimated)
        return out


def _labels() -> dict[str, dict]:
    from zhaoshang.chains.models import Chain, Node
    from zhaoshang.industries.models import Industry

    en = (get_language() or "").startswith("en")

    def name(zh: str, english: str) -> str:
        return f"{english} ({zh})" if en and english else zh

    return {
        "node": {pk: name(n, e) for pk, n, e in Node.objects.values_list("pk", "name", "name_en")},
        "chain": {
            pk: name(n, e) for pk, n, e in Chain.objects.values_list("pk", "name", "name_en")
        },
        "industry": dict(Industry.objects.filter(level__lte=1).values_list("code", "name")),
    }


@collector.paused()
def compute(
    rows: list[Row] | None = None, minimum: int | None = None, labels: dict | None = None
) -> LedgerEstimates:
    """Every project's three figures, disclosed or estimated (not cached: `ledger_estimates`)."""
    rows = ledger_rows() if rows is None else rows
    est = Estimator(rows, minimum)
    by_pk = {}
    for row in est.rows:
        figures = {}
        for f in FIELDS:
            disclosed = getattr(row, f)
            figures[f] = Figure(
                f,
                disclosed,
                None if disclosed is not None else est.estimate(row, f),
                row.output_basis if f == "output" else "",
            )
        by_pk[row.pk] = ProjectFigures(row, figures)
    return LedgerEstimates(by_pk=by_pk, min_sample=est.min_sample, labels=labels)


def ledger_estimates() -> LedgerEstimates:
    """`compute()` once per state of the tables it reads (`core.figcache`, by table: a
    town's monthly report saved does not make the next page estimate the ledger again; a
    project, investor or enterprise saved does). Read-only for callers."""
    minimum = min_sample()
    return figcache.cached(
        "projects.estimates", minimum, lambda: compute(minimum=minimum), by_table=True
    )


# --- Words -----------------------------------------------------------------------------


def field_label(f: str) -> str:
    return {
        "capex": _("total investment"),
        "jobs": _("jobs at full production"),
        "output": _("yearly output at full production"),
    }[f]


def nature_label(nature: str) -> str:
    from zhaoshang.projects.models import Nature

    return str(Nature(nature).label) if nature in Nature.values else nature


def size_label(size: str) -> str:
    from zhaoshang.enterprises.models import SizeBand

    return str(SizeBand(size).label) if size in SizeBand.values else size


def group_label(level: str, key: tuple, labels: dict[str, dict]) -> str:
    """The group in words: "node 锂电池 × new × large", "chain 新能源", "division 38 …"."""
    if not level:
        return ""
    if level.startswith("node"):
        parts = [
            pgettext("estimate group", "node %(name)s")
            % {"name": labels["node"].get(key[0], key[0])}
        ]
        if len(key) > 1:
            parts.append(nature_label(key[1]))
        if len(key) > 2:
            parts.append(size_label(key[2]))
        return " × ".join(parts)
    if level == "chain":
        return pgettext("estimate group", "chain %(name)s") % {
            "name": labels["chain"].get(key[0], key[0])
        }
    code = key[0]
    name = labels["industry"].get(code, "")
    if level == "division":
        return pgettext("estimate group", "industry division %(code)s %(name)s") % {
            "code": code,
            "name": name,
        }
    return pgettext("estimate group", "industry section %(code)s %(name)s") % {
        "code": code,
        "name": name,
    }


def rounded(f: str, value: float | None) -> Decimal | None:
    """An estimate as shown and summed: whole 万元, whole jobs."""
    if value is None or math.isnan(value):
        return None
    return Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def basis_text(e: Estimate, labels: dict[str, dict], minimum: int) -> str:
    """Why the value is what it is, in one sentence (shown on hover and on the page)."""
    if not e.ok:
        if e.n == 0:
            return _(
                "Not estimated: no comparable project (same chain node, chain or industry) "
                "discloses this figure."
            )
        return _(
            "Not estimated: the closest group (%(group)s) has %(n)s projects disclosing it, "
            "fewer than the minimum sample of %(min)s."
        ) % {"group": group_label(e.level, e.key, labels), "n": e.n, "min": minimum}
    spread = f"{_fmt(e.field, e.q1)} – {_fmt(e.field, e.q3)}"
    if e.anchor:
        text = _(
            "Estimate: %(anchor)s × the median ratio %(ratio)s of %(n)s comparable projects "
            "(%(group)s); interquartile range %(spread)s."
        ) % {
            "anchor": field_label(e.anchor),
            "ratio": f"{e.ratio:.4g}",
            "n": e.n,
            "group": group_label(e.level, e.key, labels),
            "spread": spread,
        }
    else:
        text = _(
            "Estimate: the median of %(n)s comparable projects (%(group)s); interquartile "
            "range %(spread)s."
        ) % {"n": e.n, "group": group_label(e.level, e.key, labels), "spread": spread}
    if e.n_synthetic:
        text += " " + _("%(k)s of the %(n)s are synthetic demo projects.") % {
            "k": e.n_synthetic,
            "n": e.n,
        }
    return text


def _fmt(f: str, value: float | None) -> str:
    from zhaoshang.lib.money import Qualifier, format_wan_rounded

    number = rounded(f, value)
    if number is None:
        return "—"
    if f == "jobs":
        return _("%(n)s jobs") % {"n": number}
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    return format_wan_rounded(number, Qualifier.APPROX, lang=lang)


def shown(f: str, value: float | None, *, estimated: bool = False) -> str:
    """A figure as a page shows it: 约 for an estimate (whole 万元, whole jobs)."""
    from zhaoshang.lib.money import Qualifier, format_wan_rounded

    if value is None:
        return "—"
    number = rounded(f, value) if estimated else Decimal(repr(value)).normalize()
    if f == "jobs":
        return (_("about %(n)s") % {"n": number}) if estimated else f"{number:f}"
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    q = Qualifier.APPROX if estimated else Qualifier.EXACT
    return format_wan_rounded(number, q, lang=lang)


def project_view(pk: int) -> list[dict]:
    """The project page's rows: one per field, disclosed or estimated with its basis."""
    ledger = ledger_estimates()
    figs = ledger.get(pk)
    if figs is None:
        return []
    out = []
    for f in FIELDS:
        fig = figs[f]
        e = fig.estimate
        out.append(
            {
                "field": f,
                "label": field_label(f),
                "disclosed": fig.disclosed is not None,
                "is_estimate": fig.is_estimate,
                "shown": shown(f, fig.disclosed)
                if fig.disclosed is not None
                else shown(f, e.value if e else None, estimated=True),
                "basis": basis_text(e, ledger.labels, ledger.min_sample) if e else "",
                "revenue": f == "output" and fig.basis == "revenue",
                "group": group_label(e.level, e.key, ledger.labels) if e and e.ok else "",
                "n": e.n if e else None,
                "spread": f"{_fmt(f, e.q1)} – {_fmt(f, e.q3)}" if e and e.ok else "",
            }
        )
    return out
