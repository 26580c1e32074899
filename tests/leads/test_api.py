"""The leads API: the same access, filters, rules and services as the pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api import API, session_client, token_client
from zhaoshang.enterprises.models import Lead, Visit
from zhaoshang.leads import services
from zhaoshang.leads.models import StageChange

pytestmark = pytest.mark.django_db


def post(client, path, data):
    return client.post(f"{API}{path}", data, content_type="application/json")


def patch(client, path, data):
    return client.patch(f"{API}{path}", data, content_type="application/json")


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_leads_api_list_filters_by_stage_team_owner_and_overdue(
    make_lead, teams, bureau_editor, admin_user
):
    a = make_lead(title="A", next_action="拜访", next_follow_up="2020-01-01")
    b = make_lead(title="B", team=teams["division"], user=admin_user)
    services.advance_lead(user=admin_user, lead=b, to_stage="contact")
    client = token_client(admin_user)

    assert ids(client.get(f"{API}/leads", {"stage": "contact"})) == [b.pk]
    assert ids(client.get(f"{API}/leads", {"team": "新能源招商专班"})) == [a.pk]
    assert ids(client.get(f"{API}/leads", {"team": str(teams["division"].pk)})) == [b.pk]
    assert ids(client.get(f"{API}/leads", {"owner": "fgw"})) == [a.pk]
    assert ids(client.get(f"{API}/leads", {"overdue": "true"})) == [a.pk]
    row = client.get(f"{API}/leads", {"overdue": "true"}).json()["items"][0]
    assert (row["overdue"], row["owner"], row["team"]["name"], row["chain_node"]) == (
        True, "fgw", "新能源招商专班", "test-chain/mid")  # fmt: skip


def test_leads_api_list_unknown_team_or_owner_is_422_naming_it(admin_user, teams):
    response = token_client(admin_user).get(f"{API}/leads", {"team": "无此专班", "owner": "nobody"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "team", "message": "unknown team “无此专班”"},
        {"field": "owner", "message": "unknown user “nobody”"},
    ]


def test_leads_api_list_bad_stage_is_422(admin_user):
    response = token_client(admin_user).get(f"{API}/leads", {"stage": "won"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "stage"


def test_leads_api_list_only_what_the_user_sees(make_lead, other_editor, bureau_editor):
    mine = make_lead(title="A")
    assert ids(token_client(bureau_editor).get(f"{API}/leads")) == [mine.pk]
    assert ids(token_client(other_editor).get(f"{API}/leads")) == []
    response = token_client(other_editor).get(f"{API}/leads/{mine.pk}")
    assert response.status_code == 404


def test_leads_api_list_query_count_is_flat(make_lead, admin_user):
    make_lead(title="A")
    client = token_client(admin_user)
    client.get(f"{API}/leads")  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as one:
        client.get(f"{API}/leads")
    make_lead(title="B")
    make_lead(title="C")
    with CaptureQueriesContext(connection) as three:
        response = client.get(f"{API}/leads")
    assert len(response.json()["items"]) == 3
    assert len(three) == len(one)


def test_leads_api_create_then_read(bureau_editor, teams, firm, node):
    client = token_client(bureau_editor)
    response = post(client, "/leads", {"title": "储能项目", "enterprise": firm.name,
                                       "estimated_investment": "约5亿元", "node": "test-chain/mid",
                                       "team": "新能源招商专班"})  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["stage"], body["status"], body["owner"], body["chain_node"]) == (
        "lead", "active", "fgw", "test-chain/mid")  # fmt: skip
    assert (body["estimated_investment_wan"], body["estimated_investment_qualifier"]) == (
        "50000.000000", "approx")  # fmt: skip
    assert body["missing_to_advance"] == []
    got = client.get(f"{API}/leads/{body['id']}").json()
    assert got["version"] == body["version"]


def test_leads_api_create_bad_input_names_field_and_value_and_writes_nothing(bureau_editor):
    client = token_client(bureau_editor)
    response = post(client, "/leads", {"title": "X", "estimated_investment": "很多钱",
                                       "team": "无此专班", "next_follow_up": "2024-13-45"})  # fmt: skip
    assert response.status_code == 422
    detail = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert set(detail) == {"estimated_investment", "team", "next_follow_up"}
    assert "很多钱" in detail["estimated_investment"]
    assert "无此专班" in detail["team"]
    assert "2024-13-45" in detail["next_follow_up"]
    assert Lead.objects.count() == 0


def test_leads_api_create_unknown_key_is_422(bureau_editor):
    response = post(token_client(bureau_editor), "/leads", {"title": "X", "stage": "signed"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "stage"


def test_leads_api_leader_cannot_create(leader):
    response = post(token_client(leader), "/leads", {"title": "X"})
    assert response.status_code == 403
    assert Lead.objects.count() == 0


def test_leads_api_update_needs_version_and_refuses_a_stale_one(make_lead, bureau_editor):
    lead = make_lead()
    client = token_client(bureau_editor)
    version = client.get(f"{API}/leads/{lead.pk}").json()["version"]

    response = patch(client, f"/leads/{lead.pk}", {"next_action": "寄材料"})
    assert response.status_code == 428
    assert "version" in response.json()["detail"]

    response = patch(client, f"/leads/{lead.pk}", {"next_action": "寄材料", "version": version})
    assert response.status_code == 200, response.json()
    assert response.json()["next_action"] == "寄材料"

    response = patch(client, f"/leads/{lead.pk}", {"next_action": "再次拜访", "version": version})
    assert response.status_code == 409
    assert response.json()["current_version"] != version
    lead.refresh_from_db()
    assert lead.next_action == "寄材料"


def test_leads_api_update_bad_value_is_422_and_changes_nothing(make_lead, bureau_editor):
    lead = make_lead()
    client = token_client(bureau_editor)
    version = client.get(f"{API}/leads/{lead.pk}").json()["version"]
    response = patch(client, f"/leads/{lead.pk}", {"expected_signing_on": "下个月",
                                                   "next_action": "x", "version": version})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "expected_signing_on"
    assert "下个月" in response.json()["detail"][0]["message"]
    lead.refresh_from_db()
    assert (lead.next_action, lead.expected_signing_on) == ("", None)


def test_leads_api_update_by_someone_who_only_reads_is_403(make_lead, leader):
    lead = make_lead()
    response = patch(token_client(leader), f"/leads/{lead.pk}", {"next_action": "x", "version": 1})
    assert response.status_code == 403


def test_leads_api_advance_refused_with_what_is_missing(make_lead, bureau_editor):
    lead = make_lead(team="", user=bureau_editor)
    Lead.objects.filter(pk=lead.pk).update(team=None)
    client = token_client(bureau_editor)
    response = post(client, f"/leads/{lead.pk}/stage", {"to": "contact"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "stage", "message": "Cannot move to In contact: missing a team."}
    ]
    assert StageChange.objects.filter(lead=lead).count() == 1


def test_leads_api_advance_moves_and_logs(make_lead, bureau_editor):
    lead = make_lead()
    response = post(token_client(bureau_editor), f"/leads/{lead.pk}/stage",
                    {"to": "contact", "on": "2024-05-02"})  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "contact"
    assert StageChange.objects.filter(lead=lead, to_stage="contact").get().on == datetime.date(
        2024, 5, 2
    )


def test_leads_api_interactions_add_and_list(make_lead, bureau_editor):
    lead = make_lead()
    client = token_client(bureau_editor)
    response = post(client, f"/leads/{lead.pk}/interactions",
                    {"kind": "meeting", "date": "2024-05-01", "notes": "洽谈",
                     "next_step": "寄送协议", "next_step_on": "2099-01-01"})  # fmt: skip
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], response.json()["by"]) == ("meeting", "fgw")
    listed = client.get(f"{API}/leads/{lead.pk}/interactions").json()
    assert [(i["kind"], i["date"], i["notes"]) for i in listed] == [
        ("meeting", "2024-05-01", "洽谈")
    ]
    got = client.get(f"{API}/leads/{lead.pk}").json()
    assert (got["last_contact_on"], got["next_action"], got["next_action_date"]) == (
        "2024-05-01", "寄送协议", "2099-01-01")  # fmt: skip


def test_leads_api_interaction_in_the_future_is_422(make_lead, bureau_editor):
    lead = make_lead()
    response = post(token_client(bureau_editor), f"/leads/{lead.pk}/interactions",
                    {"kind": "visit", "date": "2999-01-01"})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "date"
    assert Visit.objects.count() == 0


def test_leads_api_figures(make_lead, admin_user):
    make_lead(title="A")
    client = session_client(admin_user)
    body = client.get(f"{API}/leads/figures").json()
    assert (body["total"]["leads"], body["total"]["by_stage"]["lead"]) == (1, 1)
    assert [g["label"] for g in body["by_team"]] == ["新能源招商专班"]
    assert client.get(f"{API}/leads/figures", {"month": "2024-06"}).json()["as_of"] == "2024-06-30"


@pytest.mark.parametrize("month", ["2024-13", "soon", "2999-01"])
def test_leads_api_figures_bad_month_is_422(admin_user, month):
    response = token_client(admin_user).get(f"{API}/leads/figures", {"month": month})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "month"


def test_leads_api_advance_with_a_stale_version_is_409(make_lead, bureau_editor):
    lead = make_lead()
    client = token_client(bureau_editor)
    version = client.get(f"{API}/leads/{lead.pk}").json()["version"]
    patch(client, f"/leads/{lead.pk}", {"next_action": "寄材料", "version": version})
    response = post(client, f"/leads/{lead.pk}/stage", {"to": "contact", "version": version})
    assert response.status_code == 409
    assert response.json()["current_version"] == version + 1
    lead.refresh_from_db()
    assert lead.stage == "lead"
