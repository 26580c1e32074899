"""The cockpit's clusters strip judges each target as in the cockpit's month: a target whose
year is over shows met or missed with its actual (or that the actual is not yet entered),
never a forecast; a target still ahead shows the projection."""

import pytest
from django.utils import translation

from tests.clusters.conftest import add_actuals, chain, cluster  # noqa: F401 (fixtures)
from zhaoshang.clusters.queries import cockpit_strip

pytestmark = pytest.mark.django_db

YEARS = {2019: "71", 2020: "86", 2021: "118", 2022: "139", 2023: "163"}


def _line(as_of_year):
    with translation.override("zh-hans"):
        (line,) = cockpit_strip(as_of_year)
    return line


def test_target_ahead_is_forecast(cluster):  # noqa: F811
    add_actuals(cluster, YEARS)
    line = _line(2023)
    assert (line["verdict"], line["year_over"], line["actual"], line["gap"]) == (
        "at_risk", False, "163亿元", "37亿元",
    )  # fmt: skip
    assert line["projection"] == "191.14亿元 – 223.65亿元"


def test_target_year_over_without_its_actual_is_not_forecast(cluster):  # noqa: F811
    add_actuals(cluster, YEARS)
    line = _line(2026)
    assert (line["verdict"], line["year_over"], line["projection"]) == ("not_reported", True, "—")
    assert (line["actual"], line["actual_year"], line["gap"]) == ("163亿元", 2023, "37亿元")
    with translation.override("en"):
        assert cockpit_strip(2026)[0]["verdict_label"] == "year over; its actual not yet entered"


@pytest.mark.parametrize(
    "actual, verdict, gap", [("201", "met", "−1亿元"), ("190", "missed", "10亿元")]
)
def test_target_year_over_with_its_actual_is_met_or_missed(cluster, actual, verdict, gap):  # noqa: F811
    add_actuals(cluster, {**YEARS, 2024: actual})
    line = _line(2026)
    assert (line["verdict"], line["actual"], line["actual_year"], line["projection"]) == (
        verdict, f"{actual}亿元", 2024, "—",
    )  # fmt: skip
    assert line["gap"] == gap
    # judged in 2023 the 2024 actual was not known yet: the forecast then
    assert _line(2023)["verdict"] == "at_risk"


def test_cockpit_shows_the_strip_of_its_month(client, leader, cluster):  # noqa: F811
    add_actuals(cluster, {**YEARS, 2024: "190"})
    client.force_login(leader)
    before = client.get("/", {"month": "2023-06"}).content.decode()
    assert 'class="verdict verdict-at_risk"' in before
    after = client.get("/", {"month": "2025-03"}).content.decode()
    assert 'class="verdict verdict-missed"' in after
    assert "verdict-at_risk" not in after
