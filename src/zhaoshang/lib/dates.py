"""Dates as people write them in ledgers and news, with the precision they carry.

>>> parse_date_text("2022年11月")
(datetime.date(2022, 11, 1), 'month')
>>> parse_date_text("2023/03/15")
(datetime.date(2023, 3, 15), 'day')

A month or a year is returned as its first day with precision "month" or "year",
so that "signed in November 2022" is never stored as if it were 1 November.
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

from zhaoshang.lib.textnorm import normalise_text

Precision = str  # "day" | "month" | "year"

_FULL = re.compile(r"^(\d{2}|\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{2}|\d{4})[-/.年](\d{1,2})月?(?:份)?$")
_YEAR = re.compile(r"^(\d{4})年?(?:度)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")


class DateError(ValueError):
    def __init__(self, text: str, reason_zh: str = "", reason_en: str = "") -> None:
        extra_zh = f"（{reason_zh}）" if reason_zh else ""
        extra_en = f" ({reason_en})" if reason_en else ""
        super().__init__(
            f"无法识别的日期：“{text}”{extra_zh}，请写作 2023-03-15、2023年3月或2023 / "
            f'Unrecognised date: "{text}"{extra_en}; write 2023-03-15, 2023-03 or 2023'
        )


def _year(text: str, raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000  # ledgers write 23年3月 for 2023; nothing here predates 2000
    if not 1950 <= year <= 2100:
        raise DateError(text, "年份超出范围", "year out of range")
    return year


def _make(text: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateError(text, "日期不存在", "no such date") from None


def parse_date_text(text: str) -> tuple[datetime.date, Precision]:
    """Read 2023-03-15, 2023/3/15, 2023.3.15, 2023年3月15日, 23年3月, 2023-03, 2023.3,
    2023年3月, 202303, 20230315, 2023年, 2023 (full-width digits and spaces allowed)."""
    s = normalise_text(str(text)).replace(" ", "")
    if not s:
        raise DateError(str(text), "空白", "empty")
    for pattern in (_FULL, _COMPACT):
        m = pattern.match(s)
        if m:
            return _make(text, _year(text, m[1]), int(m[2]), int(m[3])), "day"
    for pattern in (_MONTH, _COMPACT_MONTH):
        m = pattern.match(s)
        if m:
            return _make(text, _year(text, m[1]), int(m[2]), 1), "month"
    m = _YEAR.match(s)
    if m:
        return _make(text, _year(text, m[1]), 1, 1), "year"
    raise DateError(str(text))


class PartialDate(NamedTuple):
    """A date known to the day, the month or the year (then stored as its first day)."""

    date: datetime.date
    precision: str = "day"

    def key(self, precision: str) -> tuple[int, ...]:
        if precision == "year":
            return (self.date.year,)
        if precision == "month":
            return (self.date.year, self.date.month)
        return (self.date.year, self.date.month, self.date.day)

    def is_before(self, other: PartialDate) -> bool:
        """Strictly before, compared at the coarser of the two precisions:
        2023-03 is not before 2023-03-15."""
        coarse = max(self.precision, other.precision, key=PRECISION_RANK.__getitem__)
        return self.key(coarse) < other.key(coarse)

    def __str__(self) -> str:
        text = self.date.isoformat()
        return {"year": text[:4], "month": text[:7]}.get(self.precision, text)


PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


# Excel stores a date as the number of days since 1899-12-30 (the 1900 date system, whose
# day 60 is the 29 February 1900 that never was; counting from the 30th absorbs it for
# every date from March 1900 on). Serials outside this window are not ledger dates.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_SERIAL_MIN = 18264  # 1950-01-01
EXCEL_SERIAL_MAX = 73051  # 2100-01-01


def excel_serial_to_date(serial: float) -> datetime.date:
    """The date of an Excel serial number (the day; a time of day is dropped).

    >>> excel_serial_to_date(44986)
    datetime.date(2023, 3, 1)
    """
    if serial != serial or not EXCEL_SERIAL_MIN <= serial < EXCEL_SERIAL_MAX + 1:
        raise DateError(
            str(serial), "不是1950至2100年间的Excel日期序号", "not an Excel date serial 1950-2100"
        )
    return _EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def date_to_excel_serial(day: datetime.date) -> int:
    """The Excel serial number of a date (inverse of :func:`excel_serial_to_date`)."""
    return (day - _EXCEL_EPOCH).days
