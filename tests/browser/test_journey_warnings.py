"""Journeys: the month's warnings and the problems (问题督办), read as the leader, in Chinese
and in English. Figures are checked against the demo server's own database."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal

import pytest

from zhaoshang.progress.amounts import percent

LANGUAGES = {"zh-CN": "zh", "en-US": "en"}


def _number(text: str) -> int:
    return int(re.search(r"\d+", text).group())


@pytest.mark.parametrize("locale", LANGUAGES)
def test_leader_reads_the_months_warnings(login, shoot, locale):
    zh = LANGUAGES[locale] == "zh"
    page = login("leader", locale=locale)
    page.goto(page.base + "/progress/warnings/?month=2023-12")
    assert page.locator("h1").inner_text() == ("2023-12预警" if zh else "Warnings for 2023-12")
    red = _number(page.locator("[data-testid=red-projects]").inner_text())
    amber = _number(page.locator("[data-testid=amber-projects]").inner_text())
    green = _number(page.locator("[data-testid=green-projects]").inner_text())
    judged = page.locator(".warning-tally + p").inner_text()
    # every project judged has one light: the three cards add up to the sentence below them
    assert _number(judged) == red + amber + green
    assert ("个项目" in judged) if zh else ("projects judged" in judged)
    headers = page.locator("table:not(.rule-hits) thead th").all_inner_texts()
    assert headers == (
        ["预警灯", "项目", "镇（区）", "规则", "原因"]
        if zh
        else ["Light", "Project", "Township unit", "Rule", "Why"]
    )
    shoot(page, f"warnings-{LANGUAGES[locale]}")

    # the red card opens the red warnings only: as many projects as the card says
    page.click("[data-testid=red-projects]")
    page.wait_for_url(re.compile(r"level=red"))
    codes = set()
    while True:
        rows = page.locator("table:not(.rule-hits) tbody tr")
        for k in range(rows.count()):
            codes.add(rows.nth(k).locator("small.muted").first.inner_text())
        lights = page.locator("table:not(.rule-hits) tbody .light")
        assert all("red" in (c or "") for c in lights.evaluate_all("e => e.map(x => x.className)"))
        following = page.locator(".pager a").filter(has_text=re.compile("下一页|next"))
        if following.count() == 0:
            break
        following.first.click()
        page.wait_for_load_state()
    assert len(codes) == red


@pytest.mark.parametrize("locale", LANGUAGES)
def test_leader_reads_the_problems_and_one_problem(login, shoot, locale):
    zh = LANGUAGES[locale] == "zh"
    page = login("leader", locale=locale)
    with sqlite3.connect(page.db) as db:
        total, closed = db.execute(
            "SELECT count(*), sum(status IN ('solved', 'cannot_solve')) FROM progress_problem"
        ).fetchone()
    page.goto(page.base + "/progress/problems/")
    assert page.locator("h1").inner_text() == ("问题督办" if zh else "Problems (问题督办)")
    card = page.locator("[data-testid=closure-rate]").locator("xpath=..").inner_text()
    assert f"{closed} / {total}" in card
    assert ("问题办结率" in card) if zh else ("Problem closure rate" in card)
    assert page.locator("[data-testid=closure-rate]").inner_text() == percent(
        Decimal(closed) / Decimal(total)
    )
    shoot(page, f"problems-{LANGUAGES[locale]}")

    first = page.locator("table tbody a[href*='/progress/problems/']").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/progress/problems/\d+/$"))
    assert page.locator("h1").inner_text().startswith(title)
    labels = page.locator("form.form-grid label").all_inner_texts()
    assert labels[:3] == (
        ["问题", "描述", "责任部门"] if zh else ["Problem", "Description", "Responsible department"]
    )
    # the leader reads; no save button
    assert page.locator("form.form-grid button[type=submit]").count() == 0
    shoot(page, f"problems-one-{LANGUAGES[locale]}")
