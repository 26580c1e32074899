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
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from zhaoshang.core import figcache

FIELDS = ("capex", "jobs", "output")
# the anchors tried in turn for each field: a disclosed figure of the same project
ANCHORS = {"capex": ("output", "jobs"), "jobs": ("capex", "output"), "output": ("capex", "jobs")}
DEFAULT_MIN_SAMPLE = 5


def min_sample() -> int:
    return getattr(settings, "ZHAOSHANG_ESTIMATE_MIN_SAMPLE", DEFAULT_MIN_SAMPLE)


@dataclass
class Row:
    """What the estimator knows of one project (disclosed figures only)."""

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
    tax: Decimal | None = None  # disclosed expected yearly tax, 万元

    @property
    def division(self) -> str:
        return self.industry[:2] if len(self.industry) >= 2 else ""


# Levels from the finest to the coarsest: (name, key of a row or None when a part is unknown)
LEVELS: list[tuple[str, Callable[[Row], tuple | None]]] = [
    ("node_activity_size", lambda r: (r.node_id, r.nature, r.size) if r.node_id and r.size else None),
    ("node_activity", lambda r: (r.node_id, r.nature) if r.node_id and r.nature else None),
    ("node", lambda r: (r.node_id,) if r.node_id else None),
    ("chain", lambda r: (r.chain_id,) if r.chain_id else None),
    ("division", lambda r: (r.division,) if r.division else None),
    ("section", lambda r: (r.section,) if r.section else None),
]  # fmt: skip


def _ratio(row: Row, f: str, a: str) -> float | None:
    top, bottom = getattr(row, f), getattr(row, a)
    if top is None or not bottom:
        return None
    return top / bottom


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
    """The groups of a ledger's disclosed figures, sorted, ready to estimate from."""

    def __init__(self, rows: Iterable[Row], minimum: int | None = None) -> None:
        self.min_sample = minimum if minimum is not None else min_sample()
        self.rows = list(rows)
        # level -> key -> stat -> sorted values; level -> key -> stat -> synthetic count
        groups: dict[str, dict[tuple, dict[tuple, list[float]]]] = {n: {} for n, _k in LEVELS}
        synthetic: dict[str, dict[tuple, dict[tuple, int]]] = {n: {} for n, _k in LEVELS}
        for row in self.rows:
            stats = list(_stats(row))
            if not stats:
                continue
            for level, key_of in LEVELS:
                key = key_of(row)
                if key is None:
                    continue
                bucket = groups[level].setdefault(key, {})
                for stat, value in stats:
                    values = bucket.get(stat)
                    if values is None:
                        bucket[stat] = [value]
                    else:
                        values.append(value)
                if row.is_synthetic:
                    counts = synthetic[level].setdefault(key, {})
                    for stat, _value in stats:
                        counts[stat] = counts.get(stat, 0) + 1
        for by_key in groups.values():
            for bucket in by_key.values():
                for values in bucket.values():
                    values.sort()
        self.groups = groups
        self.synthetic = synthetic
        everything: dict[str, list[float]] = {}
        for f in FIELDS:
            everything[f] = sorted(v for r in self.rows if (v := getattr(r, f)) is not None)
        self.everything = everything

    def _try(self, row: Row, stat: tuple, leave_out: Row | None, best: list):
        """The first level with enough members for `stat`, as (level, key, n, q1, med, q3)."""
        drop = None
        if leave_out is not None:
            drop = dict(_stats(leave_out)).get(stat)
        for level, key_of in LEVELS:
            key = key_of(row)
            if key is None:
                continue
            values = self.groups[level].get(key, {}).get(stat)
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
        out = row if leave_out else None
        best: list = [("", (), 0)]
        for a in ANCHORS[f]:
            anchor = getattr(row, a)
            if not anchor:
                continue
            found = self._try(row, ("ratio", f, a), out, best)
            if found:
                level, key, n, q1, med, q3 = found
                return Estimate(
                    field=f,
                    value=anchor * med,
                    level=level,
                    key=key,
                    n=n,
                    q1=anchor * q1,
                    q3=anchor * q3,
                    anchor=a,
                    ratio=med,
                    n_synthetic=self._synthetic(level, ("ratio", f, a), key, row, out),
                )
        found = self._try(row, ("level", f), out, best)
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
                n_synthetic=self._synthetic(level, ("level", f), key, row, out),
            )
        level, key, n = best[0]
        return Estimate(field=f, value=None, level=level, key=key, n=n, reason="too_few")

    def _synthetic(self, level: str, stat: tuple, key: tuple, row: Row, out: Row | None) -> int:
        n = self.synthetic[level].get(key, {}).get(stat, 0)
        if out is not None and out.is_synthetic and stat in dict(_stats(out)):
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


