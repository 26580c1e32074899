"""The chain demo on the seed's facts: placements with evidence, leaders, ZF's cadence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import EnterpriseFactory
from zhaoshang.chains.demo import generate_synthetic, load_demo
from zhaoshang.chains.models import ChainLeader, Node, Placement
from zhaoshang.chains.queries import reinvestment_cadence
from zhaoshang.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_once, db):
    """The demo, loaded once for this module (tests/conftest.py: demo_once)."""


def nodes_of(name):
    return sorted(
        f"{p.node.chain.code}/{p.node.code}"
        for p in Placement.objects.filter(enterprise__name=name).select_related("node__chain")
    )


def test_demo_loads_every_chain_map(demo):
    assert Node.objects.values("chain").distinct().count() == 12


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("信义光伏(苏州)有限公司", ["new-energy/pv-glass"]),
        ("大族激光科技产业集团股份有限公司", ["equipment/laser"]),
        ("ZF Friedrichshafen AG", ["equipment/auto-electronics", "equipment/chassis"]),
        ("Jatco Ltd", ["equipment/powertrain"]),
        ("江苏广大鑫盛精密智造有限公司", ["equipment/wind-equipment", "new-energy/wind-parts"]),
        ("中粮东海粮油工业(张家港)有限公司", []),
    ],
)
def test_demo_places_seed_enterprises(demo, name, expected):
    assert nodes_of(name) == expected


def test_demo_placement_shows_its_evidence(demo):
    p = Placement.objects.get(enterprise__name="信义光伏(苏州)有限公司")
    assert p.evidence == {
        "keywords": [{"keyword": "光伏玻璃", "where": "projects", "role": "neutral"}],
        "codes": ["3042"],
    }


def test_demo_marks_the_seed_leaders(demo):
    leaders = sorted(ChainLeader.objects.values_list("chain__code", "enterprise__name"))
    assert leaders == [
        ("commercial-aerospace", "北京天兵科技有限公司"),
        ("equipment", "大族激光科技产业集团股份有限公司"),
        ("equipment", "江苏广大鑫盛精密智造有限公司"),
        ("new-energy", "信义光能控股有限公司"),
        ("semiconductors", "Merck KGaA"),
    ]


def test_zf_cadence_is_the_stated_15_months(demo):
    cadence = reinvestment_cadence(Enterprise.objects.get(name="ZF Friedrichshafen AG"))
    assert (cadence.months, cadence.basis, cadence.dated, len(cadence.projects)) == (
        Decimal(15), "stated", 1, 2,
    )  # fmt: skip


def test_shenghong_cadence_counts_its_phase_within_the_parent(demo):
    """盛虹's 首期 is part of its 306亿 project (the ledger's phase rule), not a second
    investment one month later: no cadence from one project."""
    cadence = reinvestment_cadence(Enterprise.objects.get(name="盛虹控股集团有限公司"))
    assert (cadence.months, cadence.dated, [p["code"] for p in cadence.projects]) == (
        None, 1, ["320582-2023-0001"],
    )  # fmt: skip


def test_load_demo_twice_changes_nothing(demo):
    before = (Node.objects.count(), Placement.objects.count(), ChainLeader.objects.count())
    load_demo()
    assert (Node.objects.count(), Placement.objects.count(), ChainLeader.objects.count()) == before


def test_generate_synthetic_adds_marked_firms_with_scopes(demo):
    generate_synthetic(100)
    firms = Enterprise.objects.filter(name__startswith="（合成）外地")
    assert firms.count() == 50
    assert not firms.filter(is_synthetic=False).exists()
    assert not firms.filter(business_scope="").exists()
    generate_synthetic(100)
    assert firms.count() == 50


def test_generate_synthetic_writes_scopes_of_synthetic_firms_only(demo):
    local = [EnterpriseFactory(is_synthetic=True) for _ in range(3)]
    real = EnterpriseFactory(is_synthetic=False)
    generate_synthetic(100)
    scopes = dict(
        Enterprise.objects.filter(pk__in=[e.pk for e in local]).values_list("pk", "business_scope")
    )
    assert all(len(s) >= 20 for s in scopes.values()), scopes
    assert len(set(scopes.values())) == 3
    assert Enterprise.objects.get(pk=real.pk).business_scope == ""
    # the synthetic firms are placed on nodes from the scope they were given
    assert Placement.objects.filter(enterprise_id__in=scopes).exists()
