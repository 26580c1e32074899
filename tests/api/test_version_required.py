"""#13 item 7, lost updates: `version` is required on every update.

The reproduction: 204 concurrent increments through PATCH without a version lost 110 of
them. Now an update without the version it was based on is refused (428 Precondition
Required in the API, a form error on a page) and nothing is written; with versions, each
save either lands or gets 409, so the final value is the number of saves that landed.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.api import API, session_client
from tests.factories import JINFENG, ProjectFactory
from tests.progress.factories import PlanFactory, ProblemFactory, ReportFactory
from zhaoshang.core.models import ApiToken
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress, Problem
from zhaoshang.projects.models import Project

MISSING = (
    "version is required: send the “version” of the %s you loaded, so that a change "
    "someone else saved in the meantime is not overwritten"
)


def _send(client, method: str, path: str, body: dict):
    return getattr(client, method)(
        f"{API}{path}", json.dumps(body), content_type="application/json"
    )


# --------------------------------------------------------------------------- API: 428


@pytest.mark.django_db
def test_api_project_patch_without_version_is_428_and_writes_nothing(bureau_editor):
    """#13 item 7: `version` was optional on API PATCH."""
    ProjectFactory(code="P-1", name="原名")

    response = _send(session_client(bureau_editor), "patch", "/projects/P-1", {"name": "新名"})

    assert (response.status_code, response.json()) == (428, {"detail": MISSING % "project"})
    assert Project.objects.get(code="P-1").name == "原名"


@pytest.mark.django_db
def test_api_project_patch_with_null_version_is_428(bureau_editor):
    ProjectFactory(code="P-1", name="原名")

    response = _send(
        session_client(bureau_editor), "patch", "/projects/P-1", {"name": "新名", "version": None}
    )

    assert response.status_code == 428
    assert Project.objects.get(code="P-1").name == "原名"


@pytest.mark.django_db
def test_api_project_patch_by_a_leader_is_403_before_any_version_question(leader):
    ProjectFactory(code="P-1")

    response = _send(session_client(leader), "patch", "/projects/P-1", {"name": "新名"})

    assert response.status_code == 403


@pytest.mark.django_db
def test_api_plan_put_needs_the_version_of_an_existing_plan_only(bureau_editor):
    """Creating a plan has nothing to overwrite; changing one does."""
    project = ProjectFactory()
    client = session_client(bureau_editor)
    path = f"/progress/plans/{project.code}/2023"

    created = _send(client, "put", path, {"planned_investment_wan": "100"})
    missing = _send(client, "put", path, {"planned_investment_wan": "200"})
    landed = _send(client, "put", path, {"planned_investment_wan": "300", "version": 1})

    assert (created.status_code, missing.status_code, landed.status_code) == (200, 428, 200)
    assert missing.json() == {"detail": MISSING % "plan"}
    assert AnnualPlan.objects.get().planned_investment_wan == 300


@pytest.mark.django_db
def test_api_month_put_needs_the_version_of_an_existing_report(town_editor):
    project = ProjectFactory()
    ReportFactory(project=project, month=6)
    path = f"/progress/projects/{project.code}/months/2023-06"

    response = _send(session_client(town_editor), "put", path, {"completed_wan": "7"})

    assert (response.status_code, response.json()) == (428, {"detail": MISSING % "monthly report"})
    assert MonthlyProgress.objects.get().completed_wan == 1000


@pytest.mark.django_db
def test_api_unit_month_names_each_row_without_a_version_and_writes_nothing(town_editor):
    reported, fresh = ProjectFactory(name="有月报项目"), ProjectFactory(name="新项目")
    ReportFactory(project=reported, month=6)

    response = _send(
        session_client(town_editor),
        "post",
        f"/progress/units/{JINFENG}/months/2023-06",
        {"rows": {reported.code: {"completed_wan": "7"}, fresh.code: {"completed_wan": "5"}}},
    )

    assert response.status_code == 428
    assert response.json() == {
        "detail": f"row 1 (有月报项目): {MISSING % 'monthly report'}",
    }
    assert list(MonthlyProgress.objects.values_list("project__name", "completed_wan")) == [
        ("有月报项目", 1000)
    ]


