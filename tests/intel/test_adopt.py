"""Issue #15: "accept as project" opens the ledger's project form prefilled from the candidate,
each value beside its source span, and saves through the ledger's ordinary create path."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import PASSWORD, ProjectFactory
from zhaoshang.core.errors import InputError
from zhaoshang.core.models import ChangeLog
from zhaoshang.intel import services
from zhaoshang.intel.adoption import ledger_amount_text, proposal, sentence_at
from zhaoshang.intel.models import CandidateStatus
from zhaoshang.projects.models import Project, ProjectSource

pytestmark = pytest.mark.django_db

SENTENCE = (
    "1月31日，在张家港保税区，总投资306亿元的盛虹控股集团储能电池超级工厂项目签约，"
    "规划建设60GWh储能电池产能，投产后预计年营收超560亿元。"
)
TEXT = SENTENCE + "同日，张家港共有8个项目集中签约，总投资86.6亿元。"


@pytest.fixture
def article(bureau_editor):
    article, _created = services.add_article(
        user=bureau_editor, text=TEXT, source_url="https://example.org/a", published_on="2023-02-01"
    )
    return article


@pytest.fixture
def candidate(article):
    return article.candidates.get(kind="project")


@pytest.fixture
def web(client):
    def login(user):
        client.login(username=user.username, password=PASSWORD)
        return client

    return login


def _url(candidate) -> str:
    return reverse("intel:project", args=[candidate.pk])


def _form_data(response, **changes) -> dict:
    """What the browser would send back: the form's initial values, with `changes`."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None and getattr(field, "choices", None):
            value = field.choices[0][0]  # a browser sends the select's first option
        data[name] = "" if value is None else value
    data["is_foreign"] = "on" if data["is_foreign"] else ""
    data.update(changes)
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _nothing_written(candidate) -> tuple:
    candidate.refresh_from_db()
    return (Project.objects.count(), candidate.status, candidate.project_id)


def test_sentence_at_is_the_sentence_holding_the_span():
    text = "甲。乙项目总投资5亿元；丙\n丁"
    assert (
        text[slice(*sentence_at(text, 6, 9))],
        text[slice(*sentence_at(text, 0, 1))],
        text[slice(*sentence_at(text, 14, 15))],
    ) == ("乙项目总投资5亿元；", "甲。", "丁")


@pytest.mark.parametrize(
    ("name", "written", "value", "qualifier", "expected"),
    [
        ("total_investment", "306亿元", Decimal("3060000"), "exact", "306亿元"),
        ("total_investment", "超100亿元", Decimal("1000000"), "at_least", "超100亿元"),
        # the ledger keeps a foreign amount as written: the text, not a converted figure
        ("total_investment", "15亿美元", Decimal("1057005"), "exact", "15亿美元"),
        # what the ledger would read differently is proposed as the figure itself
        ("total_investment", "306亿元", Decimal("3050000"), "exact", "305亿元"),
        ("expected_revenue", "", Decimal("450000"), "approx", "约45亿元"),
        ("total_investment", "", None, "exact", ""),
    ],
)
def test_ledger_amount_text_proposes_what_the_ledger_reads_back(
    name, written, value, qualifier, expected
):
    assert ledger_amount_text(name, written, value, qualifier) == expected


def test_proposal_prefills_every_field_found_with_its_source_span(candidate):
    review = proposal(candidate)
    initial = {k: v for k, v in review.initial.items() if k != "reason"}
    cited = {k: [(s.text, s.sentence, s.role) for s in v] for k, v in review.sources.items()}
    assert initial == {
        "name": "盛虹控股集团储能电池超级工厂项目",
        "investors": "盛虹控股集团",
        "unit": "320582403",
        "stage": "signed",
        "stage_date": "2023-01-31",
        "capacity": "60GWh",
        "total_investment": "306亿元",
        "expected_revenue": "超560亿元",
    }
    assert cited == {
        "name": [("盛虹控股集团储能电池超级工厂项目", SENTENCE, "")],
        "investors": [("盛虹控股集团", SENTENCE, "")],
        "unit": [("保税区", SENTENCE, "")],
        "stage": [("", SENTENCE, "")],
        "capacity": [("60GWh", SENTENCE, "")],
        "total_investment": [("306亿元", SENTENCE, "total_investment")],
        "expected_revenue": [("超560亿元", SENTENCE, "annual_revenue")],
    }
    assert [(a["text"], a["role"], a["proposed_for"]) for a in review.amounts] == [
        ("306亿元", "total_investment", "total_investment"),
        ("超560亿元", "annual_revenue", "expected_revenue"),
    ]


