"""The ledger as people use it all day, in Chromium: filtering (the header stays in view,
examples do not look like filters), editing a project as a town editor (a unit picker of
its own units, a confirmation at the top after saving), and a leader's menu and import
pages (nothing it may not do)."""

from __future__ import annotations

import re
import sqlite3

import pytest

JINFENG = "320582103"
YEJIN = "320582406"


def _count(page) -> int:
    text = page.locator("#ledger-summary strong").first.inner_text()
    return int(re.search(r"\d+", text).group(0))


def _stage_count(db, stage: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute(
            "select count(*) from projects_project where stage = ?", (stage,)
        ).fetchone()[0]


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("zh-CN", {"title": "项目台账", "stage": "开工", "example": "例如：10亿"}),
        ("en-US", {"title": "Project ledger", "stage": "Started", "example": "e.g. 10亿"}),
    ],
)
def test_leader_filters_the_ledger_and_the_header_stays_in_view(login, shoot, locale, words):
    page = login("leader", locale=locale, viewport=(1440, 900))
    page.goto(page.base + "/projects/")
    assert page.locator("h1").inner_text() == words["title"]
    everything = _count(page)
    # the examples in empty boxes read as examples: lighter, italic, "e.g."
    amount = page.locator("input[name=amount_min]")
    assert amount.get_attribute("placeholder") == words["example"]
    style = amount.evaluate("el => getComputedStyle(el, '::placeholder').fontStyle")
    assert style == "italic"

    page.select_option("#ledger-filters select[name=stage]", label=words["stage"])
    page.click("#ledger-filters button[type=submit]")
    page.wait_for_url(re.compile(r"stage=started"))
    started = _stage_count(page.db, "started")
    assert _count(page) == started < everything
    stages = page.locator("table.ledger tbody td[data-label]").filter(
        has_text=re.compile(f"^{words['stage']}$")
    )
    assert stages.count() == min(started, 50)

    # scrolled far down, the column names are still at the top of the window
    page.mouse.wheel(0, 1800)
    page.wait_for_timeout(200)
    top = page.locator("table.ledger thead th").first.bounding_box()["y"]
    assert 0 <= top < 5
    shoot(page, f"ledger-filtered-{locale[:2]}")


def test_town_editor_edits_a_project_with_the_unit_picker_and_sees_the_confirmation(login, shoot):
    page = login("jinfeng", locale="en-US", viewport=(1440, 900))
    with sqlite3.connect(page.db) as con:
        code, name = con.execute(
            "select code, name from projects_project where unit_id = ? order by code limit 1",
            (JINFENG,),
        ).fetchone()
    page.goto(page.base + f"/projects/{code}/edit/")
    picker = page.locator("select#id_unit")
    # its own unit and the park it is one administration with; nothing to type, no "none"
    assert picker.locator("option").all_inner_texts() == ["锦丰镇", "冶金工业园"]
    assert picker.input_value() == JINFENG
    assert (
        "Town editors create and edit projects of their own unit."
        in page.locator(".field", has=picker).inner_text()
    )

    page.select_option("select#id_unit", YEJIN)
    page.fill("#id_capacity", "年产5万吨")
    shoot(page, "ledger-edit-en")
    page.click("button:has-text('Save changes')")
    page.wait_for_url(re.compile(rf"/projects/{re.escape(code)}/$"))
    message = page.locator("main .messages .msg.success")
    assert message.inner_text() == (f"Saved {code} “{name}”; changed: Township unit, Capacity.")
    box = message.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 900  # in view without scrolling
    with sqlite3.connect(page.db) as con:
        assert con.execute(
            "select unit_id, capacity from projects_project where code = ?", (code,)
        ).fetchone() == (YEJIN, "年产5万吨")
    shoot(page, "ledger-saved-en")


@pytest.mark.parametrize(
    ("locale", "menu", "readonly"),
    [
        ("zh-CN", "项目台账", "领导账号仅有查看权限。"),
        ("en-US", "Ledger", "Leaders have read-only access."),
    ],
)
def test_leader_menu_and_import_pages_offer_nothing_it_may_not_do(
    login, shoot, locale, menu, readonly
):
    page = login("leader", locale=locale, viewport=(1440, 900))
    page.goto(page.base + "/projects/")
    nav = page.locator("#main-nav")
    assert menu in nav.inner_text()
    assert nav.locator("a[href='/excel/']").count() == 0
    assert nav.locator("a[href^='/api/']").count() == 0
    assert "Excel" not in nav.inner_text() and "API" not in nav.inner_text()
    # no create button on the ledger
    assert page.locator("main a[href='/projects/new/']").count() == 0
    # the indicator import: the reason, not a form
    page.goto(page.base + "/indicators/import/")
    assert page.locator("main input[type=file]").count() == 0
    assert readonly in page.locator("main .notice.readonly").inner_text()
    shoot(page, f"ledger-leader-import-{locale[:2]}")
