import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from zhaoshang.lib import excel as xl
from zhaoshang.lib.dates import date_to_excel_serial, excel_serial_to_date

DATA = Path(__file__).resolve().parent.parent / "data" / "excel"
D = datetime.date


def sheet(rows, merged=(), name="台账"):
    return xl.RawSheet(name, [list(r) for r in rows], list(merged))


def parse(rows, merged=(), mapping=None):
    return xl.parse_ledger([sheet(rows, merged)], mapping or xl.Mapping())


@pytest.mark.parametrize(
    "header, expected",
    [
        ("项目名称", ("name", None)),
        ("名称", ("name", None)),
        ("项目", ("name", None)),
        ("項目名稱", ("name", None)),
        ("* 项目名称", ("name", None)),
        ("建设地点", ("location", None)),
        ("所在镇区", ("unit", None)),
        ("属地", ("unit", None)),
        ("责任单位", ("unit", None)),
        ("总投资", ("total_investment", None)),
        ("计划总投资", ("total_investment", None)),
        ("总投资(亿元)", ("total_investment", "亿元")),
        ("总投资（亿元）", ("total_investment", "亿元")),
        ("总投资（单位：万元）", ("total_investment", "万元")),
        ("总投资亿元", ("total_investment", "亿元")),
        ("总 投 资（元）", ("total_investment", "元")),
        ("建设内容及规模", ("description", None)),
        ("开工时间", ("planned_started", None)),
        ("计划开工", ("planned_started", None)),
        ("实际开工时间", ("actual_started", None)),
        ("签约时间", ("actual_signed", None)),
        ("预计投产时间", ("planned_in_production", None)),
        ("项目代码", ("national_code", None)),
        ("项目编号", ("code", None)),
        ("建设单位", ("investors", None)),
        ("达产后年销售收入（亿元）", ("expected_revenue", "亿元")),
        ("形象进度", (None, None)),
    ],
)
def test_mapping_lookup_reads_synonyms_and_units(header, expected):
    known, field, unit = xl.Mapping().lookup(xl.header_key(header))
    assert (known, field, unit) == (True, *expected)


@pytest.mark.parametrize(
    "parent, child, expected",
    [
        ("总投资", "计划", ("total_investment", "万元", "synonym")),
        ("总投资", "完成", (None, None, "not_stored")),
        ("总投资", "（亿元）", ("total_investment", "亿元", "synonym")),
        ("开工时间", "计划", ("planned_started", None, "synonym")),
        ("开工时间", "实际", ("actual_started", None, "synonym")),
        ("投资情况", "总投资", ("total_investment", "万元", "synonym")),
        ("进展", "打分", (None, None, "unknown")),
    ],
)
def test_mapping_column_reads_two_row_headers(parent, child, expected):
    column = xl.Mapping().column(3, parent, child, "万元")
    assert (column.field, column.unit, column.how) == expected


def test_mapping_user_choice_wins_and_sets_unit():
    mapping = xl.Mapping({"投资额": "total_investment@亿元", "项目名称": ""})
    assert xl.Mapping().column(0, "投资额", "", None).field is None
    column = mapping.column(0, "投资额", "", None)
    assert (column.field, column.unit, column.how) == ("total_investment", "亿元", "user")
    assert mapping.column(1, "项目名称", "", None).field is None


@pytest.mark.parametrize(
    "rows, header_rows",
    [
        ([["序号", "项目名称", "总投资"], [1, "甲", 1]], (0, 0)),
        ([["2023年张家港市重大项目推进情况表"], ["填报单位：发改委 单位：万元"],
          ["序号", "项目名称", "总投资"], [1, "甲", 1]], (2, 2)),
        ([["表"], ["序号", "项目名称", "总投资", ""], ["", "", "计划", "完成"], [1, "甲", 1, 2]],
         (1, 2)),
        ([["序号", "项目名称", "总投资"], ["一、新开工项目"], [1, "甲", 1]], (0, 0)),
        ([["序号", "项目名称", "总投资"], ["1", "2", "3"], [1, "甲", 1]], (0, 0)),
    ],
)  # fmt: skip
def test_find_header_under_titles_and_over_subheaders(rows, header_rows):
    assert xl.find_header(sheet(rows), xl.Mapping()) == header_rows