def test_review_form_shows_the_values_beside_their_sentences_and_marks(
    web, bureau_editor, candidate
):
    response = web(bureau_editor).get(_url(candidate), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    form = response.context["form"]
    marks = json.loads(
        re.search(r'<script id="adopt-marks" type="application/json">(.*?)</script>', page).group(1)
    )
    mark = marks["total_investment"][0]
    assert (
        response.status_code,
        form["total_investment"].value(),
        form["name"].value(),
        form["investors"].value(),
        form["unit"].value(),
        form["stage"].value(),
        form["stage_date"].value(),
        re.search(rf'<mark class="src" id="{mark}" title="[^"]*">([^<]*)</mark>', page).group(1),
        'read as <span class="role">total investment</span> · “<b>306亿元</b>”' in page,
        sorted(marks),
    ) == (
        200,
        "306亿元",
        "盛虹控股集团储能电池超级工厂项目",
        "盛虹控股集团",
        "320582403",
        "signed",
        "2023-01-31",
        "306亿元",
        True,
        ["capacity", "expected_revenue", "investors", "name", "total_investment", "unit"],
    )
    # no inline script: the page's one script is a static file, its data a json_script
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))", page) == []
    assert "/static/intel/adopt.js" in page


def test_saving_the_corrected_form_creates_the_project_through_the_ledger(
    web, bureau_editor, candidate
):
    c = web(bureau_editor)
    form_page = c.get(_url(candidate))
    response = c.post(_url(candidate), _form_data(form_page, total_investment="140亿元"))

    project = Project.objects.get()
    candidate.refresh_from_db()
    log = ChangeLog.objects.get(
        content_type=ContentType.objects.get_for_model(Project),
        object_id=str(project.pk),
        action="create",
    )
    assert (
        response.status_code,
        response["Location"],
        project.name,
        project.total_investment_wan,
        project.total_investment_text,
        project.expected_revenue_wan,
        project.unit_id,
        project.stage,
        str(project.stage_dates.get(stage="signed").partial("actual")),
        list(project.investors.values_list("name", flat=True)),
        candidate.status,
        candidate.project_id,
        ProjectSource.objects.filter(project=project, source=candidate.article.source).exists(),
        log.reason,
    ) == (
        302,
        reverse("projects:detail", args=[project.code]),
        "盛虹控股集团储能电池超级工厂项目",
        Decimal("1400000"),
        "140亿元",
        Decimal("5600000"),
        "320582403",
        "signed",
        "2023-01-31",
        ["盛虹控股集团"],
        CandidateStatus.ACCEPTED,
        project.pk,
        True,
        f"从资讯采纳：{candidate.article.title}",
    )
    detail = c.get(response["Location"]).content.decode()
    assert f'href="{reverse("intel:article", args=[candidate.article_id])}"' in detail


def test_bad_input_shows_the_ledger_form_errors_and_writes_nothing(web, bureau_editor, candidate):
    c = web(bureau_editor)
    form_page = c.get(_url(candidate))
    response = c.post(
        _url(candidate),
        _form_data(form_page, total_investment="30", stage_date="2023-02-30"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    form = response.context["form"]
    assert (response.status_code, sorted(form.errors), _nothing_written(candidate)) == (
        200,
        ["stage_date", "total_investment"],
        (0, CandidateStatus.PENDING, None),
    )
    assert "has no unit" in form.errors["total_investment"][0]
    # what the clerk typed stays in the form
    assert form["total_investment"].value() == "30"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"unit": ""}, "unit", "Choose the township unit of the new project"),
        ({"unit": "3" * 21}, "unit", "3" * 21),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_a_unit_or_name_the_rules_refuse_is_said_and_nothing_written(
    web, bureau_editor, candidate, changes, field, message
):
    c = web(bureau_editor)
    data = _form_data(c.get(_url(candidate)), **changes)
    response = c.post(_url(candidate), data, HTTP_ACCEPT_LANGUAGE="en")
    errors = response.context["form"].errors
    assert (response.status_code, list(errors), message in errors[field][0]) == (
        200,
        [field],
        True,
    )
    assert _nothing_written(candidate) == (0, CandidateStatus.PENDING, None)


