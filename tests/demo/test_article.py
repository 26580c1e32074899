"""The demo is true to the seed article (issue 12, item 6); each test catches one way it
was not: a firm the article names with no project, invented spending on true projects, a
target year the article does not give, two exchange rates for one amount, invented figures
without their mark, synthetic data dated after the demo's latest month, a leader making a
node strong on its own, an empty metallurgy chain."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.api import API, token_client
from zhaoshang.chains import gaps
from zhaoshang.chains.models import Placement, ProjectPlacement
from zhaoshang.clusters.models import Indicator, IndicatorDefinition
from zhaoshang.core.management.commands.demo import app_demo_hooks
from zhaoshang.demo import facts
from zhaoshang.demo.load import load_facts
from zhaoshang.demo.synthetic import generate
from zhaoshang.lib.extract import extract
from zhaoshang.lib.money import RATES, parse_amount
from zhaoshang.progress.demo import REPORTING_STAGES
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress
from zhaoshang.projects.models import Project, ProjectList, StageDate

pytestmark = pytest.mark.django_db

ARTICLE_AUTOMOTIVE = "加特可、采埃孚、光束汽车等一批优质项目相继落户"
# metallurgy nodes with the city's three steel makers on them (class, local enterprises)
STEEL_NODES = {
    "smelting": ("strong", 3), "ironmaking": ("weak", 2), "steelmaking": ("strong", 3),
    "rolling": ("strong", 3), "flat": ("weak", 2), "long": ("weak", 2),
    "special-steel": ("weak", 2), "stainless": ("weak", 1),
}  # fmt: skip


@pytest.fixture
def demo(demo_once, db):
    """The demo, loaded once for this module (tests/conftest.py: demo_once)."""


@pytest.fixture
def demo_with_synthetic(demo):
    generate(120)
    for hook in app_demo_hooks("generate_synthetic"):
        hook(120)


def nodes_of_project(code):
    return sorted(
        f"{p.node.chain.code}/{p.node.code}"
        for p in ProjectPlacement.objects.filter(project__code=code).select_related("node__chain")
    )


@pytest.mark.parametrize(
    ("name", "investor", "node"),
    [
        ("加特可项目", "Jatco Ltd", "equipment/powertrain"),
        ("光束汽车项目", "光束汽车有限公司", "equipment/vehicles"),
    ],
)
def test_jatco_and_beam_are_true_projects_with_only_what_the_article_says(
    demo, name, investor, node
):
    project = Project.objects.get(name=name)
    assert (project.is_synthetic, project.stage, project.unit_id) == (False, "signed", None)
    assert (project.total_investment_wan, project.signed_amount_wan) == (None, None)
    assert list(project.investors.values_list("name", flat=True)) == [investor]
    assert [(s.source.title, s.note) for s in project.projectsource_set.all()] == [
        (facts.SOURCES[facts.SEED]["title"], ARTICLE_AUTOMOTIVE)
    ]
    assert not StageDate.objects.filter(project=project, actual_on__isnull=False).exists()
    assert not AnnualPlan.objects.filter(project=project).exists()
    assert nodes_of_project(project.code) == [node]


@pytest.mark.parametrize("node", ["vehicles", "powertrain"])
def test_vehicle_and_powertrain_nodes_are_no_longer_missing(demo, node):
    stats = {(s.chain_code, s.code): s for s in gaps.node_stats()}
    assert stats[("equipment", node)].klass == "weak"
    assert stats[("equipment", node)].projects == 1


def test_no_true_project_reports_spending_before_it_started(demo):
    reports = MonthlyProgress.objects.filter(project__is_synthetic=False)
    assert set(reports.values_list("is_synthetic", flat=True)) == {True}
    assert set(reports.values_list("project__stage", flat=True)) <= set(REPORTING_STAGES)
    members = ProjectList.objects.get(name="2023年江苏省重大项目清单").projects.all()
    assert MonthlyProgress.objects.filter(project__in=members).count() == 0


def test_an_earlier_demos_invented_spending_on_signed_projects_is_taken_back(demo):
    zf = Project.objects.get(code="320582-2023-0008")
    MonthlyProgress.objects.create(
        project=zf, year=2023, month=3, completed_wan=Decimal(100), is_synthetic=True
    )
    for hook in app_demo_hooks("load_demo"):
        hook()
    assert MonthlyProgress.objects.filter(project=zf).count() == 0


def test_list_members_invented_plans_are_marked_on_the_list_page(demo, client, admin_user):
    plist = ProjectList.objects.get(name="2023年江苏省重大项目清单")
    client.force_login(admin_user)
    page = client.get(f"/progress/lists/{plist.pk}/", {"month": "2023-12"}).content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert [row.count('class="synthetic"') for row in rows] == [1, 1]
    assert 'class="synthetic"' in page.split("<tfoot>")[1]


def test_list_members_invented_plans_are_marked_in_the_list_api(demo, leader):
    plist = ProjectList.objects.get(name="2023年江苏省重大项目清单")
    response = token_client(leader).get(f"{API}/progress/lists/{plist.pk}", {"month": "2023-12"})
    assert response.status_code == 200
    members = [
        (
            m["project_code"],
            m["is_synthetic"],
            m["planned_is_synthetic"],
            m["completed_is_synthetic"],
            m["completed_wan"],
        )
        for m in response.json()["members"]
    ]
    assert members == [
        ("320582-2023-0008", False, True, False, 0),
        ("320582-2023-0009", False, True, False, 0),
    ]


def test_the_780_target_is_stored_without_a_year(demo):
    assert not Indicator.objects.filter(code="emerging_services_revenue").exists()
    description = IndicatorDefinition.objects.get(code="emerging_services_revenue").description
    assert description.startswith("目标：780亿元，报道未说明年份")
    assert "培育规上新兴服务业重点领域营收规模达780亿元" in description


def test_an_earlier_demos_2023_year_for_the_780_target_is_taken_back(demo):
    from zhaoshang.regions.models import Region

    Indicator.objects.create(
        code="emerging_services_revenue", name="规上新兴服务业重点领域营收",
        region=Region.objects.get(code="320582"), year=2023, period="2023", kind="target",
        value=Decimal(780), unit_of_measure="亿元",
        note="年份按报道语境（2023年目标） / year from the article's context",
    )  # fmt: skip
    load_facts()
    assert not Indicator.objects.filter(code="emerging_services_revenue").exists()


def test_one_usd_rate_for_the_ledger_the_extractor_and_the_demo(demo):
    usd = RATES["USD"]
    xinyi = Project.objects.get(code="320582-2023-0003")
    assert (xinyi.foreign_investment_rate, xinyi.foreign_investment_original) == (
        usd.rate,
        Decimal(150000),
    )
    ledger = parse_amount("15亿美元")
    for published in (datetime.date(2018, 6, 1), datetime.date(2023, 2, 1), None):
        found = extract("2018年以来，信义集团先后投资15亿美元。", published=published).amounts
        assert [(a.text, a.value_wan) for a in found] == [("15亿美元", ledger.value_wan)]
    assert (ledger.rate, ledger.value_wan) == (usd.rate, Decimal(150000) * usd.rate)
    assert usd.source.startswith("人民币汇率中间价2023年平均值")


def test_synthetic_data_is_never_dated_after_the_demos_latest_month(demo_with_synthetic):
    last = facts.latest_day()
    assert last == datetime.date(2023, 12, 31)
    dates = StageDate.objects.filter(project__is_synthetic=True, actual_on__isnull=False)
    assert max(dates.values_list("actual_on", flat=True)) <= last
    assert Project.objects.filter(is_synthetic=True, created_at__date__gt=last).count() == 0
    months = MonthlyProgress.objects.filter(is_synthetic=True).values_list("year", "month")
    assert max(months) <= facts.LATEST_MONTH
    # a month's report is filed in the weeks after it, as real ones are; never later
    filed = MonthlyProgress.objects.filter(is_synthetic=True).values_list("reported_at", flat=True)
    assert max(filed).date() < datetime.date(2024, 2, 1)
    years = Indicator.objects.filter(is_synthetic=True).values_list("year", flat=True)
    assert max(years) <= facts.LATEST_MONTH[0]


def test_synthetic_stage_dates_are_not_piled_on_the_latest_day(demo_with_synthetic):
    dates = StageDate.objects.filter(
        project__code__startswith="320582-SYN-", actual_on__isnull=False
    )
    on_last_day = dates.filter(actual_on=facts.latest_day()).count()
    assert dates.count() > 200
    assert on_last_day <= 2


def test_a_node_is_strong_only_by_local_production(demo):
    stats = gaps.node_stats()
    assert {s.klass for s in stats if s.enterprises < gaps.STRONG_MIN} <= {"weak", "missing"}
    merck = [s for s in stats if s.leaders == ["Merck KGaA"]]
    assert merck and {s.klass for s in merck} == {"weak"}


@pytest.mark.parametrize(
    ("name", "region", "nodes"),
    [
        ("江苏沙钢集团有限公司", "320582103", ["flat", "ironmaking", "long", "special-steel",
                                                "steelmaking"]),
        ("江苏永钢集团有限公司", "320582106", ["ironmaking", "long", "special-steel",
                                                "steelmaking"]),
        ("张家港浦项不锈钢有限公司", "320582103", ["flat", "stainless", "steelmaking"]),
    ],
)  # fmt: skip
def test_the_citys_steel_makers_are_placed_with_their_public_source(demo, name, region, nodes):
    placements = Placement.objects.filter(enterprise__name=name).select_related(
        "node__chain", "enterprise"
    )
    assert sorted(p.node.code for p in placements) == nodes
    assert {p.node.chain.code for p in placements} == {"metallurgy"}
    firm = placements[0].enterprise
    assert (firm.region_id, firm.is_synthetic) == (region, False)
    assert list(firm.sources.values_list("title", flat=True)) == [
        facts.SOURCES[facts.STEEL_MAKERS]["title"]
    ]


def test_metallurgy_nodes_where_the_steel_makers_make_are_not_missing(demo):
    stats = {
        s.code: (s.klass, s.enterprises) for s in gaps.node_stats() if s.chain_code == "metallurgy"
    }
    assert {code: stats[code] for code in STEEL_NODES} == STEEL_NODES


def test_every_synthetic_project_with_a_chain_is_placed_on_it(demo_with_synthetic):
    projects = Project.objects.filter(is_synthetic=True, chain__isnull=False)
    placed = set(
        ProjectPlacement.objects.filter(project__is_synthetic=True).values_list(
            "project_id", "node__chain_id"
        )
    )
    unplaced = [p.code for p in projects if (p.pk, p.chain_id) not in placed]
    metallurgy = projects.filter(chain__code="metallurgy")
    assert metallurgy.count() > 0
    assert [c for c in unplaced if metallurgy.filter(code=c).exists()] == []