def test_find_header_none_without_a_name_column():
    assert xl.find_header(sheet([["姓名", "电话"], ["张三", "123"]]), xl.Mapping()) is None


@pytest.mark.parametrize(
    "title, unit",
    [("填报单位：锦丰镇    单位：万元", "万元"), ("金额单位：亿元", "亿元"),
     ("单位:元", "元"), ("（单位：亿元）", "亿元"), ("2023年重大项目表", None)],
)  # fmt: skip
def test_layout_reads_unit_from_title(title, unit):
    lay = xl.layout(sheet([[title], ["项目名称", "总投资"], ["甲", 1]]), xl.Mapping())
    assert (lay.title_unit, lay.columns[1].unit) == (unit, unit or None)


@pytest.mark.parametrize(
    "cell, unit, expected",
    [
        (35000.0, "万元", (Decimal("35000"), "exact", "")),
        (3.5, "亿元", (Decimal("35000"), "exact", "")),
        (12345, "元", (Decimal("1.2345"), "exact", "")),
        ("1,250", "万元", (Decimal("1250"), "exact", "")),
        ("约3.5亿", "万元", (Decimal("35000"), "approx", "约3.5亿")),
        ("超10亿元", "万元", (Decimal("100000"), "at_least", "超10亿元")),
        ("１２０００", "万元", (Decimal("12000"), "exact", "１２０００")),
        ("五千万", "万元", (Decimal("5000"), "exact", "五千万")),
        ("3.6億", "万元", (Decimal("36000"), "exact", "3.6億")),
        ("约3.5", "亿元", (Decimal("35000"), "approx", "约3.5")),
        (0.1 + 0.2, "万元", (Decimal("0.3"), "exact", "")),
        (1234.5678901234, "万元", (Decimal("1234.5678901234"), "exact", "")),
    ],
)
def test_amount_parser_reads_numbers_units_and_qualifiers(cell, unit, expected):
    money = xl.amount_parser(unit)(cell)
    assert (money.value_wan, money.qualifier, money.text) == expected


@pytest.mark.parametrize("cell", ["很多钱", "-5", -5.0, datetime.date(2023, 1, 1)])
def test_amount_parser_refuses_with_the_value(cell):
    with pytest.raises(xl.CellError) as excinfo:
        xl.amount_parser()(cell)
    assert excinfo.value.code == "amount"


@pytest.mark.parametrize(
    "cell, expected",
    [
        (datetime.datetime(2023, 3, 15), (D(2023, 3, 15), "day")),
        (D(2023, 3, 15), (D(2023, 3, 15), "day")),
        (44986, (D(2023, 3, 1), "day")),
        (44986.0, (D(2023, 3, 1), "day")),
        ("44986", (D(2023, 3, 1), "day")),
        ("2023年3月", (D(2023, 3, 1), "month")),
        ("2023.3", (D(2023, 3, 1), "month")),
        (2023.3, (D(2023, 3, 1), "month")),
        ("2023/03/15", (D(2023, 3, 15), "day")),
        ("23年3月", (D(2023, 3, 1), "month")),
        (2023, (D(2023, 1, 1), "year")),
        ("２０２３年３月", (D(2023, 3, 1), "month")),
    ],
)
def test_parse_date_cell_reads_ledger_dates(cell, expected):
    assert xl.parse_date_cell(cell) == expected


@pytest.mark.parametrize("cell", ["2023-02-30", "明年", datetime.time(8, 0)])
def test_parse_date_cell_refuses(cell):
    with pytest.raises(xl.CellError):
        xl.parse_date_cell(cell)


def test_excel_serial_round_trip():
    assert excel_serial_to_date(44986) == D(2023, 3, 1)
    assert date_to_excel_serial(D(2023, 3, 1)) == 44986


@pytest.mark.parametrize(
    "cell, expected", [(500, 500), (500.0, 500), ("1,200人", 1200), ("五百人", 500), ("３０", 30)]
)
def test_parse_int_cell_reads_counts(cell, expected):
    assert xl.parse_int_cell(cell) == expected


@pytest.mark.parametrize("cell", ["约500人", 12.5, "很多"])
def test_parse_int_cell_refuses_what_is_not_a_count(cell):
    with pytest.raises(xl.CellError):
        xl.parse_int_cell(cell)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("信義光伏\n二期 項目", "信义光伏二期项目"),
        ("  港城 智能装备   项目 ", "港城智能装备项目"),
        ("ZF  Friedrichshafen\nAG", "ZF Friedrichshafen AG"),
        ("（合成）项目A 二期", "（合成）项目A二期"),
    ],
)
def test_normalise_name_drops_stray_spaces_and_breaks(text, expected):
    assert xl.normalise_name(text) == expected


