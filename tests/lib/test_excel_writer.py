import datetime
import io
from decimal import Decimal

import openpyxl
import python_calamine

from zhaoshang.lib import xlsxwrite as xw


def build() -> bytes:
    out = io.BytesIO()
    with xw.Workbook(out) as book:
        sheet = book.add_sheet(
            "台账", widths=[6, 30, 14, 12], freeze=(3, 2), print_title_rows=(2, 2)
        )
        sheet.row(["2023年重大项目表"], xw.TITLE)
        sheet.merge(0, 0, 0, 3)
        sheet.row(["单位：万元"], xw.SUBTITLE)
        sheet.row(["序号", "项目名称", "总投资", "开工"], xw.HEADER)
        sheet.row([1, "A&B <项目> \x01", Decimal("35000.5"), datetime.date(2023, 3, 15)],
                  [xw.INTEGER, xw.TEXT, xw.AMOUNT, xw.DATE])  # fmt: skip
        sheet.row(["合计", None, xw.Formula("SUM(C4:C4)", Decimal("35000.5")), ""], xw.TOTAL_LABEL)
        sheet.autofilter(2, 0, 3, 3)
        book.add_sheet("说明[1]").row(["x", True, 1.5, " 前后空格 "])
    return out.getvalue()


def test_xlsxwrite_values_read_back_with_calamine():
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(build()))
    assert book.sheet_names == ["台账", "说明_1_"]
    first = book.get_sheet_by_index(0)
    assert first.to_python() == [
        ["2023年重大项目表", "", "", ""],
        ["单位：万元", "", "", ""],
        ["序号", "项目名称", "总投资", "开工"],
        [1.0, "A&B <项目> \x01", 35000.5, datetime.date(2023, 3, 15)],
        ["合计", "", 35000.5, ""],
    ]
    assert first.merged_cell_ranges == [((0, 0), (0, 3))]
    assert book.get_sheet_by_index(1).to_python() == [["x", True, 1.5, " 前后空格 "]]


def test_xlsxwrite_layout_reads_back_with_openpyxl():
    book = openpyxl.load_workbook(io.BytesIO(build()))
    sheet = book["台账"]
    assert (sheet.freeze_panes, sheet.column_dimensions["B"].width) == ("C4", 30)
    assert (sheet["C4"].number_format, sheet["D4"].number_format) == ("#,##0.00", "yyyy\\-mm\\-dd")
    assert (sheet["C5"].value, sheet.auto_filter.ref, sheet.print_title_rows) == (
        "=SUM(C4:C4)", "A3:D4", "$3:$3"
    )  # fmt: skip
    assert sheet["A3"].font.b is True


def test_column_letter_counts_like_excel():
    assert [xw.column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
