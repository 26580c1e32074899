"""A town's monthly workbook imported for a month: read as towns write them (merged title,
单位：万元, 亿元 columns, 合计 rows, blank rows, formula errors), checked and written by the
entry grid's own service (`record_unit_month`), with a dry run that writes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.models import ChangeLog
from zhaoshang.excel.monthly import import_monthly, lookup_header
from zhaoshang.progress import services as progress_services
from zhaoshang.progress.models import MonthlyProgress

pytestmark = pytest.mark.django_db

HEADER = ["序号", "项目编号", "项目名称", "本月完成投资", "1-6月累计完成投资", "到位资金",
          "入统投资", "形象进度", "存在问题"]  # fmt: skip


def workbook(rows, *, header=HEADER, title="锦丰镇2023年6月重大项目推进情况表",
             unit_line="填报单位：锦丰镇人民政府            单位：万元", two_rows=None) -> bytes:  # fmt: skip
    """A town's workbook: a merged title row, a 填报单位/单位 line, the header (or a merged
    two-row header), the rows as given (None: a blank row), a 合计 row and a note."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "6月"
    width = len(header)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([unit_line])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    if two_rows:
        top, below, merges = two_rows
        sheet.append(top)
        sheet.append(below)
        for first, last in merges:
            sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
    else:
        sheet.append(header)
    for row in rows:
        sheet.append([] if row is None else row)
    sheet.append(["", "", "合计", "=SUM(D4:D9)"])
    sheet.append(["注：本表由各镇（区）每月5日前报送。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def town(db):
    a = ProjectFactory(code="320582-2023-0101", name="信义光伏三期", unit_id=JINFENG)
    b = ProjectFactory(code="320582-2023-0102", name="广大鑫盛风电装备关键部件", unit_id=JINFENG)
    other = ProjectFactory(
        code="320582-2023-0201", name="大族激光华东区域总部基地", unit_id=BAOSHUI
    )
    for p in (a, b, other):
        PlanFactory(project=p)
    return a, b, other


def _june_ids():
    # ids a June report would have had: whatever the dry run created was rolled back
    last = MonthlyProgress.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return [str(n) for n in range(last + 1, last + 10)]


def _run(user, data, *, commit=False, month="2023-06", unit=JINFENG, versions=None):
    with translation.override("en"):
        return import_monthly(
            user=user, data=data, filename="6月.xlsx", month=month, unit_code=unit,
            commit=commit, versions=versions,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("本月完成投资", "completed_wan", None),
        ("当月完成投资（亿元）", "completed_wan", "亿元"),
        ("本月投资", "completed_wan", None),
        ("累计完成", "completed_ytd_wan", None),
        ("1-6月累计完成投资", "completed_ytd_wan", None),
        ("1～11月累计", "completed_ytd_wan", None),
        ("自年初累计", "completed_ytd_wan", None),
        ("资金到位", "funds_in_place_wan", None),
        ("纳统", "counted_wan", None),
        ("入统投资(万元)", "counted_wan", "万元"),
        ("工程进度", "physical_progress", None),
        ("存在的问题", "problems_raised", None),
        ("自开工累计完成投资", None, None),
    ],
)
def test_monthly_headers_map_through_the_synonym_table(header, field, unit):
    found, found_unit, known = lookup_header(header)
    assert (found, found_unit, known) == (field, unit, True)


def test_monthly_dry_run_lists_each_row_and_writes_nothing(town_editor, town):
    a, _b, _other = town
    ReportFactory(project=a, month=5, completed_wan=Decimal("300"))
    data = workbook(
        [
            [
                1,
                "320582-2023-0101",
                "信义光伏三期",
                200,
                500,
                150,
                180,
                "主体结构封顶",
                "用电指标待落实",
            ],
            None,
            [2, "", "广大鑫盛风电装备关键部件", 80, None, 60, 70, "设备安装", ""],
        ]
    )
    result = _run(town_editor, data)
    assert result.ok
    assert result.counts == {"created": 2, "updated": 0, "unchanged": 0, "refused": 0}
    assert [(r.row, r.code, r.action) for r in result.rows] == [
        (4, "320582-2023-0101", "created"),
        (6, "320582-2023-0102", "created"),
    ]
    assert result.rows[0].after["completed_wan"] == "200"
    assert result.rows[0].after["physical_progress"] == "主体结构封顶"
    reasons = [s["reason"] for s in result.skipped]
    assert reasons == ["a totals row (合计/小计), not a project", "a note under the table"]
    # the dry run wrote nothing, history neither
    assert MonthlyProgress.objects.filter(month=6).count() == 0
    assert not ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(MonthlyProgress), object_id__in=_june_ids()
    ).exists()


