"""The monthly entry as a town clerk works it, in Chromium: the grid opens on what is left to
report, a page of 20 rows at a time; a save takes its page's rows (all or nothing), turning the
page with unsaved figures asks first, and the confirmation stays in view. Another unit's month
is a table to read."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal

KAIFAQU = "320582401"  # 经开区


def _rows(page):
    return page.locator("table.entry-grid tbody tr[data-group]")


def _report(db, code: str, year: int, month: int):
    with sqlite3.connect(db) as con:
        return con.execute(
            "select r.completed_wan, r.funds_in_place_wan, r.counted_wan, r.physical_progress "
            "from progress_monthlyprogress r join projects_project p on p.id = r.project_id "
            "where p.code = ? and r.year = ? and r.month = ?",
            (code, year, month),
        ).fetchone()


def _in_view(locator, height: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_clerk_fills_a_page_saves_it_and_the_next_with_the_confirmation_in_view(login, shoot):
    page = login("jinfeng", locale="zh-CN", viewport=(1440, 900))
    page.goto(page.base + "/progress/entry/")
    title = page.locator("h1").inner_text()
    assert "锦丰镇" in title
    year, month = map(int, re.search(r"(\d{4})-(\d{2})", title).groups())
    groups = page.locator("nav.entry-groups")
    todo = int(groups.locator("a", has_text="待填报").locator("b").inner_text())
    everything = int(groups.locator("a", has_text="全部").locator("b").inner_text())
    assert everything > 20, "the demo's 锦丰镇 has more than a page of planned projects"
    # it opens on the projects still to report, a page at a time
    assert groups.locator("a[aria-current=true]").inner_text().startswith("待填报")
    assert _rows(page).count() == min(todo, 20)
    # a town's month fits a few screens, not 17,000 px
    assert page.evaluate("document.documentElement.scrollHeight") < 3 * 900
    shoot(page, "entry-todo-zh")

    # all projects: 20 on the first page, the rest on the next
    groups.locator("a", has_text="全部").click()
    page.wait_for_url(re.compile(r"group=all"))
    assert _rows(page).count() == 20
    pager = page.locator("#entry-pager")
    assert f"第 1 页，共 {-(-everything // 20)} 页" in pager.inner_text()
    first = _rows(page).first
    first_code = first.locator("small.muted").first.inner_text().split(" ")[0]
    for col, value in (("0", "123"), ("1", "100"), ("2", "110")):
        field = first.locator(f"input[data-col='{col}']")
        field.click()
        field.press("Control+a")
        field.press_sequentially(value)
    dirty = page.locator("#entry-dirty")
    assert dirty.inner_text() == "3 个字段已修改，尚未保存。"

    # turning the page with unsaved figures asks first; staying keeps them
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    pager.get_by_role("link", name="2", exact=True).click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert "page=2" not in page.url
    assert first.locator("input[data-col='0']").input_value() == "123"

    page.locator("#entry-bar button[type=submit]").click()
    page.wait_for_url(re.compile(r"group=all"))
    status = page.locator("#entry-bar .msg.success")
    assert f"{year}-{month:02d}" in status.inner_text() and "锦丰镇" in status.inner_text()
    assert _in_view(status, 900)
    # it stays in view while the clerk scrolls the grid
    page.mouse.wheel(0, 700)
    page.wait_for_timeout(200)
    assert _in_view(status, 900)
    shoot(page, "entry-saved-zh")
    completed, funds, counted, _text = _report(page.db, first_code, year, month)
    assert (Decimal(str(completed)), Decimal(str(funds)), Decimal(str(counted))) == (
        Decimal("123"),
        Decimal("100"),
        Decimal("110"),
    )

    # the next page, saved on its own
    page.locator("#entry-pager").get_by_role("link", name="2", exact=True).click()
    page.wait_for_url(re.compile(r"page=2"))
    assert _rows(page).count() == everything - 20
    last = _rows(page).last
    last_code = last.locator("small.muted").first.inner_text().split(" ")[0]
    last.locator("input[data-col='3']").fill("主体结构封顶")
    page.locator("#entry-bar button[type=submit]").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert _in_view(page.locator("#entry-bar .msg.success"), 900)
    assert _report(page.db, last_code, year, month)[3] == "主体结构封顶"
    assert _report(page.db, first_code, year, month)[0] is not None


def test_another_towns_month_is_a_table_to_read(login, shoot):
    page = login("jinfeng", locale="en-US", viewport=(1440, 900))
    page.goto(page.base + f"/progress/entry/?unit={KAIFAQU}")
    assert "经开区" in page.locator("h1").inner_text()
    assert page.locator("table.entry-grid input").count() == 0
    assert page.locator("#entry-form").count() == 0
    assert page.get_by_role("button", name="Save the month").count() == 0
    note = page.locator("main .notice.readonly").inner_text()
    assert "read only" in note and "Town editors may only edit projects of their own unit." in note
    rows = _rows(page)
    assert rows.count() > 0
    # the figures are there, as text
    first = rows.first.locator("td[data-label='Completed this month']").inner_text()
    assert "million" in first or first == "—"
    shoot(page, "entry-readonly-en")
