"""The cockpit and the 大屏 as a city leader and a town editor read them, in Chromium on
the demo: the four rates (the same figures the API gives), the four batches (the ledger's
stage dates), the lights, a drill-down click landing on the ledger with the right count,
a town editor landing on its own town, the phone, and /screen/ on one 1920×1080 screen.
Screenshots: cockpit-*, screen-*."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal

import pytest

from zhaoshang.progress.amounts import percent

MONTH = "2023-12"  # the demo's latest reported month: the cockpit opens on it
JINFENG = "320582103"


def _pct(share) -> str:
    return percent(None if share is None else Decimal(str(share)))


def _api(page, unit: str | None = None) -> dict:
    query = f"?month={MONTH}" + (f"&unit={unit}" if unit else "")
    response = page.request.get(page.base + "/api/v1/progress/figures" + query)
    assert response.ok
    return response.json()


def _text(page, testid: str) -> str:
    return page.locator(f"[data-testid={testid}]").first.inner_text().strip()


def _batches_truth(db, month: str = MONTH) -> dict[str, tuple[int, int]]:
    """(this month, January to the month) per stage, counted from the ledger's dates."""
    year = month[:4]
    with sqlite3.connect(db) as c:
        out = {}
        for stage in ("signed", "started", "completed", "full_production"):
            counts = []
            for start in (f"{month}-01", f"{year}-01-01"):
                counts.append(
                    c.execute(
                        "SELECT count(*) FROM projects_stagedate WHERE stage = ? "
                        "AND actual_on BETWEEN ? AND ?",
                        (stage, start, f"{month}-31"),
                    ).fetchone()[0]
                )
            out[stage] = tuple(counts)
    return out


def _assert_rates(page, figures: dict) -> None:
    assert _text(page, "rate-start") == _pct(figures["start_rate"])
    assert _text(page, "rate-completion") == _pct(figures["completion_rate"])
    assert _text(page, "rate-funds") == _pct(figures["funds_rate"])
    assert _text(page, "rate-on-time") == _pct(figures["on_time_rate"])
    assert _text(page, "rate-elapsed") == _pct(figures["elapsed_share"])
    lights = figures["warnings"]
    assert _text(page, "lights-red") == str(lights["red_projects"])
    assert _text(page, "lights-amber") == str(lights["amber_projects"])
    assert _text(page, "lights-green") == str(lights["green_projects"])


def test_leader_reads_the_cockpit_and_drills_down(login, shoot):
    page = login("leader", locale="zh-CN", viewport=(1440, 900))
    assert "截至 2023-12 末（2023-12-31）" in _text(page, "as-of")
    assert _text(page, "scope-label") == "全市"
    figures = _api(page)
    _assert_rates(page, figures)
    assert (_text(page, "rate-completion"), _text(page, "rate-elapsed")) == ("65.5%", "100%")
    truth = _batches_truth(page.db)
    for stage, (month_n, year_n) in truth.items():
        assert _text(page, f"batch-{stage}-month-n") == str(month_n), stage
        assert _text(page, f"batch-{stage}-year-n") == str(year_n), stage
    assert truth["completed"][0] > 0
    # the rankings say their rule and show a change of place
    assert "投资完成率" in _text(page, "ranking-rule")
    assert page.locator("[data-testid=red-list] tbody tr").count() == 5
    page.wait_for_function("() => document.body.classList.contains('charts-drawn')")
    shoot(page, "cockpit-leader-zh")

    # a click on the four batches' "completed this month" opens those projects
    page.click("[data-testid=batch-completed-month-n]")
    page.wait_for_url(re.compile(r"/projects/\?.*date_stage=completed"))
    assert f"{truth['completed'][0]} 个项目" in page.locator("#ledger-summary").inner_text()

    # a click on the largest bar of the unit chart opens that unit's projects
    page.goto(page.base + "/")
    page.wait_for_function("() => document.body.classList.contains('charts-drawn')")
    page.locator("#chart-unit").scroll_into_view_if_needed()
    box = page.evaluate(
        """() => {
        const el = document.getElementById('chart-unit');
        const chart = echarts.getInstanceByDom(el);
        const data = JSON.parse(document.getElementById('cockpit-data').textContent).unit;
        const i = data.urls.findIndex(u => u);  // the largest unit (not "not yet decided")
        const [x, y] = chart.convertToPixel({seriesIndex: 0}, [data.values[i] / 2, i]);
        const r = el.getBoundingClientRect();
        return {x: r.left + x, y: r.top + y, url: data.urls[i], n: data.counts[i]};
    }"""
    )
    page.mouse.click(box["x"], box["y"])
    page.wait_for_url(re.compile(r"/projects/\?unit=\d+"))
    assert page.url.endswith(box["url"])
    assert f"{box['n']} 个项目" in page.locator("#ledger-summary").inner_text()