def test_a_name_already_in_the_ledger_is_refused_and_offered_for_merging(
    web, bureau_editor, candidate
):
    same = ProjectFactory(name="盛虹控股集团储能电池超级工厂项目", unit_id="320582403")
    c = web(bureau_editor)
    form_page = c.get(_url(candidate), HTTP_ACCEPT_LANGUAGE="en")
    merge_link = f"{reverse('intel:merge', args=[candidate.pk])}?project={same.code}"
    response = c.post(_url(candidate), _form_data(form_page), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        merge_link in form_page.content.decode(),
        response.status_code,
        response.context["form"].errors["name"][0],
        _nothing_written(candidate)[1:],
        Project.objects.count(),
    ) == (
        True,
        200,
        f"A project named “{same.name}” is already in the ledger ({same.code}): "
        "merge into it instead.",
        (CandidateStatus.PENDING, None),
        1,
    )


def test_adopting_twice_is_refused_with_the_project_named(web, bureau_editor, candidate):
    c = web(bureau_editor)
    form_page = c.get(_url(candidate))
    data = _form_data(form_page)
    c.post(_url(candidate), data)
    project = Project.objects.get()

    # the form again, from a second tab: refused before anything, the project named
    second = c.post(_url(candidate), data, HTTP_ACCEPT_LANGUAGE="en")
    again = c.get(_url(candidate), HTTP_ACCEPT_LANGUAGE="en")
    expected = (
        f"This candidate was already decided (Accepted): it is project {project.code}. "
        "Nothing was saved."
    )
    assert (
        second.status_code,
        second["Location"],
        _messages(second)[-1],
        again.status_code,
        Project.objects.count(),
    ) == (302, reverse("intel:article", args=[candidate.article_id]), expected, 302, 1)


def test_adopting_a_candidate_decided_meanwhile_is_refused_by_the_service(bureau_editor, candidate):
    """Two clerks with the form open: the second save finds the candidate locked and decided."""
    data = {"name": "另一个名字", "unit": "320582403"}
    services.adopt_candidate(user=bureau_editor, candidate=candidate, data=data)
    with pytest.raises(InputError) as refused:
        services.adopt_candidate(
            user=bureau_editor, candidate=candidate, data={**data, "name": "第三个名字"}
        )
    assert (list(refused.value.fields), Project.objects.count()) == (["status"], 1)


def test_leader_and_a_town_editor_of_another_unit_may_not_open_the_form(
    web, leader, town_editor, candidate
):
    assert web(leader).get(_url(candidate)).status_code == 403
    assert web(town_editor).get(_url(candidate)).status_code == 403
    assert web(town_editor).post(_url(candidate), {"name": "x"}).status_code == 403
    assert _nothing_written(candidate) == (0, CandidateStatus.PENDING, None)


def test_a_town_editor_adopts_its_own_units_candidate_in_its_unit_only(
    web, town_editor, bureau_editor
):
    article, _created = services.add_article(
        user=bureau_editor,
        text="2023年3月，总投资20亿元的锦丰镇新材料产业园项目开工。",
        published_on="2023-04-01",
    )
    candidate = article.candidates.get(kind="project")
    c = web(town_editor)
    form_page = c.get(_url(candidate))
    units = [code for code, _label in form_page.context["form"].fields["unit"].widget.choices]
    response = c.post(_url(candidate), _form_data(form_page))
    project = Project.objects.get()
    assert (form_page.status_code, units, response.status_code, project.unit_id) == (
        200,
        ["320582103", "320582406"],
        302,
        "320582103",
    )


def test_a_batch_candidate_has_no_project_form(web, bureau_editor, article):
    batch = article.candidates.get(kind="batch")
    assert web(bureau_editor).get(_url(batch)).status_code == 404


def test_the_article_page_links_to_the_review_form_instead_of_creating(
    web, bureau_editor, candidate
):
    page = web(bureau_editor).get(
        reverse("intel:article", args=[candidate.article_id]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert (
        f'href="{_url(candidate)}">Accept as project…</a>' in html,
        Project.objects.count(),
    ) == (
        True,
        0,
    )


def test_a_traditional_script_article_cites_its_own_words(web, bureau_editor):
    """Spans index the text as pasted: the form cites 306億元 and the name as written there,
    and proposes what the ledger reads (the same figure)."""
    article, _created = services.add_article(
        user=bureau_editor,
        text="1月31日，總投資306億元的盛虹控股集團儲能電池超級工廠項目簽約。",
        published_on="2023-02-01",
    )
    candidate = article.candidates.get(kind="project")
    review = proposal(candidate)
    response = web(bureau_editor).get(_url(candidate))
    assert (
        response.status_code,
        [s.text for s in review.sources["total_investment"]],
        [s.text for s in review.sources["name"]],
        review.initial["total_investment"] in ("306億元", "306亿元"),
    ) == (200, ["306億元"], ["盛虹控股集團儲能電池超級工廠項目"], True)
