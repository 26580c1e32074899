"""亩均 in Chromium: a town editor enters the land area of a signed project of its own town,
is warned on saving that its investment per 亩 is below the threshold, and reads the 亩均 box;
screenshots mujun-*."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

JINFENG = "320582103"
YEJIN = "320582406"  # 冶金工业园, one administration with 锦丰镇


def signed_own_project(page) -> tuple[str, Decimal]:
    with sqlite3.connect(page.db) as db:
        code, total = db.execute(
            "SELECT code, CAST(total_investment_wan AS TEXT) FROM projects_project "
            "WHERE unit_id IN (?, ?) AND stage NOT IN ('lead', 'negotiating') "
            "AND total_investment_wan >= 10000 AND total_investment_qualifier = 'exact' "
            "ORDER BY code LIMIT 1",
            [JINFENG, YEJIN],
        ).fetchone()
    return code, Decimal(total)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_town_editor_enters_land_and_is_warned_below_threshold(login, shoot, locale):
    zh = locale == "zh-CN"
    page = login("jinfeng", locale=locale, viewport=(1440, 900))
    code, total = signed_own_project(page)
    # 100万元 per 亩: below the seeded reference threshold of 500万元/亩
    area = (total / 100).to_integral_value()
    page.goto(page.base + f"/projects/{code}/edit/")
    page.fill("#id_land_area", f"约{area}亩")
    page.locator("form.project-form button[type=submit]").click()
    page.wait_for_url(page.base + f"/projects/{code}/")
    warning = page.locator(".messages .msg.warning").first.inner_text()
    if zh:
        assert warning.startswith("签约时亩均投资为约")
        assert warning.endswith("：低于门槛")
    else:
        assert warning.startswith("Investment per mu at signing is about ")
        assert warning.endswith(": below the threshold")
    box = page.locator("#mujun")
    assert f"约{area}亩" in box.inner_text()
    first = box.locator("tbody tr").first
    assert first.get_attribute("class") == "mujun-below"
    assert first.locator("td").nth(1).inner_text() == (
        "500.00万元/亩" if zh else "500.00 (10k CNY/mu)"
    )
    shoot(page, f"mujun-{'zh' if zh else 'en'}", sizes=("1440",))
