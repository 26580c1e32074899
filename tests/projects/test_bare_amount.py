"""A bare number typed into an amount ("30") is asked about, never saved as 30万元 with a tick;
amount messages read in the page's language only (issue #14, "Numbers" and "Words")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import JINFENG
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db

PREVIEW = reverse("projects:parse_amount")


def _client(client, user, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "question", "choices"),
    [
        ("zh-hans", None, ("30万元", "30亿元")),
        ("en", "30 — which unit? Please write it:", ("CNY 300,000", "CNY 3 billion")),
    ],
)
def test_preview_asks_about_a_bare_number(client, admin_user, language, question, choices):
    page = _client(client, admin_user, language).get(
        PREVIEW, {"field": "total_investment", "total_investment": "30"}
    )
    html = page.content.decode()
    assert "parse-ok" not in html  # no tick
    if question:
        assert question in html
    for choice in choices:
        assert f'data-amount-choice="{choice}"' in html
        assert f">{choice}</button>" in html
    assert 'data-for="id_total_investment"' in html
    assert "projects/amount.js" in html


def test_preview_of_an_amount_with_its_unit_is_read_as_before(client, admin_user):
    page = _client(client, admin_user, "en").get(
        PREVIEW, {"field": "total_investment", "total_investment": "30亿元"}
    )
    html = page.content.decode()
    assert "parse-ok" in html and "CNY 3 billion" in html and "300000" in html


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("zh-hans", "无法识别的金额：“abc”", "Unrecognised"),
        ("en", 'Unrecognised amount: "abc"', "无法识别"),
    ],
)
def test_preview_error_in_one_language(client, admin_user, language, shown, hidden):
    html = (
        _client(client, admin_user, language)
        .get(PREVIEW, {"field": "total_investment", "total_investment": "abc"})
        .content.decode()
    )
    assert shown in html.replace("&quot;", '"') and hidden not in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Total investment “30” has no unit: CNY 300,000 or CNY 3 billion? Write the unit."),
    ],
)
def test_form_refuses_a_bare_number_naming_field_and_value(client, admin_user, language, message):
    response = _client(client, admin_user, language).post(
        reverse("projects:create"),
        {
            "name": "裸数字项目",
            "unit": JINFENG,
            "nature": "new",
            "stage": "lead",
            "total_investment": "30",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Project.objects.filter(name="裸数字项目").exists()

    response = client.post(
        reverse("projects:create"),
        {
            "name": "裸数字项目",
            "unit": JINFENG,
            "nature": "new",
            "stage": "lead",
            "total_investment": "30亿元",
        },
    )
    assert response.status_code == 302
    assert Project.objects.get(name="裸数字项目").total_investment_wan == 300000
