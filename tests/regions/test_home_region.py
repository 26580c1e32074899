"""The home region as configuration (a county, a prefecture city or a province), county
staff scoped to their county on the ledger, the cockpit and the API, and the cockpit's
roll-ups and 赛马 between counties."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from tests.api import API, session_client, token_client
from tests.factories import BAOSHUI, JINFENG, ProjectFactory, UserFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.cockpit.queries import CockpitFilters, by_unit, cube, town_rankings
from zhaoshang.core.access import region_of, units_visible_to
from zhaoshang.progress import rates
from zhaoshang.progress.months import Month
from zhaoshang.progress.queries import unit_scope
from zhaoshang.projects.access import edit_refusal, projects_visible_to
from zhaoshang.projects.models import Project
from zhaoshang.regions import home

pytestmark = pytest.mark.django_db
D = datetime.date
ZJG, CHANGSHU, KUNSHAN, SUZHOU = "320582", "320581", "320583", "3205"
YUSHAN = "320581001"  # 虞山街道, 常熟市
ZHOUSHI = "320583102"  # 周市镇, 昆山市


@pytest.fixture
def suzhou(settings):
    settings.ZHAOSHANG_HOME_REGION = "苏州市"
    yield
    home.clear()


def _planned(code, unit, planned, done):
    project = ProjectFactory(code=code, unit_id=unit, stage="signed")
    PlanFactory(project=project, planned_investment_wan=Decimal(planned))
    ReportFactory(project=project, month=6, completed_wan=Decimal(done))
    return project


@pytest.fixture
def counties():
    """Two Zhangjiagang projects, one of 常熟市, one of 昆山市, each planned for 2023."""
    _planned("320582-2023-0101", JINFENG, 1000, 500)  # 张家港 50% with the next
    _planned("320582-2023-0102", BAOSHUI, 1000, 500)
    _planned("320581-2023-0001", YUSHAN, 1000, 800)  # 常熟 80%
    _planned("320583-2023-0001", ZHOUSHI, 1000, 100)  # 昆山 10%


@pytest.fixture
def changshu_staff():
    return UserFactory(username="changshu", role="bureau_editor", unit_code=CHANGSHU)


# --------------------------------------------------------------------------- the setting


def test_home_region_defaults_to_zhangjiagang():
    assert (home.home_region().code, home.is_multi_county()) == (ZJG, False)


@pytest.mark.parametrize("value", ["苏州市", "3205"])
def test_home_region_reads_a_name_or_a_code(settings, value):
    settings.ZHAOSHANG_HOME_REGION = value
    assert (home.home_region().code, home.is_multi_county()) == (SUZHOU, True)


@pytest.mark.parametrize("value", ["火星市", "锦丰镇", "320582103"])
def test_home_region_refuses_what_is_no_county_city_or_province(settings, value):
    settings.ZHAOSHANG_HOME_REGION = value
    with pytest.raises(ImproperlyConfigured, match="ZHAOSHANG_HOME_REGION"):
        home.home_region()


def test_units_under_a_county_and_a_city():
    county = home.units_under(ZJG)
    assert {ZJG, JINFENG, BAOSHUI} <= county and YUSHAN not in county
    assert {SUZHOU, ZJG, CHANGSHU, YUSHAN, JINFENG} <= home.units_under(SUZHOU)


def test_find_region_stays_inside_the_home_region(suzhou):
    assert home.find_region("常熟市").code == CHANGSHU
    assert home.find_region("南京市") is None
    assert home.find_region("$\x00") is None  # PostgreSQL refuses a NUL in a query
    assert home.find_region("江苏省") is None  # above the home region


def test_breadcrumb_from_the_city_down_to_a_town(suzhou):
    assert [r.code for r in home.region_levels(JINFENG)] == [SUZHOU, ZJG, JINFENG]


# --------------------------------------------------------------------------- access


def test_a_county_user_sees_and_edits_only_their_county(suzhou, counties, changshu_staff):
    assert region_of(changshu_staff) == CHANGSHU
    codes = sorted(projects_visible_to(changshu_staff).values_list("code", flat=True))
    assert codes == ["320581-2023-0001"]
    assert edit_refusal(changshu_staff, YUSHAN) is None
    with translation.override("en"):
        assert edit_refusal(changshu_staff, JINFENG) == (
            "County staff may only act on projects of their own county."
        )


def test_a_town_editor_sees_its_county_in_a_city(suzhou, counties, town_editor):
    assert region_of(town_editor) == ZJG
    codes = sorted(projects_visible_to(town_editor).values_list("code", flat=True))
    assert codes == ["320582-2023-0101", "320582-2023-0102"]


def test_in_a_county_nobody_is_confined(counties, town_editor, leader):
    assert (region_of(town_editor), units_visible_to(leader)) == (None, None)
    assert projects_visible_to(town_editor).count() == Project.objects.count() == 4


def test_the_ledger_shows_a_county_user_their_county_only(client, suzhou, counties, changshu_staff):
    client.force_login(changshu_staff)
    page = client.get("/projects/").content.decode()
    assert "320581-2023-0001" in page
    assert "320582-2023-0101" not in page and "320583-2023-0001" not in page
    assert client.get("/projects/320582-2023-0101/").status_code == 404


def test_the_api_shows_a_county_user_their_county_only(suzhou, counties, changshu_staff):
    response = token_client(changshu_staff).get(f"{API}/projects")
    assert [p["code"] for p in response.json()["items"]] == ["320581-2023-0001"]
    assert token_client(changshu_staff).get(f"{API}/projects/320582-2023-0101").status_code == 404


def test_the_ledger_filter_reads_a_county(suzhou, counties, leader):
    response = session_client(leader).get("/projects/", {"unit": "张家港市"})
    assert sorted(p.code for p in response.context["page"]) == [
        "320582-2023-0101",
        "320582-2023-0102",
    ]


# --------------------------------------------------------------------------- figures


def test_four_rates_over_a_county_and_by_county(suzhou, counties):
    month = Month(2023, 6)
    _rows, total = rates.compute(month, None, unit_scope("张家港市"), today=D(2024, 1, 5))
    assert (total.projects, total.completion_rate) == (2, Decimal("0.5"))
    rows, total = rates.compute(month, "county", None, today=D(2024, 1, 5))
    assert [(r.key, r.label, r.completion_rate) for r in rows] == [
        (CHANGSHU, "常熟市", Decimal("0.8")),
        (ZJG, "张家港市", Decimal("0.5")),
        (KUNSHAN, "昆山市", Decimal("0.1")),
    ]
    assert total.completion_rate == Decimal("1900") / Decimal("4000")


def test_county_rates_from_facts_equal_the_database(suzhou, counties):
    from zhaoshang.progress import facts as facts_mod

    month = Month(2023, 6)
    loaded = facts_mod.load(month, None, today=D(2024, 1, 5))
    from_facts, _t = rates.compute(month, "county", today=D(2024, 1, 5), facts=loaded)
    from_db, _t = rates.compute(month, "county", today=D(2024, 1, 5))
    assert [r.as_json() for r in from_facts] == [r.as_json() for r in from_db]


def test_the_city_races_its_counties_and_a_county_its_towns(suzhou, counties):
    month = Month(2023, 6)
    city = town_rankings(month, today=D(2024, 1, 5))
    assert [(r.unit, r.rank) for r in city] == [(CHANGSHU, 1), (ZJG, 2), (KUNSHAN, 3)]
    county = town_rankings(month, today=D(2024, 1, 5), region=home.find_region(ZJG))
    assert sorted(r.unit for r in county) == [JINFENG, BAOSHUI]


def test_the_cockpit_rolls_units_up_to_the_level_below(suzhou, counties):
    rows = cube(Project.objects.all(), [])
    assert next((r["key"], r["n"], r["total"]) for r in by_unit(rows)) == (
        ZJG,
        2,
        Decimal("200000"),
    )
    assert sorted(r["key"] for r in by_unit(rows)) == [CHANGSHU, ZJG, KUNSHAN]
    own = cube(Project.objects.filter(unit_id__in=home.units_under(ZJG)), [])
    county = by_unit(own, home.find_region(ZJG))
    assert sorted((r["key"], r["n"]) for r in county) == [(JINFENG, 1), (BAOSHUI, 1)]


def test_cockpit_page_city_roll_up_county_race_and_drill_down(client, suzhou, counties, leader):
    client.force_login(leader)
    city = client.get("/", {"month": "2023-06"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert city.context["rank_level"] == "county"
    assert city.context["p"].rates.projects == 4
    page = city.content.decode()
    assert "县级单位赛马" in page or "County rankings" in page
    assert f'data-testid="rank-{CHANGSHU}">1<' in page
    county = client.get("/", {"month": "2023-06", "unit": ZJG}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert county.context["rank_level"] == "unit"
    assert county.context["p"].rates.projects == 2
    assert [c.code for c in county.context["crumbs"]] == [SUZHOU, ZJG]
    assert f'data-testid="crumb-{SUZHOU}"' in county.content.decode()
    town = client.get("/", {"month": "2023-06", "unit": JINFENG})
    assert [c.code for c in town.context["crumbs"]] == [SUZHOU, ZJG, JINFENG]
    assert town.context["p"].rates.projects == 1


def test_the_cockpit_keeps_a_county_user_in_their_county(client, suzhou, counties, changshu_staff):
    client.force_login(changshu_staff)
    own = client.get("/", {"month": "2023-06"})
    assert own.context["f"].unit == CHANGSHU
    assert own.context["p"].rates.projects == 1
    assert own.context["s"]["n"] == 1
    outside = client.get("/", {"month": "2023-06", "unit": ZJG}, HTTP_ACCEPT_LANGUAGE="en")
    assert outside.context["f"].unit == CHANGSHU
    assert outside.context["f"].errors == {"unit": "“320582” is outside your county."}
    whole = client.get("/", {"month": "2023-06", "unit": "all"})
    assert (whole.context["f"].unit, whole.context["s"]["n"]) == (CHANGSHU, 1)
    assert all(c.code.startswith(CHANGSHU) for c in own.context["crumbs"])


def test_cockpit_figures_are_kept_per_county_user(suzhou, counties, changshu_staff, leader):
    a = CockpitFilters.from_query({"month": "2023-06"}, changshu_staff)
    b = CockpitFilters.from_query({"month": "2023-06", "unit": CHANGSHU}, leader)
    assert a.figure_key(changshu_staff) != b.figure_key(leader)


def test_the_monthly_report_rolls_a_city_up_by_county_and_a_county_by_town(
    suzhou, counties, tmp_path
):
    from openpyxl import load_workbook

    from zhaoshang.progress.report import write_monthly

    def summary(unit):
        path = tmp_path / f"{unit}.xlsx"
        write_monthly(path, Month(2023, 6), unit, today=D(2024, 1, 5))
        sheet = load_workbook(path, read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        return rows[0][0], rows[3][0], [(r[0], r[1], r[5]) for r in rows[4:]]

    title, head, rows = summary(None)
    assert title.startswith("苏州市") and head == "县级"
    assert rows == [
        ("常熟市", 1, 0.8),
        ("张家港市", 2, 0.5),
        ("昆山市", 1, 0.1),
        ("合计", 4, 0.475),
    ]
    title, head, rows = summary("张家港市")
    assert title.startswith("张家港市") and head == "镇（区）"
    assert [r[0] for r in rows] == ["锦丰镇", "保税区", "合计"]


def test_the_rates_page_races_counties_and_keeps_county_staff_in_theirs(
    client, suzhou, counties, leader, changshu_staff
):
    client.force_login(leader)
    city = client.get("/progress/rates/", {"month": "2023-06"})
    assert city.context["by"] == "county"
    assert [(r.key, r.projects) for r in city.context["rows"]] == [
        (CHANGSHU, 1),
        (ZJG, 1 + 1),
        (KUNSHAN, 1),
    ]
    county = client.get("/progress/rates/", {"month": "2023-06", "unit": "张家港市"})
    assert [r.key for r in county.context["rows"]] == [JINFENG, BAOSHUI]
    client.force_login(changshu_staff)
    own = client.get("/progress/rates/", {"month": "2023-06", "unit": ZJG})
    assert own.context["unit"].code == CHANGSHU
    assert [r.key for r in own.context["rows"]] == [YUSHAN]
    assert own.context["total"].projects == 1


def test_the_progress_api_keeps_county_staff_in_their_county(suzhou, counties, changshu_staff):
    api = token_client(changshu_staff)
    own = api.get(f"{API}/progress/figures", {"month": "2023-06"})
    assert (own.status_code, own.json()["planned_projects"]) == (200, 1)
    assert own.json()["completion_rate"] == 0.8
    outside = api.get(f"{API}/progress/figures", {"month": "2023-06", "unit": "张家港市"})
    assert outside.status_code == 403
    by_county = api.get(f"{API}/progress/rates", {"month": "2023-06", "by": "county"})
    assert [r["key"] for r in by_county.json()["rows"]] == [CHANGSHU]


def test_a_province_rolls_up_by_city_and_races_its_counties(client, settings, counties, leader):
    settings.ZHAOSHANG_HOME_REGION = "江苏省"
    client.force_login(leader)
    page = client.get("/", {"month": "2023-06"})
    assert page.status_code == 200
    assert page.context["rank_level"] == "county"
    assert [(r["key"], r["n"]) for r in page.context["fig"]["units"]] == [(SUZHOU, 4)]
    assert [r.unit for r in page.context["fig"]["rankings"]] == [CHANGSHU, ZJG, KUNSHAN]
    city = client.get("/", {"month": "2023-06", "unit": "苏州市"})
    assert [c.code for c in city.context["crumbs"]] == ["32", SUZHOU]
    assert city.context["p"].rates.projects == 4


def test_the_projects_api_filters_by_a_county(suzhou, counties, leader):
    response = session_client(leader).get(f"{API}/projects", {"unit": "常熟市"})
    assert [p["code"] for p in response.json()["items"]] == ["320581-2023-0001"]
