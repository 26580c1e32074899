"""The intel API and pages under hostile and careless input (#13, API fuzzing findings).

Each test names the reproduction of /work/briefs/fuzz_findings.md it covers.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api import API, session_client, token_client
from tests.factories import BAOSHUI, JINFENG, LEYU, YEJIN, ProjectFactory
from zhaoshang.api import api
from zhaoshang.core.models import Source
from zhaoshang.enterprises.models import Lead
from zhaoshang.intel.models import Article, Candidate, CandidateStatus
from zhaoshang.projects.models import BatchEvent, Project

pytestmark = pytest.mark.django_db


def post(client, path, data):
    return client.post(f"{API}{path}", data, content_type="application/json")


def make_article(n: int = 0) -> Article:
    source = Source.objects.create(title=f"测试新闻{n}")
    return Article.objects.create(
        title=f"测试新闻{n}", text=f"正文{n}", content_hash=f"{n:064d}", source=source
    )


def make_candidate(unit: str | None, *, kind: str = "project", n: int = 0) -> Candidate:
    """A pending candidate read from its own article, placed in `unit` (None: no township)."""
    return Candidate.objects.create(
        article=make_article(n),
        kind=kind,
        position=0,
        name=f"新闻候选项目{n}",
        unit_id=unit,
        event="signed",
        event_date="2024-03-01",
        evidence=f"新闻候选项目{n}签约",
    )


def ledger_counts() -> tuple[int, int, int, int]:
    return (
        Project.objects.count(),
        Lead.objects.count(),
        BatchEvent.objects.count(),
        Candidate.objects.exclude(status=CandidateStatus.PENDING).count(),
    )


# --------------------------------------------------------------------------- pages of lists


@pytest.mark.parametrize(
    "query",
    [
        "/intel/articles?page=45993037140564296&page_size=342",
        "/intel/candidates?page=45993037140564296",
        "/intel/articles?page=1000001",
    ],
)
def test_intel_list_page_beyond_the_bound_is_422(admin_user, query):
    """Fuzz finding "5xx": GET /intel/articles?page=45993037140564296&page_size=342 was a 500
    (an offset past what SQLite counts in); now 422 naming `page`, as the ledger API does."""
    response = token_client(admin_user).get(f"{API}{query}")
    assert (response.status_code, response.json()["detail"][0]["field"]) == (422, "page")


def test_intel_candidates_filter_by_an_article_id_beyond_any_row_is_422(admin_user):
    """Same family: `?article=` past a 64-bit id reached SQLite (OverflowError, a 500)."""
    response = token_client(admin_user).get(
        f"{API}/intel/candidates?article=99999999999999999999999"
    )
    assert (response.status_code, response.json()["detail"][0]["field"]) == (422, "article")


def test_intel_last_allowed_page_is_empty_not_an_error(admin_user):
    make_article()
    response = token_client(admin_user).get(f"{API}/intel/articles?page=1000000&page_size=500")
    assert (response.status_code, response.json()) == (200, [])


# --------------------------------------------------------------------------- accept as project


def test_accept_as_project_without_unit_is_422_and_writes_nothing(admin_user):
    """Fuzz finding "2xx that stores what projects.rules refuses": POST
    /intel/candidates/{pk}/accept {"accept_as": "project"} without "unit" was a 200 and a
    project with unit NULL; now 422 naming `unit`, nothing written."""
    candidate = make_candidate(None)
    before = ledger_counts()

    response = post(token_client(admin_user), f"/intel/candidates/{candidate.pk}/accept", {
        "accept_as": "project"
    })  # fmt: skip

    candidate.refresh_from_db()
    assert (
        response.status_code,
        [e["field"] for e in response.json()["detail"]],
        ledger_counts(),
        candidate.status,
    ) == (422, ["unit"], before, "pending")


def test_accept_as_project_takes_the_candidates_unit_when_none_is_sent(admin_user):
    candidate = make_candidate(LEYU)

    response = post(token_client(admin_user), f"/intel/candidates/{candidate.pk}/accept", {
        "accept_as": "project"
    })  # fmt: skip

    project = Project.objects.get(code=response.json()["project_code"])
    assert (response.status_code, project.unit_id, project.name) == (200, LEYU, "新闻候选项目0")


def test_accept_as_project_resolves_the_unit_through_the_ledgers_rules(admin_user):
    """The unit is resolved by the one name resolver (an alias, 保税区, as on the form)."""
    candidate = make_candidate(None)

    response = post(token_client(admin_user), f"/intel/candidates/{candidate.pk}/accept", {
        "accept_as": "project", "unit": "保税区"
    })  # fmt: skip

    project = Project.objects.get(code=response.json()["project_code"])
    assert (response.status_code, project.unit_id) == (200, BAOSHUI)


def test_accept_as_project_with_a_unit_the_rules_refuse_is_422_naming_the_value(admin_user):
    candidate = make_candidate(None)
    before = ledger_counts()

    response = post(token_client(admin_user), f"/intel/candidates/{candidate.pk}/accept", {
        "accept_as": "project", "unit": "火星镇"
    })  # fmt: skip

    (error,) = response.json()["detail"]
    assert (
        response.status_code,
        error["field"],
        "火星镇" in error["message"],
        ledger_counts(),
    ) == (
        422,
        "unit",
        True,
        before,
    )


# --------------------------------------------------------------------------- scope of decisions


@pytest.fixture
def town_editor_api(town_editor):
    """jinfeng: 锦丰镇 (320582103) with its 区镇合一 partner 冶金工业园 (320582406)."""
    return token_client(town_editor)


DECISIONS = {
    "reject": ("reject", {"reason": "不是本镇的"}),
    "lead": ("accept", {"accept_as": "lead"}),
    "project": ("accept", {"accept_as": "project"}),
    "merge": ("merge", {"fields": ["capacity"], "version": 1}),
}


@pytest.mark.parametrize("decision", DECISIONS)
@pytest.mark.parametrize("unit", [LEYU, BAOSHUI, None])
def test_town_editor_cannot_decide_a_candidate_outside_its_unit(town_editor_api, decision, unit):
    """Fuzz finding "2xx by a town editor outside the unit": jinfeng rejected candidate 5
    (乐余镇's) and accepted candidate 4 as a lead, both 200. Now 403 and nothing written;
    a candidate with no unit is the city's to decide."""
    candidate = make_candidate(unit)
    action, body = DECISIONS[decision]
    if decision == "merge":
        body = {**body, "project": ProjectFactory(unit_id=JINFENG).code}
    before = ledger_counts()

    response = post(town_editor_api, f"/intel/candidates/{candidate.pk}/{action}", body)

    candidate.refresh_from_db()
    assert (response.status_code, ledger_counts(), candidate.status) == (403, before, "pending")


def test_refusal_of_a_candidate_with_no_unit_says_the_city_decides_it(town_editor_api):
    candidate = make_candidate(None)
    response = post(town_editor_api, f"/intel/candidates/{candidate.pk}/reject", {})
    assert response.json() == {
        "detail": "This candidate names no township unit: the city's editors decide it."
    }


@pytest.mark.parametrize("unit", [JINFENG, YEJIN])
def test_town_editor_decides_its_own_units_candidates(town_editor_api, unit):
    """Its own unit and its 区镇合一 partner, as for ledger projects."""
    rejected = make_candidate(unit, n=1)
    accepted = make_candidate(unit, n=2)

    r1 = post(town_editor_api, f"/intel/candidates/{rejected.pk}/reject", {"reason": "重复"})
    r2 = post(town_editor_api, f"/intel/candidates/{accepted.pk}/accept", {"accept_as": "project"})

    assert (r1.status_code, r1.json()["status"], r2.status_code, r2.json()["status"]) == (
        200,
        "rejected",
        200,
        "accepted",
    )
    assert Project.objects.get(code=r2.json()["project_code"]).unit_id == unit


def test_town_editor_cannot_accept_its_candidate_into_another_units_ledger(town_editor_api):
    """The new project's unit is checked by the ledger's create path too."""
    candidate = make_candidate(JINFENG)
    before = ledger_counts()
    response = post(town_editor_api, f"/intel/candidates/{candidate.pk}/accept", {
        "accept_as": "project", "unit": LEYU
    })  # fmt: skip
    assert (response.status_code, ledger_counts()) == (403, before)


@pytest.mark.parametrize("role", ["admin_user", "bureau_editor"])
def test_city_side_decides_a_candidate_with_no_unit(request, role):
    candidate = make_candidate(None)
    client = token_client(request.getfixturevalue(role))
    response = post(client, f"/intel/candidates/{candidate.pk}/accept", {"accept_as": "lead"})
    assert (response.status_code, response.json()["status"]) == (200, "accepted")


def test_leader_is_refused_with_read_only(leader):
    candidate = make_candidate(JINFENG)
    response = post(token_client(leader), f"/intel/candidates/{candidate.pk}/reject", {})
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Leaders have read-only access.",
    )


