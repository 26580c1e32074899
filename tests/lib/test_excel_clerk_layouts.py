"""lib.excel on layouts clerks use: a unit column beside an amount, dates split into year
and month, amounts in foreign units, remarks, notes spread over a row, traditional totals."""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.lib import excel as xl

D = datetime.date


def parse(rows, merged=(), mapping=None):
    sheet = xl.RawSheet("台账", [list(r) for r in rows], list(merged))
    return xl.parse_ledger([sheet], mapping or xl.Mapping())


@pytest.mark.parametrize(
    "parent, child, expected",
    [
        ("总投资", "单位", ("total_investment", "unit")),
        ("總投資", "計量單位", ("total_investment", "unit")),
        ("注册资本", "币种", ("registered_capital", "unit")),
        ("计划开工时间", "年", ("planned_started", "year")),
        ("计划开工时间", "月", ("planned_started", "month")),
        ("实际竣工时间", "月份", ("actual_completed", "month")),
        ("签约时间", "日", ("actual_signed", "day")),
        ("总投资", "金额", ("total_investment", None)),
        ("项目名称", "单位", ("name", None)),  # not an amount: no unit part
    ],
)
def test_mapping_column_reads_parts_of_a_field_under_a_merged_header(parent, child, expected):
    column = xl.Mapping().column(0, parent, child, None)
    assert (column.field, column.part) == expected


# 总投资 over 金额 | 单位 and 计划开工时间 over 年 | 月, as a town's form has them
MERGED_HEADER = [
    ["序号", "项目名称", "总投资", "", "计划开工时间", "", "备注"],
    ["", "", "金额", "单位", "年", "月", ""],
]
MERGES = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 0, 5), (0, 6, 1, 6)]


def test_parse_ledger_reads_each_amount_in_the_unit_its_row_states():
    ledger = parse(
        [*MERGED_HEADER,
         [1, "甲", 15, "亿元", 2023, 3, ""],
         [2, "乙", 8000, "万元", 2023, "", ""],
         [3, "丙", "约2", "億元", "2023年", "9月", ""],
         [4, "丁", 500, "万美元", "", "", ""],
         [5, "戊", 6500, "", 23, 11, ""],
         ["合计", "", 22.65, "亿元"]],
        MERGES,
    )  # fmt: skip
    got = {
        r.values["name"]: (r.values["total_investment"][:2], r.values.get("planned_started"))
        for r in ledger.rows
    }
    assert got == {
        "甲": ((Decimal("150000"), "exact"), (D(2023, 3, 1), "month")),
        "乙": ((Decimal("8000"), "exact"), (D(2023, 1, 1), "year")),
        "丙": ((Decimal("20000"), "approx"), (D(2023, 9, 1), "month")),
        "丁": ((ledger.rows[3].values["total_investment"].value_wan, "exact"), None),
        "戊": ((Decimal("6500"), "exact"), (D(2023, 11, 1), "month")),
    }
    usd = ledger.rows[3].values["total_investment"]
    assert (usd.currency, usd.original, usd.text) == ("USD", Decimal("500"), "500万美元")
    assert ledger.warnings[0].params["stated"] == "226500"  # 合计 read in 亿元: 22.65亿
    assert [c.target for c in ledger.layouts[0].columns] == [
        "serial", "name", "total_investment", "total_investment#unit", "planned_started#year",
        "planned_started#month", "remarks",
    ]  # fmt: skip


def test_parse_ledger_unknown_unit_or_missing_year_names_the_cells():
    ledger = parse(
        [*MERGED_HEADER, [1, "甲", 15, "亿斤", "", 3, ""]],
        MERGES,
    )
    assert [(e.field, e.value, e.code) for e in ledger.rows[0].errors] == [
        ("total_investment", "15 亿斤", "amount"), ("planned_started", "3", "date")
    ]  # fmt: skip


def test_parse_ledger_user_mapping_names_a_part():
    mapping = xl.Mapping({"投资/币": "total_investment#unit", "投资/数": "total_investment"})
    ledger = parse(
        [["项目名称", "投资", ""], ["", "数", "币"], ["甲", 3, "亿元"]],
        [(0, 1, 0, 2)],
        mapping,
    )
    assert ledger.rows[0].values["total_investment"].value_wan == Decimal("30000")


@pytest.mark.parametrize(
    "header, cell, expected",
    [
        ("注册资本（万美元）", 1000, ("USD", Decimal("1000"), "exact")),
        ("注册资本（万美元）", "约500", ("USD", Decimal("500"), "approx")),
        ("注册资本（万美元）", "3000万元", ("CNY", Decimal("3000"), "exact")),
        ("合同外资(亿美元)", 1.5, ("USD", Decimal("15000"), "exact")),
        ("注册资本（万港元）", "2,000", ("HKD", Decimal("2000"), "exact")),
    ],
)
def test_parse_ledger_reads_amounts_in_a_foreign_unit_header(header, cell, expected):
    ledger = parse([["项目名称", header], ["甲", cell]])
    (field,) = [f for f in ledger.rows[0].values if f != "name"]
    money = ledger.rows[0].values[field]
    assert (money.currency, money.original, money.qualifier) == expected


