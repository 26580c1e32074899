"""#13 item 7 on the news pages: the merge page wrote into a project without looking at its
version, and a decision whose note or unit the form refused was taken with an empty one."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import PASSWORD, ProjectFactory
from zhaoshang.intel import services
from zhaoshang.intel.models import CandidateStatus
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import Project, ProjectSource

pytestmark = pytest.mark.django_db

TEXT = (
    "1月31日，在张家港保税区，总投资306亿元的盛虹控股集团储能电池超级工厂项目签约，"
    "规划建设60GWh储能电池产能，投产后预计年营收超560亿元。"
    "同日，张家港共有8个项目集中签约，总投资86.6亿元。"
)


@pytest.fixture
def article(bureau_editor):
    article, _created = services.add_article(
        user=bureau_editor, text=TEXT, source_url="https://example.org/a", published_on="2023-02-01"
    )
    return article


@pytest.fixture
def web(client, bureau_editor):
    client.login(username=bureau_editor.username, password=PASSWORD)
    return client


@pytest.fixture
def merge(article):
    """The merge page of the article's project candidate, compared with a ledger project."""
    candidate = article.candidates.get(kind="project")
    project = ProjectFactory(
        name="盛虹储能电池超级工厂", total_investment_wan=Decimal("1400000"), unit_id="320582403"
    )
    url = reverse("intel:merge", args=[candidate.pk])
    return candidate, project, url


def _texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _unchanged(candidate, project) -> tuple:
    candidate.refresh_from_db()
    stored = Project.objects.get(pk=project.pk)
    return (
        candidate.status,
        stored.total_investment_wan,
        stored.version,
        ProjectSource.objects.filter(project=project).exists(),
    )


def test_merge_page_carries_the_project_version_and_merges_with_it(web, merge):
    candidate, project, url = merge
    page = web.get(url, {"project": project.code}).content.decode()
    version = re.search(r'<input type="hidden" name="version" value="(\d+)">', page)

    response = web.post(
        url,
        {"project": project.code, "version": version.group(1), "fields": ["total_investment"]},
    )

    candidate.refresh_from_db()
    assert (version.group(1), response.status_code, candidate.status) == ("1", 302, "merged")
    assert Project.objects.get(pk=project.pk).total_investment_wan == Decimal("3060000")


def test_merge_into_a_project_saved_since_is_refused_and_writes_nothing(web, merge, bureau_editor):
    """Reproduction of #13 item 7: the web merge overwrote a project someone saved after
    the differences were shown."""
    candidate, project, url = merge
    project_services.update_project(
        user=bureau_editor, project=project, data={"capacity": "别人改的"}
    )

    response = web.post(
        url,
        {"project": project.code, "version": "1", "fields": ["total_investment"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert _texts(response) == [
        "This project was changed by someone else after you opened it (your version 1, now 2)."
        " Reload to see their change."
    ]
    assert _unchanged(candidate, project) == (
        CandidateStatus.PENDING,
        Decimal("1400000"),
        2,
        False,
    )
    # the page shown again carries the version now stored, so a second try can succeed
    assert '<input type="hidden" name="version" value="2">' in response.content.decode()


def test_merge_with_nothing_to_take_into_a_project_saved_since_is_refused_too(
    web, merge, bureau_editor
):
    """A merge that takes no field still records the source and decides the candidate:
    against a stale version it was accepted (only merges with fields checked it)."""
    candidate, project, url = merge
    project_services.update_project(
        user=bureau_editor, project=project, data={"capacity": "别人改的"}
    )

    response = web.post(url, {"project": project.code, "version": "1"})

    assert response.status_code == 200
    assert _unchanged(candidate, project) == (
        CandidateStatus.PENDING,
        Decimal("1400000"),
        2,
        False,
    )


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_merge_without_a_version_is_refused_and_writes_nothing(web, merge, version):
    """Reproduction of #13 item 7: the web merge needed no version at all."""
    candidate, project, url = merge
    data = {"project": project.code, "fields": ["total_investment"]}
    if version is not None:
        data["version"] = version

    response = web.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    messages_shown = _texts(response)
    assert len(messages_shown) == 1
    assert messages_shown[0] in (
        "version is required: send the “version” of the project you loaded, so that a "
        "change someone else saved in the meantime is not overwritten",
        "“abc” is not a version number",
    )
    assert _unchanged(candidate, project) == (
        CandidateStatus.PENDING,
        Decimal("1400000"),
        1,
        False,
    )


def test_merge_by_a_leader_is_refused_before_the_version(client, leader, merge):
    candidate, project, url = merge
    client.login(username=leader.username, password=PASSWORD)

    response = client.post(url, {"project": project.code, "fields": ["total_investment"]})

    assert response.status_code == 200
    assert not any("version" in text for text in _texts(response))
    assert _unchanged(candidate, project)[:3] == (CandidateStatus.PENDING, Decimal("1400000"), 1)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("lead", {"note": "备" * 301}),
        ("reject", {"note": "备" * 301}),
        ("batch", {"note": "备" * 301}),
        # "project" is the review form now: its refusals are in tests/intel/test_adopt.py
    ],
)
def test_a_decision_the_form_refuses_is_not_taken(web, article, name, data):
    """Reproduction of #13 ("no path overwrites silently"): a note or unit the decision
    form refused was silently dropped and the decision taken without it."""
    kind = "batch" if name == "batch" else "project"
    candidate = article.candidates.get(kind=kind)

    response = web.post(
        reverse(f"intel:{name}", args=[candidate.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )

    candidate.refresh_from_db()
    shown = _texts(response)
    assert (response.status_code, candidate.status, len(shown)) == (
        302,
        CandidateStatus.PENDING,
        1,
    )
    assert shown[0].startswith("Note: " if "note" in data else "Township unit: ")
    assert "at most" in shown[0]


def test_a_valid_decision_keeps_its_note(web, article):
    candidate = article.candidates.get(kind="project")

    web.post(reverse("intel:reject", args=[candidate.pk]), {"note": "重复报道"})

    candidate.refresh_from_db()
    assert (candidate.status, candidate.decision_note) == (CandidateStatus.REJECTED, "重复报道")
