import datetime

import pytest

from zhaoshang.lib.dates import DateError, parse_date_text

D = datetime.date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-03-15", (D(2023, 3, 15), "day")),
        ("2023/03/15", (D(2023, 3, 15), "day")),
        ("2023/3/5", (D(2023, 3, 5), "day")),
        ("2023.3.15", (D(2023, 3, 15), "day")),
        ("2023年3月15日", (D(2023, 3, 15), "day")),
        ("２０２３年３月１５日", (D(2023, 3, 15), "day")),
        ("20230315", (D(2023, 3, 15), "day")),
        ("2023-03", (D(2023, 3, 1), "month")),
        ("2023.3", (D(2023, 3, 1), "month")),
        ("2023年3月", (D(2023, 3, 1), "month")),
        ("2022年11月", (D(2022, 11, 1), "month")),
        ("23年3月", (D(2023, 3, 1), "month")),
        ("202303", (D(2023, 3, 1), "month")),
        (" 2023 年 3 月 ", (D(2023, 3, 1), "month")),
        ("2023", (D(2023, 1, 1), "year")),
        ("2023年", (D(2023, 1, 1), "year")),
        ("2023年度", (D(2023, 1, 1), "year")),
    ],
)
def test_parse_date_text_reads_ledger_dates(text, expected):
    assert parse_date_text(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "2023-02-30", "2023-13", "1800年", "3月15日"])
def test_parse_date_text_refuses_with_the_value(text):
    with pytest.raises(DateError) as excinfo:
        parse_date_text(text)
    assert f"“{text}”" in str(excinfo.value)