def test_monthly_confirm_writes_the_same_as_the_entry_grid(town_editor, town):
    a, b, _other = town
    ReportFactory(project=a, month=5, completed_wan=Decimal("300"))
    data = workbook(
        [
            [
                1,
                "320582-2023-0101",
                "信义光伏三期",
                200,
                500,
                150,
                180,
                "主体结构封顶",
                "用电指标待落实",
            ],
            [
                2,
                "320582-2023-0102",
                "广大鑫盛风电装备关键部件",
                "80.5",
                None,
                60,
                70,
                "设备安装",
                None,
            ],
        ]
    )
    dry = _run(town_editor, data)
    result = _run(town_editor, data, commit=True, versions=dry.versions)
    assert result.committed and result.counts["created"] == 2
    imported = {
        r.project.code: (r.completed_wan, r.funds_in_place_wan, r.counted_wan, r.physical_progress,
                         r.problems_raised, r.reported_by_id)
        for r in MonthlyProgress.objects.filter(month=6).select_related("project")
    }  # fmt: skip
    # the same figures through the grid's service, for the same projects a month later
    progress_services.record_unit_month(
        user=town_editor,
        unit_code=JINFENG,
        month="2023-07",
        rows={
            a.code: {"completed_wan": "200", "funds_in_place_wan": "150", "counted_wan": "180",
                     "physical_progress": "主体结构封顶", "problems_raised": "用电指标待落实",
                     "version": ""},
            b.code: {"completed_wan": "80.5", "funds_in_place_wan": "60", "counted_wan": "70",
                     "physical_progress": "设备安装", "version": ""},
        },
    )  # fmt: skip
    grid = {
        r.project.code: (r.completed_wan, r.funds_in_place_wan, r.counted_wan, r.physical_progress,
                         r.problems_raised, r.reported_by_id)
        for r in MonthlyProgress.objects.filter(month=7).select_related("project")
    }  # fmt: skip
    assert imported == grid
    assert imported[a.code][0] == Decimal("200")
    # the change is kept in the history like the grid's
    report = MonthlyProgress.objects.get(project=a, month=6)
    assert (
        ChangeLog.objects.filter(
            content_type=ContentType.objects.get_for_model(MonthlyProgress),
            object_id=str(report.pk),
        ).count()
        == 1
    )
    # importing the same workbook again changes nothing
    again = _run(town_editor, data)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "refused": 0}


def test_monthly_amounts_in_yi_columns_and_merged_two_row_headers(town_editor, town):
    a, _b, _other = town
    top = [
        "序号",
        "项目编号",
        "项目名称",
        "完成投资（亿元）",
        "完成投资（亿元）",
        "到位资金（亿元）",
        "形象进度",
    ]
    below = ["", "", "", "本月", "累计", "", ""]
    data = workbook(
        [[1, "320582-2023-0101", "信义光伏三期", 0.02, 0.02, 0.015, "钢结构吊装"]],
        header=top,
        two_rows=(top, below, [(4, 5)]),
    )
    result = _run(town_editor, data, commit=True)
    assert result.committed, [r.refusals for r in result.rows]
    report = MonthlyProgress.objects.get(project=a, month=6)
    assert (report.completed_wan, report.funds_in_place_wan) == (Decimal("200"), Decimal("150"))