def test_town_editor_reject_on_the_page_outside_its_unit_changes_nothing(town_editor):
    """The same rule on the news pages: the page's reject button posts to the service."""
    candidate = make_candidate(LEYU)
    client = session_client(town_editor)

    response = client.post(reverse("intel:reject", args=[candidate.pk]), {"note": "x"}, follow=True)

    candidate.refresh_from_db()
    assert (
        candidate.status,
        "Town editors may only decide candidates of their own unit." in response.content.decode(),
    ) == ("pending", True)


def test_article_page_marks_which_candidates_the_user_may_decide(town_editor):
    own = make_candidate(JINFENG, n=1)
    other = Candidate.objects.create(
        article=own.article, kind="project", position=1, name="乐余的项目", unit_id=LEYU
    )
    response = session_client(town_editor).get(reverse("intel:article", args=[own.article_id]))
    assert {c.pk: c.can_decide for c in response.context["projects"]} == {
        own.pk: True,
        other.pk: False,
    }
    # and the page shows decision buttons on its own unit's candidate only
    html = response.content.decode()
    assert reverse("intel:reject", args=[own.pk]) in html
    assert reverse("intel:reject", args=[other.pk]) not in html


# --------------------------------------------------------------------------- notes and fields


def test_decision_note_longer_than_its_column_is_refused_not_cut(admin_user):
    """A 301-character note was cut to 300 without a word; now 422 with both figures."""
    candidate = make_candidate(JINFENG)
    response = post(token_client(admin_user), f"/intel/candidates/{candidate.pk}/reject", {
        "reason": "长" * 301
    })  # fmt: skip
    candidate.refresh_from_db()
    assert (response.status_code, response.json()["detail"], candidate.status) == (
        422,
        [{"field": "reason", "message": "301 characters, longer than the limit of 300"}],
        "pending",
    )


