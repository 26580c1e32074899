"""#13 item 6: inputs that answered 500 (or were silently taken) now get a clear 4xx that
names the field and the value, and nothing is written. The cases every write path shares
are in tests/projects/test_parity.py; these are the API's own."""

from __future__ import annotations

import json

import pytest

from tests.api import API, session_client
from tests.factories import JINFENG, ProjectFactory
from tests.progress.factories import PlanFactory, ProblemFactory
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress, Problem
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


def _send(client, method: str, path: str, raw: str):
    return getattr(client, method)(f"{API}{path}", raw, content_type="application/json")


# --------------------------------------------------------------------------- lone surrogates


@pytest.mark.parametrize(
    ("method", "path", "raw", "where"),
    [
        ("post", "/projects", '{"name": "\\ud800", "unit": "锦丰镇"}', "name"),
        ("post", "/projects", '{"name": "X", "investors": ["甲", "\\udfff乙"]}', "investors[1]"),
        ("patch", "/projects/P-1", '{"name": "A\\ud800B", "version": 1}', "name"),
        ("post", "/projects", '{"\\ud800": 1}', "body"),
        ("put", "/progress/projects/P-1/months/2023-06", '{"physical_progress": "\\ud800"}',
         "physical_progress"),
        ("post", f"/progress/units/{JINFENG}/months/2023-06",
         '{"rows": {"P-1": {"problems_raised": "\\ud800"}}}', "rows.P-1.problems_raised"),
    ],
)  # fmt: skip
def test_a_lone_surrogate_in_any_json_string_is_400_naming_where(
    admin_user, method, path, raw, where
):
    """#13 item 6: a lone surrogate ``\\ud800`` in any JSON string answered 500."""
    ProjectFactory(code="P-1", name="原名")

    response = _send(session_client(admin_user), method, path, raw)

    assert response.status_code == 400
    char = "U+DFFF" if "udfff" in raw else "U+D800"
    assert response.json() == {
        "detail": f"The request body holds a lone surrogate ({char}) in “{where}”: it is "
        "valid JSON but not text; send the character itself or a surrogate pair"
    }
    assert list(Project.objects.values_list("name", flat=True)) == ["原名"]
    assert MonthlyProgress.objects.count() == 0


def test_a_surrogate_pair_is_text_and_is_kept(admin_user):
    response = _send(
        session_client(admin_user), "post", "/projects", '{"name": "\\ud840\\udc0b项目"}'
    )

    assert response.status_code == 201
    assert response.json()["name"] == "\U0002000b项目"


# --------------------------------------------------------------------------- pages


LISTS = ["/projects", "/quality", "/enterprises", "/progress/plans"]
NEEDS = {"/progress/plans": {"year": "2023"}}  # what else a list needs


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "99999999999999999999"}, "must be at most 1000000"),
        ({"page": "-1"}, "must be at least 1"),
        ({"page": "0"}, "must be at least 1"),
        ({"page": "abc"}, "“abc” is not a number"),
        ({"page_size": "99999999999999999999"}, "must be at most"),
    ],
)
def test_list_page_out_of_range_is_422_naming_the_parameter(leader, path, params, message):
    """#13 item 6: ``?page=99999999999999999999`` answered 500."""
    response = session_client(leader).get(f"{API}{path}", {**NEEDS.get(path, {}), **params})

    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["field"] == next(iter(params))
    assert message in detail["message"]


@pytest.mark.parametrize("path", LISTS)
def test_list_page_after_the_last_is_empty(leader, path):
    ProjectFactory()

    response = session_client(leader).get(
        f"{API}{path}", {**NEEDS.get(path, {}), "page": "1000000"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body if isinstance(body, list) else body["items"]) == []


# --------------------------------------------------------------------------- unknown fields


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("put", "/progress/plans/P-1/2023", {"planned_investment_wan": "1", "bogus": 1}, "bogus"),
        ("post", "/progress/plans/P-1/2022/approve", {"reason": "", "bogus": 1}, "bogus"),
        ("put", "/progress/projects/P-1/months/2023-06", {"completed_wan": 5, "bogus": 1},
         "bogus"),
        ("post", f"/progress/units/{JINFENG}/months/2023-06",
         {"rows": {"P-1": {"completed_wan": 5, "bogus": 1}}}, "rows.P-1.bogus"),
        ("post", f"/progress/units/{JINFENG}/months/2023-06",
         {"rows": {"P-1": {"completed_wan": 5}}, "bogus": 1}, "bogus"),
        ("post", "/progress/projects/P-1/problems",
         {"title": "用电", "department": "自然资源和规划局", "deadline": "2023-06-30", "bogus": 1},
         "bogus"),
        ("patch", "/progress/problems/{problem}", {"leader": "王", "version": 1, "bogus": 1},
         "bogus"),
    ],
)  # fmt: skip
def test_progress_writes_refuse_unknown_fields_naming_them(
    bureau_editor, method, path, body, field
):
    """#13 item 6: the progress API silently ignored unknown fields (the projects API
    refused them)."""
    project = ProjectFactory(code="P-1")
    PlanFactory(project=project, year=2022)
    problem = ProblemFactory(project=project)
    before = (AnnualPlan.objects.count(), MonthlyProgress.objects.count(), Problem.objects.count())

    response = _send(
        session_client(bureau_editor),
        method,
        path.format(problem=problem.pk),
        json.dumps(body, ensure_ascii=False),
    )

    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": field, "message": "unknown field “bogus”"}]}
    after = (AnnualPlan.objects.count(), MonthlyProgress.objects.count(), Problem.objects.count())
    assert after == before


