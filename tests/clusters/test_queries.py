import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from tests.clusters.conftest import add_actuals, planned_project
from tests.factories import BAOSHUI, JINFENG, LEYU, YEJIN, EnterpriseFactory, ProjectFactory
from zhaoshang.clusters.models import Indicator
from zhaoshang.clusters.queries import (
    cluster_projects,
    cockpit_strip,
    derived_values,
    pipeline,
    status_json,
    target_statuses,
)
from zhaoshang.projects.models import ProjectInvestor, StageDate

pytestmark = pytest.mark.django_db


def test_cluster_projects_by_chain_code_or_enterprise_in_unit_or_partner(cluster, chain):
    xinyi = EnterpriseFactory(name="信义光能控股有限公司")
    subsidiary = EnterpriseFactory(name="信义光伏(苏州)有限公司", parent=xinyi)
    cluster.enterprises.add(xinyi)
    on_chain = ProjectFactory(code="P-chain", chain=chain, unit_id=YEJIN)
    by_code = ProjectFactory(code="P-code", industry_id="3825", unit_id=JINFENG)
    by_firm = ProjectFactory(code="P-firm", industry_id="3042", unit_id=YEJIN)
    ProjectInvestor.objects.create(project=by_firm, enterprise=subsidiary)
    ProjectFactory(code="P-elsewhere", chain=chain, unit_id=BAOSHUI)
    ProjectFactory(code="P-other", industry_id="3841", unit_id=YEJIN)
    ProjectFactory(code="P-nowhere", chain=chain, unit_id=None)

    codes = sorted(cluster_projects(cluster).values_list("code", flat=True))

    assert codes == sorted([on_chain.code, by_code.code, by_firm.code])
    assert len(pipeline(cluster, 2024).rows) == 3


def test_cluster_projects_division_code_includes_classes_under_it(cluster):
    cluster.industries.set(["38"])
    ProjectFactory(code="P-3841", industry_id="3841")
    ProjectFactory(code="P-3415", industry_id="3415")

    assert list(cluster_projects(cluster).values_list("code", flat=True)) == ["P-3841"]


def test_pipeline_counts_on_plan_and_started_by_the_target_year(cluster, chain):
    planned_project(
        code="A", chain=chain, stage="started", production="2024-06-30", output="500000"
    )
    planned_project(code="B", chain=chain, stage="signed", production="2024-12-31", output="300000")
    planned_project(
        code="C", chain=chain, stage="completed", production="2025-01-01", output="100000"
    )
    planned_project(code="D", chain=chain, stage="signed", production=None, output="70000")
    planned_project(
        code="E", chain=chain, stage="started", production="2024-03-01", revenue="20000"
    )
    planned_project(code="F", chain=chain, stage="started", production="2024-03-01")
    planned_project(
        code="G", chain=chain, stage="in_production", production="2022-01-01", output="9"
    )
    planned_project(
        code="H", chain=chain, stage="started", production="2024-01-01", output="8",
        status="dropped", status_reason="撤资",
    )  # fmt: skip

    p = pipeline(cluster, 2024)

    assert (p.on_plan_wan, p.started_wan, p.later_wan) == (
        Decimal("820000"),
        Decimal("520000"),
        Decimal("100000"),
    )
    assert (p.producing_count, p.undated_count, p.unknown_count, p.dropped_count) == (1, 1, 1, 1)
    counted = {r.code: (r.counted_on_plan, r.counted_started, r.basis) for r in p.rows}
    assert counted["A"] == (True, True, "output")
    assert counted["B"] == (True, False, "output")
    assert counted["E"] == (True, True, "revenue")
    assert counted["C"] == (False, False, "output")
    assert p.by_year() == [(2024, Decimal("820000")), (2025, Decimal("100000"))]


def test_pipeline_full_production_date_when_no_production_date(cluster, chain):
    project = planned_project(code="A", chain=chain, production=None, output="1000")
    StageDate.objects.create(
        project=project, stage="full_production", planned_on=datetime.date(2024, 5, 1)
    )

    assert pipeline(cluster, 2024).on_plan_wan == Decimal("1000")


def test_pipeline_leaves_out_a_phase_whose_parent_is_in_the_cluster(cluster, chain):
    parent = planned_project(code="SH", chain=chain, production="2024-01-01", output="5600000")
    planned_project(
        code="SH-1", chain=chain, production="2024-01-01", output="2400000", parent=parent
    )

    p = pipeline(cluster, 2024)

    assert ([r.code for r in p.rows], p.on_plan_wan) == (["SH"], Decimal("5600000"))


def test_target_status_gap_growth_projection(cluster):
    add_actuals(cluster, {2019: "71", 2020: "86", 2021: "118", 2022: "139", 2023: "163"})

    (s,) = target_statuses(as_of_year=2023)  # judged while the 2024 target is ahead

    assert (s.target_wan, s.actual_wan, s.actual_year, s.gap_wan) == (
        Decimal("2000000"),
        Decimal("1630000"),
        2023,
        Decimal("370000"),
    )
    assert round(s.needed_growth, 4) == 0.227
    assert round(s.achieved_growth, 4) == round((163 / 71) ** 0.25 - 1, 4)
    assert (s.low_wan, s.high_wan) == (Decimal("1911400"), Decimal("2236500"))
    assert s.low_wan <= s.central_wan <= s.high_wan
    assert (s.verdict, s.is_synthetic) == ("at_risk", True)


