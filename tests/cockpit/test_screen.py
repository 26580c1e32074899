"""The 大屏 (/screen/): the cockpit's figures on one page for any signed-in user, and the
fragment its script fetches every five minutes."""

import pytest

from tests.cockpit.test_rankings import FENGHUANG, towns  # noqa: F401 (fixture)
from tests.factories import BAOSHUI
from zhaoshang.progress.amounts import percent

pytestmark = pytest.mark.django_db


def test_screen_shows_the_cockpit_figures_and_a_tile_per_town(client, leader, towns):  # noqa: F811
    client.force_login(leader)
    cockpit = client.get("/", {"month": "2023-06"})
    screen = client.get("/screen/", {"month": "2023-06"}, HTTP_ACCEPT_LANGUAGE="en")
    page = screen.content.decode()
    assert screen.status_code == 200 and 'data-refresh="300"' in page
    rates = cockpit.context["p"].rates
    assert f'data-testid="rate-completion">{percent(rates.completion_rate)}<' in page
    assert f'data-testid="rank-{BAOSHUI}">1<' in page
    tiles = screen.context["tiles"]
    assert len(tiles) == 15  # every township unit of the city
    by_unit = {t["row"].unit: t for t in tiles}
    assert (by_unit[BAOSHUI]["level"], by_unit[FENGHUANG]["level"]) == ("ahead", "none")
    assert "schematic, not to scale" in page


def test_screen_fragment_is_the_figures_without_the_page(client, town_editor, towns):  # noqa: F811
    client.force_login(town_editor)
    fragment = client.get("/screen/", {"fragment": "1", "month": "2023-06"})
    text = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in text and 'id="cockpit-data"' in text
    assert 'data-testid="scope-label">' in text


def test_screen_needs_a_sign_in(client):
    response = client.get("/screen/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/screen/")


def test_the_cockpit_links_to_the_screen_with_its_filters(client, leader, towns):  # noqa: F811
    client.force_login(leader)
    page = client.get("/", {"month": "2023-05", "unit": BAOSHUI}, HTTP_HX_REQUEST="true")
    assert f'href="/screen/?month=2023-05&amp;unit={BAOSHUI}" data-testid="screen-link"' in (
        page.content.decode()
    )
