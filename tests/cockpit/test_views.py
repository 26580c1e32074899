import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from zhaoshang.cockpit.queries import CockpitFilters, cockpit_figures, month_window
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
    fig = cockpit_figures(leader, CockpitFilters.from_query({}))
    s = fig["summary"]
    assert (s["n"], s["total"]) == (4, Decimal("4260000"))
    assert (s["big"], s["huge"], s["foreign_n"], s["synthetic_n"]) == (4, 3, 1, 1)
    assert [(u["key"], u["total"]) for u in fig["units"]] == [
        (JINFENG, Decimal("3260000")),
        (BAOSHUI, Decimal("1000000")),
    ]
    assert [(e["code"], e["n"], e["total"]) for e in fig["year_events"]] == [
        ("signed", 1, Decimal("3060000")),
        ("started", 1, Decimal("1000000")),
        ("completed", 0, Decimal("0")),
    ]
    assert [f["n"] for f in s["funnel"]] == [4, 4, 4, 1, 1, 0, 0, 0]
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


def test_cockpit_year_moves_the_year_cards(leader, ledger):
    fig = cockpit_figures(leader, CockpitFilters.from_query({"year": str(ledger - 1)}))
    assert [(e["code"], e["n"]) for e in fig["year_events"]] == [
        ("signed", 1),
        ("started", 0),
        ("completed", 0),
    ]


def test_month_window_is_24_months_ending_in_december_of_a_past_year():
    start, end, months = month_window(2023)
    assert (start, end, len(months)) == (datetime.date(2022, 1, 1), datetime.date(2023, 12, 31), 24)


def test_cockpit_page_shows_figures_and_keeps_filters(client, leader, ledger):
    client.cookies["django_language"] = "en"
    client.force_login(leader)
    response = client.get("/", {"unit": BAOSHUI, "year": str(ledger)})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="total-n">1<' in page
    assert "CNY 10 billion" in page
    assert f'<option value="{BAOSHUI}" selected>' in page
    assert 'id="cockpit-data"' in page


def test_cockpit_htmx_request_gets_only_the_figures(client, leader, ledger):
    client.force_login(leader)
    response = client.get("/", {"unit": BAOSHUI}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert 'data-testid="total-n">1<' in page


def test_cockpit_bad_filter_is_named(client, leader):
    client.cookies["django_language"] = "en"
    client.force_login(leader)
    page = client.get("/", {"unit": "火星镇", "year": "abc"}).content.decode()
    assert "unknown township unit “火星镇”" in page
    assert "“abc” is not a year" in page


def test_cockpit_requires_login(client):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")


@pytest.mark.parametrize("rows", [1, 3])
def test_cockpit_query_count_flat(client, leader, django_assert_num_queries, rows):
    ProjectFactory.create_batch(rows)
    client.force_login(leader)
    # session, user, profile; the default year (latest reported month); phases; cube; events
    # by day; unit names; industries + names; chains; top 20; the filter's units and
    # sections (13); the plans-and-progress panel with its headline figures and the
    # clusters strip without pipelines (15 more), none of them growing with the rows
    with django_assert_num_queries(28):
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


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_statistics_let_the_event_join_read_the_covering_index(leader, ledger):
    from zhaoshang.cockpit import queries
    from zhaoshang.core.bulk import refresh_statistics

    for i in range(40):  # enough rows for the statistics to tell the indexes apart
        _dated(
            ProjectFactory(total_investment_wan=Decimal(i + 1)),
            "signed",
            datetime.date(ledger, 3, 1),
        )
    refresh_statistics()
    qs = queries.projects_for(leader, CockpitFilters(year=ledger))
    days = queries._events(
        qs, queries.YEAR_EVENTS, datetime.date(ledger, 1, 1), datetime.date(ledger, 12, 31)
    )
    sql, params = days.values("stage_dates__stage").annotate(n=Count("pk")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "project_by_id_amount_idx" in plan, plan


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


def test_cockpit_of_a_future_year_has_nothing_to_judge(client, leader):
    client.force_login(leader)
    year = timezone.localdate().year + 1
    response = client.get("/", {"year": str(year)}, HTTP_ACCEPT_LANGUAGE="en")
    panel = next(
        p["context"] for p in response.context["panels"] if p["template"].startswith("progress/")
    )
    assert (response.status_code, panel["headline"], panel["month"]) == (
        200,
        None,
        (year, 1),
    )
    assert f"{year}-01 has not begun: nothing to judge yet." in response.content.decode()
