import pytest
from django.urls import reverse

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_ledger_page_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_ledger_page_lists_filters_and_totals(client, leader):
    ProjectFactory(name="盛虹储能", total_investment_wan=3060000, stage="signed")
    ProjectFactory(name="大族激光", total_investment_wan=1000000, stage="started", unit_id="320582403")
    ProjectFactory(name="（合成）项目", is_synthetic=True, total_investment_wan=5)
    client.force_login(leader)
    page = client.get("/", {"unit": "保税区"}).content.decode()
    assert "大族激光" in page and "盛虹储能" not in page
    page = client.get("/", {"synthetic": "real"}).content.decode()
    assert "2 个项目" in page or "2 projects" in page
    assert "406亿元" in page
    assert "（合成）项目" not in page


def test_ledger_page_query_count_flat(client, leader, django_assert_max_num_queries):
    client.force_login(leader)
    ProjectFactory()
    with django_assert_max_num_queries(12) as one:
        client.get("/")
    ProjectFactory.create_batch(2)
    with django_assert_max_num_queries(12) as three:
        client.get("/")
    assert len(one.captured_queries) == len(three.captured_queries)


def test_project_page_shows_amounts_timeline_and_history(client, bureau_editor):
    from zhaoshang.projects.services import change_stage, create_project

    project = create_project(
        user=bureau_editor,
        data={"name": "港城智能智造产业园", "unit": "乐余镇", "total_investment": "约90亿元"},
    )
    change_stage(user=bureau_editor, project=project, to="negotiating", on="2023-01-05")
    client.force_login(bureau_editor)
    page = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert "约90亿元" in page
    assert "2023-01-05" in page
    assert "fgw" in page
    assert client.get(reverse("projects:detail", args=["NOPE"])).status_code == 404


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
