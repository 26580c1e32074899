"""What people do in the workspace, clicked through in Chromium, asserting what the page shows."""

from __future__ import annotations

import datetime
import re
import sqlite3
from decimal import Decimal

import pytest

from zhaoshang.lib.money import format_wan_rounded

JINFENG = "320582103"
BAOSHUI = "320582403"


def _cockpit_number(page, testid: str) -> int:
    return int(page.locator(f"[data-testid={testid}]").inner_text().strip())


def _filter_cockpit(page, **values) -> None:
    """Change cockpit filters the way a person does; htmx swaps the figures and the URL."""
    for name, value in values.items():
        with page.expect_response(re.compile(r"/\?")):
            page.select_option(f"form.cockpit-filters select[name={name}]", value)
    page.wait_for_function(
        "() => !document.querySelector('#cockpit-body').classList.contains('htmx-request')"
    )


def test_town_editor_creates_advances_and_finds_project_in_cockpit(login):
    page = login("jinfeng")
    year = str(datetime.date.today().year)
    page.goto(page.base + f"/?unit={JINFENG}&year={year}")
    started_before = _cockpit_number(page, "batch-started-year-n")
    total_before = _cockpit_number(page, "total-n")

    page.goto(page.base + "/projects/new/")
    page.fill("#id_name", "锦丰浏览器测试新材料项目")
    page.fill("#id_industry", "3841")
    page.select_option("#id_stage", "signed")
    page.fill("#id_stage_date", "2024-03-01")
    page.fill("#id_total_investment", "超100亿元")
    parsed = page.locator("#id_total_investment-parsed")
    parsed.locator(".parse-ok").wait_for()
    assert "over CNY 10 billion" in parsed.inner_text()
    assert "1000000" in parsed.inner_text()
    page.click("button:has-text('Create project')")
    page.wait_for_url(re.compile(r"/projects/320582-\d{4}-\d{4}/$"))
    assert page.locator("h1").inner_text() == "锦丰浏览器测试新材料项目"
    # the record's amount table reads the amount as recorded (exact); figures elsewhere round
    assert page.locator("table.amounts").get_by_text("over CNY 10 billion").count() == 1

    page.select_option("#stage-form select[name=to]", "started")
    page.fill("#stage-form input[name=on]", datetime.date.today().isoformat())
    page.click("#stage-form button[type=submit]")
    page.wait_for_url(re.compile(r"#lifecycle$"))
    assert page.locator(".stage-badge").inner_text() == "Started"
    assert "jinfeng" in page.locator("ol.timeline li.current").inner_text()

    page.goto(page.base + f"/?unit={JINFENG}&year={year}")
    assert _cockpit_number(page, "batch-started-year-n") == started_before + 1
    assert _cockpit_number(page, "total-n") == total_before + 1
    assert "锦丰浏览器测试新材料项目" in page.locator("#top20").inner_text()


def test_town_editor_cannot_edit_another_towns_project(login):
    page = login("jinfeng")
    page.goto(page.base + "/projects/320582-2023-0005/")  # 大族激光, 保税区
    assert (
        "Town editors may only edit projects of their own unit."
        in page.locator(".notice.readonly").inner_text()
    )
    assert page.locator("a:has-text('Edit')").count() == 0
    assert page.locator("#stage-form").count() == 0
    response = page.goto(page.base + "/projects/320582-2023-0005/edit/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Not allowed"
    assert (
        "Town editors may only edit projects of their own unit."
        in page.locator(".reason").inner_text()
    )


def _truth(db, unit: str, year: int) -> dict:
    """The right figures, read from the server's database with plain SQL."""
    with sqlite3.connect(db) as c:
        amounts = [
            Decimal(str(v))
            for (v,) in c.execute(
                "SELECT total_investment_wan FROM projects_project WHERE unit_id = ? "
                "AND total_investment_wan IS NOT NULL AND (parent_id IS NULL OR parent_id NOT IN "
                "(SELECT id FROM projects_project WHERE unit_id = ?))",
                (unit, unit),
            )
        ]
        n = c.execute(
            "SELECT count(*) FROM projects_project WHERE unit_id = ?", (unit,)
        ).fetchone()[0]
        signed = c.execute(
            "SELECT count(*) FROM projects_stagedate s JOIN projects_project p ON p.id = s.project_id "
            "WHERE p.unit_id = ? AND s.stage = 'signed' AND s.actual_on BETWEEN ? AND ?",
            (unit, f"{year}-01-01", f"{year}-12-31"),
        ).fetchone()[0]
    return {
        "n": n,
        "total": format_wan_rounded(sum(amounts, Decimal(0)), lang="en"),
        "signed": signed,
    }


def test_leader_filters_cockpit_by_unit_and_year(login):
    page = login("leader")
    page.goto(page.base + "/")
    city_total = _cockpit_number(page, "total-n")
    _filter_cockpit(page, unit=BAOSHUI, month="2023-12")
    assert f"unit={BAOSHUI}" in page.url and "month=2023-12" in page.url
    truth = _truth(page.db, BAOSHUI, 2023)
    assert _cockpit_number(page, "total-n") == truth["n"]
    assert truth["n"] < city_total
    assert page.locator("[data-testid=total-amount]").inner_text() == truth["total"]
    # 四个一批: signed from January to December 2023
    assert _cockpit_number(page, "batch-signed-year-n") == truth["signed"]
    assert "大族激光华东区域总部基地项目" in page.locator("#top20").inner_text()
    # the URL is the view: opening it again shows the same figures
    page.goto(page.url)
    assert _cockpit_number(page, "total-n") == truth["n"]
    # the unit chart can be read as a table
    page.click("[data-toggle-table=unit]")
    table = page.locator("#table-unit")
    assert table.is_visible()
    assert "保税区" in table.inner_text()


def test_leader_downloads_a_chart_as_png(login):
    page = login("leader")
    page.wait_for_function("() => document.body.classList.contains('charts-drawn')")
    with page.expect_download() as download:
        page.click("[data-png=unit]")
    assert download.value.suggested_filename == "cockpit-unit.png"


@pytest.mark.parametrize("q", ["采埃孚", "ZF"])
def test_bureau_editor_finds_projects_by_investor_alias(login, q):
    page = login("fgw")
    page.goto(page.base + "/projects/")
    page.fill("input[name=q]", q)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"q="))
    names = sorted(page.locator("table.ledger tbody tr td:nth-child(2) > a").all_inner_texts())
    assert names == ["采埃孚底盘零部件系统及后轮主动转向系统项目", "采埃孚新能源汽车核心零部件项目"]
    assert "2 projects" in page.locator("#ledger-summary").inner_text()


def test_language_switch_changes_the_page_and_back(login):
    page = login("leader", locale="zh-CN")
    page.goto(page.base + "/projects/")
    assert page.locator("h1").inner_text() == "项目台账"
    page.click("form.lang button[value=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Project ledger"
    assert page.url.endswith("/projects/")
    page.click("form.lang button[value=zh-hans]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "项目台账"


def test_cockpit_fits_a_phone(login):
    page = login("leader", viewport=(390, 844))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    assert page.locator("[data-testid=rate-completion]").is_visible()