def test_parse_ledger_takes_facts_from_remarks_and_lets_own_columns_win():
    ledger = parse(
        [["项目名称", "合同外资（万美元）", "备注"],
         ["甲", "", "含外资2000万美元，外商独资"],
         ["乙", 300, "含外资2000万美元"],
         ["丙", "", "外資項目，註冊資本1000萬美元"],
         ["丁", "", "设备投资约1.5亿元"]],
    )  # fmt: skip
    got = {
        r.values["name"]: {
            k: (v.currency, v.original) if isinstance(v, xl.Money) else v
            for k, v in r.values.items()
            if k != "name"
        }
        for r in ledger.rows
    }
    assert got == {
        "甲": {"foreign_investment": ("USD", Decimal("2000")), "is_foreign": True},
        "乙": {"foreign_investment": ("USD", Decimal("300")), "is_foreign": True},
        "丙": {"registered_capital": ("USD", Decimal("1000")), "is_foreign": True},
        "丁": {},
    }


def test_parse_ledger_skips_traditional_totals_and_notes_spread_over_a_row():
    ledger = parse(
        [["序號", "項目名稱", "總投資（億元）", "計劃開工時間"],
         [1, "甲", 3.5, "2023年6月"],
         ["", "小計", 3.5, ""],
         ["合計", "", 3.5, ""],
         ["審核人：王芳", "", "", "填表人：李明 電話：0512-58780000"]],
    )  # fmt: skip
    assert [r.values["name"] for r in ledger.rows] == ["甲"]
    assert [(s.row, s.code) for s in ledger.skipped if s.code != "header"] == [
        (3, "total"), (4, "total"), (5, "note")
    ]  # fmt: skip
    assert ledger.warnings == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023年6月底", (D(2023, 6, 1), "month")),
        ("2023年6月上旬", (D(2023, 6, 1), "month")),
        ("2023.6月底前", (D(2023, 6, 1), "month")),
        ("2023年底", (D(2023, 12, 1), "month")),
        ("23年年底", (D(2023, 12, 1), "month")),
        ("2023年6月份", (D(2023, 6, 1), "month")),
    ],
)
def test_parse_date_cell_reads_the_month_a_clerk_means(text, expected):
    assert xl.parse_date_cell(text) == expected


@pytest.mark.parametrize("text", ["23年Q3", "2023年三季度", "2023年上半年"])
def test_parse_date_cell_refuses_spans_of_months(text):
    with pytest.raises(xl.CellError):
        xl.parse_date_cell(text)


def test_parse_ledger_unnumbered_section_rows_give_the_category():
    ledger = parse(
        [["序号", "项目名称", "总投资"],
         ["工業項目（2个）"],
         [1, "甲", 100],
         [2, "乙", 200],
         ["服务业项目"],
         [3, "丙", 300]],
    )  # fmt: skip
    assert [(r.values["name"], r.category) for r in ledger.rows] == [
        ("甲", "工业项目"), ("乙", "工业项目"), ("丙", "服务业项目")
    ]  # fmt: skip


@pytest.mark.parametrize(
    "line, expected",
    [
        ("填报单位：凤凰镇人民政府 填报日期：2023年7月", "凤凰镇"),
        ("填报单位：冶金工业园（锦丰镇）经济发展和科技局", "冶金工业园（锦丰镇）"),
        ("填报单位（盖章）：经开区（杨舍镇）发展改革局 填报日期：2023-06-30", "经开区（杨舍镇）"),
        ("填報單位：錦豐鎮人民政府", "锦丰镇"),
        ("填报单位：张家港市锦丰镇人民政府", "锦丰镇"),
        ("填报单位：张家港市冶金工业园经济发展局", "张家港市冶金工业园"),
        ("填报单位：常阴沙现代农业示范园区管委会", "常阴沙现代农业示范园区"),
        ("填报单位：金港街道办事处", "金港街道"),
        # a city's office, several units, no 填报单位: no unit
        ("填报单位：张家港市发展和改革委员会 单位：亿元", ""),
        ("填报单位：张家港市住房和城乡建设局", ""),
        ("填报单位：苏州市吴江区发改委", ""),
        ("填报单位：杨舍镇、塘桥镇", ""),
        ("凤凰镇2023年重大项目台账", ""),
    ],
)
def test_layout_reads_the_unit_a_reporting_line_names(line, expected):
    sheet = xl.RawSheet("台账", [[line], ["项目名称", "总投资"], ["甲", 100]])
    assert xl.layout(sheet, xl.Mapping()).reporting_unit == expected


