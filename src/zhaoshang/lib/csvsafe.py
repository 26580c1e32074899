"""CSV cells that a spreadsheet shows as text, never runs as a formula.

Excel, LibreOffice and WPS read a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=cmd|' /C calc'!A0`` starts a program on some setups, ``=HYPERLINK(...)`` leaks
data), and a leading tab or carriage return can hide such a start. As OWASP recommends
(https://owasp.org/www-community/attacks/CSV_Injection), :func:`cell` prefixes such a
cell with a single quote, which the spreadsheet shows as text and does not keep in the
cell's value.

Numbers are not touched: a negative amount ``-3.5`` in a numeric column must stay a
number a spreadsheet can sum. Whether a cell may be a number is decided per column, by
the caller (``numeric=True``), not guessed from the value, so a name that happens to read
``-1`` in a text column is still neutralised, and a numeric column holding something that
is not a plain number (``-1+1``) is neutralised too:

>>> cell("=cmd|' /C calc'!A0")
"'=cmd|' /C calc'!A0"
>>> cell("-3.5", numeric=True), cell(Decimal("-3.5"), numeric=True), cell("-3.5")
('-3.5', Decimal('-3.5'), "'-3.5")
>>> cell("-1+1", numeric=True)
"'-1+1"

Pure Python, no Django.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

__all__ = ["FORMULA_STARTS", "SafeWriter", "cell", "writer"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


def cell(value: Any, *, numeric: bool = False) -> Any:
    """`value` as a CSV cell: None as empty, a number of a numeric column as it is, any
    other text starting with = + - @ tab or CR behind a single quote."""
    if value is None:
        return ""
    if numeric and _is_number(value):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeWriter:
    """`csv.writer` whose every row goes through :func:`cell`; `numeric` holds the indexes
    of the columns that carry numbers."""

    def __init__(self, stream: Any, *, numeric: Iterable[int] = (), **kwargs: Any):
        self._writer = csv.writer(stream, **kwargs)
        self.numeric = frozenset(numeric)

    def writerow(self, row: Sequence[Any]) -> Any:
        return self._writer.writerow(
            [cell(value, numeric=index in self.numeric) for index, value in enumerate(row)]
        )

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, *, numeric: Iterable[int] = (), **kwargs: Any) -> SafeWriter:
    """The CSV writer every CSV we hand out is written with."""
    return SafeWriter(stream, numeric=numeric, **kwargs)
