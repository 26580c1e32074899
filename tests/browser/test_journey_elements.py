"""Journey: a bureau (发改委, the demo user fgw) opens its approvals and inputs due
(要素保障), closes an overdue one with its date, document number and the document, and sees
the item turn green and the month's 要素 warning count go down."""

from __future__ import annotations

import re

MONTH = "2023-12"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _rows(page, level: str) -> list[tuple[str, str]]:
    """(element id, project code) of the rows showing `level`."""
    rows = page.locator(f"#elements-table tbody tr[data-level={level}]")
    return [
        (rows.nth(k).get_attribute("id"), rows.nth(k).locator("small.muted").inner_text())
        for k in range(rows.count())
    ]


def _warnings(page) -> tuple[int, int]:
    red, amber = page.locator("#element-warnings").inner_text().split("/")
    return int(red), int(amber)


def test_a_bureau_closes_an_overdue_item(login, shoot):
    page = login("fgw", locale="zh-CN")
    # every department's red items: a project with one red item leaves the red list when
    # that item is closed
    page.goto(page.base + f"/dossier/elements/?month={MONTH}&department=all&level=red")
    everyone = [code for _id, code in _rows(page, "red")]
    page.goto(page.base + f"/dossier/elements/?month={MONTH}")
    assert page.locator("h1").inner_text() == f"要素保障 · {MONTH} · 发改委"
    ours = _rows(page, "red")
    assert ours, "the demo gives 发改委 overdue items"
    assert page.locator("#elements-table thead th").all_inner_texts() == [
        "预警灯", "项目", "审批事项", "责任部门", "计划日期", "办结日期", "标记取得",
    ]  # fmt: skip
    red_items = int(page.locator("#count-red").inner_text())
    assert red_items == len(ours)
    red_before, amber_before = _warnings(page)
    shoot(page, "elements-bureau-zh")

    row_id, code = next(((i, c) for i, c in ours if everyone.count(c) == 1), ours[0])
    alone = everyone.count(code) == 1
    row = page.locator(f"#{row_id}")
    row.locator("input[type=date]").fill("2023-12-20")
    row.locator("input[name$=reference]").fill("张发改能审〔2023〕88号")
    row.locator("input[type=file]").set_input_files(
        files=[{"name": "节能审查意见.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with page.expect_navigation(timeout=60_000):
        row.locator("button[type=submit]").click()
    assert re.search(r"/dossier/elements/\?month=2023-12$", page.url), page.inner_text("main")[
        :1500
    ]
    assert "已标记取得" in page.locator(".msg, .messages").first.inner_text()

    closed = page.locator(f"#{row_id}")
    assert closed.get_attribute("data-level") == "green"
    assert "2023-12-20" in closed.inner_text()
    assert int(page.locator("#count-red").inner_text()) == red_items - 1
    red_after, amber_after = _warnings(page)
    assert (red_after, amber_after) == ((red_before - 1) if alone else red_before, amber_before)
    shoot(page, "elements-closed-zh")

    # the month's warnings page counts the same
    page.goto(page.base + f"/progress/warnings/?month={MONTH}&rule=element_due&level=red")
    listed = page.locator("table:not(.rule-hits) tbody tr small.muted").all_inner_texts()
    assert len(listed) == red_after
    assert (code in listed) == (not alone)

    # the project's file shows the document and the number
    page.goto(page.base + f"/projects/{code}/#approvals")
    approvals = page.locator("#approvals-table").inner_text()
    assert "张发改能审〔2023〕88号" in approvals and "节能审查意见" in approvals


def test_the_leader_reads_the_bureau_view_without_forms(login):
    page = login("leader", locale="en-US")
    page.goto(page.base + f"/dossier/elements/?month={MONTH}&department=all")
    assert page.locator("h1").inner_text() == f"Approvals and inputs due · {MONTH}"
    assert page.locator("#elements-table tbody tr").count() > 0
    assert page.locator("form.element-close").count() == 0
