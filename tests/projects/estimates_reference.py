"""The estimator as it was first written (`projects.estimates` before it grouped rows by
profile and read the ledger as floats): one pass over every row's statistics into every
group, every estimate walking the groups afresh. Kept as the reference the fast one must
agree with to the last bit (tests/projects/test_estimates_reference.py) and as the old way
bench/estimates.py times it against; not used by the application."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Q

from zhaoshang.projects.estimates import (
    ANCHORS,
    FIELDS,
    Estimate,
    Figure,
    LedgerEstimates,
    ProjectFigures,
    Row,
    _f,
    _stats,
    min_sample,
    quartiles,
)

# Levels from the finest to the coarsest: (name, key of a row or None when a part is unknown)
LEVELS: list[tuple[str, Callable[[Row], tuple | None]]] = [
    ("node_activity_size", lambda r: (r.node_id, r.nature, r.size) if r.node_id and r.size else None),
    ("node_activity", lambda r: (r.node_id, r.nature) if r.node_id and r.nature else None),
    ("node", lambda r: (r.node_id,) if r.node_id else None),
    ("chain", lambda r: (r.chain_id,) if r.chain_id else None),
    ("division", lambda r: (r.division,) if r.division else None),
    ("section", lambda r: (r.section,) if r.section else None),
]  # fmt: skip


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
            tax=_f(v["expected_tax_wan"]),  # the one change: a float, as the app reads it
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
