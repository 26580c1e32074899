import pytest

from zhaoshang.clusters.projection import compound_growth, needed_growth, project


def test_projection_of_steady_growth_is_that_growth():
    p = project([(2020, 100), (2021, 110), (2022, 121)], 2024)

    assert (round(p.central, 2), round(p.low, 2), round(p.high, 2)) == (146.41, 146.41, 146.41)
    assert (round(p.achieved_growth, 4), p.years) == (0.1, (2020, 2021, 2022))


def test_projection_range_from_lowest_and_highest_yearly_growth():
    p = project([(2020, 100), (2021, 105), (2022, 126)], 2023)

    assert (round(p.growth_low, 4), round(p.growth_high, 4)) == (0.05, 0.2)
    assert (round(p.low, 2), round(p.high, 2)) == (132.3, 151.2)
    assert p.low <= p.central <= p.high


def test_projection_uses_only_the_last_window_years():
    p = project([(2015, 1), (2019, 100), (2020, 110), (2021, 121)], 2022, window=3)

    assert p.years == (2019, 2020, 2021)


def test_projection_bridges_a_missing_year_with_the_compound_rate():
    p = project([(2019, 100), (2021, 121)], 2022)

    assert round(p.growth_low, 4) == round(p.growth_high, 4) == 0.1


@pytest.mark.parametrize(
    ("actuals", "year"),
    [([], 2024), ([(2023, 100)], 2024), ([(2022, 100), (2023, 110)], 2023)],
)
def test_projection_needs_two_years_before_the_target(actuals, year):
    assert project(actuals, year) is None


@pytest.mark.parametrize(
    ("start", "end", "years", "expected"),
    [
        (100, 121, 2, 0.1),
        (100, 100, 3, 0.0),
        (100, 50, 1, -0.5),
        (0, 10, 1, None),
        (10, 20, 0, None),
    ],
)
def test_compound_growth_table(start, end, years, expected):
    result = compound_growth(start, end, years)

    assert (None if result is None else round(result, 6)) == expected


def test_needed_growth_to_reach_the_target():
    assert round(needed_growth(1772, 2023, 2000, 2024), 4) == 0.1287