def test_target_status_with_one_actual_has_no_projection(cluster):
    add_actuals(cluster, {2023: "163"})

    (s,) = target_statuses(as_of_year=2023)

    assert (s.projection, s.low_wan, s.verdict, s.actual_wan) == (
        None,
        None,
        "unknown",
        Decimal("1630000"),
    )


def test_target_status_target_year_known_is_met_or_missed(cluster):
    add_actuals(cluster, {2023: "163", 2024: "201"})

    (s,) = target_statuses()

    assert (s.verdict, s.projection, s.gap_wan) == ("met", None, Decimal("-10000"))


def test_status_json_has_exactly_the_issue_keys(cluster):
    add_actuals(cluster, {2022: "139", 2023: "163"})

    (line,) = status_json(target_statuses())

    assert list(line) == [
        "cluster",
        "target_year",
        "target_wan",
        "target_qualifier",
        "actual_wan",
        "actual_year",
        "needed_growth",
        "achieved_growth",
        "projection_low_wan",
        "projection_high_wan",
        "pipeline_wan",
    ]
    assert (
        line["cluster"],
        line["target_wan"],
        line["target_qualifier"],
        line["needed_growth"],
    ) == (
        "光伏新能源产业集群",
        2000000,
        "at_least",
        22.7,
    )
    assert (line["achieved_growth"], line["pipeline_wan"]) == (17.27, 0)


def test_status_pipeline_of_each_cluster_in_fixed_queries(
    cluster, chain, django_assert_max_num_queries
):
    from zhaoshang.clusters.models import Cluster

    for i in range(3):
        other = Cluster.objects.create(name=f"集群{i}", unit_id=LEYU)
        other.chains.add(chain)
        Indicator.objects.create(
            code="cluster_output", name="x", region_id=LEYU, cluster=other, year=2024,
            period="2024", kind="target", value=1, unit_of_measure="亿元",
        )  # fmt: skip
        planned_project(
            code=f"L{i}", chain=chain, unit_id=LEYU, production="2024-01-01", output="7"
        )

    # + 5: the ledger read once for the estimates of projects without an output
    # (`projects.estimates.ledger_rows`: projects, industries' sections, placements, lead
    # investors, dates)
    with django_assert_max_num_queries(14):
        statuses = target_statuses()

    assert [s.pipeline.on_plan_wan for s in statuses] == [0, 21, 21, 21]


def test_derived_implied_output_marked_at_least_with_formula(definitions):
    for code, value, qualifier in (
        ("sei_output", "2400", "at_least"),
        ("sei_share", "41.0", "exact"),
    ):
        Indicator.objects.create(
            code=code, name=code, region_id="320582", year=2022, period="2022", kind="actual",
            value=Decimal(value), unit_of_measure="亿元" if code == "sei_output" else "%",
            qualifier=qualifier,
        )  # fmt: skip

    (v,) = derived_values(definitions["above_scale_output_implied"])

    assert (v.period, v.scope_label, str(v.value), v.value.qualifier) == (
        "2022",
        "张家港市",
        "≥5853.66",
        "at_least",
    )
    assert v.worked == "≥2400 ÷ 41 × 100 = ≥5853.66"
    assert derived_values(definitions["sei_share_computed"]) == []


def test_derived_growth_per_cluster_marked_synthetic(definitions, cluster):
    add_actuals(cluster, {2022: "139", 2023: "163"})

    values = derived_values(definitions["cluster_output_growth"])

    assert [(v.period, str(v.value), v.is_synthetic) for v in values] == [("2023", "17.27", True)]


def test_cockpit_strip_one_line_per_target(cluster):
    add_actuals(cluster, {2022: "139", 2023: "163"})

    with translation.override("zh-hans"):
        (line,) = cockpit_strip(2023)

    assert (line["name"], line["target"], line["actual"], line["gap"], line["verdict"]) == (
        "光伏新能源产业集群",
        "超200亿元",
        "163亿元",
        "37亿元",
        "off_course",
    )
    assert (line["projection"], line["is_synthetic"]) == ("191.14亿元 – 191.14亿元", True)


def test_cluster_includes_projects_placed_on_its_nodes(cluster, chain):
    from zhaoshang.chains.models import Node, ProjectPlacement

    node = Node.objects.create(chain=chain, code="pv-glass", name="光伏玻璃", position="upstream")
    cluster.nodes.add(node)
    placed = ProjectFactory(code="P-node", industry_id="3042")
    removed = ProjectFactory(code="P-removed", industry_id="3042")
    ProjectPlacement.objects.create(project=placed, node=node, confidence=Decimal("0.9"))
    ProjectPlacement.objects.create(
        project=removed, node=node, confidence=Decimal("0.9"), is_active=False
    )

    assert list(cluster_projects(cluster).values_list("code", flat=True)) == ["P-node"]
    assert [r.code for r in pipeline(cluster, 2024).rows] == ["P-node"]


def test_pipeline_marks_strategic_emerging_industry_projects(cluster, chain):
    from zhaoshang.industries.sei import is_sei

    planned_project(code="SEI", industry_id="3825", production="2024-01-01", output="100")
    planned_project(
        code="OTHER", industry_id="3311", chain=chain, production="2024-01-01", output="7"
    )

    p = pipeline(cluster, 2024)

    assert (is_sei("3825"), is_sei("3311")) == (True, False)
    assert {r.code: r.is_sei for r in p.rows} == {"SEI": True, "OTHER": False}
    assert (p.on_plan_wan, p.sei_on_plan_wan) == (Decimal("107"), Decimal("100"))