# --------------------------------------------------------------------------- investors, dates


def test_a_240_character_investor_used_by_a_second_project_is_422_both_times(bureau_editor):
    """#13 item 6: a 240-character investor name was cut to 200 when registered, so the
    second project using it did not find it and answered 500 on the unique name."""
    client = session_client(bureau_editor)
    name = "长" * 240

    answers = [
        _send(
            client,
            "post",
            "/projects",
            json.dumps({"name": f"项目{i}", "unit": JINFENG, "investors": [name]}),
        )
        for i in (1, 2)
    ]

    assert [a.status_code for a in answers] == [422, 422]
    assert answers[1].json() == {
        "detail": [
            {
                "field": "investors",
                "message": f"an investor's name is longer than 200 characters: “{'长' * 50}…”",
            }
        ]
    }
    assert (Project.objects.count(), Enterprise.objects.count()) == (0, 0)


def test_a_200_character_investor_is_registered_whole_and_found_by_the_next_project(
    bureau_editor,
):
    client = session_client(bureau_editor)
    name = "长" * 200

    for i in (1, 2):
        response = _send(
            client,
            "post",
            "/projects",
            json.dumps({"name": f"项目{i}", "unit": JINFENG, "investors": [name]}),
        )
        assert response.status_code == 201

    assert list(Enterprise.objects.values_list("name", flat=True)) == [name]


@pytest.mark.parametrize(
    "investors",
    [["新公司甲", "新公司甲"], ["信義光能", "信义光能"]],
)
def test_duplicate_investors_in_one_patch_are_422(bureau_editor, investors):
    """#13 item 6: duplicate investor names in one request."""
    Enterprise.objects.create(name="信义光能")
    ProjectFactory(code="P-1")

    response = _send(
        session_client(bureau_editor),
        "patch",
        "/projects/P-1",
        json.dumps({"investors": investors, "version": 1}, ensure_ascii=False),
    )

    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["field"] == "investors"
    assert investors[1] in detail["message"]
    assert Project.objects.get(code="P-1").investors.count() == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/projects/P-1/stage", {"to": "started", "on": "0001-01-01"}, "on"),
        ("/projects/P-1/status", {"status": "on_track", "on": "9999-12-31"}, "on"),
    ],
)
def test_action_dates_out_of_range_are_422(bureau_editor, path, body, field):
    """#13 item 6: planned dates 0001-01-01 and 9999-12-31 were accepted by the API."""
    ProjectFactory(code="P-1", stage="signed")

    response = _send(session_client(bureau_editor), "post", path, json.dumps(body))

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": field,
            "message": f"{body['on']} is not a date of a project: give a date from "
            "1950-01-01 to 2100-12-31",
        }
    ]
    assert Project.objects.get(code="P-1").stage == "signed"


@pytest.mark.parametrize(
    "path",
    [
        "/progress/plans",
        "/progress/slippage",
        "/progress/projects/P-1/months",
        "/progress/lists",
    ],
)
@pytest.mark.parametrize("year", ["99999999999999999999", "1"])
def test_a_year_outside_2000_to_2100_is_422(leader, path, year):
    """A 20-digit year gave a month "99999999999999999999-01"; years are those of plans."""
    ProjectFactory(code="P-1")

    response = session_client(leader).get(f"{API}{path}", {"year": year})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "year"


def test_every_write_operation_documents_the_400_of_a_body_that_is_not_text():
    from zhaoshang.api import api

    schema = api.get_openapi_schema()
    writes = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("post", "put", "patch")
        and path.startswith(("/api/v1/projects", "/api/v1/progress"))
    ]
    assert len(writes) >= 10
    assert [(p, m) for p, m, op in writes if 400 not in op["responses"]] == []