def test_decision_note_with_a_control_character_is_refused(admin_user):
    candidate = make_candidate(JINFENG)
    response = post(token_client(admin_user), f"/intel/candidates/{candidate.pk}/accept", {
        "accept_as": "lead", "note": "好\x1b[31m"
    })  # fmt: skip
    (error,) = response.json()["detail"]
    assert (response.status_code, error["field"], "U+001B" in error["message"]) == (
        422,
        "note",
        True,
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/intel/candidates/{pk}/accept", {"accept_as": "lead", "owner": "x"}),
        ("/intel/candidates/{pk}/reject", {"why": "x"}),
        ("/intel/articles", {"text": "正文", "author": "x"}),
    ],
)
def test_unknown_fields_are_refused_not_ignored(admin_user, path, body):
    candidate = make_candidate(JINFENG)
    before = (ledger_counts(), Article.objects.count())
    response = post(token_client(admin_user), path.format(pk=candidate.pk), body)
    assert (response.status_code, before) == (422, (ledger_counts(), Article.objects.count()))


# --------------------------------------------------------------------------- merge: an update


@pytest.fixture
def merge_case(admin_user):
    candidate = make_candidate(JINFENG)
    candidate.capacity = "年产10GWh"
    candidate.save()
    project = ProjectFactory(unit_id=JINFENG, capacity="")
    return token_client(admin_user), candidate, project


