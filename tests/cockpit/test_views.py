import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from zhaoshang.cockpit.queries import CockpitFilters, cockpit_figures
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import StageDate

pytestmark = pytest.mark.django_db


def _dated(project, stage, on):
    StageDate.objects.create(project=project, stage=stage, actual_on=on)
    return project


@pytest.fixture
def ledger():
    year = timezone.localdate().year
    parent = ProjectFactory(name="母项目", total_investment_wan=Decimal("3060000"), unit_id=JINFENG)
    ProjectFactory(
        name="首期", parent=parent, total_investment_wan=Decimal("1400000"), unit_id=JINFENG
    )
    started = ProjectFactory(
        name="保税区项目",
        unit_id=BAOSHUI,
        stage="started",
        total_investment_wan=Decimal("1000000"),
        is_foreign=True,
        industry_id="3424",
    )
    _dated(started, "signed", datetime.date(year - 1, 5, 1))
    _dated(started, "started", datetime.date(year, 1, 15))
    _dated(parent, "signed", datetime.date(year, 1, 31))
    ProjectFactory(name="合成", is_synthetic=True, total_investment_wan=Decimal("200000"))
    return year


def test_cockpit_figures_count_phases_once_and_group(leader, ledger):
    fig = cockpit_figures(leader, CockpitFilters.from_query({"month": f"{ledger}-01"}))
    s = fig["summary"]
    assert (s["n"], s["total"]) == (4, Decimal("4260000"))
    assert (s["big"], s["huge"], s["foreign_n"], s["synthetic_n"]) == (4, 3, 1, 1)
    assert [(u["key"], u["total"]) for u in fig["units"]] == [
        (JINFENG, Decimal("3260000")),
        (BAOSHUI, Decimal("1000000")),
    ]
    b = fig["batches"]
    assert [(x.stage, x.month_n, x.month_wan, x.year_n) for x in b.rows] == [
        ("signed", 1, Decimal("3060000"), 1),
        ("started", 1, Decimal("1000000"), 1),
        ("completed", 0, Decimal("0"), 0),
        ("full_production", 0, Decimal("0"), 0),
    ]
    assert [st["n"] for st in s["stages"]] == [0, 0, 3, 0, 1, 0, 0, 0]
    assert [(r["key"], r["n"]) for r in fig["industries"]["rows"]] == [("C", 4)]


@pytest.mark.parametrize(
    "query, n, total",
    [
        ({"unit": "保税区"}, 1, Decimal("1000000")),
        ({"unit": JINFENG}, 3, Decimal("3260000")),
        ({"stage": "started"}, 1, Decimal("1000000")),
        ({"synthetic": "real"}, 3, Decimal("4060000")),
        ({"synthetic": "synthetic"}, 1, Decimal("200000")),
        ({"industry": "34"}, 1, Decimal("1000000")),
    ],
)
def test_cockpit_filters_apply_to_every_figure(leader, ledger, query, n, total):
    fig = cockpit_figures(leader, CockpitFilters.from_query(query))
    assert (fig["summary"]["n"], fig["summary"]["total"]) == (n, total)
    assert sum(u["n"] for u in fig["units"]) == n


def test_cockpit_month_moves_the_batches(leader, ledger):
    fig = cockpit_figures(leader, CockpitFilters.from_query({"month": f"{ledger - 1}-05"}))
    assert [(x.stage, x.month_n, x.year_n) for x in fig["batches"].rows][:2] == [
        ("signed", 1, 1),
        ("started", 0, 0),
    ]
    assert fig["monthly"]["months"][-1] == f"{ledger - 1}-05"
    assert len(fig["monthly"]["months"]) == 24


def test_cockpit_opens_on_the_latest_reported_month_and_maps_old_year_links(leader, ledger):
    from tests.progress.factories import ReportFactory

    ReportFactory(year=2023, month=6)
    assert CockpitFilters.from_query({}).month == Month(2023, 6)
    assert CockpitFilters.from_query({"year": "2023"}).month == Month(2023, 6)
    assert CockpitFilters.from_query({"year": "2021"}).month == Month(2021, 12)
    assert CockpitFilters.from_query({"month": "2022-03"}).month == Month(2022, 3)
    f = CockpitFilters.from_query({"month": "2023-06"})
    assert f.query_string() == ""  # the default month is not repeated in links