@pytest.mark.parametrize(
    ("cells", "field", "column", "value", "reason"),
    [
        ({3: -5}, "completed_wan", "D", "-5",
         "investment completed: an amount cannot be negative: -5"),
        ({3: "约200"}, "completed_wan", "D", "约200",
         "investment completed: “约200”: give the exact amount in CNY, in 万元"),
        ({3: "abc"}, "completed_wan", "D", "abc", "investment completed: “abc” is not an amount"),
        ({6: "-1"}, "counted_wan", "G", "-1",
         "investment counted in statistics (入统): an amount cannot be negative: -1"),
        ({3: 200, 4: 900}, "completed_wan", "D", "200",
         "investment completed: this month 200 does not match the cumulative 900 (which gives 900)"),
    ],
)  # fmt: skip
def test_monthly_bad_cells_are_refused_naming_row_column_value(
    town_editor, town, cells, field, column, value, reason
):
    row = [1, "320582-2023-0101", "信义光伏三期", None, None, None, None, "", ""]
    for index, cell in cells.items():
        row[index] = cell
    result = _run(town_editor, workbook([row]), commit=True)
    assert not result.committed
    assert result.rows[0].action == "refused"
    refusal = result.rows[0].refusals[0]
    assert (result.rows[0].row, refusal.field, refusal.column, refusal.value, refusal.reason) == (
        4, field, column, value, reason,
    )  # fmt: skip
    assert MonthlyProgress.objects.count() == 0


def test_monthly_formula_error_is_refused(town_editor, town):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("6月")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, [1, "320582-2023-0101", "信义光伏三期"])
    sheet.write_formula(1, 3, "=1/0", None, "#DIV/0!")  # Excel's cached result: the error
    sheet.write_row(1, 4, [500, 1, 1])
    book.close()
    data = out.getvalue()
    result = _run(town_editor, data)
    refusal = result.rows[0].refusals[0]
    assert (refusal.field, refusal.column, refusal.value) == ("completed_wan", "D", "#DIV/0!")


def test_monthly_cumulative_below_earlier_months_is_refused(town_editor, town):
    a, _b, _other = town
    ReportFactory(project=a, month=5, completed_wan=Decimal("300"))
    result = _run(town_editor, workbook([[1, a.code, a.name, None, 250, None, None, "", ""]]))
    assert result.rows[0].refusals[0].reason == (
        "investment completed: the cumulative figure 250 would go down: January to the month "
        "before already total 300"
    )


def test_monthly_project_of_another_town_is_refused_and_the_rest_still_classified(
    town_editor, town
):
    a, _b, other = town
    data = workbook(
        [
            [1, "", "大族激光华东区域总部基地", 10, None, None, None, "", ""],
            [2, a.code, a.name, 20, None, None, None, "", ""],
            [3, "320582-2099-9999", "不存在的项目", 5, None, None, None, "", ""],
        ]
    )
    result = _run(town_editor, data, commit=True)
    assert not result.committed
    assert [(r.row, r.action) for r in result.rows] == [
        (4, "refused"),
        (5, "created"),
        (6, "refused"),
    ]
    assert result.rows[0].refusals[0].reason == f"project {other.code} is not in this unit"
    assert result.rows[2].refusals[0].reason == "no project with code “320582-2099-9999”"
    assert MonthlyProgress.objects.count() == 0


def test_monthly_unknown_name_and_duplicate_rows_are_refused(town_editor, town):
    a, _b, _other = town
    data = workbook(
        [
            [1, "", "没有这个项目", 10, None, None, None, "", ""],
            [2, a.code, a.name, 20, None, None, None, "", ""],
            [3, "", "信義光伏三期", 20, None, None, None, "", ""],
        ]
    )
    result = _run(town_editor, data)
    assert [r.refusals[0].reason if r.refusals else "" for r in result.rows] == [
        "no project called “没有这个项目” in the ledger; add its project code",
        "",
        f"project {a.code} is already on row 5",
    ]


