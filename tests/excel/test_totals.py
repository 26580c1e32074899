"""Exported amounts are numbers that add up to the 合计 row; qualifier and text as written
ride in columns of their own and import back to the same amount; phases count once."""

import io
from decimal import Decimal

import openpyxl
import pytest
import python_calamine
from django.utils import translation

from tests.factories import ProjectFactory
from zhaoshang.excel import layouts
from zhaoshang.excel.services import import_workbook
from zhaoshang.lib import xlsxwrite as xw
from zhaoshang.lib.money import parse_amount
from zhaoshang.projects.models import Project
from zhaoshang.projects.queries import ledger_totals

pytestmark = pytest.mark.django_db
HEADER_ROW = 2  # 0-based: title, subtitle, header


def _amount(text: str, field: str = "total_investment", foreign: bool = False) -> dict:
    """The model fields of an amount as the ledger stores it, parsed from `text`."""
    a = parse_amount(text)
    out = {f"{field}_wan": a.value_wan, f"{field}_qualifier": a.qualifier.value,
           f"{field}_text": text}  # fmt: skip
    if foreign:
        out |= {f"{field}_currency": a.currency, f"{field}_original": a.original,
                f"{field}_rate": a.rate}  # fmt: skip
    return out


@pytest.fixture
def ledger():
    """盛虹 306亿 with its 首期 140亿, 大族 超100亿, 港城 约90亿, a plain 12345.678万, and a
    foreign-invested project whose foreign investment is 2亿美元."""
    parent = ProjectFactory(code="P-0001", name="盛虹储能电池超级工厂", **_amount("306亿元"))
    ProjectFactory(code="P-0002", name="盛虹首期", parent=parent, phase_label="首期",
                   **_amount("140亿元"))  # fmt: skip
    ProjectFactory(code="P-0003", name="大族激光华东区域总部", **_amount("超100亿元"))
    ProjectFactory(code="P-0004", name="港城智能智造产业园", **_amount("约90亿元"))
    ProjectFactory(code="P-0005", name="普通项目", total_investment_wan=Decimal("12345.678"))
    ProjectFactory(
        code="P-0006",
        name="外资项目",
        is_foreign=True,
        total_investment_wan=Decimal("150000"),
        **_amount("2亿美元", "foreign_investment", foreign=True),
    )


def _export(layout: str) -> bytes:
    out = io.BytesIO()
    layouts.export(Project.objects.all(), layout, out, month=(2023, 6))
    return out.getvalue()


def _calamine(data: bytes) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def _openpyxl(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("read", [_calamine, _openpyxl])
@pytest.mark.parametrize(
    "layout, column, scale",
    [
        ("ledger", "总投资（万元）", 0),
        ("ledger", "外资额（万元）", 0),
        ("list", "总投资（亿元）", -4),
        ("monthly", "总投资（万元）", 0),
    ],
)
def test_export_column_sum_is_its_total_row_and_phases_count_once(
    ledger, read, layout, column, scale
):
    rows = read(_export(layout))
    col = rows[HEADER_ROW].index(column)
    labels = [r[0] for r in rows]
    total_at = labels.index("合计")
    cells = [r[col] for r in rows[HEADER_ROW + 1 : total_at]]
    assert all(isinstance(c, int | float) or c in ("", None) for c in cells)  # no text
    column_sum = sum(Decimal(str(c)) for c in cells if c not in ("", None))
    assert column_sum == Decimal(str(rows[total_at][col]))
    # 其中：分期 and 合计（分期只计一次）: the ledger page's figure
    assert labels[total_at + 1 :] == ["其中：分期（已计入母项目）", "合计（分期只计一次）"]
    once = Decimal(str(rows[total_at + 2][col] or 0))
    if column.startswith("总投资"):
        expected = ledger_totals(Project.objects.all())["total"].scaleb(scale)
        assert (Decimal(str(rows[total_at + 1][col])), once) == (
            Decimal("1400000").scaleb(scale),
            expected,
        )


def test_export_puts_qualifier_and_text_as_written_in_their_own_columns(ledger):
    rows = _calamine(_export("ledger"))
    header = rows[HEADER_ROW]
    by_code = {r[1]: r for r in rows[HEADER_ROW + 1 :] if str(r[1]).startswith("P-")}

    def cells(code: str, first: str) -> tuple:
        at = header.index(first)
        return tuple(by_code[code][at : at + 3])

    assert header[header.index("总投资（万元）") + 1 : header.index("总投资（万元）") + 3] == [
        "总投资限定词",
        "总投资原文",
    ]
    assert cells("P-0003", "总投资（万元）") == (1000000.0, "超", "超100亿元")
    assert cells("P-0004", "总投资（万元）") == (900000.0, "约", "约90亿元")
    assert cells("P-0005", "总投资（万元）") == (12345.678, "", "")
    value = float(parse_amount("2亿美元").value_wan)
    assert cells("P-0006", "外资额（万元）") == (value, "", "2亿美元")
    assert "注册资本限定词" not in header  # no registered capital is qualified or written out


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("layout", ["ledger", "list"])
def test_export_with_qualified_and_foreign_amounts_imports_with_no_change(
    admin_user, ledger, language, layout
):
    before = list(Project.objects.order_by("code").values())
    with translation.override(language):
        data = _export(layout)
    result = import_workbook(user=admin_user, data=data, filename=f"{layout}.xlsx", commit=True)
    assert (result.errors, result.warnings()) == ([], [])
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 6}
    assert list(Project.objects.order_by("code").values()) == before


