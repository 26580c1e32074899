import datetime
from decimal import Decimal

import pytest

from tests.api import API, anonymous_client, session_client, token_client
from tests.factories import BAOSHUI, ProjectFactory
from tests.progress.factories import PlanFactory, ProblemFactory, months
from zhaoshang.progress.models import MonthlyProgress, PlanBaseline
from zhaoshang.projects.models import StageDate

pytestmark = pytest.mark.django_db


def put(client, path, data):
    return client.put(f"{API}{path}", data, content_type="application/json")


def post(client, path, data):
    return client.post(f"{API}{path}", data, content_type="application/json")


def test_api_warnings_need_a_signed_in_caller():
    response = anonymous_client().get(f"{API}/progress/warnings", {"month": "2023-06"})
    assert response.status_code == 401


def test_api_warnings_list_with_reasons(leader):
    project = ProjectFactory(code="A", name="测试项目", stage="started")
    StageDate.objects.create(project=project, stage="started", actual_on=datetime.date(2023, 1, 1))
    PlanFactory(project=project, planned_investment_wan=Decimal("12000"))
    months(project, [560] * 9)
    response = token_client(leader).get(
        f"{API}/progress/warnings", {"month": "2023-09", "level": "red"}
    )
    assert response.status_code == 200
    assert response.json() == [
        {
            "project_code": "A",
            "project_name": "测试项目",
            "unit": "锦丰镇",
            "level": "red",
            "rule": "behind_elapsed",
            "reason": "completion 42%, elapsed time 75%",
        }
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2023-13"}, "month"),
        ({"month": "2099-01"}, "month"),
        ({"month": "2023-06", "unit": "火星镇"}, "unit"),
    ],
)
def test_api_warnings_refuse_bad_months_and_units(leader, params, field):
    response = session_client(leader).get(f"{API}/progress/warnings", params)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == [field]


def test_api_put_month_creates_then_edits_and_leaders_are_refused(town_editor, leader):
    project = ProjectFactory()
    path = f"/progress/projects/{project.code}/months/2023-06"
    first = put(
        session_client(town_editor), path, {"completed_wan": 1200.5, "physical_progress": "桩基"}
    )
    assert first.status_code == 200
    assert (first.json()["completed_wan"], first.json()["version"]) == (1200.5, 1)
    second = put(session_client(town_editor), path, {"completed_wan": "1300", "version": 1})
    assert (second.json()["completed_wan"], second.json()["version"]) == (1300, 2)
    assert MonthlyProgress.objects.count() == 1
    refused = put(session_client(leader), path, {"completed_wan": "1"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Leaders have read-only access."}


def test_api_put_month_negative_amount_is_422_naming_the_field(town_editor):
    project = ProjectFactory()
    response = put(
        session_client(town_editor),
        f"/progress/projects/{project.code}/months/2023-06",
        {"completed_wan": -5},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "field": "completed_wan",
                "message": "investment completed: an amount cannot be negative: -5",
            }
        ]
    }
    assert MonthlyProgress.objects.count() == 0


def test_api_unit_month_in_one_call(town_editor):
    a, b = ProjectFactory(), ProjectFactory()
    response = post(
        session_client(town_editor),
        "/progress/units/锦丰镇/months/2023-05",
        {"rows": {a.code: {"completed_wan": 10}, b.code: {"completed_ytd_wan": "20"}}},
    )
    assert (response.status_code, response.json()) == (
        200,
        {"created": 2, "updated": 0, "unchanged": 0},
    )
    other = ProjectFactory(unit_id=BAOSHUI)
    refused = post(
        session_client(town_editor),
        "/progress/units/保税区/months/2023-05",
        {"rows": {other.code: {"completed_wan": 10}}},
    )
    assert refused.status_code == 403


def test_api_plan_put_approve_and_rebaseline(bureau_editor):
    project = ProjectFactory()
    path = f"/progress/plans/{project.code}/2023"
    created = put(
        session_client(bureau_editor),
        path,
        {
            "planned_investment_wan": "1亿元",
            "planned_start": "2023-03",
            "planned_completion": "2023-12",
        },
    )
    assert created.status_code == 200
    assert (created.json()["planned_investment_wan"], created.json()["status"]) == (10000, "draft")
    approved = post(session_client(bureau_editor), f"{path}/approve", {})
    assert (approved.json()["status"], [b["number"] for b in approved.json()["baselines"]]) == (
        "approved",
        [1],
    )
    version = approved.json()["version"]
    no_reason = put(
        session_client(bureau_editor), path, {"planned_completion": "2024-02", "version": version}
    )
    assert no_reason.status_code == 422
    changed = put(
        session_client(bureau_editor),
        path,
        {"planned_completion": "2024-02", "reason": "顺延", "version": version},
    )
    assert [b["planned_completion"] for b in changed.json()["baselines"]] == [
        "2023-12-01",
        "2024-02-01",
    ]
    assert PlanBaseline.objects.count() == 2
    slipped = session_client(bureau_editor).get(f"{API}/progress/slippage", {"year": 2023})
    assert [(s["project_code"], s["completion_months"]) for s in slipped.json()] == [
        (project.code, 2)
    ]


def test_api_rates_shape(leader):
    project = ProjectFactory()
    PlanFactory(project=project, planned_investment_wan=Decimal("1000"))
    months(project, [100, 150])
    body = (
        session_client(leader)
        .get(f"{API}/progress/rates", {"month": "2023-02", "by": "unit"})
        .json()
    )
    assert (body["month"], body["elapsed_share"], body["total"]["completion_rate"]) == (
        "2023-02",
        2 / 12,
        0.25,
    )
    assert [r["label"] for r in body["rows"]] == ["锦丰镇"]


def test_api_problem_create_and_close(town_editor):
    ProblemFactory()  # makes the department
    project = ProjectFactory()
    created = post(
        session_client(town_editor),
        f"/progress/projects/{project.code}/problems",
        {
            "title": "用电",
            "department": "自然资源和规划局",
            "deadline": "2023-06-30",
            "raised_on": "2023-06-01",
        },
    )
    assert created.status_code == 201
    problem_id = created.json()["id"]
    refused = session_client(town_editor).patch(
        f"{API}/progress/problems/{problem_id}",
        {"status": "solved", "version": 1},
        content_type="application/json",
    )
    assert refused.status_code == 422
    closed = session_client(town_editor).patch(
        f"{API}/progress/problems/{problem_id}",
        {"status": "cannot_solve", "resolution": "需省级协调", "version": 1},
        content_type="application/json",
    )
    assert (closed.json()["status"], closed.json()["version"]) == ("cannot_solve", 2)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2023-13"}, "month"),
        ({"month": "2099-01"}, "month"),
        ({"month": "2023-06", "unit": "火星镇"}, "unit"),
    ],
)
def test_api_figures_refuse_bad_input_naming_the_field(leader, params, field):
    response = token_client(leader).get(f"{API}/progress/figures", params)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == [field]


def test_api_problems_count_days_overdue_to_the_day_asked(leader):
    ProblemFactory(project=ProjectFactory(code="A"), deadline=datetime.date(2023, 9, 20))
    client = token_client(leader)
    on_day = client.get(f"{API}/progress/problems", {"overdue": "true", "on": "2023-10-20"})
    assert [p["overdue_days"] for p in on_day.json()] == [30]
    before = client.get(f"{API}/progress/problems", {"overdue": "true", "on": "2023-09-20"})
    assert before.json() == []
