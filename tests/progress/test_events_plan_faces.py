"""Batch events planned ahead through their faces: the plan, detail and report pages, the
API and `zhaoshang events plan`; all read `events.propose` / `events.event_report`."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from tests.api import API, anonymous_client, session_client, token_client
from tests.factories import ProjectFactory
from tests.progress.factories import PlanFactory
from zhaoshang.dossier.models import Approval
from zhaoshang.progress import event_services
from zhaoshang.projects.models import BatchEvent, StageDate

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def september():
    ready = ProjectFactory(code="S-READY", name="就绪项目", stage="signed")
    PlanFactory(project=ready, planned_start=D(2023, 9, 1))
    blocked = ProjectFactory(code="S-BLOCKED", name="<b>受阻</b>项目", stage="signed")
    PlanFactory(project=blocked, planned_start=D(2023, 9, 1))
    Approval.objects.create(project=blocked, item="construction_permit", planned_on=D(2023, 9, 1))
    return ready, blocked


# --------------------------------------------------------------------------- pages


def test_events_plan_page_proposes_and_ticks_the_ready(client, bureau_editor, september):
    client.force_login(bureau_editor)
    response = client.get("/progress/events/plan/", {"kind": "start", "month": "2023-09"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="S-READY" aria-label="就绪项目" checked' in page
    assert 'value="S-BLOCKED" aria-label="&lt;b&gt;受阻&lt;/b&gt;项目">' in page  # not ticked
    assert "施工许可" in page  # the blocker named
    assert "<b>受阻</b>" not in page
    assert "建议 2 个项目，其中 1 个已就绪。" in page
    assert 'value="2023年9月重大项目集中开工"' in page


def test_events_plan_page_saves_a_draft_then_publish(client, bureau_editor, september):
    client.force_login(bureau_editor)
    response = client.post(
        "/progress/events/plan/",
        {
            "kind": "start",
            "month": "2023-09",
            "name": "九月集中开工",
            "date": "2023-09-15",
            "place": "保税区",
            "projects": ["S-READY"],
        },
    )
    event = BatchEvent.objects.get(name="九月集中开工")
    assert response.status_code == 302 and response["Location"] == f"/progress/events/{event.pk}/"
    detail = client.get(f"/progress/events/{event.pk}/").content.decode()
    assert "草稿" in detail and "连同项目清单发布" in detail
    response = client.post(f"/progress/events/{event.pk}/publish/", {"version": event.version})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "published"
    assert "连同项目清单发布" not in client.get(f"/progress/events/{event.pk}/").content.decode()


def test_events_plan_page_bad_input_422_nothing_written(client, bureau_editor, september):
    client.force_login(bureau_editor)
    response = client.post(
        "/progress/events/plan/",
        {"kind": "start", "month": "2023-09", "name": "九月", "date": "2023-10-02"},
    )
    assert response.status_code == 422
    assert "2023-10-02 不在 2023-09 内" in response.content.decode()
    response = client.get("/progress/events/plan/", {"kind": "party", "month": "2023-09"})
    assert response.status_code == 422 and "“party”" in response.content.decode()
    response = client.get("/progress/events/plan/", {"month": "2023-99"})
    assert response.status_code == 422 and "2023-99" in response.content.decode()
    assert not BatchEvent.objects.exists()


@pytest.mark.parametrize("who", ["leader", "town_editor"])
def test_events_plan_page_leaders_read_only(client, request, september, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/progress/events/plan/", {"month": "2023-09"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "就绪项目" in page and "存为草稿" not in page
    response = client.post("/progress/events/plan/", {"month": "2023-09", "name": "x"})
    assert response.status_code == 403
    assert not BatchEvent.objects.exists()


def test_events_report_page_and_marking(client, bureau_editor, leader, september):
    ready, _blocked = september
    event = event_services.plan_event(
        user=bureau_editor,
        kind="start",
        month="2023-09",
        name="九月",
        codes=["S-READY", "S-BLOCKED"],
    )
    event_services.publish_event(user=bureau_editor, event=event)
    StageDate.objects.create(project=ready, stage="started", actual_on=D(2023, 9, 15))
    client.force_login(leader)
    page = client.get(f"/progress/events/{event.pk}/report/").content.decode()
    assert 'data-testid="report-done">1 / 2<' in page
    assert "2023-09-15" in page and "标记为已报告" not in page  # leaders read
    assert client.post(f"/progress/events/{event.pk}/report/").status_code == 403
    client.force_login(bureau_editor)
    page = client.get(f"/progress/events/{event.pk}/report/").content.decode()
    assert "标记为已报告" in page  # the window is long over
    event.refresh_from_db()
    client.post(f"/progress/events/{event.pk}/report/", {"version": event.version})
    event.refresh_from_db()
    assert event.status == "reported"


def test_events_list_links_the_planner(client, leader):
    client.force_login(leader)
    page = client.get("/progress/events/").content.decode()
    assert 'href="/progress/events/plan/"' in page


# --------------------------------------------------------------------------- API


def test_api_events_plan_lists_proposals(leader, september):
    response = token_client(leader).get(
        f"{API}/progress/events/plan", {"month": "2023-09", "kind": "start"}
    )
    assert response.status_code == 200
    rows = response.json()
    assert [(r["project_code"], r["kind"], r["ready"]) for r in rows] == [
        ("S-READY", "start", True),
        ("S-BLOCKED", "start", False),
    ]
    assert "2023-09-01" in rows[1]["blockers"][0]
    assert (
        anonymous_client().get(f"{API}/progress/events/plan", {"month": "2023-09"}).status_code
        == 401
    )
    bad = token_client(leader).get(f"{API}/progress/events/plan", {"month": "2023-13"})
    assert bad.status_code == 422


def test_api_events_create_publish_report(bureau_editor, leader, september):
    client = session_client(bureau_editor)
    body = {"kind": "start", "month": "2023-09", "name": "九月", "projects": ["S-READY"]}
    response = client.post(f"{API}/progress/events", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["projects"]) == ("draft", 1)
    pk = created["id"]
    response = client.post(
        f"{API}/progress/events/{pk}/publish", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "published"
    report = token_client(leader).get(f"{API}/progress/events/{pk}/report").json()
    assert (report["count"], report["done_count"], report["as_of"]) == (1, 0, "2023-09-30")
    assert report["projects"][0]["project_code"] == "S-READY"
    # leaders read, never write; bad input names its field
    refused = session_client(leader).post(
        f"{API}/progress/events", body, content_type="application/json"
    )
    assert refused.status_code == 403
    bad = client.post(
        f"{API}/progress/events",
        {**body, "name": "十月", "projects": ["NOPE"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [d["field"] for d in bad.json()["detail"]] == ["projects"]
    unknown = client.post(
        f"{API}/progress/events", {**body, "colour": "red"}, content_type="application/json"
    )
    assert unknown.status_code == 422
    assert BatchEvent.objects.count() == 1


# --------------------------------------------------------------------------- command


def test_events_plan_command_json(september):
    out = io.StringIO()
    call_command(
        "events", "plan", "--month", "2023-09", "--kind", "start", "--format", "json", stdout=out
    )
    rows = json.loads(out.getvalue())
    assert [set(r) for r in rows] == [
        {"project_code", "project_name", "kind", "ready", "blockers"}
    ] * 2
    assert [(r["project_code"], r["kind"], r["ready"]) for r in rows] == [
        ("S-READY", "start", True),
        ("S-BLOCKED", "start", False),
    ]
    assert rows[0]["blockers"] == [] and len(rows[1]["blockers"]) == 1


def test_events_plan_command_table_and_bad_month(september):
    out = io.StringIO()
    call_command("events", "plan", "--month", "2023-09", stdout=out)
    assert "S-BLOCKED" in out.getvalue() and "2023-09" in out.getvalue()
    with pytest.raises(Exception) as caught:
        call_command("events", "plan", "--month", "2023-13")
    assert "2023-13" in str(caught.value)