def test_town_editor_lands_on_its_town_and_switches_to_the_city(login, shoot):
    page = login("jinfeng", locale="zh-CN", viewport=(1440, 900))
    assert _text(page, "scope-label") == "锦丰镇"
    _assert_rates(page, _api(page, JINFENG))
    # its own town's row in the rankings is marked
    own = page.locator("[data-testid=rankings] tr.own")
    assert own.count() == 1 and "锦丰镇" in own.inner_text()
    shoot(page, "cockpit-jinfeng-zh")
    with page.expect_response(re.compile(r"/\?")):
        page.select_option("form.cockpit-filters select[name=unit]", "all")
    page.wait_for_function(
        "() => !document.querySelector('#cockpit-body').classList.contains('htmx-request')"
    )
    assert _text(page, "scope-label") == "全市"
    assert "unit=all" in page.url
    _assert_rates(page, _api(page))


def test_leader_reads_it_in_english_and_on_a_phone(login, shoot):
    page = login("leader", locale="en-US", viewport=(1440, 900))
    assert "as of the end of 2023-12 (2023-12-31)" in _text(page, "as-of")
    _assert_rates(page, _api(page))
    body = page.locator("#cockpit-body").inner_text()
    for words in ("Start rate", "Investment completion rate", "Funds-in-place rate"):
        assert words in body
    shoot(page, "cockpit-leader-en")
    phone = login("leader", locale="zh-CN", viewport=(390, 844))
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    # the filters start folded; the four rates are on the first screen
    assert phone.locator(".cockpit-filter-box").get_attribute("open") is None
    assert phone.locator("form.cockpit-filters").is_hidden()
    top = phone.locator("#rate-completion").bounding_box()
    assert top is not None and top["y"] + top["height"] < 844
    # a short stack: rates, batches, lights, the largest projects, the rankings; the
    # ledger's charts folded below (the cockpit was 7,000 px tall on a phone)
    assert phone.locator(".cockpit-stock").get_attribute("open") is None
    assert phone.evaluate("() => document.documentElement.scrollHeight") < 3500
    phone.click(".cockpit-stock > summary")
    phone.locator("#chart-unit canvas").wait_for()
    assert phone.locator("#chart-unit").bounding_box()["width"] > 300


@pytest.mark.parametrize(
    "locale, title", [("zh-CN", "张家港重大项目"), ("en-US", "Zhangjiagang major projects")]
)
def test_the_big_screen_fits_one_1920_screen(login, screenshots, locale, title):
    page = login("leader", locale=locale, viewport=(1920, 1080))
    page.goto(page.base + "/screen/")
    page.wait_for_function("() => document.body.classList.contains('charts-drawn')")
    assert page.locator("h1").inner_text() == title
    size = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size[0] <= 1920 and size[1] <= 1080, size
    # every section is inside the screen: nothing is cut off below it
    bottoms = page.evaluate(
        "() => [...document.querySelectorAll('#screen-body > section')].map(s => s.getBoundingClientRect().bottom)"
    )
    assert max(bottoms) <= 1080
    _assert_rates(page, _api(page))
    assert page.locator("[data-testid=tile-map] .tile").count() == 15
    truth = _batches_truth(page.db)
    assert _text(page, "batch-completed-year-n") == str(truth["completed"][1])
    page.screenshot(path=str(screenshots / f"screen-{locale[:2]}-1920.png"))


def test_the_big_screen_refreshes_its_figures_in_place(login):
    """Five minutes on, the 大屏 fetches its figures again and puts them in place (parsed,
    not written as markup), without reloading the page or breaking the CSP."""
    page = login("leader", locale="zh-CN", viewport=(1920, 1080))
    refusals = []
    page.on("console", lambda m: refusals.append(m.text) if m.type == "error" else None)
    page.clock.install()
    page.goto(page.base + "/screen/")
    page.wait_for_function("() => document.body.classList.contains('charts-drawn')")
    completion = _text(page, "rate-completion")
    page.evaluate(
        "() => { window.notReloaded = true; document.querySelector('#screen-body > section').dataset.old = '1'; }"
    )
    with page.expect_response(lambda r: "fragment=1" in r.url and r.status == 200):
        page.clock.fast_forward("05:01")
    page.wait_for_function("() => !document.querySelector('#screen-body > section[data-old]')")
    assert page.evaluate("() => window.notReloaded") is True
    assert _text(page, "rate-completion") == completion
    assert page.locator("[data-testid=tile-map] .tile").count() == 15
    assert refusals == []
