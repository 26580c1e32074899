"""The fast target ranking (upper bounds, then exact scores for the candidates that can still
enter the top N) against a straightforward one that scores every candidate, on a small
registry with every kind of fact: families and groups, supply links, visits, stated cadences,
dropped and non-local projects, projects dated only by an early stage, person-made placements,
ties in score broken by name."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.db.models import Count

from tests.factories import BAOSHUI, JINFENG, EnterpriseFactory, ProjectFactory
from zhaoshang.chains import targets
from zhaoshang.chains.models import (
    WEIGHT_KEYS,
    ChainLeader,
    EnterpriseProfile,
    Origin,
    Placement,
    SupplyLink,
)
from zhaoshang.chains.queries import (
    cadences,
    families,
    group_of,
    investor_projects,
    is_local_unit,
    local_ids_of,
    parent_map,
    project_dates,
)
from zhaoshang.enterprises.models import Enterprise, Visit
from zhaoshang.projects.models import STAGE_ORDER, ProjectInvestor, StageDate

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 6, 1)
ELSEWHERE = "320505"  # 虎丘区, a unit outside the home county


def straightforward(node, weights, today):
    """Every candidate scored, best first: the ranking as it was before the upper bounds.
    Returns (score, name, enterprise id, part values, is_local, evidence) rows."""
    weights = targets.normalise_weights(weights)
    total_weight = sum(weights.values())
    nodes = targets.subtree_ids(node)
    fit = {}
    # of equal placements, the first made gives the evidence
    for eid, confidence, origin, evidence in (
        Placement.objects.filter(node_id__in=nodes, is_active=True)
        .order_by("pk")
        .values_list("enterprise_id", "confidence", "origin", "evidence")
    ):
        value = 1.0 if origin == Origin.MANUAL else float(confidence)
        if eid not in fit or value > fit[eid][0]:
            fit[eid] = (value, evidence or {})
    ids = list(fit)
    info = {
        row[0]: row
        for row in Enterprise.objects.filter(pk__in=ids).values_list(
            "pk", "name", "is_fortune500", "is_listed", "is_specialised", "is_high_tech"
        )
    }
    parents = parent_map()
    fams = families(ids, parents)
    projects = investor_projects({m for fam in fams.values() for m in fam})
    dates = project_dates({row[0] for rows in projects.values() for row in rows})
    since = today - datetime.timedelta(days=targets.RECENT_MONTHS * 30)
    visit_since = today - datetime.timedelta(days=targets.VISIT_MONTHS * 30)
    visits = dict(
        Visit.objects.filter(enterprise_id__in=ids, visited_on__gte=visit_since)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values_list("enterprise_id", "n")
    )
    cadence = cadences(ids, parents=parents, projects=projects, dates=dates, detail=False)
    partners = {}
    for supplier, customer in SupplyLink.objects.values_list("supplier_id", "customer_id"):
        partners.setdefault(supplier, set()).add(customer)
        partners.setdefault(customer, set()).add(supplier)
    groups = {}
    for child in parents:
        groups.setdefault(group_of(child, parents), set()).add(child)
    for root in list(groups):
        groups[root].add(root)
    related = {
        eid: set(partners.get(eid, ())) | (groups.get(group_of(eid, parents), {eid}) - fams[eid])
        for eid in ids
    }
    all_related = {r for rel in related.values() for r in rel}
    local = local_ids_of(ids, projects) | local_ids_of(all_related - set(ids))
    names = dict(Enterprise.objects.filter(pk__in=all_related & local).values_list("pk", "name"))
    rows = []
    for eid in ids:
        _pk, name, f500, listed, specialised, high_tech = info[eid]
        fam_projects = {row[0]: row for m in fams[eid] for row in projects.get(m, ())}
        invested = sum((r[3] for r in fam_projects.values() if r[3] is not None), Decimal(0))
        recent = sum(1 for p in fam_projects if p in dates and dates[p][0] >= since)
        here = sum(1 for r in fam_projects.values() if is_local_unit(r[4]))
        linked = sorted(names[r] for r in related[eid] if r in names)
        values = {
            "fit": fit[eid][0],
            "size": targets.size_value(
                fortune500=f500,
                listed=listed,
                specialised=specialised,
                high_tech=high_tech,
                invested_wan=invested or None,
            ),
            "expansion": targets.expansion_value(recent, cadence[eid].months),
            "relationship": targets.relationship_value(here, visits.get(eid, 0)),
            "links": targets.links_value(linked),
        }
        score = sum(values[k] * weights[k] for k in WEIGHT_KEYS) / total_weight * 100
        rows.append((score, name, eid, values, eid in local, fit[eid][1]))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return rows


def fast(node, weights, limit):
    return [
        (t.score, t.name, t.enterprise_id, {p.key: p.value for p in t.parts}, t.is_local,
         t.evidence)
        for t in targets.rank_targets(node, weights=weights, limit=limit, today=TODAY)
    ]  # fmt: skip


@pytest.fixture
def registry(small_chain, admin_user):
    """About 90 enterprises on the chain, with projects, dates, visits, families and links."""
    rng = random.Random(6)
    nodes = list(small_chain.nodes.all())
    firms = []
    for i in range(90):
        firms.append(
            EnterpriseFactory(
                name=f"企业{rng.randrange(10_000):04d}-{i}",
                region_id=BAOSHUI if rng.random() < 0.12 else None,
                is_fortune500=rng.random() < 0.05,
                is_listed=rng.random() < 0.12,
                is_specialised=rng.random() < 0.12,
                is_high_tech=rng.random() < 0.1,
            )
        )
    # families: a group of three levels, and sister companies
    for child, parent in ((1, 0), (2, 0), (3, 1), (4, 1), (11, 10), (12, 10), (21, 20)):
        firms[child].parent = firms[parent]
        firms[child].save(update_fields=["parent"])
    confidences = ["0.500", "0.550", "0.550", "0.798", "0.798", "0.900", "0.400"]
    for firm in firms[:80]:
        for node in rng.sample(nodes, rng.choice([1, 1, 2, 3])):
            Placement.objects.create(
                node=node, enterprise=firm, confidence=Decimal(rng.choice(confidences)),
                origin=Origin.MANUAL if rng.random() < 0.05 else Origin.AUTO,
                is_active=rng.random() > 0.05,
                evidence={"keywords": [{"keyword": node.name, "where": "scope"}], "codes": []},
            )  # fmt: skip
    for _i in range(140):
        project = ProjectFactory(
            unit_id=rng.choice([JINFENG, BAOSHUI, ELSEWHERE, ELSEWHERE, None]),
            stage=rng.choice(STAGE_ORDER),
            status=rng.choice(["on_track", "on_track", "delayed", "dropped"]),
            total_investment_wan=rng.choice([None, Decimal(500), Decimal(20_000), Decimal(250_000)]),
        )  # fmt: skip
        for firm in rng.sample(firms, rng.choice([1, 1, 2])):
            ProjectInvestor.objects.create(project=project, enterprise=firm)
        start = datetime.date(2017, 1, 1) + datetime.timedelta(days=rng.randrange(2700))
        for j, stage in enumerate(STAGE_ORDER[: STAGE_ORDER.index(project.stage) + 1]):
            if rng.random() < 0.75:
                actual = start + datetime.timedelta(days=40 * j)
                StageDate.objects.create(project=project, stage=stage, actual_on=actual)
    for _i in range(40):
        on = TODAY - datetime.timedelta(days=rng.randrange(1200))
        Visit.objects.create(enterprise=rng.choice(firms), visited_on=on)
    for _i in range(25):
        supplier, customer = rng.sample(firms, 2)
        SupplyLink.objects.get_or_create(supplier=supplier, customer=customer)
    for firm in rng.sample(firms, 8):
        EnterpriseProfile.objects.create(
            enterprise=firm, stated_cadence_months=Decimal(rng.choice([10, 15, 30, 60]))
        )
    ChainLeader.objects.create(chain=small_chain, enterprise=firms[30])
    return small_chain


WEIGHT_SETS = [
    {"fit": 35, "size": 20, "expansion": 20, "relationship": 15, "links": 10},
    {"fit": 100, "size": 0, "expansion": 0, "relationship": 0, "links": 0},
    {"fit": 0, "size": 0, "expansion": 0, "relationship": 0, "links": 5},
    {"fit": 10, "size": 50, "expansion": 5, "relationship": 30, "links": 40},
    {"fit": 0, "size": 0, "expansion": 1, "relationship": 0, "links": 0},
]


@pytest.mark.parametrize("weights", WEIGHT_SETS)
@pytest.mark.parametrize("code", ["up", "up-a", "mid"])
def test_fast_ranking_is_the_straightforward_one(registry, weights, code):
    node = registry.nodes.get(code=code)
    full = straightforward(node, weights, TODAY)
    assert len(full) > 20
    assert fast(node, weights, None) == full
    for limit in (1, 2, 3, 5, 8, 20):
        assert fast(node, weights, limit) == full[:limit], limit


def test_upper_bounds_leave_candidates_unscored(registry):
    node = registry.nodes.get(code="up")
    ranked, scored = targets.ranked_with_count(node, weights=WEIGHT_SETS[0], limit=2, today=TODAY)
    candidates = Placement.objects.filter(node__chain=registry, is_active=True)
    candidates = candidates.filter(node__code__in=["up", "up-a", "up-b"])
    assert len(ranked) == 2
    assert scored < candidates.values("enterprise_id").distinct().count()


@pytest.mark.parametrize("weights", WEIGHT_SETS)
def test_bounds_are_never_below_the_score(registry, weights):
    node = registry.nodes.get(code="up")
    nodes = targets.subtree_ids(node)
    fit = targets.best_placements(nodes)
    ranking = targets._Ranking(nodes, fit, targets.normalise_weights(weights), TODAY)
    first = ranking.upper_bounds()
    second = ranking.bounds_without_dates(list(fit))
    exact = {row[2]: -row[0] for row in ranking.score(list(fit))}
    assert all(first[eid] >= second[eid] >= exact[eid] for eid in fit)
    if weights["size"] or weights["expansion"]:
        assert sum(second[eid] > exact[eid] for eid in fit) < sum(
            first[eid] > exact[eid] for eid in fit
        )
