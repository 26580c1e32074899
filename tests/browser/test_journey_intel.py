"""Journey: news review on /intel/, in Chinese and in English. The leader reads the seed
article, its candidates and amounts (at bureau precision, exact on hover) and has no decision
buttons; the bureau clerk (fgw) decides a candidate and reads the decision on the card."""

from __future__ import annotations

import re

import pytest

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


# One new article per language (the demo server is shared by the session): the clerk pastes
# it, opens its project candidate's review form, checks the values against their sentences,
# corrects the amount and saves into the ledger.
ADOPT = {
    "zh": ("港城新材料产业园项目", "50亿元", "52亿元", "52亿元"),
    "en": ("港城氢能装备产业园项目", "30亿元", "31亿元", "CNY 3.1 billion"),
}


@pytest.mark.parametrize("locale", LANGUAGES)
def test_clerk_adopts_a_candidate_through_the_review_form(login, shoot, locale):
    lang = LANGUAGES[locale]
    zh = lang == "zh"
    name, read, corrected, shown = ADOPT[lang]
    sentence = f"2023年3月15日，总投资{read}的{name}在锦丰镇签约，达产后预计年销售收入80亿元。"
    page = login("fgw", locale=locale)
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    page.goto(page.base + "/intel/new/")
    page.fill("textarea[name=text]", sentence + "\n另据报道，全市上半年外贸进出口总额超过200亿元。")
    page.fill("input[name=published_on]", "2023-03-20")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/intel/articles/\d+/$"))
    article_url = page.url

    # the candidate's card: the button opens the review form, it creates nothing
    card = page.locator("article.candidate").filter(
        has=page.locator("header strong", has_text=name)
    )
    card.locator("a[href$='/project/']").click()
    page.wait_for_url(re.compile(r"/intel/candidates/\d+/project/$"))
    assert page.locator("h1").inner_text() == (
        "审核后采纳为项目" if zh else "Review and accept as project"
    )

    # prefilled from the candidate, each value beside the sentence it was read from
    assert page.locator("#id_name").input_value() == name
    assert page.locator("#id_total_investment").input_value() == read
    assert page.locator("#id_expected_revenue").input_value() == "80亿元"
    assert page.locator("#id_unit").input_value() == "320582103"  # 锦丰镇
    assert page.locator("#id_stage").input_value() == "signed"
    assert page.locator("#id_stage_date").input_value() == "2023-03-15"
    field = page.locator(".adopt-field[data-field=total_investment]")
    note = field.locator(".source-note")
    assert note.locator("b").inner_text() == read
    assert note.locator("q").inner_text() == sentence
    assert note.locator(".role").inner_text() == ("总投资" if zh else "total investment")
    # hovering the field lights its words in the article; leaving it puts them out
    page.locator("#id_total_investment").hover()
    lit = page.locator(".article-text mark.lit")
    assert lit.all_inner_texts() == [read]
    page.locator("h1").hover()
    assert page.locator(".article-text mark.lit").count() == 0
    # focusing does the same (keyboard)
    page.locator("#id_name").focus()
    assert page.locator(".article-text mark.lit").all_inner_texts() == [name]
    # every amount of the candidate's sentence with the role the reading gave it
    roles = page.locator("table.adopt-amounts tbody tr td:nth-child(3)").all_inner_texts()
    assert roles == (["总投资", "年销售收入"] if zh else ["total investment", "yearly revenue"])

    # "put into" copies an amount as written into another amount field (then the clerk
    # thinks better of it and empties that field again)
    page.locator("table.adopt-amounts select.put-into").nth(1).select_option("expected_output")
    assert page.locator("#id_expected_output").input_value() == "80亿元"
    page.locator("#id_expected_output").fill("")

    # the clerk corrects the amount, then saves
    page.locator("#id_total_investment").fill(corrected)
    # the ledger's preview reads the correction as the save will
    page.locator("#id_total_investment-parsed", has_text=shown).wait_for()
    shoot(page, f"intel-adopt-{lang}")
    page.locator("form.adopt-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/projects/[^/]+/$"))

    # the project page: the corrected amount and the source article
    assert page.locator("h1").inner_text().startswith(name)
    row = page.locator("table.amounts tbody tr").filter(
        has=page.locator("th", has_text=re.compile("^(总投资|Total investment)$"))
    )
    assert row.locator("td").nth(0).inner_text() == corrected
    assert row.locator("td").nth(1).inner_text() == shown
    link = page.locator("a.source-article")
    assert link.count() == 1
    link.click()
    page.wait_for_url(article_url)
    decided = page.locator("article.candidate").filter(
        has=page.locator("header strong", has_text=name)
    )
    assert decided.locator("header .tag").all_inner_texts() == [("已采纳" if zh else "Accepted")]
    assert decided.locator("a[href*='/projects/']").inner_text().endswith(name)
    shoot(page, f"intel-adopted-{lang}")
    assert refused == []