@pytest.mark.django_db
def test_api_problem_patch_without_version_is_428(town_editor):
    problem = ProblemFactory()

    response = _send(
        session_client(town_editor), "patch", f"/progress/problems/{problem.pk}", {"leader": "王"}
    )

    assert (response.status_code, response.json()) == (428, {"detail": MISSING % "problem"})
    assert Problem.objects.get().leader == problem.leader


@pytest.mark.django_db
def test_openapi_says_version_is_required_and_lists_428():
    """The requirement is visible in /api/v1/docs (the OpenAPI document behind it)."""
    from zhaoshang.api import api

    schema = api.get_openapi_schema()
    updates = [
        ("/api/v1/projects/{code}", "patch"),
        ("/api/v1/progress/plans/{code}/{year}", "put"),
        ("/api/v1/progress/projects/{code}/months/{month}", "put"),
        ("/api/v1/progress/units/{unit}/months/{month}", "post"),
        ("/api/v1/progress/problems/{problem_id}", "patch"),
    ]
    for path, method in updates:
        operation = schema["paths"][path][method]
        assert 428 in operation["responses"], path
        assert "version" in operation["description"], path
    described = json.dumps(schema["components"]["schemas"], ensure_ascii=False)
    assert described.count("Missing: 428 Precondition Required") >= 4


# --------------------------------------------------------------------------- pages