def test_monthly_town_editor_may_not_import_for_another_unit(town_editor, town):
    with pytest.raises(NotAllowed):
        _run(town_editor, workbook([]), unit=BAOSHUI)


def test_monthly_leader_may_not_import(leader, town):
    with pytest.raises(NotAllowed):
        _run(leader, workbook([]))


def test_monthly_future_month_is_refused(town_editor, town):
    with pytest.raises(InputError) as caught:
        _run(town_editor, workbook([]), month="2099-01")
    assert "2099-01 is in the future" in caught.value.fields["month"][0]


def test_monthly_report_changed_after_the_dry_run_is_not_overwritten(town_editor, town):
    a, _b, _other = town
    ReportFactory(project=a, month=6, completed_wan=Decimal("100"))
    data = workbook([[1, a.code, a.name, 200, None, None, None, "", ""]])
    dry = _run(town_editor, data)
    assert dry.rows[0].action == "updated"
    assert (dry.rows[0].before["completed_wan"], dry.rows[0].after["completed_wan"]) == (
        "100",
        "200",
    )
    # someone saves on the entry grid in between
    report = MonthlyProgress.objects.get(project=a, month=6)
    progress_services.record_unit_month(
        user=town_editor, unit_code=JINFENG, month="2023-06",
        rows={a.code: {"completed_wan": "150", "version": str(report.version)}},
    )  # fmt: skip
    result = _run(town_editor, data, commit=True, versions=dry.versions)
    assert not result.committed
    assert (
        "someone else changed this report after you opened it" in result.rows[0].refusals[0].reason
    )
    assert MonthlyProgress.objects.get(project=a, month=6).completed_wan == Decimal("150")


def test_monthly_workbook_without_a_monthly_header_is_refused(town_editor, town):
    data = workbook([[1, 2, 3]], header=["序号", "甲", "乙"])
    with pytest.raises(InputError) as caught:
        _run(town_editor, data)
    assert "No monthly report found" in caught.value.fields["file"][0]


def test_monthly_workbook_with_a_sheet_per_month_reads_the_months_sheet(town_editor, town):
    a, _b, _other = town
    book = openpyxl.Workbook()
    for name, value in (("5月", 111), ("6月", 222), ("7月", 333)):
        sheet = book.create_sheet(name)
        sheet.append(["项目编号", "项目名称", "本月完成投资（万元）"])
        sheet.append([a.code, a.name, value])
    del book["Sheet"]
    out = io.BytesIO()
    book.save(out)
    result = _run(town_editor, out.getvalue(), commit=True)
    assert [(r.sheet, r.row, r.action) for r in result.rows] == [("6月", 2, "created")]
    assert [s["sheet"] for s in result.skipped] == ["5月", "7月"]
    assert MonthlyProgress.objects.get(project=a, month=6).completed_wan == Decimal("222")


def test_monthly_excel_float_noise_is_read_as_excel_shows_it(town_editor, town):
    a, _b, _other = town
    # 0.1 + 0.2 as a formula leaves it cached: Excel shows 0.3
    data = workbook(
        [[1, a.code, a.name, 0.30000000000000004, None, None, None, "", ""]],
    )
    result = _run(town_editor, data, commit=True)
    assert result.committed
    assert MonthlyProgress.objects.get(project=a, month=6).completed_wan == Decimal("0.3")


def test_monthly_refusal_in_chinese_names_the_workbook_row_not_the_services_count(
    town_editor, town
):
    a, _b, _other = town
    data = workbook([None, [1, a.code, a.name, 200, 900, None, None, "", ""]])
    with translation.override("zh-hans"):
        result = import_monthly(
            user=town_editor, data=data, filename="m.xlsx", month="2023-06", unit_code=JINFENG
        )
    refusal = result.rows[0].refusals[0]
    assert (result.rows[0].row, refusal.column) == (5, "D")
    assert refusal.reason.startswith("完成投资：本月数 200 与累计数 900 不符")
