import datetime
from decimal import Decimal

import pytest

from zhaoshang.progress.amounts import from_micro, parse_wan, percent
from zhaoshang.progress.months import Month, months_between


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-06", Month(2023, 6)),
        ("2023-6", Month(2023, 6)),
        ("2023/06", Month(2023, 6)),
        ("2023年6月", Month(2023, 6)),
        ("2023年12月", Month(2023, 12)),
        ("202306", Month(2023, 6)),
        (" 2023-01 ", Month(2023, 1)),
        (datetime.date(2023, 6, 30), Month(2023, 6)),
    ],
)
def test_month_parse_reads_what_people_type(text, expected):
    assert Month.parse(text) == expected


@pytest.mark.parametrize("text", ["2023-13", "2023-00", "June", "", "2023", "23-06", "2023-06-01"])
def test_month_parse_refuses_non_months_naming_the_value(text):
    with pytest.raises(ValueError) as caught:
        Month.parse(text)
    assert text.strip() in str(caught.value)


@pytest.mark.parametrize(
    ("month", "due_day", "expected"),
    [
        (Month(2023, 6), 10, datetime.date(2023, 7, 10)),
        (Month(2023, 12), 5, datetime.date(2024, 1, 5)),
        (Month(2023, 1), 31, datetime.date(2023, 2, 28)),
    ],
)
def test_month_due_date_is_a_day_of_the_next_month(month, due_day, expected):
    assert month.due_date(due_day) == expected


def test_month_elapsed_share_is_months_over_twelve():
    assert [Month(2023, m).elapsed_share() for m in (3, 6, 9, 12)] == [
        Decimal("0.25"),
        Decimal("0.5"),
        Decimal("0.75"),
        Decimal(1),
    ]


def test_month_arithmetic_crosses_years():
    assert (Month(2023, 12).next(), Month(2023, 1).previous()) == (Month(2024, 1), Month(2022, 12))
    assert months_between(datetime.date(2022, 11, 1), datetime.date(2023, 2, 28)) == 3
    assert Month(2023, 6).as_of(datetime.date(2023, 6, 12)) == datetime.date(2023, 6, 12)
    assert Month(2023, 6).as_of(datetime.date(2024, 1, 1)) == datetime.date(2023, 6, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,250.5", Decimal("1250.5")),
        ("0", Decimal(0)),
        ("3亿元", Decimal("30000")),
        ("500万元", Decimal("500")),
        (1234.56, Decimal("1234.56")),
        (Decimal("7"), Decimal("7")),
        ("", None),
        (None, None),
    ],
)
def test_parse_wan_reads_amounts_in_wan(text, expected):
    assert parse_wan(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "negative"),
        ("abc", "not an amount"),
        ("约3亿元", "exact"),
        ("0.0000001", "6 decimals"),
        ("NaN", "not an amount"),
    ],
)
def test_parse_wan_refuses_bad_amounts(text, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValueError) as caught:
        parse_wan(text)
    assert message in str(caught.value)


def test_percent_and_micro_amounts_print_plainly():
    assert [percent(Decimal("0.42")), percent(Decimal(5) / 12), percent(None)] == [
        "42%",
        "41.7%",
        "—",
    ]
    assert [str(from_micro(1_500_000_000)), str(from_micro(1_234_560_000)), str(from_micro(0))] == [
        "1500",
        "1234.56",
        "0",
    ]
