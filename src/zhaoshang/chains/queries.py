"""Read-side facts the chain pages, the gap rule and the target score share: which
enterprises are here, enterprise families, reinvestment cadence.

"Here" (local): an enterprise located in the home region (`regions.home`: the county, or
the prefecture city or province it is configured as), or an investor in a project of it
(unit in the region or not yet decided) that has been signed and is
not dropped, or a chain leader.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from zhaoshang.core import figcache
from zhaoshang.projects.models import STAGE_ORDER, Project, ProjectInvestor, StageDate
from zhaoshang.projects.queries import left_out
from zhaoshang.regions.home import home_code

PRESENT_STAGES = STAGE_ORDER[STAGE_ORDER.index("signed") :]


def fetch_rows(qs) -> list[tuple]:
    """The rows of a `values_list` queryset, fetched straight from the cursor: the ORM
    builds the SQL, the per-row conversion is skipped (3-5x faster for 10^5 rows of ids)."""
    from django.db import connections

    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def local_project_q(prefix: str = "") -> Q:
    home = home_code()
    return Q(**{f"{prefix}unit__isnull": True}) | Q(**{f"{prefix}unit__code__startswith": home})


def local_enterprise_ids(among: Iterable[int] | None = None, *, leaders: bool = True) -> set[int]:
    """Ids of the enterprises that are here (see the module's rule), or those of `among`;
    `leaders=False`: only those that are here by location or by a project (that make
    something here), not the chain leaders that are neither.

    The whole set is read (three index scans) and then cut down in Python: an `IN` list of
    thousands of ids next to the LIKE on the unit makes SQLite pick a very slow plan.
    """
    ids = figcache.cached(
        "local_enterprises", leaders, lambda: _local_enterprise_ids(leaders), by_table=True
    )
    if among is not None:
        return ids & set(among)
    return set(ids)


def _local_enterprise_ids(leaders: bool) -> frozenset[int]:
    from zhaoshang.chains.models import ChainLeader
    from zhaoshang.enterprises.models import Enterprise

    home = home_code()
    located = Enterprise.objects.filter(region__code__startswith=home)
    investors = ProjectInvestor.objects.filter(
        local_project_q("project__"), project__stage__in=PRESENT_STAGES
    ).exclude(project__status="dropped")
    ids: set[int] = set()
    for qs in (
        located.order_by().values_list("pk"),
        investors.order_by().values_list("enterprise_id"),
        *([ChainLeader.objects.order_by().values_list("enterprise_id")] if leaders else []),
    ):
        ids.update(row[0] for row in fetch_rows(qs))
    return frozenset(ids)


def local_ids_of(ids: Iterable[int], projects: dict[int, list[tuple]] | None = None) -> set[int]:
    """The same rule as `local_enterprise_ids`, for a list of enterprises only (index look-ups
    in chunks; `projects` from `investor_projects` when the caller has them)."""
    from zhaoshang.chains.models import ChainLeader
    from zhaoshang.enterprises.models import Enterprise

    ids = list(ids)
    home = home_code()
    projects = investor_projects(ids, titles=False) if projects is None else projects
    out = {
        eid
        for eid in ids
        if any(is_local_unit(row[4]) and row[5] in PRESENT_STAGES for row in projects.get(eid, ()))
    }
    for chunk in chunked(ids):
        for pk, region in fetch_rows(
            Enterprise.objects.filter(pk__in=chunk).order_by().values_list("pk", "region_id")
        ):
            if region and region.startswith(home):
                out.add(pk)
    leaders = set(ChainLeader.objects.values_list("enterprise_id", flat=True))
    return out | (leaders & set(ids))


def parent_map() -> dict[int, int]:
    """Enterprise id -> parent id, for the (few) enterprises that have a parent."""
    from zhaoshang.enterprises.models import Enterprise

    # `parent_id > 0` lets SQLite use the index where `IS NOT NULL` scans the table
    return dict(
        fetch_rows(
            Enterprise.objects.filter(parent_id__gt=0).order_by().values_list("pk", "parent_id")
        )
    )


def families(ids: Iterable[int], parents: dict[int, int]) -> dict[int, set[int]]:
    """Each enterprise with its subsidiaries at every depth: the investor and what it owns."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    out: dict[int, set[int]] = {}
    for root in ids:
        seen = {root}
        stack = [root]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        out[root] = seen
    return out


def group_of(eid: int, parents: dict[int, int]) -> int:
    """The ultimate parent's id."""
    seen = {eid}
    while eid in parents and parents[eid] not in seen:
        eid = parents[eid]
        seen.add(eid)
    return eid


def chunked(ids: Iterable[int], size: int = 5000):
    """Lists of at most `size` ids: SQLite limits the parameters of one statement."""
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def is_local_unit(unit_id: str | None) -> bool:
    return unit_id is None or unit_id.startswith(home_code())


def investor_projects(members: Iterable[int], *, titles: bool = True) -> dict[int, list[tuple]]:
    """Enterprise id -> its projects anywhere in the registry, not dropped:
    (project id, code, name, total investment in 万元 or None, unit id, stage); code and name
    are None without `titles` (fewer bytes read when only the figures count)."""
    out: dict[int, list[tuple]] = {}
    fields = ["project__code", "project__name"] if titles else []
    for chunk in chunked(members):
        qs = (
            ProjectInvestor.objects.filter(enterprise_id__in=chunk)
            .exclude(project__status="dropped")
            .order_by()
            .values_list(
                "enterprise_id", "project_id", "project__total_investment_wan",
                "project__unit_id", "project__stage", *fields,
            )
        )  # fmt: skip
        for eid, pid, total, unit, stage, *title in fetch_rows(qs):
            total = None if total is None else Decimal(str(total))
            code, name = title or (None, None)
            out.setdefault(eid, []).append((pid, code, name, total, unit, stage))
    return out


def project_dates(project_ids: Iterable[int]) -> dict[int, tuple[datetime.date, str]]:
    """A project's date for cadence and recency: its actual signing date, else the earliest
    actual date of any stage; (date, precision). Projects without an actual date are left out."""
    order = {s: i for i, s in enumerate(STAGE_ORDER)}
    best: dict[int, tuple[int, datetime.date, str]] = {}
    for chunk in chunked(project_ids):
        rows = StageDate.objects.filter(project_id__in=chunk, actual_on__isnull=False).order_by()
        for pid, stage, on, precision in fetch_rows(
            rows.values_list("project_id", "stage", "actual_on", "actual_precision")
        ):
            if isinstance(on, str):  # SQLite hands dates over as text
                on = datetime.date.fromisoformat(on)
            rank = 0 if stage == "signed" else 1 + order[stage]
            if pid not in best or (rank, on) < best[pid][:2]:
                best[pid] = (rank, on, precision)
    return {pid: (on, precision) for pid, (_r, on, precision) in best.items()}


def months_between(a: datetime.date, b: datetime.date) -> Decimal:
    days = (b - a).days
    return (Decimal(days) / Decimal("30.4375")).quantize(Decimal("0.1"))


@dataclass
class Cadence:
    """Projects of an investor (and its subsidiaries) here, in date order, and the mean
    months between consecutive dated ones. `stated_months` is what a source says (ZF: 15);
    `months` is the figure used: the computed one when two dated projects exist, else the
    stated one."""

    projects: list[dict] = field(default_factory=list)
    dated: int = 0
    computed_months: Decimal | None = None
    stated_months: Decimal | None = None
    stated_source: str = ""

    @property
    def months(self) -> Decimal | None:
        return self.computed_months if self.computed_months is not None else self.stated_months

    @property
    def basis(self) -> str:
        if self.computed_months is not None:
            return "ledger"
        return "stated" if self.stated_months is not None else ""


def _parents_of(pids: set[int]) -> dict[int, int]:
    """The parent of each phase among `pids` (projects without a parent are left out)."""
    found: dict[int, int] = {}
    for chunk in chunked(sorted(pids)):
        found.update(
            Project.objects.filter(pk__in=chunk, parent__isnull=False).values_list(
                "pk", "parent_id"
            )
        )
    return found


def cadences(
    enterprise_ids: Iterable[int],
    *,
    parents: dict[int, int] | None = None,
    projects: dict[int, list[tuple]] | None = None,
    dates: dict[int, tuple[datetime.date, str]] | None = None,
    detail: bool = True,
) -> dict[int, Cadence]:
    """Reinvestment cadence of many investors at once (a few queries whatever the count);
    callers that already read parents, projects and dates pass them in. Without `detail`
    the list of projects is left empty (the months are still computed)."""
    from zhaoshang.chains.models import EnterpriseProfile

    ids = list(enterprise_ids)
    parents = parent_map() if parents is None else parents
    fams = families(ids, parents)
    if projects is None:
        projects = investor_projects({m for fam in fams.values() for m in fam})
    if dates is None:
        dates = project_dates({row[0] for rows in projects.values() for row in rows})
    stated: dict[int, tuple[Decimal, str]] = {}
    for chunk in chunked(ids):
        for eid, months, title in EnterpriseProfile.objects.filter(
            enterprise_id__in=chunk, stated_cadence_months__isnull=False
        ).values_list("enterprise_id", "stated_cadence_months", "source__title"):
            stated[eid] = (months, title or "")
    # A phase is not a new investment: it is counted within its parent (the ledger's rule
    # for phases, `projects.queries.left_out`), so 盛虹's 首期 does not halve its cadence.
    parent_of = _parents_of({row[0] for rows in projects.values() for row in rows})
    out: dict[int, Cadence] = {}
    for eid in ids:
        ordered: list[dict] = []
        phases = left_out(
            {row[0]: parent_of.get(row[0]) for m in fams[eid] for row in projects.get(m, ())}
        )
        if detail:
            seen: dict[int, dict] = {}
            for member in fams[eid]:
                for pid, code, name, _total, unit, _stage in projects.get(member, ()):
                    if not is_local_unit(unit) or pid in phases:
                        continue
                    on, precision = dates.get(pid, (None, ""))
                    seen[pid] = {"code": code, "name": name, "date": on, "precision": precision}
            ordered = sorted(
                seen.values(),
                key=lambda p: (p["date"] is None, p["date"] or datetime.date.max, p["code"]),
            )
            dated = [p["date"] for p in ordered if p["date"] is not None]
        else:
            pids = {
                row[0]
                for member in fams[eid]
                for row in projects.get(member, ())
                if is_local_unit(row[4]) and row[0] in dates and row[0] not in phases
            }
            dated = sorted(dates[pid][0] for pid in pids)
        cadence = Cadence(projects=ordered, dated=len(dated))
        if len(dated) >= 2:
            cadence.computed_months = (
                months_between(dated[0], dated[-1]) / (len(dated) - 1)
            ).quantize(Decimal("0.1"))
        if eid in stated:
            cadence.stated_months, cadence.stated_source = stated[eid]
        out[eid] = cadence
    return out


def reinvestment_cadence(enterprise) -> Cadence:
    """The seed's ZF: one dated project in the ledger, so the stated 15 months is used."""
    return cadences([enterprise.pk])[enterprise.pk]


def projects_here_count(ids: Iterable[int]) -> int:
    return (
        Project.objects.filter(local_project_q(), investor_links__enterprise_id__in=list(ids))
        .distinct()
        .count()
    )


def find_chain(text: str):
    """A chain by code or name (钢铁冶金, new-energy); None when unknown."""
    from zhaoshang.chains.models import Chain

    text = (text or "").strip()
    if not text:
        return None
    return Chain.objects.filter(Q(code=text) | Q(name=text) | Q(name_en__iexact=text)).first()


def find_nodes(text: str, chain=None):
    """Nodes matching `chain-code/node-code`, a node code or a node name (in `chain` if given)."""
    from zhaoshang.chains.models import Node

    text = (text or "").strip()
    qs = Node.objects.select_related("chain")
    if "/" in text:
        chain_part, node_part = text.split("/", 1)
        found = find_chain(chain_part)
        if found is None:
            return Node.objects.none()
        chain, text = found, node_part.strip()
    if chain is not None:
        qs = qs.filter(chain=chain)
    return qs.filter(Q(code=text) | Q(name=text) | Q(name_en__iexact=text)).order_by(
        "chain__order", "order"
    )
