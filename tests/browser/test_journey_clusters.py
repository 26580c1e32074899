"""Cluster and indicator pages in Chromium, as a leader (Chinese) and the development bureau
(English): a target whose year is over reads met, missed or "year over, actual not entered"
with the actual, never a projection; no indicator codes or English on the Chinese pages, no
Chinese units on the English ones; nothing scrolls sideways on a phone. Screenshots cluster-*."""

from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager

METALLURGY = 1  # 冶金玻璃新材料产业集群: target ≥2000亿元 by 2024, actuals to 2023 (1772亿元)
SOLAR = 2  # 光伏新能源产业集群: target ≥200亿元 by 2024, latest actual 163亿元 (2023)


def _no_sideways_scroll(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone: {width}px"
    page.set_viewport_size({"width": 1440, "height": 900})


def _card(page, name: str):
    return page.locator("section.cluster-card", has=page.locator("h2", has_text=name))


def _figures(scope) -> dict[str, str]:
    terms = scope.locator("dl.figures dt").all_inner_texts()
    values = scope.locator("dl.figures dd").all_inner_texts()
    return dict(zip(terms, (v.strip() for v in values), strict=True))


@contextmanager
def _actual_2024(db_path, cluster_id: int, value: int):
    """A 2024 actual for a cluster, typed into the demo's database for one test."""
    with sqlite3.connect(db_path) as db:
        row = db.execute(
            "SELECT code, name, unit_of_measure, region_id FROM clusters_indicator "
            "WHERE cluster_id = ? AND kind = 'actual' ORDER BY period DESC LIMIT 1",
            (cluster_id,),
        ).fetchone()
        cursor = db.execute(
            "INSERT INTO clusters_indicator (code, name, year, period, kind, value, "
            "unit_of_measure, qualifier, note, cluster_id, region_id, created_at, is_synthetic, "
            "updated_at) VALUES (?, ?, 2024, '2024', 'actual', ?, ?, 'exact', '', ?, ?, "
            "'2025-03-01 00:00:00', 0, '2025-03-01 00:00:00')",
            (row[0], row[1], value, row[2], cluster_id, row[3]),
        )
        pk = cursor.lastrowid
    try:
        yield
    finally:
        with sqlite3.connect(db_path) as db:
            db.execute("DELETE FROM clusters_indicator WHERE id = ?", (pk,))


def test_leader_reads_past_targets_as_met_or_not_entered_never_forecast(login, shoot):
    page = login("leader", locale="zh-CN", viewport=(1440, 900))
    with _actual_2024(page.db, METALLURGY, 2100):
        page.goto(page.base + "/clusters/")
        assert page.locator("h1").inner_text() == "产业集群"
        assert page.locator("section.cluster-card").count() == 3
        met = _figures(_card(page, "冶金玻璃新材料产业集群"))
        assert met["实际"].startswith("2100亿元 · 2024")
        assert {k: met[k] for k in ("目标", "差距", "结果")} == {
            "目标": "超2000亿元 · 2024",
            "差距": "−100亿元",
            "结果": "已完成",
        }
        solar = _card(page, "光伏新能源产业集群")
        assert _figures(solar)["结果"] == "年度已过，实际值尚未录入"
        assert _figures(solar)["实际"].startswith("163亿元 · 2023")
        assert "2024年已过" in solar.locator("p.method").inner_text()
        for card in page.locator("section.cluster-card").all():
            text = card.inner_text()
            assert "预测" not in text and "趋势" not in text, text  # no forecast for a past year
            assert not re.search(r"[A-Za-z]{3,}", text), text  # no English on a 中文 page
        # the bullet chart's tooltip: actual, target and the verdict, no projected range
        tip = page.evaluate(
            """() => {
              const first = JSON.parse(document.getElementById('bullet-data').textContent)[0];
              const el = document.getElementById(first.id);
              const chart = echarts.getInstanceByDom(el);
              chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
              const text = Array.from(el.children).filter((c) => !c.querySelector('svg'))
                .map((c) => c.innerText).join('\\n');
              chart.dispatchAction({type: 'hideTip'});
              return text;
            }"""
        )
        assert "预测" not in tip and "趋势" not in tip
        shoot(page, "cluster-list-zh")
        _no_sideways_scroll(page)

    page.goto(page.base + f"/clusters/{SOLAR}/")
    assert page.locator("h1").inner_text() == "光伏新能源产业集群"
    assert _figures(page.locator(".target-row").first)["目标"].startswith("超200亿元 · 2024")
    actuals = page.locator("table.figures-table tbody tr").all_inner_texts()
    assert actuals[-1].split("\t")[:2] == ["2023", "163 亿元"]
    assert "2024年已过" in page.locator("#pipeline").inner_text()
    # the yearly chart: actuals and the target, no trend or projected range for a past year
    series = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('trend-chart'))"
        ".getOption().series.map((s) => s.name)"
    )
    assert series == ["实际", "目标"]
    assert "cluster_output" not in page.locator("main").inner_text()
    shoot(page, "cluster-detail-zh")
    _no_sideways_scroll(page)

    page.goto(page.base + f"/clusters/{SOLAR}/?year=abc")
    assert page.locator("#pipeline [role=alert]").inner_text().startswith("没有“abc”年的目标")


def test_indicators_read_without_codes_and_english_reads_english(login, shoot):
    page = login("fgw", locale="zh-CN", viewport=(1440, 900))
    page.goto(page.base + "/indicators/")
    text = page.locator("main").inner_text()
    assert not re.search(r"[a-z]+_[a-z_]+", text), "an indicator code is shown"
    assert "产业集群产值同比增长（计算）" in text
    assert "产业集群产值（上年）" in text  # the formula, in words
    assert "previous year" not in text
    shoot(page, "cluster-indicators-zh")
    _no_sideways_scroll(page)

    page = login("fgw", locale="en-US", viewport=(1440, 900))
    page.goto(page.base + "/indicators/")
    rows = page.locator("table.indicators tbody tr")
    first = rows.filter(has_text="Cluster output").first
    assert first.locator("td").nth(1).inner_text() == "CNY 100m"
    units = set(page.locator("table.indicators tbody td[data-label='Unit']").all_inner_texts())
    assert units <= {"CNY 100m", "USD 100m", "%", "firms", "items"}, units
    formulas = " ".join(page.locator("table.indicators .formula").all_inner_texts())
    assert "(previous year)" in formulas and "上年" not in formulas
    page.goto(page.base + f"/clusters/{SOLAR}/")
    figures = _figures(page.locator(".target-row").first)
    assert figures["Outcome"] == "year over; its actual not yet entered"
    assert "Projection" not in figures
    assert page.locator("table.figures-table tbody tr").last.inner_text().split("\t")[:2] == [
        "2023",
        "163 CNY 100m",
    ]
    shoot(page, "cluster-detail-en")
    _no_sideways_scroll(page)