def test_merge_without_version_is_428_and_writes_nothing(merge_case):
    """#13 item 7 (version required on every update): a merge updates a ledger project."""
    client, candidate, project = merge_case
    response = post(client, f"/intel/candidates/{candidate.pk}/merge", {
        "project": project.code, "fields": ["capacity"]
    })  # fmt: skip
    project.refresh_from_db()
    assert (response.status_code, project.capacity) == (428, "")


def test_merge_with_a_stale_version_is_409_with_the_current_one(merge_case):
    client, candidate, project = merge_case
    response = post(client, f"/intel/candidates/{candidate.pk}/merge", {
        "project": project.code, "fields": ["capacity"], "version": project.version - 1
    })  # fmt: skip
    project.refresh_from_db()
    assert (response.status_code, response.json()["current_version"], project.capacity) == (
        409,
        project.version,
        "",
    )


def test_merge_with_the_version_from_matches_lands(merge_case):
    client, candidate, project = merge_case
    matches = client.get(f"{API}/intel/candidates/{candidate.pk}/matches").json()
    version = next((m["version"] for m in matches if m["code"] == project.code), project.version)

    response = post(client, f"/intel/candidates/{candidate.pk}/merge", {
        "project": project.code, "fields": ["capacity"], "version": version
    })  # fmt: skip

    project.refresh_from_db()
    assert (response.status_code, response.json()["status"], project.capacity) == (
        200,
        "merged",
        "年产10GWh",
    )


# --------------------------------------------------------------------------- documented answers


def _operations(tag: str):
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            if tag in op.get("tags", []):
                yield path, method, op


def expected_statuses(op: dict, method: str) -> set[str]:
    """What an operation can answer besides success, from its parameters and method."""
    expected = {"401"}
    params = op.get("parameters", [])
    if "requestBody" in op:
        expected |= {"400", "422"}
    if any(p["in"] == "query" for p in params) or any(
        p["in"] == "path" and p["schema"].get("type") == "integer" for p in params
    ):
        expected.add("422")
    if any(p["in"] == "path" for p in params):
        expected.add("404")
    if method in ("post", "patch", "put", "delete"):
        expected.add("403")
    return expected


def check_documented(tag: str) -> list[str]:
    missing = []
    for path, method, op in _operations(tag):
        documented = {str(code) for code in op["responses"]}
        lacking = expected_statuses(op, method) - documented
        if lacking:
            missing.append(f"{method.upper()} {path}: {sorted(lacking)}")
    return missing


def test_every_intel_operation_documents_what_it_can_answer():
    """Fuzz finding "Schema does not match the app": 400 for a body that is not JSON and 422
    for a path or query value were answered but not documented."""
    assert check_documented("intel") == []


def test_a_body_that_is_not_json_is_a_documented_400(admin_user):
    candidate = make_candidate(JINFENG)
    response = token_client(admin_user).post(
        f"{API}/intel/candidates/{candidate.pk}/reject", b"\x00", content_type="application/json"
    )
    schema = api.get_openapi_schema()
    documented = schema["paths"]["/api/v1/intel/candidates/{pk}/reject"]["post"]["responses"]
    assert (response.status_code, 400 in documented or "400" in documented) == (400, True)


def test_a_path_id_that_is_not_a_number_is_a_documented_422(admin_user):
    response = token_client(admin_user).get(f"{API}/intel/articles/null")
    schema = api.get_openapi_schema()
    documented = schema["paths"]["/api/v1/intel/articles/{pk}"]["get"]["responses"]
    assert (response.status_code, 422 in documented or "422" in documented) == (422, True)