def test_cockpit_page_shows_figures_and_keeps_filters(client, leader, ledger):
    client.cookies["django_language"] = "en"
    client.force_login(leader)
    response = client.get("/", {"unit": BAOSHUI, "month": f"{ledger}-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="total-n">1<' in page
    assert 'data-testid="batch-started-month-n">1<' in page
    assert "CNY 10 billion" in page
    assert f'<option value="{BAOSHUI}" selected>' in page
    assert f'<option value="{ledger}-01" selected>' in page
    assert 'id="cockpit-data"' in page
    assert f"as of the end of {ledger}-01 ({ledger}-01-31)" in page


def test_cockpit_htmx_request_gets_only_the_figures(client, leader, ledger):
    client.force_login(leader)
    response = client.get("/", {"unit": BAOSHUI}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert 'data-testid="total-n">1<' in page


@pytest.mark.parametrize(
    "query, message",
    [
        ({"unit": "火星镇"}, "unknown township unit “火星镇”"),
        ({"year": "abc"}, "“abc” is not a year"),
        ({"month": "2023-13"}, "“2023-13” is not a month (write it as 2023-06)"),
        ({"month": "2199-01"}, "2199-01 is in the future."),
        ({"chain": "火星链"}, "unknown industrial chain “火星链”"),
        ({"stage": "<b>x</b>"}, "“&lt;b&gt;x&lt;/b&gt;” is not a stage"),
    ],
)
def test_cockpit_bad_filter_is_named(client, leader, query, message):
    client.cookies["django_language"] = "en"
    client.force_login(leader)
    response = client.get("/", query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get("/screen/", query).status_code == 200


def test_cockpit_requires_login(client):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")


@pytest.mark.parametrize("rows", [1, 3])
def test_cockpit_query_count_flat(client, leader, django_assert_num_queries, rows, settings):
    # every figure computed (none kept from an earlier test of this process)
    settings.ZHAOSHANG_FIGURE_CACHE = False
    ProjectFactory.create_batch(rows)
    client.force_login(leader)
    # session, user, profile; the default month (latest reported); the month's headline
    # (plans, rates, warnings, problems); the rankings (this month's from the headline's
    # facts, the month before by one grouped query); the batch events (by day, phases); top
    # 20; phases; cube; unit names; industries + names; chains; the filter's units and
    # chains; the plans-and-progress panel's pace (its headline is the cockpit's) and the
    # clusters strip without pipelines; the 要素 rule (thresholds, departments, items); the
    # leads panel (2); 四个一批 by town (units, events by unit, phases); the impact panel
    # (the filtered projects' ids; the ledger for the estimates: projects, industries'
    # sections, placements, lead investors, production dates, read once and handed on; the
    # unit names of its roll-up, no chain here); none of them growing with the rows. One
    # request first: the home region is read once per process.
    client.get("/")
    with django_assert_num_queries(44):
        client.get("/")


def test_cockpit_monthly_series_puts_events_in_their_month(leader, ledger):
    fig = cockpit_figures(leader, CockpitFilters.from_query({}))
    m = fig["monthly"]
    january = m["months"].index(f"{ledger}-01")
    signed, started = m["series"]
    assert (signed["n"][january], signed["total"][january]) == (1, Decimal("3060000"))
    assert (started["n"][january], started["total"][january]) == (1, Decimal("1000000"))
    assert sum(signed["n"]) + sum(started["n"]) == 2 + (
        1 if f"{ledger - 1}-05" in m["months"] else 0
    )


@pytest.mark.parametrize(
    "amounts, share_total, unpriced",
    [
        # (domestic, foreign amounts) in 万元; None = no total investment recorded
        (([Decimal("100")], [Decimal("300"), None]), Decimal("75"), 1),
        (([Decimal("100")], [None, None]), None, 2),
        (([Decimal("100")], [Decimal("100")]), Decimal("50"), 0),
        (([None], [Decimal("100")]), Decimal("100"), 0),
    ],
)
def test_foreign_share_is_taken_over_projects_with_a_known_amount(
    leader, amounts, share_total, unpriced
):
    domestic, foreign = amounts
    for amount in domestic:
        ProjectFactory(total_investment_wan=amount)
    for amount in foreign:
        ProjectFactory(total_investment_wan=amount, is_foreign=True)
    s = cockpit_figures(leader, CockpitFilters.from_query({}))["summary"]
    n = len(domestic) + len(foreign)
    assert (s["foreign_n"], s["foreign_unpriced"], s["foreign_share_total"]) == (
        len(foreign),
        unpriced,
        share_total,
    )
    assert s["foreign_share_n"] == Decimal(len(foreign)) * 100 / n


def test_cockpit_of_a_future_month_falls_back_and_says_so(client, leader):
    client.force_login(leader)
    month = Month.current().next()
    response = client.get("/", {"month": str(month)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["f"].month == Month.current()
    assert f"{month} is in the future." in response.content.decode()
