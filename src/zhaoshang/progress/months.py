"""Months as `(year, month)`: parsing what people type, first and last days, due dates.

>>> Month.parse("2023年6月")
Month(year=2023, month=6)
>>> Month(2023, 6).elapsed_share()   # 序时进度
Decimal('0.5')
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

_MONTH_RE = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))\s*$")


class Month(NamedTuple):
    year: int
    month: int

    @classmethod
    def parse(cls, value: object) -> Month:
        """`2023-06`, `2023-6`, `2023/06`, `2023年6月`, `202306`; a date gives its month.

        Raises ValueError with a message naming the value."""
        if isinstance(value, Month):
            return value
        if isinstance(value, datetime.date):
            return cls(value.year, value.month)
        text = str(value or "").strip()
        match = _MONTH_RE.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2) or match.group(3))
            if 1 <= month <= 12 and 1900 <= year <= 2200:
                return cls(year, month)
        raise ValueError(_("“%(value)s” is not a month (write it as 2023-06)") % {"value": text})

    @classmethod
    def current(cls) -> Month:
        return cls.of(timezone.localdate())

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        """Months since year 0: differences give months between two months."""
        return self.year * 12 + self.month - 1

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def due_date(self, due_day: int) -> datetime.date:
        """The day the report for this month is due: `due_day` of the next month."""
        following = self.next()
        last = calendar.monthrange(following.year, following.month)[1]
        return datetime.date(following.year, following.month, min(due_day, last))

    def elapsed_share(self) -> Decimal:
        """序时进度: months elapsed in the year at the end of this month, over 12."""
        return Decimal(self.month) / Decimal(12)

    def is_future(self, today: datetime.date | None = None) -> bool:
        return self > Month.of(today or timezone.localdate())

    def as_of(self, today: datetime.date | None = None) -> datetime.date:
        """The day the month is judged on: its last day, or today while it is running."""
        today = today or timezone.localdate()
        return min(self.last_day, today)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def label(self) -> str:
        return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.month}


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month (may be negative)."""
    return Month.of(later).index - Month.of(earlier).index
