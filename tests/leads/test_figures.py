"""Team figures (`leads.figures.team_figures`) against values computed by hand.

The fixture, as of June 2023 (judged on 2023-06-30, long after: "today" is 2024-01-15):

    lead team     unit     chain  moves (stage: date)                                   status
    A    task     锦丰镇   c1     lead 01-10, contact 01-20, negotiating 02-19,         won 03-11 (P1)
                                  signed 03-01, landed 03-11
    B    task     锦丰镇   c1     lead 02-01, contact 02-21                              active
    C    town     保税区   -      lead 03-01, contact 03-05, negotiating 03-25          lost 05-01
    D    town     锦丰镇   -      lead 05-01, contact 07-01 (after June)                 active
    F    division 冶金园   c1     lead 04-01, contact 04-11, negotiating 04-21,          won 07-15 (P2)
                                  signed 05-01, landed 07-15 (after June)
    G    town     锦丰镇   -      lead 01-05, contact 01-15, negotiating 01-25,          won 04-01 (P3)
                                  signed 02-04, landed 04-01
    E    division -        -      lead 08-01 (after June)                                lost 09-01

P1: planned start 2023-03-01, started 03-20 (on time), plan 1000万, funds 6 x 50万.
P3: planned start 2023-04-01, started 05-10 (late), plan 1000万, funds 200万 in January.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import BAOSHUI, JINFENG, YEJIN, ProjectFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.chains.models import Chain
from zhaoshang.enterprises.models import Lead
from zhaoshang.leads import services
from zhaoshang.leads.figures import team_figures
from zhaoshang.leads.models import StageChange
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import StageDate

pytestmark = pytest.mark.django_db
JUNE = Month(2023, 6)
TODAY = datetime.date(2024, 1, 15)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat("2023-" + text)


def _project(code, planned_start, started, funds):
    project = ProjectFactory(code=code, stage="started")
    StageDate.objects.create(project=project, stage="started", actual_on=started)
    PlanFactory(project=project, planned_investment_wan=Decimal("1000"),
                planned_start=planned_start)  # fmt: skip
    for month, amount in funds:
        ReportFactory(project=project, month=month, funds_in_place_wan=Decimal(amount))
    return project


def _lead(user, title, team, unit, chain, moves, status="active", since=None, project=None):
    """A lead made by the service, then dated: its stage log is `moves`."""
    lead = services.create_lead(user=user, title=title, team=team, unit=unit or "",
                                chain=chain or "")  # fmt: skip
    created = d(moves[0][1])
    Lead.objects.filter(pk=lead.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(created, datetime.time(9))),
        stage=moves[-1][0], stage_since=d(moves[-1][1]), status=status,
        status_since=d(since) if since else created, project=project,
    )  # fmt: skip
    StageChange.objects.filter(lead=lead).delete()
    before = ""
    for stage, on in moves:
        StageChange.objects.create(lead=lead, from_stage=before, to_stage=stage, on=d(on))
        before = stage
    return lead


@pytest.fixture
def world(admin_user, teams):
    c1 = Chain.objects.create(code="c1", name="新能源", group="emerging")
    p1 = _project("P1", d("03-01"), d("03-20"), [(m, "50") for m in range(1, 7)])
    p2 = ProjectFactory(code="P2")
    p3 = _project("P3", d("04-01"), d("05-10"), [(1, "200")])
    task, town, division = teams["task"], teams["town"], teams["division"]
    u = admin_user
    _lead(u, "A", task, JINFENG, c1, [("lead", "01-10"), ("contact", "01-20"),
          ("negotiating", "02-19"), ("signed", "03-01"), ("landed", "03-11")],
          "won", "03-11", p1)  # fmt: skip
    _lead(u, "B", task, JINFENG, c1, [("lead", "02-01"), ("contact", "02-21")])
    _lead(u, "C", town, BAOSHUI, None, [("lead", "03-01"), ("contact", "03-05"),
          ("negotiating", "03-25")], "lost", "05-01")  # fmt: skip
    _lead(u, "D", town, JINFENG, None, [("lead", "05-01"), ("contact", "07-01")])
    _lead(u, "F", division, YEJIN, c1, [("lead", "04-01"), ("contact", "04-11"),
          ("negotiating", "04-21"), ("signed", "05-01"), ("landed", "07-15")],
          "won", "07-15", p2)  # fmt: skip
    _lead(u, "G", town, JINFENG, None, [("lead", "01-05"), ("contact", "01-15"),
          ("negotiating", "01-25"), ("signed", "02-04"), ("landed", "04-01")],
          "won", "04-01", p3)  # fmt: skip
    _lead(u, "E", division, None, None, [("lead", "08-01")], "lost", "09-01")
    return {"c1": c1}


def _stages(group):
    return [group.by_stage[s] for s in ("lead", "contact", "negotiating", "signed", "landed")]


def test_team_figures_total_as_of_a_past_month_end(world, admin_user):
    total = team_figures(admin_user, JUNE, today=TODAY).total
    assert (total.leads, total.lost, total.signed) == (6, 1, 3)
    assert _stages(total) == [1, 1, 0, 1, 2]
    assert total.conversion_rate == Decimal("0.5")
    assert total.median_days == {"lead": Decimal("10"), "contact": Decimal("15"),
                                 "negotiating": Decimal("10"), "signed": Decimal("33"),
                                 "landed": None}  # fmt: skip
    assert (total.won_projects, total.to_start, total.started_on_time) == (2, 2, 1)
    assert total.performance_rate == Decimal("0.5")
    assert total.funds_rate == Decimal("0.25")
    assert total.percents() == {"conversion_rate": "50%", "performance_rate": "50%",
                                "funds_rate": "25%"}  # fmt: skip


def test_team_figures_per_team(world, admin_user, teams):
    by_team = {g.key: g for g in team_figures(admin_user, JUNE, today=TODAY).by_team}
    task, town, division = (by_team[teams[k].pk] for k in ("task", "town", "division"))
    assert (task.label, task.leads, task.signed, task.conversion_rate) == (
        "新能源招商专班", 2, 1, Decimal("0.5"))  # fmt: skip
    assert (task.performance_rate, task.funds_rate) == (Decimal("1"), Decimal("0.3"))
    assert (town.leads, town.lost, _stages(town)) == (3, 1, [1, 0, 0, 0, 1])
    assert round(town.conversion_rate, 4) == Decimal("0.3333")
    assert (town.performance_rate, town.funds_rate) == (Decimal("0"), Decimal("0.2"))
    assert town.median_days["contact"] == Decimal("15")  # C 20, G 10
    assert (division.leads, division.signed, division.won_projects) == (1, 1, 0)
    assert (division.performance_rate, division.funds_rate) == (None, None)
    assert division.percents()["performance_rate"] == "—"


def test_team_figures_per_town_and_chain(world, admin_user):
    figures = team_figures(admin_user, JUNE, today=TODAY)
    units = {g.key: (g.leads, g.signed, g.won_projects) for g in figures.by_unit}
    assert units == {JINFENG: (4, 2, 2), BAOSHUI: (1, 0, 0), YEJIN: (1, 1, 0)}
    chains = {g.key: (g.leads, g.signed, g.won_projects) for g in figures.by_chain}
    assert chains == {world["c1"].pk: (3, 2, 1), None: (3, 1, 1)}
    assert [g.label for g in figures.by_chain] == ["新能源", "(no chain)"]


def test_team_figures_later_month_counts_what_happened_since(world, admin_user):
    total = team_figures(admin_user, Month(2023, 9), today=TODAY).total
    # E exists (and is lost), F became P2 (no plan: not due to start), D moved on
    assert (total.leads, total.lost, total.won_projects, total.to_start) == (7, 2, 3, 2)
    assert _stages(total) == [0, 2, 0, 0, 3]


def test_team_figures_only_the_leads_the_user_sees(world, bureau_editor):
    total = team_figures(bureau_editor, JUNE, today=TODAY).total
    assert (total.leads, total.signed, total.won_projects) == (2, 1, 1)


def test_team_figures_month_before_any_lead_is_empty(world, admin_user):
    total = team_figures(admin_user, Month(2022, 12), today=TODAY).total
    assert (total.leads, total.conversion_rate, total.performance_rate) == (0, None, None)


def test_team_figures_cached_per_data_version(world, admin_user, settings):
    settings.ZHAOSHANG_FIGURE_CACHE = True
    first = team_figures(admin_user, JUNE)
    assert team_figures(admin_user, JUNE).as_json() == first.as_json()


# --------------------------------------------------------------------------- page and cockpit


def test_figures_page_shows_the_month_asked(world, admin_user, client):
    client.force_login(admin_user)
    response = client.get("/leads/figures/", {"month": "2023-06"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "As of the end of the month, 2023-06-30." in text
    figures = response.context["figures"]
    assert (figures.total.leads, figures.total.signed) == (6, 3)
    assert [g.label for g in figures.by_team] == ["商务局外资科", "新能源招商专班", "锦丰镇招商办"]
    assert '<td class="num">50%</td>' in text


@pytest.mark.parametrize(("month", "message"), [
    ("soon", "“soon” is not a month"),
    ("2099-01", "2099-01 is in the future"),
])  # fmt: skip
def test_figures_page_bad_month_says_so_and_shows_this_month(db, admin_user, client, month,
                                                               message):  # fmt: skip
    client.force_login(admin_user)
    response = client.get("/leads/figures/", {"month": month}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["figures"].month == Month.current()


def test_figures_page_needs_sign_in(client):
    assert client.get("/leads/figures/").status_code == 302


def test_figures_linked_from_the_lead_list(admin_user, client, teams):
    client.force_login(admin_user)
    assert 'href="/leads/figures/"' in client.get("/leads/").content.decode()


def test_figures_on_the_cockpit(world, leader, client):
    client.force_login(leader)
    response = client.get("/", {"month": "2023-06"}, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert 'data-testid="lead-figures"' in text
    assert "Investment leads, 2023-06" in text
