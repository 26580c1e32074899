"""Strength of every node, and the gaps.

The rule (shown on the pages):

- a node counts the enterprises that make something here placed on it or on any node below
  it, each once: located in the county or investing in a project here (see `queries`); the
  projects of this city placed there (not dropped), by stage; the expected yearly revenue of
  those projects where known; the chain leaders on it;
- strong: at least STRONG_MIN (3) such local enterprises: strength is local production,
  never a chain leader alone (a leader counts when it is here by location or a project);
- weak: one or two local enterprises, or none yet but a project in the pipeline, or only a
  chain leader that has nothing here yet;
- missing: no local enterprise, no project, no leader.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.utils.translation import gettext_lazy as _

from zhaoshang.chains.models import ChainLeader, Node, Placement, ProjectPlacement
from zhaoshang.chains.queries import fetch_rows, local_enterprise_ids, local_project_q
from zhaoshang.core import figcache

STRONG_MIN = 3
CLASSES = ("strong", "weak", "missing")
CLASS_LABELS = {"strong": _("strong"), "weak": _("weak"), "missing": _("missing")}
RULE = _(
    "Strong: at least %(n)s local enterprises make something on the node (located here or "
    "with a project here); a chain leader counts only when it is one of them. Weak: one or "
    "two local enterprises, or none yet but a project in the pipeline or a chain leader with "
    "nothing here yet. Missing: no local enterprise, no project, no leader. A node counts what "
    "is placed on it and on the nodes below it."
)


def rule_text() -> str:
    return str(RULE) % {"n": STRONG_MIN}


@dataclass
class NodeStats:
    node_id: int
    chain_id: int
    chain_code: str
    chain_name: str
    code: str
    name: str
    name_en: str
    position: str
    parent_id: int | None
    depth: int = 0
    enterprise_ids: set[int] = field(default_factory=set)
    project_ids: set[int] = field(default_factory=set)
    by_stage: Counter = field(default_factory=Counter)
    revenue_wan: Decimal = Decimal(0)
    revenue_known: int = 0
    leader_ids: set[int] = field(default_factory=set)
    leaders: list[str] = field(default_factory=list)
    klass: str = "missing"

    @property
    def enterprises(self) -> int:
        return len(self.enterprise_ids)

    @property
    def projects(self) -> int:
        return len(self.project_ids)

    def stage_rows(self) -> list[tuple[str, int]]:
        """(stage label, projects) in lifecycle order, stages with projects only."""
        from zhaoshang.projects.models import STAGE_ORDER, Stage

        return [
            (str(Stage(s).label), self.by_stage[s]) for s in STAGE_ORDER if self.by_stage.get(s)
        ]

    def as_json(self) -> dict:
        return {
            "chain": self.chain_name,
            "chain_code": self.chain_code,
            "node": self.name,
            "node_code": self.code,
            "position": self.position,
            "class": self.klass,
            "enterprises": self.enterprises,
            "projects": self.projects,
            "projects_by_stage": dict(self.by_stage),
            "expected_revenue_wan": int(self.revenue_wan) if self.revenue_known else None,
            "leaders": list(self.leaders),
        }


def classify_node(enterprises: int, projects: int, leaders: int) -> str:
    """`enterprises`: local enterprises making something on the node (not leaders that are
    neither located nor investing here)."""
    if enterprises >= STRONG_MIN:
        return "strong"
    if enterprises or projects or leaders:
        return "weak"
    return "missing"


def node_stats(chain_ids: list[int] | None = None) -> list[NodeStats]:
    """Every node of the chains given (all when None), in chain and tree order.

    Counted once per state of the data (`core.figcache`); the list is the caller's own,
    the NodeStats in it are shared and read-only."""
    key = None if chain_ids is None else tuple(sorted(set(chain_ids)))
    # by table: it reads the chains, placements and projects only (`core.figcache`)
    return list(figcache.cached("node_stats", key, lambda: _node_stats(chain_ids), by_table=True))


def _node_stats(chain_ids: list[int] | None) -> list[NodeStats]:
    nodes = Node.objects.select_related("chain").order_by("chain__order", "chain__code", "order")
    if chain_ids is not None:
        nodes = nodes.filter(chain_id__in=chain_ids)
    stats: dict[int, NodeStats] = {}
    for n in nodes.values_list(
        "pk", "chain_id", "chain__code", "chain__name", "code", "name", "name_en", "position",
        "parent_id",
    ):  # fmt: skip
        stats[n[0]] = NodeStats(*n)
    if not stats:
        return []
    local = local_enterprise_ids(leaders=False)
    placements = Placement.objects.filter(is_active=True)
    projects = ProjectPlacement.objects.filter(is_active=True).filter(local_project_q("project__"))
    leaders = ChainLeader.objects.all()
    if chain_ids is not None:
        placements = placements.filter(node__chain_id__in=chain_ids)
        projects = projects.filter(node__chain_id__in=chain_ids)
        leaders = leaders.filter(chain_id__in=chain_ids)
    leader_rows = list(
        leaders.values_list("chain_id", "node_id", "enterprise_id", "enterprise__name")
    )
    # rows in node order, each node's enterprises cut down to the local ones and the
    # leaders in one set operation; ordered by (is_active, node) so that SQLite reads the
    # covering indexes (by node alone it picks the node index and reads every row)
    wanted = local | {row[2] for row in leader_rows}
    by_node: dict[int, set[int]] = {}
    rows = fetch_rows(
        placements.order_by("is_active", "node_id").values_list("node_id", "enterprise_id")
    )
    for node_id, group in groupby(rows, key=itemgetter(0)):
        by_node[node_id] = wanted.intersection(map(itemgetter(1), group))
    for node_id, eids in by_node.items():
        stats[node_id].enterprise_ids = eids & local
    rows = fetch_rows(
        projects.exclude(project__status="dropped")
        .order_by("is_active", "node_id")
        .values_list("node_id", "project_id", "project__stage", "project__expected_revenue_wan")
    )
    for node_id, group in groupby(rows, key=itemgetter(0)):
        stats[node_id].project_ids = set(map(itemgetter(1), group))
    stage_of = dict(map(itemgetter(1, 2), rows))
    revenue_of = {pid: Decimal(str(r)) for _n, pid, _s, r in rows if r is not None}
    leader_names: dict[int, str] = {}
    for chain_id, node_id, eid, name in leader_rows:
        leader_names[eid] = name
        on = {node_id} if node_id else set()
        on |= {n for n, eids in by_node.items() if eid in eids and stats[n].chain_id == chain_id}
        for n in on:
            stats[n].leader_ids.add(eid)
    # roll up: parents count what sits below them, each enterprise and project once
    children: dict[int | None, list[int]] = {}
    for s in stats.values():
        children.setdefault(s.parent_id if s.parent_id in stats else None, []).append(s.node_id)

    def roll(node_id: int, depth: int) -> None:
        s = stats[node_id]
        s.depth = depth
        for child in children.get(node_id, ()):
            roll(child, depth + 1)
            c = stats[child]
            s.enterprise_ids |= c.enterprise_ids
            s.project_ids |= c.project_ids
            s.leader_ids |= c.leader_ids

    for root in children.get(None, []):
        roll(root, 0)
    ordered: list[NodeStats] = []

    def walk(node_id: int) -> None:
        ordered.append(stats[node_id])
        for child in children.get(node_id, ()):
            walk(child)

    for root in children.get(None, []):
        walk(root)
    for s in ordered:
        if s.project_ids:
            s.by_stage = Counter(map(stage_of.__getitem__, s.project_ids))
            known = revenue_of.keys() & s.project_ids
            s.revenue_wan = sum(map(revenue_of.__getitem__, known), Decimal(0))
            s.revenue_known = len(known)
        s.leaders = sorted(leader_names[e] for e in s.leader_ids)
        s.klass = classify_node(s.enterprises, s.projects, len(s.leader_ids))
    return ordered


def gaps(chain_ids: list[int] | None = None, classes: tuple[str, ...] = ("weak", "missing")):
    return [s for s in node_stats(chain_ids) if s.klass in classes]