def test_parse_ledger_rows_of_a_sheet_without_unit_column_are_the_reporting_units():
    ledger = parse([["填报单位：凤凰镇人民政府"], ["项目名称", "总投资"], ["甲", 100], ["乙", 200]])
    assert [r.values["unit"] for r in ledger.rows] == ["凤凰镇", "凤凰镇"]
    assert [(w.row, w.field, w.value, w.code) for w in ledger.warnings] == [
        (1, "unit", "凤凰镇", "reporting_unit")
    ]
    with_column = parse(
        [["填报单位：凤凰镇人民政府"], ["项目名称", "所在镇区"], ["甲", "锦丰镇"], ["乙", ""]]
    )
    assert [r.values.get("unit") for r in with_column.rows] == ["锦丰镇", None]
    assert with_column.warnings == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-2025", ((D(2023, 1, 1), "year"), (D(2025, 1, 1), "year"))),
        ("2023.3-2024.12", ((D(2023, 3, 1), "month"), (D(2024, 12, 1), "month"))),
        ("2023年3月至2024年12月", ((D(2023, 3, 1), "month"), (D(2024, 12, 1), "month"))),
        ("2023-03～2024-06", ((D(2023, 3, 1), "month"), (D(2024, 6, 1), "month"))),
        ("2023-03-2024-12", ((D(2023, 3, 1), "month"), (D(2024, 12, 1), "month"))),
        ("2023.3.15—2024.6.30", ((D(2023, 3, 15), "day"), (D(2024, 6, 30), "day"))),
    ],
)
def test_parse_period_cell_reads_start_and_end(text, expected):
    assert xl.parse_period_cell(text) == expected


@pytest.mark.parametrize("text", ["2023", "2023年", "3年", "2023-"])
def test_parse_period_cell_without_both_ends_is_refused(text):
    with pytest.raises(xl.CellError):
        xl.parse_period_cell(text)


def test_parse_ledger_period_column_gives_planned_start_and_completion():
    ledger = parse(
        [["项目名称", "建设起止年限", "计划竣工时间"],
         ["甲", "2023.3-2024.12", ""],
         ["乙", "2023-2025", "2024年6月"]],
    )  # fmt: skip
    got = [(r.values["planned_started"], r.values["planned_completed"]) for r in ledger.rows]
    assert got == [
        ((D(2023, 3, 1), "month"), (D(2024, 12, 1), "month")),
        ((D(2023, 1, 1), "year"), (D(2024, 6, 1), "month")),  # its own column wins
    ]
    assert "planned_period" not in ledger.rows[0].values


def test_parse_ledger_placeholders_are_blank_cells():
    ledger = parse(
        [["项目名称", "建设单位", "总投资", "计划开工", "内外资", "项目阶段"],
         ["甲", "—", "待定", "/", "无", "－"],
         ["乙", "暂无", "100", "未定", "×", "签约"]],
    )  # fmt: skip
    assert [r.values for r in ledger.rows] == [
        {"name": "甲"},
        {"name": "乙", "total_investment": ledger.rows[1].values["total_investment"],
         "is_foreign": False, "stage": "signed"},
    ]  # fmt: skip
    assert [r.errors for r in ledger.rows] == [[], []]


@pytest.mark.parametrize(
    "sheet_name, expected",
    [("锦丰镇", "锦丰镇"), ("冶金工业园（锦丰镇）", "冶金工业园（锦丰镇）"), ("金港街道", "金港街道"),
     ("Sheet1", ""), ("园区", ""), ("新开工项目", ""), ("2023年", ""), ("张家港市锦丰镇", "")],
)  # fmt: skip
def test_layout_sheet_named_after_a_unit_gives_its_rows_the_unit(sheet_name, expected):
    sheet = xl.RawSheet(sheet_name, [["项目名称", "总投资"], ["甲", 100]])
    assert xl.layout(sheet, xl.Mapping()).reporting_unit == expected


def test_parse_ledger_reads_headers_with_a_note_in_brackets():
    ledger = parse(
        [["序号", "项目名称（全称）", "总投资（亿元）（含外资）", "建设单位（业主）"],
         [1, "甲", 1.5, "A公司"]],
    )  # fmt: skip
    values = ledger.rows[0].values
    assert (values["name"], values["total_investment"].value_wan, values["investors"]) == (
        "甲", Decimal("15000"), "A公司"
    )  # fmt: skip


def test_parse_ledger_rows_numbered_in_chinese_numerals_are_sections():
    ledger = parse(
        [["序号", "项目名称", "总投资"],
         ["一", "工业项目", 100],
         [1, "甲", 100],
         ["二、", "服务业项目（1个）"],
         ["（一）", "新开工"],
         [2, "乙", 300]],
    )  # fmt: skip
    assert [(r.values["name"], r.category) for r in ledger.rows] == [
        ("甲", "工业项目"), ("乙", "服务业项目/新开工")
    ]  # fmt: skip
    assert ledger.warnings == []


def test_parse_ledger_a_project_numbered_in_chinese_numerals_stays_a_project():
    ledger = parse(
        [["序号", "项目名称", "总投资", "所在镇区"], ["一", "甲公司扩建", 100, "锦丰镇"]]
    )
    assert [r.values["name"] for r in ledger.rows] == ["甲公司扩建"]


def test_amount_parser_reads_a_space_between_thousands():
    assert xl.amount_parser()("3 500").value_wan == Decimal("3500")
