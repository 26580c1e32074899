"""On a phone (390×844), as a leader and as a town clerk: every main page fits the screen's
width (nothing scrolls sideways), the menu is one button until opened, and the ledger's
first screen shows projects, its filters folded behind a "Filter" button."""

from __future__ import annotations

import sqlite3

import pytest

PHONE = (390, 844)

MAIN_PAGES = [
    "/",
    "/screen/",
    "/projects/",
    "/projects/quality/",
    "/enterprises/",
    "/chains/",
    "/chains/gaps/",
    "/clusters/",
    "/indicators/",
    "/indicators/import/",
    "/intel/",
    "/intel/candidates/",
    "/progress/",
    "/progress/entry/",
    "/progress/plans/",
    "/progress/warnings/",
    "/progress/rates/",
    "/progress/reporting/",
    "/progress/slippage/",
    "/progress/problems/",
    "/progress/lists/",
    "/progress/events/",
    "/progress/rules/",
]


def _pages(db) -> list[str]:
    """The main pages and one of each kind of detail page (a project, a chain, a cluster)."""
    with sqlite3.connect(db) as con:
        project = con.execute("select code from projects_project order by code").fetchone()[0]
        chain = con.execute("select code from chains_chain order by code").fetchone()[0]
        cluster = con.execute("select id from clusters_cluster order by id").fetchone()[0]
        enterprise = con.execute("select id from enterprises_enterprise order by id").fetchone()
    extra = [
        f"/projects/{project}/",
        f"/progress/projects/{project}/",
        f"/chains/{chain}/",
        f"/clusters/{cluster}/",
    ]
    if enterprise:
        extra.append(f"/enterprises/{enterprise[0]}/")
    return MAIN_PAGES + extra


@pytest.mark.parametrize(("user", "locale"), [("leader", "zh-CN"), ("jinfeng", "en-US")])
def test_every_main_page_fits_a_phone_and_the_menu_is_one_button(login, user, locale):
    page = login(user, locale=locale, viewport=PHONE)
    wide = []
    for path in _pages(page.db):
        response = page.goto(page.base + path)
        assert response.status in (200, 403), (path, response.status)
        page.wait_for_timeout(100)  # charts draw at load
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            wide.append((path, width))
        if page.locator("header.top").count() == 0:
            continue  # the meeting-room screen has no menu
        # the menu: one button; the items and the sign-out only once it is opened
        assert page.locator(".menu-toggle").is_visible(), path
        assert not page.locator("#main-nav").is_visible(), path
    assert wide == [], f"pages that scroll sideways at 390 px: {wide}"


@pytest.mark.parametrize(
    ("locale", "menu", "ledger", "filter_word"),
    [("zh-CN", "菜单", "项目台账", "筛选"), ("en-US", "Menu", "Ledger", "Filter")],
)
def test_phone_menu_opens_and_the_ledger_shows_projects_first(
    login, shoot, locale, menu, ledger, filter_word
):
    page = login("leader", locale=locale, viewport=PHONE)
    page.goto(page.base + "/projects/")
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 70  # one row: the name and the menu button
    toggle = page.locator(".menu-toggle")
    assert toggle.inner_text() == menu
    shoot(page, f"phone-ledger-{locale[:2]}", sizes=("390",))

    # the first screen shows projects, not the filter form
    assert not page.locator("#ledger-filters").is_visible()
    first_card = page.locator("table.ledger tbody tr").first
    assert first_card.bounding_box()["y"] < 844
    assert first_card.locator("td.card-title a").is_visible()
    # each value is under its column's name on the card
    assert first_card.locator("td[data-label]").count() >= 5

    fold = page.locator("button.fold-toggle[aria-controls=ledger-filters]")
    assert fold.inner_text().startswith(filter_word)
    fold.click()
    assert page.locator("#ledger-filters").is_visible()
    assert fold.get_attribute("aria-expanded") == "true"
    shoot(page, f"phone-ledger-filters-{locale[:2]}", sizes=("390",))

    toggle.click()
    nav = page.locator("#main-nav")
    assert nav.is_visible()
    assert nav.get_by_role("link", name=ledger).is_visible()
    assert page.locator("header .right button[type=submit]").last.is_visible()  # sign out
    shoot(page, f"phone-menu-{locale[:2]}", sizes=("390",))
    page.keyboard.press("Escape")
    assert not nav.is_visible()


def test_phone_entry_grid_is_cards_with_the_save_in_reach(login, shoot):
    page = login("jinfeng", locale="zh-CN", viewport=PHONE)
    page.goto(page.base + "/progress/entry/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = page.locator("table.entry-grid tbody tr[data-group]:visible").first
    amount = card.locator("input[data-col='0']")
    assert amount.is_visible()
    assert amount.bounding_box()["width"] > 120  # a field a thumb can hit
    save = page.locator("#entry-bar button[type=submit]")
    box = save.bounding_box()
    assert box["y"] + box["height"] <= 844  # the save is on the first screen
    shoot(page, "phone-entry-zh", sizes=("390",))