def test_name_key_ignores_brackets_width_and_script():
    assert xl.name_key("信義光伏（蘇州）") == xl.name_key("信义光伏(苏州)")


@pytest.mark.parametrize(
    "first, code, params",
    [
        ("合计", "total", {"label": "合计"}),
        ("小 计", "total", {"label": "小 计"}),
        ("总计（10个）", "total", {"label": "总计（10个）"}),
        ("一、新开工项目（12个）", "section", {"category": "新开工项目"}),
        ("（二）续建项目", "section", {"category": "新开工项目/续建项目"}),
        ("注：金额单位万元", "note", {"text": "注：金额单位万元"}),
        ("其中：外资项目", "breakdown", {"label": "其中：外资项目"}),
    ],
)
def test_parse_ledger_skips_rows_that_are_not_projects(first, code, params):
    rows = [["序号", "项目名称", "总投资"], ["一、新开工项目"], [1, "甲", 1], [first]]
    ledger = parse(rows)
    last = ledger.skipped[-1]
    assert (last.row, last.code, last.params) == (4, code, params)
    assert [r.values["name"] for r in ledger.rows] == ["甲"]


def test_parse_ledger_skips_serial_only_blank_and_repeated_header_rows():
    rows = [["序号", "项目名称", "总投资"], [1, "甲", 1], [2], [], ["序号", "项目名称", "总投资"],
            [3, "乙", 2]]  # fmt: skip
    ledger = parse(rows)
    assert [(s.row, s.code) for s in ledger.skipped] == [
        (1, "header"), (3, "serial_only"), (4, "blank"), (5, "header_repeat")
    ]  # fmt: skip
    assert [r.row for r in ledger.rows] == [2, 6]


def test_parse_ledger_sections_give_categories():
    rows = [["序号", "项目名称"], ["一、新开工项目"], [1, "甲"], ["（一）先进制造业"], [2, "乙"],
            ["二、续建项目（1个）"], [3, "丙"]]  # fmt: skip
    ledger = parse(rows)
    assert [(r.values["name"], r.category) for r in ledger.rows] == [
        ("甲", "新开工项目"), ("乙", "新开工项目/先进制造业"), ("丙", "续建项目")
    ]  # fmt: skip


@pytest.mark.parametrize(
    "rows, mismatches",
    [
        # totals that agree: grand total at the top, subtotals after their rows
        ([["合计", "", 6], ["一、甲类"], [1, "a", 1], [2, "b", 2], ["小计", "", 3],
          ["二、乙类"], [3, "c", 3], ["小计", "", 3]], []),
        # a subtotal that is wrong
        ([["一、甲类"], [1, "a", 1], [2, "b", 2], ["小计", "", 4]], [(5, "3", "4")]),
        # a grand total at the bottom that misses a row
        ([[1, "a", 1], [2, "b", 2], ["合计", "", 1]], [(4, "3", "1")]),
        # a section row stating its own total
        ([["一、甲类", "", 5], [1, "a", 1], [2, "b", 2], ["二、乙类"], [3, "c", 9]],
         [(2, "3", "5")]),
        # the total as written is rounded: 3.3 stands for 3.333
        ([[1, "a", 1.111], [2, "b", 2.222], ["合计", "", 3.3]], []),
    ],
)  # fmt: skip
def test_parse_ledger_checks_totals(rows, mismatches):
    ledger = parse([["序号", "项目名称", "总投资"], *rows])
    found = [(w.row, w.params["sum"], w.params["stated"]) for w in ledger.warnings]
    assert found == mismatches


def test_parse_ledger_totals_leave_out_phases_of_listed_projects():
    rows = [["项目编号", "项目名称", "总投资", "母项目编号"], ["A", "主项目", 10, ""],
            ["B", "首期", 4, "A"], ["合计", "", 10, ""]]  # fmt: skip
    assert parse(rows).warnings == []


