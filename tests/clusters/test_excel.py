import io
from decimal import Decimal

import pytest
import xlsxwriter

from tests.clusters.conftest import add_actuals
from zhaoshang.clusters.excel import export_workbook, import_workbook, read_rows
from zhaoshang.clusters.models import Indicator
from zhaoshang.core.errors import InputError
from zhaoshang.core.history import history_for

pytestmark = pytest.mark.django_db


def workbook(rows) -> io.BytesIO:
    """A small real .xlsx with the given rows (lists of cells) on its first sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("表1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    buffer.seek(0)
    return buffer


HEADER = ["指标代码", "指标名称", "地区", "产业集群", "期间", "类型", "数值", "单位", "来源"]


def test_import_reads_title_rows_numbers_and_text(definitions, cluster, bureau_editor):
    file = workbook(
        [
            ["张家港市主要经济指标（2023年）"],
            [],
            HEADER,
            ["sei_output", "", "", "", 2023, "实际", "超2600", "亿元", "统计公报"],
            [
                "",
                "战略性新兴产业产值占规上工业总产值比重",
                "张家港市",
                "",
                "2023年",
                "",
                42.5,
                "%",
                "",
            ],
            ["cluster_output", "", "", "光伏新能源", "2023", "实际", 163, "", ""],
            [None, None, None, None, None, None, None, None, None],
        ]
    )

    result = import_workbook(user=bureau_editor, file=file, reason="导入统计公报")

    assert (result.count("new"), Indicator.objects.count()) == (3, 4)
    share = Indicator.objects.get(code="sei_share")
    assert (share.period, share.value, share.unit_of_measure) == ("2023", Decimal("42.5"), "%")
    assert Indicator.objects.get(code="sei_output").qualifier == "at_least"
    assert Indicator.objects.get(code="cluster_output", kind="actual").cluster == cluster


def test_import_bad_rows_name_the_row_and_write_nothing(definitions, bureau_editor):
    file = workbook(
        [
            HEADER,
            ["sei_output", "", "", "", 2023, "实际", 2600, "亿元", ""],
            ["sei_share", "", "", "", 2023, "实际", 141, "%", ""],
            ["sei_output", "", "", "", 2023, "目标", 2700, "万元", ""],
            ["trade", "", "", "", "", "目标", 500, "亿美元", ""],
            ["sei_output", "", "", "", "2023年", "实际", 2650, "亿元", ""],
        ]
    )

    with pytest.raises(InputError) as exc:
        import_workbook(user=bureau_editor, file=file)

    assert [(row, field) for row, field, _v, _m in exc.value.result.errors] == [
        (3, "value"),
        (4, "unit"),
        (5, "period"),
        (6, "period"),
    ]
    assert Indicator.objects.count() == 0


def test_import_changed_value_needs_replace_and_reason_and_keeps_history(
    definitions, bureau_editor
):
    import_workbook(
        user=bureau_editor,
        file=workbook([HEADER, ["trade", "", "", "", 2023, "", 405, "亿美元", ""]]),
    )
    changed = workbook([HEADER, ["trade", "", "", "", 2023, "", 406, "亿美元", ""]])

    with pytest.raises(InputError):
        import_workbook(user=bureau_editor, file=changed)
    changed.seek(0)
    with pytest.raises(InputError):
        import_workbook(user=bureau_editor, file=changed, replace=True)
    changed.seek(0)
    result = import_workbook(user=bureau_editor, file=changed, replace=True, reason="海关修订")

    row = Indicator.objects.get(code="trade")
    assert (result.count("changed"), row.value) == (1, Decimal("406"))
    assert history_for(row).first().changes["value"] == ["405", "406"]


@pytest.mark.parametrize(
    ("rows", "field"),
    [([["x", "y"], [1, 2]], "file"), ([["期间", "数值"], [2023, 1]], "file"), ([HEADER], "file")],
)
def test_import_without_usable_header_or_rows_is_refused(definitions, bureau_editor, rows, field):
    with pytest.raises(InputError) as exc:
        import_workbook(user=bureau_editor, file=workbook(rows))

    assert list(exc.value.fields) == [field]


def test_import_not_a_workbook_is_refused(bureau_editor):
    with pytest.raises(InputError) as exc:
        read_rows(io.BytesIO(b"not an excel file"))

    assert list(exc.value.fields) == ["file"]


def test_export_then_import_changes_nothing(definitions, cluster, bureau_editor):
    add_actuals(cluster, {2022: "139", 2023: "163.5"})
    Indicator.objects.create(
        code="sei_output", name="战略性新兴产业产值", region_id="320582", year=2022, period="2022",
        kind="actual", value=Decimal("2400"), unit_of_measure="亿元", qualifier="at_least",
    )  # fmt: skip
    Indicator.objects.create(
        code="sei_share", name="占比", region_id="320582", year=2022, period="2022",
        kind="actual", value=Decimal("41.0"), unit_of_measure="%",
    )  # fmt: skip
    rows = Indicator.objects.select_related("region", "cluster", "chain", "source")

    content = export_workbook(rows)
    result = import_workbook(user=bureau_editor, file=io.BytesIO(content))

    assert (result.count("unchanged"), result.count("new"), result.count("changed")) == (5, 0, 0)


def test_export_lists_derived_values_with_formula(definitions):
    from python_calamine import CalamineWorkbook

    Indicator.objects.create(
        code="sei_output", name="x", region_id="320582", year=2022, period="2022",
        kind="actual", value=Decimal("2400"), unit_of_measure="亿元", qualifier="at_least",
    )  # fmt: skip
    Indicator.objects.create(
        code="sei_share", name="y", region_id="320582", year=2022, period="2022",
        kind="actual", value=Decimal("41"), unit_of_measure="%",
    )  # fmt: skip

    content = export_workbook(Indicator.objects.all())

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(1).to_python()
    implied = [r for r in sheet if r[0] == "above_scale_output_implied"]
    assert len(implied) == 1
    assert (implied[0][3], implied[0][4], round(implied[0][5], 2), implied[0][8]) == (
        "2022",
        "超",
        5853.66,
        "≥2400 ÷ 41 × 100 = ≥5853.66",
    )
