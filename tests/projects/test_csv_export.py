"""#13 item 5, CSV formula injection: the ledger CSV wrote a name like
``=cmd|' /C calc'!A0`` raw, which a spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ProjectFactory
from zhaoshang.lib import csvsafe


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.django_db
def test_ledger_csv_neutralises_a_formula_name_and_keeps_a_negative_amount_a_number(client, leader):
    """The hostile name comes out behind a quote; the amount column, numeric, keeps -3.5
    as the number it is (a stored negative amount from before the rules refused them)."""
    ProjectFactory(
        code="X-1",
        name="=cmd|' /C calc'!A0",
        total_investment_wan=Decimal("-3.5"),
        total_investment_text="@SUM(1+1)*cmd|' /C calc'!A0",
    )
    client.force_login(leader)

    rows = _rows(client.get(reverse("projects:csv")))

    assert rows[1][:6] == [
        "X-1",
        "'=cmd|' /C calc'!A0",
        "锦丰镇",
        "-3.5",
        "精确",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
    ]


@pytest.mark.parametrize(
    ("value", "numeric", "expected"),
    [
        ("=1+1", False, "'=1+1"),
        ("+8613800000000", False, "'+8613800000000"),
        ("-2", False, "'-2"),  # a text column: a name reading -2 is text
        ("@SUM(A1)", False, "'@SUM(A1)"),
        ("\t=1+1", False, "'\t=1+1"),
        ("\r=1+1", False, "'\r=1+1"),
        ("信义光能", False, "信义光能"),
        ("a=b", False, "a=b"),  # only the start matters
        ("", False, ""),
        (None, False, ""),
        ("-3.5", True, "-3.5"),  # a numeric column keeps its numbers
        (Decimal("-3.5"), True, Decimal("-3.5")),
        (-2, True, -2),
        ("+1.5e3", True, "+1.5e3"),
        ("-1+1", True, "'-1+1"),  # not a plain number: a formula even in a numeric column
        ("=1", True, "'=1"),
    ],
)
def test_csvsafe_cell(value, numeric, expected):
    assert csvsafe.cell(value, numeric=numeric) == expected


def test_csvsafe_writer_decides_per_column():
    out = io.StringIO()
    writer = csvsafe.writer(out, numeric={1}, lineterminator="\n")

    writer.writerow(["-1", "-1", "=1"])

    assert out.getvalue() == "'-1,-1,'=1\n"
