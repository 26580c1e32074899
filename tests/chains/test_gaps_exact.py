"""`gaps.node_stats` against a straightforward computation, node by node with plain ORM
queries, on two chains (one three levels deep) with local and outside enterprises,
placements removed by a person, projects here and elsewhere, dropped ones, chain leaders."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest

from tests.factories import BAOSHUI, JINFENG, EnterpriseFactory, ProjectFactory
from zhaoshang.chains import gaps
from zhaoshang.chains.models import ChainLeader, Node, Placement, ProjectPlacement
from zhaoshang.chains.queries import local_enterprise_ids, local_project_q
from zhaoshang.chains.services import import_chain
from zhaoshang.projects.models import STAGE_ORDER, ProjectInvestor

pytestmark = pytest.mark.django_db

DEEP_CHAIN = """
code: deep-chain
name: 深链
group: future
nodes:
  - {code: a, name: 甲, position: upstream, keywords: [甲甲]}
  - {code: a1, name: 甲一, position: upstream, parent: a, keywords: [甲一]}
  - {code: a11, name: 甲一一, position: upstream, parent: a1, keywords: [甲一一]}
  - {code: a12, name: 甲一二, position: upstream, parent: a1, keywords: [甲一二]}
  - {code: a2, name: 甲二, position: upstream, parent: a, keywords: [甲二]}
  - {code: b, name: 乙, position: midstream, keywords: [乙乙]}
  - {code: c, name: 丙, position: downstream, keywords: [丙丙]}
"""


def straightforward(chain_ids):
    """code -> (class, enterprises, projects, by stage, revenue, revenue known, leaders)."""
    local = local_enterprise_ids(leaders=False)
    out = {}
    nodes = Node.objects.all() if chain_ids is None else Node.objects.filter(chain_id__in=chain_ids)
    for node in nodes:
        below, frontier = [node.pk], [node.pk]
        while frontier:
            frontier = list(
                Node.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            below += frontier
        placed = set(
            Placement.objects.filter(node_id__in=below, is_active=True).values_list(
                "enterprise_id", flat=True
            )
        )
        projects = {
            p.project
            for p in ProjectPlacement.objects.filter(node_id__in=below, is_active=True)
            .filter(local_project_q("project__"))
            .exclude(project__status="dropped")
            .select_related("project")
        }
        leaders = {
            leader.enterprise.name
            for leader in ChainLeader.objects.filter(chain_id=node.chain_id)
            if leader.node_id in below or leader.enterprise_id in placed
        }
        revenues = [p.expected_revenue_wan for p in projects if p.expected_revenue_wan is not None]
        enterprises = len(placed & local)
        out[(node.chain.code, node.code)] = (
            gaps.classify_node(enterprises, len(projects), len(leaders)),
            enterprises,
            len(projects),
            Counter(p.stage for p in projects),
            sum(revenues, Decimal(0)),
            len(revenues),
            sorted(leaders),
        )
    return out


def fast(chain_ids):
    return {
        (s.chain_code, s.code): (
            s.klass, s.enterprises, s.projects, s.by_stage, s.revenue_wan, s.revenue_known,
            s.leaders,
        )
        for s in gaps.node_stats(chain_ids)
    }  # fmt: skip


@pytest.fixture
def chains(small_chain):
    deep = import_chain(user=None, text=DEEP_CHAIN, check_rights=False)
    rng = random.Random(61)
    nodes = list(Node.objects.all())
    firms = [
        EnterpriseFactory(region_id=BAOSHUI if rng.random() < 0.15 else None) for _i in range(30)
    ]
    for firm in firms:
        for node in rng.sample(nodes, rng.choice([0, 0, 1, 2])):
            Placement.objects.create(
                node=node, enterprise=firm, confidence=Decimal("0.600"),
                is_active=rng.random() > 0.1,
            )  # fmt: skip
    for _i in range(14):
        project = ProjectFactory(
            unit_id=rng.choice([JINFENG, BAOSHUI, "320505", None]),
            stage=rng.choice(STAGE_ORDER[:4]),
            status=rng.choice(["on_track", "delayed", "dropped"]),
            expected_revenue_wan=rng.choice([None, Decimal("1200.5"), Decimal(30_000)]),
        )
        ProjectInvestor.objects.create(project=project, enterprise=rng.choice(firms))
        for node in rng.sample(nodes, rng.choice([1, 1, 2])):
            ProjectPlacement.objects.create(
                node=node, project=project, confidence=Decimal("0.600"),
                is_active=rng.random() > 0.1,
            )  # fmt: skip
    ChainLeader.objects.create(chain=deep, enterprise=firms[0], node=deep.nodes.get(code="a12"))
    ChainLeader.objects.create(chain=small_chain, enterprise=firms[1])
    return small_chain, deep


def test_node_stats_are_the_straightforward_ones(chains):
    small, deep = chains
    full = straightforward(None)
    assert fast(None) == full
    assert fast([deep.pk]) == straightforward([deep.pk])
    assert fast([small.pk]) == straightforward([small.pk])
    # the fixture reaches every class, and the roll-up counts each enterprise once
    assert {row[0] for row in full.values()} == {"strong", "weak", "missing"}
    leader = ChainLeader.objects.get(chain=deep).enterprise.name
    assert full[("deep-chain", "a12")][6] == [leader]  # the leader's node
    a, a1, a11, a12 = (full[("deep-chain", c)] for c in ("a", "a1", "a11", "a12"))
    assert a[1] >= a1[1] >= max(a11[1], a12[1])
