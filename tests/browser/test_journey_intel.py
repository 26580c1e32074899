"""Journey: news review on /intel/, in Chinese and in English. The leader reads the seed
article, its candidates and amounts (at bureau precision, exact on hover) and has no decision
buttons; the bureau clerk (fgw) decides a candidate and reads the decision on the card."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

LANGUAGES = {"zh-CN": "zh", "en-US": "en"}


def _open_seed_article(page) -> None:
    page.goto(page.base + "/intel/")
    page.locator("table tbody a[href*='/intel/articles/']").first.click()
    page.wait_for_url(re.compile(r"/intel/articles/\d+/$"))


@pytest.mark.parametrize("locale", LANGUAGES)
def test_leader_reads_an_article_its_candidates_and_amounts(login, shoot, locale):
    zh = LANGUAGES[locale] == "zh"
    page = login("leader", locale=locale)
    page.goto(page.base + "/intel/")
    assert page.locator("h1").inner_text() == ("资讯与公告" if zh else "News and notices")
    _open_seed_article(page)

    facts = page.locator("section.intel-facts")
    cards = facts.locator(
        "article.candidate.status-pending, article.candidate:not(.status-pending)"
    )
    n_projects = int(re.search(r"\d+", facts.locator("h2").first.inner_text()).group())
    assert n_projects >= 1
    assert cards.count() >= n_projects
    heading = facts.locator("h2").first.inner_text()
    assert heading == (f"{n_projects} 个项目" if zh else f"{n_projects} projects")

    # the article's 306亿元: 306.00亿元 in the table, the exact figure on hover
    row = (
        facts.locator("table.amounts tbody tr")
        .filter(has=page.locator("td:first-child", has_text=re.compile(r"^306亿元$")))
        .first
    )
    amount = row.locator(".amount")
    assert amount.inner_text() == ("306.00亿元" if zh else "CNY 30.60 billion")
    assert amount.get_attribute("title") == ("306亿元" if zh else "CNY 30.6 billion")
    assert row.locator("td").nth(2).inner_text() == ("总投资" if zh else "total investment")
    assert facts.locator("table.amounts thead th").all_inner_texts() == (
        ["原文", "金额", "用途"] if zh else ["As written", "Amount", "Role"]
    )
    # the leader reads only
    assert page.locator(".decide").count() == 0
    shoot(page, f"intel-article-{LANGUAGES[locale]}")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_clerk_decides_a_candidate(login, shoot, locale):
    zh = LANGUAGES[locale] == "zh"
    page = login("fgw", locale=locale)
    _open_seed_article(page)
    card = page.locator("article.candidate.status-pending").filter(has=page.locator(".decide"))
    assert card.count() >= 1
    card = card.first
    card_id = card.get_attribute("id")
    name = card.locator("header strong").inner_text()
    shoot(page, f"intel-review-{LANGUAGES[locale]}")
    if zh:
        card.locator("input[name=note]").fill("重复报道")
        card.locator("form[action$='/reject/'] button").click()
    else:
        card.locator("form[action$='/lead/'] button").click()
    page.wait_for_url(re.compile(r"/intel/articles/\d+/"))
    decided = page.locator(f"#{card_id}")
    assert decided.locator("header strong").inner_text() == name
    tags = decided.locator("header .tag").all_inner_texts()
    assert ("已驳回" if zh else "Accepted") in tags
    note = decided.locator("p.muted").inner_text()
    assert "fgw" in note
    if zh:
        assert "重复报道" in note
    else:
        assert "→ lead “" in note
    assert decided.locator(".decide").count() == 0
    shoot(page, f"intel-decided-{LANGUAGES[locale]}")
