"""Journey: 锦丰镇's clerk (jinfeng) imports the month from the town's own workbook, in Chinese.

The entry grid's projects still to report go into a workbook as a town keeps it (merged
title, 填报单位/单位：万元 line, a project named without its code, a blank row, 合计). A first
upload carrying another town's project is refused by row and column with nothing to
confirm; the corrected workbook's dry run lists each row as a new report and writes
nothing; the confirm writes, the entry grid shows the figures, and the month's
lights count the imported figures."""

from __future__ import annotations

import re
import sqlite3

import xlsxwriter

JINFENG = "320582103"


def _workbook(path, rows) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("月报")
    header = [
        "序号",
        "项目编号",
        "项目名称",
        "本月完成投资",
        "到位资金",
        "入统投资",
        "形象进度",
        "存在问题",
    ]
    sheet.merge_range(0, 0, 0, len(header) - 1, "锦丰镇重大项目月度推进情况表")
    sheet.merge_range(1, 0, 1, len(header) - 1, "填报单位：锦丰镇人民政府        单位：万元")
    sheet.write_row(2, 0, header)
    r = 3
    for row in rows:
        if row is not None:
            sheet.write_row(r, 0, row)
        r += 1
    sheet.write_row(r, 0, ["", "", "合计", sum(x[3] for x in rows if x)])
    book.close()


def _reports(db, codes, year, month):
    marks = ",".join("?" * len(codes))
    with sqlite3.connect(db) as con:
        return con.execute(
            "select p.code, r.completed_wan, r.physical_progress from progress_monthlyprogress r "
            f"join projects_project p on p.id = r.project_id where p.code in ({marks}) "
            "and r.year = ? and r.month = ? order by p.code",
            (*codes, year, month),
        ).fetchall()


def _completion_rate(page, month: str, code: str) -> float:
    """The year's completion rate the month's behind-elapsed light states for `code` (red
    and amber are listed by default, green on asking)."""
    for level in ("", "green"):
        page.goto(
            f"{page.base}/progress/warnings/?month={month}&unit={JINFENG}"
            f"&rule=behind_elapsed&level={level}"
        )
        row = page.locator("table tbody tr", has=page.locator("small.muted", has_text=code))
        if row.count():
            reason = row.first.locator("td").last.inner_text()
            return float(re.search(r"(\d+(?:\.\d+)?)%", reason).group(1))
    raise AssertionError(f"no behind-elapsed light for {code} in {month}")


def _check(page, month: str, path) -> None:
    page.goto(page.base + "/excel/monthly/")
    assert page.locator("select[name=unit] option[selected]").inner_text() == "锦丰镇"
    page.fill("input[name=month]", month)
    page.set_input_files("input[name=file]", str(path))
    page.click("form.monthly-upload button[type=submit]")
    page.wait_for_url(re.compile(r"/excel/monthly/[0-9a-f-]+/$"))


def _count(page, key: str) -> int:
    return int(page.locator(f"#monthly-counts td[data-count={key}]").inner_text())


def test_town_clerk_imports_the_month_from_the_towns_workbook(login, shoot, tmp_path):
    page = login("jinfeng", locale="zh-CN", viewport=(1440, 900))
    page.goto(page.base + "/progress/entry/?group=todo")
    title = page.locator("h1").inner_text()
    year, month = map(int, re.search(r"(\d{4})-(\d{2})", title).groups())
    label = f"{year}-{month:02d}"
    rows = page.locator("table.entry-grid tbody tr[data-group=todo]")
    assert rows.count() >= 2, "the demo leaves 锦丰镇 projects to report"
    picked = []
    for i in range(2):
        cell = rows.nth(i).locator("td").first
        picked.append(
            (
                cell.locator("small.muted").inner_text().split(" ")[0],
                cell.locator("a").first.inner_text(),
            )
        )
    (code1, name1), (code2, name2) = picked
    rate_before = _completion_rate(page, label, code1)
    # the entry page offers the import
    page.goto(page.base + "/progress/entry/?group=todo")
    assert page.locator("a.monthly-import-link").inner_text() == "从Excel工作簿导入本月数据"

    with sqlite3.connect(page.db) as con:
        other = con.execute(
            "select code from projects_project where unit_id not in ('320582103', '320582406') "
            "order by code limit 1"
        ).fetchone()[0]
    wrong = tmp_path / "锦丰镇月报-有误.xlsx"
    _workbook(
        wrong,
        [[1, code1, name1, 120, 100, 110, "主体施工", ""], [2, other, "", 5, 5, 5, "", ""]],
    )
    _check(page, label, wrong)
    assert (_count(page, "created"), _count(page, "refused")) == (1, 1)
    refused = page.locator("table.monthly-rows tr[data-action=refused]")
    assert refused.locator("td").first.inner_text() == "月报 · 5"
    assert f"第 B 列（项目编码），值“{other}”： 项目 {other} 不属于本镇区" in refused.inner_text()
    assert page.locator("form[action$='/confirm/']").count() == 0
    shoot(page, "monthly-import-refused-zh")

    good = tmp_path / "锦丰镇月报.xlsx"
    _workbook(
        good,
        [
            [1, code1, name1, 8000, 100, 110, "主体施工", "用电增容待批"],
            None,
            [2, "", name2, 35.5, 30, 30, "设备进场", ""],
        ],
    )
    _check(page, label, good)
    assert (_count(page, "created"), _count(page, "updated"), _count(page, "refused")) == (2, 0, 0)
    created = page.locator("table.monthly-rows tr[data-action=created]")
    assert created.count() == 2
    assert code2 in created.nth(1).inner_text()  # found by its name alone
    assert "本月完成投资: 8000" in created.nth(0).inner_text()
    assert "合计/小计行，不是项目" in page.locator("main").inner_text()
    assert _reports(page.db, [code1, code2], year, month) == []  # the dry run wrote nothing
    shoot(page, "monthly-import-dry-run-zh")

    page.click("form[action$='/confirm/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/excel/monthly/[0-9a-f-]+/$"))
    assert "已写入：新增报表 2 份，变更 0 份，未变 0 份。" in page.locator(".messages").inner_text()
    assert _reports(page.db, [code1, code2], year, month) == sorted(
        [(code1, 8000, "主体施工"), (code2, 35.5, "设备进场")]
    )
    shoot(page, "monthly-import-written-zh")

    page.click("text=在月度填报表中打开本月")
    page.wait_for_url(re.compile(r"/progress/entry/"))
    assert page.locator(f"input[name='{code1}__completed_wan']").input_value() == "8000"
    assert page.locator(f"input[name='{code2}__completed_wan']").input_value() == "35.5"
    assert page.locator(f"input[name='{code1}__problems_raised']").input_value() == "用电增容待批"
    shoot(page, "monthly-import-entry-grid-zh")

    # the month's lights count the imported figures: the year's completion rate went up
    assert _completion_rate(page, label, code1) > rate_before
    shoot(page, "monthly-import-warnings-zh")
