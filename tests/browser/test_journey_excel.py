"""Journey: a bureau clerk (fgw) imports workbooks on /excel/, in Chinese and in English.

A workbook with mistakes (tests/data/excel/errors.xlsx) is checked: the dry run writes
nothing, its error table is headed as the import's problems (问题, not 问题督办, the
progress page's problems), and each message is in the page's language only. Then a one-row
workbook is checked and written, and the new project shows in the ledger at bureau
precision with the exact amount on hover."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import xlsxwriter

DATA = Path(__file__).resolve().parents[1] / "data" / "excel"
LANGUAGES = {"zh-CN": "zh", "en-US": "en"}
CJK = re.compile(r"[\u3400-\u9fff]")


def _check(page, path: Path) -> None:
    page.goto(page.base + "/excel/")
    page.set_input_files("input[name=file]", str(path))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(re.compile(r"/excel/import/[0-9a-f-]+/$"))
    page.locator("table.counts").wait_for(timeout=60_000)  # the check runs in the background


def _counts(page) -> dict[str, int]:
    cells = page.locator("table.counts td").all_inner_texts()
    return dict(
        zip(("created", "updated", "unchanged", "errors", "skipped"), map(int, cells), strict=True)
    )


@pytest.mark.parametrize("locale", LANGUAGES)
def test_clerk_checks_a_workbook_with_mistakes_and_reads_the_problems(login, shoot, locale):
    zh = LANGUAGES[locale] == "zh"
    page = login("fgw", locale=locale)
    with sqlite3.connect(page.db) as db:
        before = db.execute("SELECT count(*) FROM projects_project").fetchone()[0]
    _check(page, DATA / "errors.xlsx")
    counts = _counts(page)
    assert counts["errors"] == 5  # 很多钱, 2023-02-30, 火星镇, no name, 飞天
    heading = page.locator("table.problems").locator("xpath=../preceding-sibling::h2[1]")
    assert heading.inner_text() == ("问题" if zh else "Problems")
    assert page.locator("table.problems thead th").all_inner_texts() == (
        ["工作表", "行", "字段", "读到的值", "问题"]
        if zh
        else ["Sheet", "Row", "Field", "Value found", "Problem"]
    )
    rows = {
        r.locator("td").nth(3).inner_text(): r.locator("td").nth(4).inner_text()
        for r in page.locator("table.problems tbody tr").all()
    }
    amount = rows["很多钱"]
    assert "很多钱" in amount
    if zh:
        assert "无法识别" in amount and not re.search("[A-Za-z]", amount), amount
    else:
        assert "Unrecognised amount" in amount and CJK.sub("", amount.replace("很多钱", "")) == (
            amount.replace("很多钱", "")
        ), amount
    assert "火星镇" in rows["火星镇"]
    # nothing can be written while a row has a problem, and nothing was
    assert page.locator("form[action$='/commit/'] button").count() == 0
    with sqlite3.connect(page.db) as db:
        assert db.execute("SELECT count(*) FROM projects_project").fetchone()[0] == before
    shoot(page, f"excel-problems-{LANGUAGES[locale]}")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_clerk_writes_a_checked_workbook(login, shoot, locale, tmp_path):
    zh = LANGUAGES[locale] == "zh"
    name = f"浏览器导入测试项目（{LANGUAGES[locale]}）"
    path = tmp_path / "one.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_row("A1", ["序号", "项目名称", "所在镇区", "总投资（万元）", "项目阶段"])
    sheet.write_row("A2", [1, name, "锦丰镇", 31914.158, "签约"])
    book.close()

    page = login("fgw", locale=locale)
    _check(page, path)
    counts = _counts(page)
    assert (counts["created"], counts["updated"], counts["errors"]) == (1, 0, 0)
    assert page.locator("table.problems").count() == 0
    shoot(page, f"excel-dry-run-{LANGUAGES[locale]}")
    button = page.locator("form[action$='/commit/'] button")
    assert button.inner_text() == (
        "写入 1 个新项目和 0 个变更" if zh else "Write 1 new and 0 changed projects"
    )
    button.click()
    page.locator(".msg.success").wait_for(timeout=60_000)
    written = page.locator(".msg.success").inner_text()
    assert ("已写入" in written) if zh else written.startswith("Written: 1 new projects")
    shoot(page, f"excel-written-{LANGUAGES[locale]}")

    page.goto(page.base + "/projects/?q=" + name)
    row = page.locator("table tbody tr").filter(has_text=name)
    assert row.count() == 1
    amount = row.locator(".amount")
    # 31914.158万元: 3.19亿元 at bureau precision, every digit on hover
    assert amount.inner_text() == ("3.19亿元" if zh else "CNY 319.14 million")
    assert amount.get_attribute("title") == ("3.1914158亿元" if zh else "CNY 319.14158 million")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_clerk_typing_a_bare_amount_is_asked_which_unit(login, shoot, locale):
    """The project form beside the import: "30" gets no tick but the question 万元 or 亿元,
    and a click on a reading writes it into the field, which is then read with its unit."""
    zh = LANGUAGES[locale] == "zh"
    page = login("fgw", locale=locale)
    page.goto(page.base + "/projects/new/")
    page.fill("#id_total_investment", "30")
    parsed = page.locator("#id_total_investment-parsed")
    parsed.locator(".parse-ask").wait_for()
    assert parsed.locator(".parse-ok").count() == 0
    assert (
        parsed.locator(".parse-ask")
        .inner_text()
        .startswith(
            "30 — 万元还是亿元？请写明单位：" if zh else "30 — which unit? Please write it:"
        )
    )
    choices = parsed.locator("button.amount-choice")
    assert choices.all_inner_texts() == (
        ["30万元", "30亿元"] if zh else ["CNY 300,000", "CNY 3 billion"]
    )
    shoot(page, f"excel-bare-amount-{LANGUAGES[locale]}")
    choices.nth(1).click()
    assert page.input_value("#id_total_investment") == ("30亿元" if zh else "CNY 3 billion")
    parsed.locator(".parse-ok").wait_for()
    assert "300000" in parsed.inner_text()
