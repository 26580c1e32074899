"""A prefecture-level demo (`zhaoshang demo --region 苏州市 --synthetic N`) in Chromium: the
city leader sees Suzhou's roll-up and the counties' 赛马, drills down city → county →
town and back up by the breadcrumb; 常熟市's staff see only 常熟市 on the cockpit and the
ledger. Screenshots: region-*."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _require_chromium, running_demo, signing_in

SUZHOU, ZJG, CHANGSHU, JINFENG = "3205", "320582", "320581", "320582103"
SYNTHETIC = 40  # generated projects per county: enough for every county to be ranked


@pytest.fixture(scope="module")
def region_server(tmp_path_factory):
    """`zhaoshang demo --region 苏州市` on its own data folder; (base URL, passwords, folder)."""
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("browser-region-demo")
    args = ("--region", "苏州市", "--synthetic", str(SYNTHETIC))
    with running_demo(data_dir, *args, within=600) as server:
        yield server


@pytest.fixture
def region_login(browser, region_server):
    """Pages signed in on the 苏州市 demo, in Chinese unless told."""
    with signing_in(
        browser, region_server, locale="zh-CN", viewport=(1366, 900), timeout=30_000
    ) as _login:
        yield _login


def _crumbs(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid=region-crumbs] li").all_inner_texts()]


def _ranked_units(page) -> list[str]:
    rows = page.locator("[data-testid=red-list] tbody tr[data-unit]")
    return [rows.nth(i).get_attribute("data-unit") for i in range(rows.count())]


def test_leader_sees_the_city_races_counties_and_drills_down(region_login, shoot):
    page = region_login("leader")
    # the city: its roll-up, the counties' 赛马
    assert _crumbs(page) == ["苏州市"]
    assert page.locator("[data-testid=scope-label]").inner_text() == "苏州市"
    assert "县级单位赛马" in page.locator("#rankings-title").inner_text()
    ranked = _ranked_units(page)
    assert ranked and all(len(code) == 6 and code.startswith(SUZHOU) for code in ranked)
    table = page.locator("[data-testid=table-unit] tbody th a")
    hrefs = [table.nth(i).get_attribute("href") for i in range(table.count())]
    assert len(hrefs) == 10  # Suzhou's ten counties and districts, each with projects
    assert all(re.search(r"unit=3205\d\d\b", h) for h in hrefs)
    shoot(page, "region-city-zh")

    # down to 张家港市: its township units race, the breadcrumb says where we are
    page.goto(page.base + f"/?unit={ZJG}")
    assert _crumbs(page) == ["苏州市", "张家港市"]
    assert "镇" in page.locator("#rankings-title").inner_text()
    assert all(code.startswith(ZJG) and len(code) == 9 for code in _ranked_units(page))

    # down to 锦丰镇 with the selector, then back up to the city by the breadcrumb
    page.select_option("[data-testid=unit-select]", JINFENG)
    expect(page.locator("[data-testid=scope-label]")).to_have_text("锦丰镇")
    assert _crumbs(page) == ["苏州市", "张家港市", "锦丰镇"]
    shoot(page, "region-town-zh")
    page.click(f"[data-testid=crumb-{SUZHOU}]")
    page.wait_for_url(re.compile(r"unit=all"))
    assert _crumbs(page) == ["苏州市"]


def test_county_staff_see_only_their_county(region_login, shoot):
    page = region_login("changshu")
    assert page.locator("[data-testid=scope-label]").inner_text() == "常熟市"
    assert _crumbs(page) == ["常熟市"]
    assert all(code.startswith(CHANGSHU) for code in _ranked_units(page))
    options = page.locator("[data-testid=unit-select] option")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert all(v == "all" or v.startswith(CHANGSHU) for v in values)
    shoot(page, "region-county-user-zh")

    # asking for another county keeps them in theirs and says why
    page.goto(page.base + f"/?unit={ZJG}")
    assert page.locator("[data-testid=scope-label]").inner_text() == "常熟市"
    assert "320582" in page.locator("[data-testid=cockpit-errors]").inner_text()

    # the ledger: exactly 常熟市's projects, as the database holds them
    page.goto(page.base + "/projects/")
    shown = sorted(t.strip() for t in page.locator("table tbody td.code").all_inner_texts())
    with sqlite3.connect(page.db) as c:
        truth = sorted(
            code
            for (code,) in c.execute(
                "SELECT code FROM projects_project WHERE unit_id LIKE ?", (CHANGSHU + "%",)
            )
        )
    assert len(truth) == SYNTHETIC
    assert shown == truth
    response = page.request.get(page.base + "/projects/320582-2023-0001/")
    assert response.status == 404
