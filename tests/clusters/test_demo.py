from decimal import Decimal

import pytest

from zhaoshang.clusters.demo import load_demo
from zhaoshang.clusters.models import Cluster, Indicator, IndicatorDefinition
from zhaoshang.clusters.queries import target_statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_once, db):
    """The demo, loaded once for this module (tests/conftest.py: demo_once)."""


def test_demo_twice_duplicates_nothing(demo, django_assert_max_num_queries):
    counts = (Indicator.objects.count(), IndicatorDefinition.objects.count())

    with django_assert_max_num_queries(4):
        load_demo()

    assert (Indicator.objects.count(), IndicatorDefinition.objects.count()) == counts


def test_demo_earlier_actuals_are_synthetic_and_seed_targets_real(demo):
    actuals = Indicator.objects.filter(code="cluster_output", kind="actual")
    targets = Indicator.objects.filter(code="cluster_output", kind="target")

    assert (actuals.count(), actuals.filter(is_synthetic=False).count()) == (18, 0)
    assert {a.source.title[:4] for a in actuals} == {"（合成）"}
    assert sorted((t.value, t.is_synthetic) for t in targets) == [
        (Decimal("100"), False),
        (Decimal("200"), False),
        (Decimal("2000"), False),
    ]


def test_demo_clusters_grow_towards_targets_without_plainly_reaching_them(demo):
    statuses = target_statuses(as_of_year=2023)  # the demo's latest month is in 2023

    assert [s.cluster.name for s in statuses] == [
        "冶金玻璃新材料产业集群",
        "光伏新能源产业集群",
        "医疗器械与美容新医疗产业集群",
    ]
    assert all(s.actual_wan < s.target_wan for s in statuses)
    assert all(s.verdict in ("at_risk", "off_course") for s in statuses)
    assert (
        Cluster.objects.get(name="光伏新能源产业集群").enterprises.get().name
        == "信义光能控股有限公司"
    )
