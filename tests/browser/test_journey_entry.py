"""The monthly entry as a town clerk works it, in Chromium: the grid opens on what is left to
report, a page of 20 rows at a time; figures typed on two pages are saved by one save (all or
nothing), and the confirmation stays in view. Another unit's month is a table to read."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser

KAIFAQU = "320582401"  # 经开区


def _shown_rows(page):
    return page.locator("table.entry-grid tbody tr[data-group]:visible")


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


def test_clerk_fills_two_pages_and_one_save_keeps_both_with_the_confirmation_in_view(login, shoot):
    page = login("jinfeng", locale="zh-CN", viewport=(1440, 900))
    page.goto(page.base + "/progress/entry/")
    title = page.locator("h1").inner_text()
    assert "锦丰镇" in title
    year, month = map(int, re.search(r"(\d{4})-(\d{2})", title).groups())
    groups = page.locator("#entry-groups")
    todo = int(groups.locator("a[data-group=todo] b").inner_text())
    everything = int(groups.locator("a[data-group=all] b").inner_text())
    assert everything > 20, "the demo's 锦丰镇 has more than a page of planned projects"
    # it opens on the projects still to report
    assert groups.locator("a[aria-current=true]").inner_text().startswith("待填报")
    assert _shown_rows(page).count() == min(todo, 20)
    # a town's month fits a few screens, not 17,000 px
    assert page.evaluate("document.documentElement.scrollHeight") < 3 * 900
    shoot(page, "entry-todo-zh")

    # all projects: 20 on the first page, the rest on the second
    groups.locator("a[data-group=all]").click()
    assert _shown_rows(page).count() == 20
    pager = page.locator("#entry-pager")
    assert f"第 1 页，共 {-(-everything // 20)} 页" in pager.inner_text()
    first = _shown_rows(page).first
    first_code = first.locator("small.muted").first.inner_text().split(" ")[0]
    first.locator("input[data-col='0']").fill("123")
    first.locator("input[data-col='1']").fill("100")
    first.locator("input[data-col='2']").fill("110")
    dirty = page.locator("#entry-dirty")
    assert dirty.inner_text() == "已改 3 处，尚未保存。"

    pager.locator("button", has_text="2").first.click()
    assert _shown_rows(page).count() == everything - 20
    last = _shown_rows(page).last
    last_code = last.locator("small.muted").first.inner_text().split(" ")[0]
    last.locator("input[data-col='3']").fill("主体结构封顶")
    assert dirty.inner_text() == "已改 4 处，尚未保存。"
    # back on page 1 the figures typed there are still there
    pager.locator("button", has_text="1").first.click()
    assert _shown_rows(page).first.locator("input[data-col='0']").input_value() == "123"

    page.locator("#entry-bar button[type=submit]").click()
    page.wait_for_load_state()
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
    assert _report(page.db, last_code, year, month)[3] == "主体结构封顶"


def test_another_towns_month_is_a_table_to_read(login, shoot):
    page = login("jinfeng", locale="en-US", viewport=(1440, 900))
    page.goto(page.base + f"/progress/entry/?unit={KAIFAQU}")
    assert "经开区" in page.locator("h1").inner_text()
    assert page.locator("table.entry-grid input").count() == 0
    assert page.locator("#entry-form").count() == 0
    assert page.get_by_role("button", name="Save the month").count() == 0
    note = page.locator("main .notice.readonly").inner_text()
    assert "read only" in note and "Town editors may only edit projects of their own unit." in note
    rows = page.locator("table.entry-grid tbody tr[data-group]")
    assert rows.count() > 0
    # the figures are there, as text
    first = rows.first.locator("td[data-label='Completed this month']").inner_text()
    assert "million" in first or first == "—"
    shoot(page, "entry-readonly-en")