@pytest.mark.django_db
def test_project_edit_form_without_version_is_an_error_and_writes_nothing(client, bureau_editor):
    """#13 item 7: the web form saved without a version."""
    project = ProjectFactory(name="原名", unit_id=JINFENG)
    client.force_login(bureau_editor)

    response = client.post(
        reverse("projects:edit", args=[project.code]),
        {"name": "新名", "unit": JINFENG, "nature": "new"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [MISSING % "project"]
    assert Project.objects.get(pk=project.pk).name == "原名"


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["", "abc"])
def test_project_edit_form_with_a_blank_or_garbled_version_says_so_above_the_form(
    client, bureau_editor, version
):
    project = ProjectFactory(name="原名", unit_id=JINFENG)
    client.force_login(bureau_editor)

    response = client.post(
        reverse("projects:edit", args=[project.code]),
        {"name": "新名", "unit": JINFENG, "nature": "new", "version": version},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.context["form"].errors == {"__all__": [MISSING % "project"]}
    assert MISSING % "project" in response.content.decode()
    assert Project.objects.get(pk=project.pk).name == "原名"


@pytest.mark.django_db
def test_problem_page_without_version_is_an_error(client, town_editor):
    problem = ProblemFactory()
    client.force_login(town_editor)

    response = client.post(
        reverse("progress:problem", args=[problem.pk]),
        {"leader": "新领导"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert MISSING % "problem" in response.content.decode()
    assert Problem.objects.get().leader == problem.leader


@pytest.mark.django_db
def test_plan_page_without_version_is_an_error(client, bureau_editor):
    plan = PlanFactory()
    client.force_login(bureau_editor)

    response = client.post(
        reverse("progress:plan", args=[plan.project.code, plan.year]),
        {"planned_investment_wan": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert MISSING % "plan" in response.content.decode()
    assert AnnualPlan.objects.get().planned_investment_wan == plan.planned_investment_wan


def _grid(rows: dict) -> dict:
    data = {}
    for code, row in rows.items():
        for key, value in row.items():
            data[f"{code}__{key}"] = value
    return data


@pytest.mark.django_db
def test_entry_grid_row_without_version_is_refused_by_name(client, town_editor):
    project = ProjectFactory(name="有月报项目")
    PlanFactory(project=project)
    ReportFactory(project=project, month=6)
    client.force_login(town_editor)

    response = client.post(
        f"{reverse('progress:entry')}?unit={JINFENG}&month=2023-06",
        _grid({project.code: {"completed_wan": "7"}}),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert f"row 1 (有月报项目): {MISSING % 'monthly report'}" in response.content.decode()
    assert MonthlyProgress.objects.get().completed_wan == 1000


@pytest.mark.django_db
def test_entry_grid_row_reported_by_someone_else_since_the_page_opened_is_refused(
    client, town_editor
):
    """The grid sends an empty version for a row that had no report when it was opened;
    if someone reported that month since, the row is refused by name, not overwritten."""
    project = ProjectFactory(name="刚被填报")
    PlanFactory(project=project)
    ReportFactory(project=project, month=6)
    client.force_login(town_editor)

    response = client.post(
        f"{reverse('progress:entry')}?unit={JINFENG}&month=2023-06",
        _grid({project.code: {"completed_wan": "7", "version": ""}}),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert (
        "row 1 (刚被填报): someone else reported this month after you opened the page "
        "(now version 1); reload to see their figures"
    ) in response.content.decode()
    assert MonthlyProgress.objects.get().completed_wan == 1000


@pytest.mark.django_db
def test_entry_grid_stale_row_is_named_and_nothing_of_the_save_is_written(client, town_editor):
    """The grid saves many rows at once: one stale row refuses the whole save (the user
    sees which row someone else changed, and no half-saved month)."""
    stale, fresh = ProjectFactory(name="别人改过"), ProjectFactory(name="无人改过")
    for project in (stale, fresh):
        PlanFactory(project=project)
    ReportFactory(project=stale, month=6)
    MonthlyProgress.objects.filter(project=stale).update(version=3)
    client.force_login(town_editor)

    response = client.post(
        f"{reverse('progress:entry')}?unit={JINFENG}&month=2023-06",
        _grid(
            {
                stale.code: {"completed_wan": "7", "version": "2"},
                fresh.code: {"completed_wan": "5", "version": ""},
            },
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert "(别人改过): someone else changed this report after you opened it" in (
        response.content.decode()
    )
    assert list(MonthlyProgress.objects.values_list("project__name", "completed_wan")) == [
        ("别人改过", 1000)
    ]


# --------------------------------------------------------------------------- the race


INCREMENTS = 204
WORKERS = 12  # INCREMENTS is a multiple of it: every round has all its readers


def _race(user, *, with_version: bool) -> list[int]:
    """Read-then-write increments from WORKERS threads at a time: in each round every
    thread reads the project, waits until all have read, then writes what it read plus
    one (the lost-update pattern of two clerks editing the same row).

    The test database is SQLite's shared in-memory one, which locks per table without
    waiting, so the requests themselves take turns (`turn`); the race under test is
    between one request's read and another's write, which the barrier forces in every
    round (with file SQLite or PostgreSQL the same happens without taking turns)."""
    _token, key = ApiToken.issue(user, name="race")
    read_all = threading.Barrier(WORKERS)
    turn = threading.Lock()

    def increment() -> int:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
        try:
            with turn:
                body = client.get(f"{API}/projects/P-1").json()
            read_all.wait(timeout=60)
            change = {"expected_jobs": body["expected_jobs"] + 1}
            if with_version:
                change["version"] = body["version"]
            with turn:
                return _send(client, "patch", "/projects/P-1", change).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(increment) for _ in range(INCREMENTS)]
        return [f.result() for f in futures]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_increments_without_version_are_refused_and_with_version_none_is_lost(
    bureau_editor,
):
    """#13 item 7: 204 concurrent increments without version lost 110 of them. Now every
    one is refused (428) and the value is untouched; with versions no save is lost: each
    lands (200) or is told it is stale (409), and the final value is exactly the number
    that landed. (One test: a transactional test restores the reference tables after it,
    which costs seconds.)"""
    ProjectFactory(code="P-1", expected_jobs=0)

    without = _race(bureau_editor, with_version=False)

    assert without == [428] * INCREMENTS
    assert Project.objects.get(code="P-1").expected_jobs == 0

    statuses = _race(bureau_editor, with_version=True)

    assert set(statuses) <= {200, 409}, statuses
    landed = statuses.count(200)
    assert landed == INCREMENTS // WORKERS  # one save per round of readers lands
    project = Project.objects.get(code="P-1")
    assert (project.expected_jobs, project.version) == (landed, 1 + landed)
