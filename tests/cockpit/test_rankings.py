"""Township rankings (红黑榜) with exact figures and the change of place, the town
editor's landing unit, the drill-down addresses the charts carry, and the ledger's chain
filter they lead to."""

import datetime
import json
import re
from decimal import Decimal

import pytest

from tests.factories import BAOSHUI, JINFENG, LEYU, ProjectFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.chains.models import Chain
from zhaoshang.cockpit.queries import CockpitFilters, red_black, town_rankings
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import StageDate

pytestmark = pytest.mark.django_db
FENGHUANG = "320582105"
D = datetime.date


def _unit(unit, reports, *, started=None, planned=Decimal("1000"), chain=None):
    project = ProjectFactory(unit_id=unit, stage="started" if started else "signed", chain=chain)
    PlanFactory(project=project, planned_investment_wan=planned, planned_start=D(2023, 3, 1))
    if started:
        StageDate.objects.create(project=project, stage="started", actual_on=started)
    for month, amount in reports.items():
        ReportFactory(project=project, month=month, completed_wan=Decimal(amount))
    return project


@pytest.fixture
def towns():
    chain = Chain.objects.create(
        code="new-energy", name="新能源", name_en="New energy", group="emerging"
    )
    _unit(JINFENG, {1: 100, 2: 100, 3: 100, 4: 100, 5: 100}, chain=chain)  # May 50%, June 50%
    _unit(BAOSHUI, {1: 400, 6: 300})  # May 40%, June 70%
    _unit(LEYU, {6: 500}, started=D(2023, 4, 1))  # May 0%, June 50% (start rate 100%)
    _unit(FENGHUANG, {}, planned=Decimal("0"))  # no planned investment: not ranked
    return chain


def _table(rows):
    return [
        (r.unit, r.rank, r.rates.completion_rate, r.rates.start_rate, r.previous, r.change)
        for r in rows
    ]


def test_rankings_by_completion_rate_ties_by_start_rate_with_change(towns):
    june = town_rankings(Month(2023, 6), today=D(2024, 1, 15))
    assert _table(june) == [
        (BAOSHUI, 1, Decimal("0.7"), Decimal("0"), 2, 1),
        (LEYU, 2, Decimal("0.5"), Decimal("1"), 3, 1),
        (JINFENG, 3, Decimal("0.5"), Decimal("0"), 1, -2),
        (FENGHUANG, None, None, Decimal("0"), None, None),
    ]
    top, bottom = red_black(june, n=5)
    assert ([r.unit for r in top], [r.unit for r in bottom]) == ([BAOSHUI, LEYU], [JINFENG])


def test_rankings_in_january_are_all_new(towns):
    january = town_rankings(Month(2023, 1), today=D(2024, 1, 15))
    assert [(r.unit, r.rank, r.is_new, r.change) for r in january if r.rank] == [
        (BAOSHUI, 1, True, None),
        (JINFENG, 2, True, None),
        (LEYU, 3, True, None),
    ]


def test_rankings_within_a_chain(towns):
    rows = town_rankings(Month(2023, 6), chain_id=towns.pk, today=D(2024, 1, 15))
    assert [(r.unit, r.rank) for r in rows] == [(JINFENG, 1)]


def test_cockpit_page_shows_the_ranking_and_its_rule(client, leader, towns):
    client.force_login(leader)
    page = client.get("/", {"month": "2023-06"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ranked by investment completion rate" in page
    assert re.search(rf'data-testid="change-{BAOSHUI}"><span class="up"[^>]*>↑1<', page)
    assert re.search(rf'data-testid="change-{JINFENG}"><span class="down"[^>]*>↓2<', page)
    assert f'data-testid="rank-{LEYU}">2<' in page
    january = client.get("/", {"month": "2023-01"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-testid="change-{BAOSHUI}"><span class="new">new<' in january


def test_a_town_editor_lands_on_its_own_town_and_may_switch_to_the_city(
    client, town_editor, leader, towns
):
    client.force_login(town_editor)
    own = client.get("/", {"month": "2023-06"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert own.context["f"].unit == JINFENG
    assert 'data-testid="scope-label">锦丰镇<' in own.content.decode()
    assert own.context["p"].rates.projects == 1
    city = client.get("/", {"month": "2023-06", "unit": "all"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (city.context["f"].unit, city.context["p"].rates.projects) == ("", 4)
    assert 'data-testid="scope-label">全市<' in city.content.decode()
    assert city.context["f"].query_string() == "unit=all"  # 2023-06 is the default month
    client.force_login(leader)
    assert client.get("/", {"month": "2023-06"}).context["f"].unit == ""
    assert CockpitFilters.from_query({}, leader).home == ""


def test_charts_carry_the_ledger_address_of_what_is_clicked(client, leader, towns):
    signed = ProjectFactory(unit_id=BAOSHUI, chain=towns, total_investment_wan=Decimal("5000"))
    StageDate.objects.create(project=signed, stage="signed", actual_on=D(2023, 6, 9))
    client.force_login(leader)
    response = client.get("/", {"month": "2023-06", "chain": "new-energy"})
    charts = json.loads(
        re.search(
            r'id="cockpit-data" type="application/json">(.*?)</script>', response.content.decode()
        ).group(1)
    )
    assert charts["unit"]["urls"][0].startswith("/projects/?unit=")
    assert f"/projects/?unit={BAOSHUI}&chain=new-energy" in charts["unit"]["urls"]
    assert charts["chain"]["urls"] == ["/projects/?chain=new-energy"]
    assert charts["stage"]["urls"][2] == "/projects/?chain=new-energy&stage=signed"
    signed_series = charts["monthly"]["series"][0]
    june = charts["monthly"]["labels"].index("2023-06")
    url = signed_series["urls"][june]
    assert url == "/projects/?chain=new-energy&date_stage=signed&date_from=2023-06&date_to=2023-06"
    assert signed_series["counts"][june] == 1
    ledger = client.get(url)
    assert ledger.context["count"] == 1
    assert [p.pk for p in ledger.context["page"]] == [signed.pk]


def test_the_ledger_reads_a_chain_and_names_an_unknown_one(client, leader, towns):
    client.force_login(leader)
    ProjectFactory(unit_id=LEYU)  # no chain
    response = client.get("/projects/", {"chain": "new-energy"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["count"] == 1
    assert '<option value="new-energy" selected>New energy</option>' in response.content.decode()
    assert client.get("/projects/", {"chain": "New energy"}).context["count"] == 1
    assert client.get("/projects/", {"chain": "新能源"}).context["count"] == 1
    response = client.get("/projects/", {"chain": "火星链"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["count"] == 5
    assert "unknown value “火星链”; this filter is ignored" in response.content.decode()


def test_rankings_from_the_loaded_facts_are_the_rankings_from_the_database(towns):
    from zhaoshang.progress import facts as facts_mod

    month, today = Month(2023, 6), D(2024, 1, 15)
    loaded = facts_mod.load(month, None, today=today)
    assert _table(town_rankings(month, today=today, facts=loaded)) == _table(
        town_rankings(month, today=today)
    )