def ledger_rows(projects=None) -> list[Row]:
    """The estimator's view of every project (or of `projects`, a queryset), in 4 queries."""
    from zhaoshang.chains.models import ProjectPlacement
    from zhaoshang.projects.models import Project, ProjectInvestor, Stage, StageDate

    qs = Project.objects.all() if projects is None else projects
    rows: dict[int, Row] = {}
    for v in qs.values(
        "pk", "code", "name", "parent_id", "unit_id", "chain_id", "nature", "industry_id",
        "industry__section", "status", "stage", "is_synthetic", "total_investment_wan",
        "expected_jobs", "expected_output_wan", "expected_revenue_wan", "expected_tax_wan",
    ).order_by("pk"):  # fmt: skip
        output, basis = v["expected_output_wan"], "output"
        if output is None:
            output, basis = v["expected_revenue_wan"], "revenue"
        rows[v["pk"]] = Row(
            pk=v["pk"],
            code=v["code"],
            name=v["name"],
            parent_id=v["parent_id"],
            unit_id=v["unit_id"],
            chain_id=v["chain_id"],
            nature=v["nature"] or "",
            industry=v["industry_id"] or "",
            section=v["industry__section"] or "",
            status=v["status"],
            stage=v["stage"],
            is_synthetic=v["is_synthetic"],
            capex=_f(v["total_investment_wan"]),
            jobs=_f(v["expected_jobs"]),
            output=_f(output),
            output_basis=basis if output is not None else "",
            tax=v["expected_tax_wan"],
        )
    scope = Q() if projects is None else Q(project__in=qs.values("pk"))
    # the project's node: its active placement of highest confidence
    for project_id, node_id in (
        ProjectPlacement.objects.filter(scope, is_active=True)
        .order_by("project_id", "-confidence", "node_id")
        .values_list("project_id", "node_id")
    ):
        row = rows.get(project_id)
        if row is not None and row.node_id is None:
            row.node_id = node_id
    # the lead investor's size band (the first lead investor entered)
    for project_id, size in (
        ProjectInvestor.objects.filter(scope, role="lead")
        .order_by("project_id", "id")
        .values_list("project_id", "enterprise__size_band")
    ):
        row = rows.get(project_id)
        if row is not None and not row.size:
            row.size = size or ""
    # the year of full production: actual, else planned, of full production, else production
    years: dict[int, dict[str, int]] = defaultdict(dict)
    for project_id, stage, actual, planned in StageDate.objects.filter(
        scope, stage__in=[Stage.IN_PRODUCTION, Stage.FULL_PRODUCTION]
    ).values_list("project_id", "stage", "actual_on", "planned_on"):
        on = actual or planned
        if on is not None:
            years[project_id][stage] = on.year
    for project_id, by_stage in years.items():
        row = rows.get(project_id)
        if row is not None:
            row.production_year = by_stage.get(Stage.FULL_PRODUCTION) or by_stage.get(
                Stage.IN_PRODUCTION
            )
    return list(rows.values())


@dataclass
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


@dataclass
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
                field=f,
                disclosed=disclosed,
                estimate=None if disclosed is not None else est.estimate(row, f),
                basis=row.output_basis if f == "output" else "",
            )
        by_pk[row.pk] = ProjectFigures(row=row, figures=figures)
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