def _book(header: list, row: list) -> bytes:
    out = io.BytesIO()
    with xw.Workbook(out) as book:
        sheet = book.add_sheet("台账")
        sheet.row(["项目名称", "所在镇区", *header])
        sheet.row(["甲项目", "锦丰镇", *row])
    return out.getvalue()


@pytest.mark.parametrize(
    "header, row, stored",
    [
        (["总投资（万元）", "总投资限定词", "总投资原文"], [1000000, "超", "超100亿元"],
         (Decimal("1000000"), "at_least", "超100亿元")),
        (["总投资（万元）", "总投资限定词"], [900000, "约"], (Decimal("900000"), "approx", "")),
        (["总投资（万元）", "总投资原文"], [900000, "约90亿元"],
         (Decimal("900000"), "approx", "约90亿元")),
        (["总投资（万元）", "总投资原文"], [None, "超100亿元"],
         (Decimal("1000000"), "at_least", "超100亿元")),
        (["总投资（亿元）", "总投资限定词", "总投资原文"], [100, "over", "超100亿元"],
         (Decimal("1000000"), "at_least", "超100亿元")),
        (["Total investment (10k CNY)", "Total investment qualifier",
          "Total investment as written"], [5000, "at most", "不超过5000万元"],
         (Decimal("5000"), "at_most", "不超过5000万元")),
    ],
)  # fmt: skip
def test_import_reads_qualifier_and_text_columns_into_one_amount(
    bureau_editor, header, row, stored
):
    result = import_workbook(
        user=bureau_editor, data=_book(header, row), filename="a.xlsx", commit=True
    )
    assert result.errors == []
    p = Project.objects.get()
    assert (p.total_investment_wan, p.total_investment_qualifier, p.total_investment_text) == (
        stored
    )


@pytest.mark.parametrize(
    "header, row, value, message",
    [
        (["总投资（万元）", "总投资原文"], [1200000, "超100亿元"], "1200000 / 超100亿元",
         "金额（1200000万元）与原文“超100亿元”（1000000万元）不符"),
        (["总投资（万元）", "总投资限定词", "总投资原文"], [1000000, "", "超100亿元"],
         "超100亿元", "限定词与原文不符"),
        (["总投资（万元）", "总投资限定词"], [1000000, "大概吧"], "大概吧", "不是限定词"),
        (["总投资（万元）", "总投资限定词"], [None, "超"], "at_least", "限定词没有金额"),
        (["外资额（万元）", "外资额原文"], [300000, "2亿美元"], "300000 / 2亿美元", "不符"),
    ],
)  # fmt: skip
def test_import_refuses_an_amount_whose_columns_disagree(
    bureau_editor, header, row, value, message
):
    result = import_workbook(user=bureau_editor, data=_book(header, row), filename="a.xlsx")
    assert [(e["row"], e["value"]) for e in result.errors] == [(2, value)]
    assert message in result.errors[0]["message"]
    assert Project.objects.count() == 0
