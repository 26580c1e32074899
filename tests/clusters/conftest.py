import datetime
from decimal import Decimal

import pytest

from tests.factories import YEJIN, ProjectFactory
from zhaoshang.chains.models import Chain
from zhaoshang.clusters.demo import DEFINITIONS
from zhaoshang.clusters.models import Cluster, Indicator, IndicatorDefinition
from zhaoshang.projects.models import StageDate


@pytest.fixture
def definitions(db):
    """The demo's indicator definitions, derived ones with their formulas."""
    for order, (code, name, name_en, unit, kind, formula, _d) in enumerate(DEFINITIONS):
        IndicatorDefinition.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            unit_of_measure=unit,
            value_type=kind,
            formula=formula,
            order=order,
        )
    return {d.code: d for d in IndicatorDefinition.objects.all()}


@pytest.fixture
def chain(db):
    return Chain.objects.create(code="new-energy", name="新能源", group="emerging")


@pytest.fixture
def cluster(db, chain):
    """光伏新能源 in 冶金工业园: chain 新能源 and code 3825; target ≥200亿元 by 2024."""
    c = Cluster.objects.create(name="光伏新能源产业集群", unit_id=YEJIN)
    c.chains.add(chain)
    c.industries.add("3825")
    Indicator.objects.create(
        code="cluster_output",
        name="光伏新能源产业集群产值",
        region_id=YEJIN,
        cluster=c,
        year=2024,
        period="2024",
        kind="target",
        value=Decimal("200"),
        unit_of_measure="亿元",
        qualifier="at_least",
    )
    return c


def add_actuals(cluster, values: dict[int, str], *, synthetic=True):
    for year, value in values.items():
        Indicator.objects.create(
            code="cluster_output",
            name=f"{cluster.name}产值",
            region_id=cluster.unit_id,
            cluster=cluster,
            year=year,
            period=str(year),
            kind="actual",
            value=Decimal(value),
            unit_of_measure="亿元",
            is_synthetic=synthetic,
        )


def planned_project(*, production: str | None, stage="signed", output=None, revenue=None, **kw):
    """A project with a planned in-production date (YYYY-MM-DD) and its yearly output in 万元."""
    project = ProjectFactory(
        stage=stage,
        expected_output_wan=None if output is None else Decimal(output),
        expected_revenue_wan=None if revenue is None else Decimal(revenue),
        **kw,
    )
    if production:
        StageDate.objects.create(
            project=project,
            stage="in_production",
            planned_on=datetime.date.fromisoformat(production),
        )
    return project