def test_parse_ledger_reports_cells_it_cannot_read():
    ledger = parse([["项目名称", "总投资", "计划开工"], ["甲", "很多", "2023-02-30"], ["", 5, ""]])
    problems = [(p.row, p.field, p.value, p.code) for r in ledger.rows for p in r.errors]
    assert problems == [
        (2, "total_investment", "很多", "amount"),
        (2, "planned_started", "2023-02-30", "date"),
        (3, "name", "", "missing_name"),
    ]


def test_parse_ledger_fills_vertical_merges_in_data_rows():
    rows = [["项目名称", "所在镇区"], ["甲", "锦丰镇"], ["乙", ""]]
    ledger = parse(rows, merged=[(1, 1, 2, 1)])
    assert [r.values["unit"] for r in ledger.rows] == ["锦丰镇", "锦丰镇"]


def test_parse_ledger_refuses_a_workbook_that_is_no_ledger():
    with pytest.raises(xl.WorkbookError) as excinfo:
        xl.parse_ledger([sheet([["姓名", "电话"], ["张三", "1"]])])
    assert (excinfo.value.code, "姓名" in excinfo.value.params["headers"]) == ("not_a_ledger", True)


@pytest.mark.parametrize("name", ["ledger.xlsx", "ledger.xls", "ledger.ods"])
def test_read_workbook_reads_the_bureau_ledger_in_every_format(name):
    ledger = xl.parse_ledger(xl.read_workbook((DATA / name).read_bytes(), name))
    rows = {r.values["name"]: r for r in ledger.rows}
    assert list(rows) == [
        "盛虹储能电池超级工厂二期项目", "信义光伏玻璃扩建项目", "港城智能装备项目",
        "大族激光华东总部二期", "采埃孚新能源零部件三期", "中粮东海粮油新建压榨项目",
        "天兵科技液体火箭发动机试验基地",
    ]  # fmt: skip
    first = rows["盛虹储能电池超级工厂二期项目"].values
    assert first["total_investment"][:3] == (Decimal("35000"), "approx", "约3.5亿")
    assert (first["planned_started"], first["actual_started"]) == (
        (D(2023, 3, 1), "month"), (D(2023, 3, 15), "day")
    )  # fmt: skip
    assert rows["大族激光华东总部二期"].values["planned_started"] == (D(2023, 3, 1), "day")
    assert rows["中粮东海粮油新建压榨项目"].values["total_investment"].value_wan == Decimal("25000")
    assert rows["中粮东海粮油新建压榨项目"].values["expected_revenue"].value_wan == Decimal(
        "100000"
    )
    assert [r.category for r in rows.values()][:5] == ["新开工项目"] * 3 + ["续建项目"] * 2
    assert ledger.warnings == []
    layout = ledger.layouts[0]
    assert [(c.letter, c.field, c.how) for c in layout.columns if c.how != "synonym"] == [
        ("F", None, "not_stored")
    ]  # fmt: skip
    assert (layout.columns[9].letter, layout.columns[9].field) == ("J", "remarks")  # 备注
    assert ("填表说明", None, "no_header") in [(s.sheet, s.row, s.code) for s in ledger.skipped]


@pytest.mark.parametrize("name", ["ledger_gbk.csv", "ledger_utf8.csv"])
def test_read_workbook_reads_csv_in_gbk_and_utf8(name):
    ledger = xl.parse_ledger(xl.read_workbook((DATA / name).read_bytes(), name))
    values = [(r.values["name"], r.values["total_investment"][:2]) for r in ledger.rows]
    assert values == [
        ("沙洲湖科创园", (Decimal("35000"), "exact")),
        ("凤凰镇文旅综合体", (Decimal("20000"), "approx")),
    ]


@pytest.mark.parametrize(
    "name, code",
    [("zero.xlsx", "empty_file"), ("corrupt.xlsx", "unreadable"), ("encrypted.xlsx", "encrypted"),
     ("empty.xlsx", "empty")],
)  # fmt: skip
def test_read_workbook_refuses_bad_files_with_a_reason(name, code):
    with pytest.raises(xl.WorkbookError) as excinfo:
        xl.read_workbook((DATA / name).read_bytes(), name)
    assert excinfo.value.code == code


def test_read_workbook_refuses_binary_that_is_no_workbook():
    with pytest.raises(xl.WorkbookError) as excinfo:
        xl.read_workbook(b"\x00\x01\x02garbage" * 100, "x.xlsx")
    assert excinfo.value.code == "unreadable"
