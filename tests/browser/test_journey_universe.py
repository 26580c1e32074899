"""The outside universe in Chromium (#16): the development bureau (fgw) uploads a small
workbook of target firms, reads the dry run (new, refused, the chain nodes each would go on),
confirms it, and finds the outside firm, marked 外地 with its place, among a node's targets
next to local firms marked 本地. Screenshots universe-*."""

from __future__ import annotations

import re

FIRM = "（合成）深圳旅程储能电池有限公司"


def _workbook(path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("目标企业")
    sheet.write_row(
        0, 0, ["企业名称", "统一社会信用代码", "所在地", "行业代码", "经营范围", "企业规模"]
    )
    sheet.write_row(
        1, 0,
        [FIRM, "", "深圳市南山区", "3841",
         "一般项目：锂离子电池电芯制造；锂离子电池电芯销售；储能电池制造（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
         "大型"],
    )  # fmt: skip
    sheet.write_row(2, 0, ["（合成）火星示例有限公司", "", "火星市", "", "", ""])
    book.close()


def test_fgw_imports_target_firms_and_sees_them_ranked_as_outside(login, shoot, tmp_path):
    page = login("fgw", locale="zh-CN", viewport=(1440, 900))
    page.goto(page.base + "/enterprises/")
    page.get_by_role("link", name="导入招商目标企业").click()
    page.wait_for_url(re.compile(r"/enterprises/universe/$"))
    path = tmp_path / "targets.xlsx"
    _workbook(path)

    # a file with a bad row: the dry run names it and offers no confirmation
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="检查（试运行）").click()
    rows = page.locator("table.universe-rows tbody tr")
    assert rows.count() == 2
    assert "火星市" in rows.nth(1).inner_text() and "拒绝" in rows.nth(1).inner_text()
    assert page.locator("#universe-confirm").count() == 0
    shoot(page, "universe-refused")

    # the good row alone: new, placed on the battery nodes; confirm without choosing again
    import xlsxwriter

    good = tmp_path / "good.xlsx"
    book = xlsxwriter.Workbook(str(good))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["企业名称", "所在地", "行业代码", "经营范围", "企业规模"])
    sheet.write_row(
        1, 0, [FIRM, "深圳市南山区", "3841", "锂离子电池电芯制造；储能电池制造", "大型"]
    )
    book.close()
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="检查（试运行）").click()
    row = page.locator("table.universe-rows tbody tr").first
    assert "新增" in row.inner_text() and "深圳市南山区" in row.inner_text()
    assert "锂电池电芯" in row.inner_text()
    shoot(page, "universe-dry-run")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r"/enterprises/universe/\?done=1$"))
    assert "新增 1 家" in page.locator(".messages").inner_text()

    # the node's targets: the firm marked outside with its place, local firms marked local
    page.goto(page.base + "/chains/new-energy/nodes/cell/targets/")
    target = page.locator("table.targets tbody tr", has_text=FIRM)
    assert target.count() == 1
    assert "外地" in target.inner_text() and "深圳市南山区" in target.inner_text()
    assert page.locator("table.targets .locality-local").count() >= 1
    shoot(page, "universe-targets")
