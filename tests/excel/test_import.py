import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from tests.factories import ProjectFactory
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.core.models import ChangeLog
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.excel import layouts
from zhaoshang.excel.models import HeaderMapping
from zhaoshang.excel.services import import_workbook, save_mapping, saved_mapping
from zhaoshang.lib import xlsxwrite as xw
from zhaoshang.lib.excel import WorkbookError
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "excel"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def workbook(rows: list[list]) -> bytes:
    out = io.BytesIO()
    with xw.Workbook(out) as book:
        sheet = book.add_sheet("台账")
        for row in rows:
            sheet.row(row)
    return out.getvalue()


def test_import_dry_run_writes_nothing_and_says_what_it_would_do(bureau_editor):
    result = import_workbook(user=bureau_editor, data=read("ledger.xlsx"), filename="ledger.xlsx")
    assert (result.counts, result.errors, result.committed) == (
        {"created": 7, "updated": 0, "unchanged": 0}, [], False
    )  # fmt: skip
    assert Project.objects.count() == 0
    assert [s["reason"] for s in result.skipped()][4:6] == [
        "合计行（合计）",
        "分组行：以下各行的类别为“新开工项目”",
    ]


def test_import_commit_writes_every_field_as_read(bureau_editor):
    result = import_workbook(
        user=bureau_editor, data=read("ledger.xlsx"), filename="ledger.xlsx", commit=True
    )
    assert (result.counts["created"], result.committed) == (7, True)
    p = Project.objects.get(name="盛虹储能电池超级工厂二期项目")
    assert (p.total_investment_wan, p.total_investment_qualifier, p.total_investment_text) == (
        Decimal("35000"), "approx", "约3.5亿"
    )  # fmt: skip
    assert (p.unit_id, p.stage, p.category, p.description) == (
        "320582406", "started", "新开工项目", "储能电池 24GWh"
    )  # fmt: skip
    dates = {
        sd.stage: (str(sd.partial("planned")), str(sd.partial("actual")))
        for sd in p.stage_dates.all()
    }
    assert dates == {"started": ("2023-03", "2023-03-15")}
    assert list(p.investors.values_list("name", flat=True)) == ["盛虹控股集团有限公司"]
    assert Project.objects.get(name="信义光伏玻璃扩建项目").total_investment_qualifier == "at_least"
    second = Project.objects.get(name="中粮东海粮油新建压榨项目")
    assert (second.total_investment_wan, second.expected_revenue_wan, second.unit_id) == (
        Decimal("25000"), Decimal("100000"), "320582001"
    )  # fmt: skip
    log = history_for(p).get()
    assert (log.action, log.reason, log.user, log.changes["total_investment_wan"]) == (
        "create", "导入 ledger.xlsx", bureau_editor, [None, "35000"]
    )  # fmt: skip
    assert (
        ChangeLog.objects.filter(content_type__model="enterprise").count()
        == Enterprise.objects.count()
    )


def test_import_same_file_again_changes_nothing(bureau_editor):
    import_workbook(user=bureau_editor, data=read("ledger.xlsx"), filename="a.xlsx", commit=True)
    logs = ChangeLog.objects.count()
    again = import_workbook(
        user=bureau_editor, data=read("ledger.xlsx"), filename="a.xlsx", commit=True
    )
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 7}
    assert ChangeLog.objects.count() == logs


@pytest.mark.parametrize("name", ["ledger.xls", "ledger.ods"])
def test_import_other_formats_match_the_xlsx(bureau_editor, name):
    import_workbook(user=bureau_editor, data=read("ledger.xlsx"), filename="a.xlsx", commit=True)
    again = import_workbook(user=bureau_editor, data=read(name), filename=name)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 7}


def test_import_changed_value_is_an_update_with_history(bureau_editor):
    rows = [["项目名称", "所在镇区", "总投资（万元）"], ["甲项目", "锦丰镇", 100]]
    import_workbook(user=bureau_editor, data=workbook(rows), filename="a.xlsx", commit=True)
    rows[1][2] = "约2亿"
    result = import_workbook(
        user=bureau_editor, data=workbook(rows), filename="b.xlsx", commit=True
    )
    assert result.counts == {"created": 0, "updated": 1, "unchanged": 0}
    project = Project.objects.get()
    assert (project.total_investment_wan, project.total_investment_qualifier, project.version) == (
        Decimal("20000"), "approx", 2
    )  # fmt: skip
    log = history_for(project).first()
    assert (log.action, log.reason, log.changes["total_investment_wan"]) == (
        "update", "导入 b.xlsx", ["100", "20000"]
    )  # fmt: skip


def test_import_matches_by_code_then_by_name_and_unit(bureau_editor):
    ProjectFactory(code="320582-2099-0001", name="旧名称", unit_id="320582103")
    ProjectFactory(code="320582-2099-0002", name="信義光伏（蘇州）項目", unit_id="320582103")
    rows = [["项目编号", "项目名称", "所在镇区"], ["320582-2099-0001", "新名称", "锦丰镇"],
            ["", "信义光伏(苏州)项目", "锦丰镇"], ["", "信义光伏(苏州)项目", "乐余镇"]]  # fmt: skip
    result = import_workbook(user=bureau_editor, data=workbook(rows), filename="a.xlsx")
    assert result.counts == {"created": 1, "updated": 1, "unchanged": 1}
    assert result.rows("update")[0]["changes"] == [["项目名称", "旧名称", "新名称"]]


def test_import_with_problems_writes_nothing_and_names_row_field_value(bureau_editor):
    result = import_workbook(
        user=bureau_editor, data=read("errors.xlsx"), filename="errors.xlsx", commit=True
    )
    assert (result.committed, Project.objects.count()) == (False, 0)
    found = [(e["row"], e["field"], e["value"]) for e in result.errors]
    assert found == [
        (3, "total_investment", "很多钱"),
        (4, "planned_started", "2023-02-30"),
        (5, "unit", "火星镇"),
        (6, "name", ""),
        (7, "stage", "飞天"),
    ]
    assert result.errors[2]["message"] == "未知镇（区）“火星镇”"
    assert result.warnings() == []  # the total is not checked: one of its amounts is unreadable


def test_import_duplicate_rows_in_one_file_are_errors(bureau_editor):
    rows = [["项目名称", "所在镇区"], ["甲项目", "锦丰镇"], ["甲 项目", "锦丰镇"]]
    result = import_workbook(user=bureau_editor, data=workbook(rows), filename="a.xlsx")
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "name")]
    assert result.errors[0]["message"] == "与“台账”工作表第 2 行是同一个项目"


def test_import_town_editor_rows_of_other_units_are_errors(town_editor):
    result = import_workbook(
        user=town_editor, data=read("town.xlsx"), filename="town.xlsx", commit=True
    )
    assert [(e["row"], e["field"], e["value"]) for e in result.errors] == [(4, "unit", "保税区")]
    assert Project.objects.count() == 0


def test_import_town_editor_rows_default_to_their_unit(town_editor):
    rows = [["项目名称", "总投资", "建设地点"], ["锦丰镇新材料产业园", 20000, "锦丰镇沙洲西路"]]
    result = import_workbook(user=town_editor, data=workbook(rows), filename="t.xlsx", commit=True)
    assert result.counts["created"] == 1
    project = Project.objects.get()
    assert (project.unit_id, project.address) == ("320582103", "锦丰镇沙洲西路")


def test_import_leader_may_not(leader):
    with pytest.raises(NotAllowed):
        import_workbook(user=leader, data=read("ledger.xlsx"), filename="ledger.xlsx")


@pytest.mark.parametrize(
    "name, code",
    [("zero.xlsx", "empty_file"), ("corrupt.xlsx", "unreadable"), ("encrypted.xlsx", "encrypted"),
     ("empty.xlsx", "empty"), ("not_a_ledger.xlsx", "not_a_ledger")],
)  # fmt: skip
def test_import_bad_files_get_a_clear_refusal_and_write_nothing(bureau_editor, name, code):
    with pytest.raises(WorkbookError) as excinfo:
        import_workbook(user=bureau_editor, data=read(name), filename=name, commit=True)
    assert (excinfo.value.code, Project.objects.count()) == (code, 0)


def test_import_saved_mapping_is_offered_to_its_user_and_applied_when_asked(bureau_editor):
    rows = [["项目名称", "投资额"], ["甲项目", 3]]
    first = import_workbook(user=bureau_editor, data=workbook(rows), filename="a.xlsx")
    column = next(c for c in first.columns() if c["header"] == "投资额")
    assert (column["field"], column["how"]) == ("", "unknown")
    save_mapping(user=bureau_editor, columns={column["key"]: ("投资额", "total_investment@亿元")})
    # remembered, not applied by itself ...
    again = import_workbook(user=bureau_editor, data=workbook(rows), filename="a.xlsx")
    assert next(c for c in again.columns() if c["header"] == "投资额")["how"] == "unknown"
    # ... applied when its user asks for it
    mapping = saved_mapping(bureau_editor)
    import_workbook(
        user=bureau_editor, data=workbook(rows), filename="a.xlsx", commit=True, mapping=mapping
    )
    assert Project.objects.get().total_investment_wan == Decimal("30000")
    assert HeaderMapping.objects.get().saved_by == bureau_editor


def test_import_one_users_saved_mapping_never_changes_another_users_import(admin_user, town_editor):
    """#13 item 4: a town editor's mapping (an amount column read in 亿元, a header read as
    another field) changed everyone's imports: the admin's next dry run of an unchanged
    ledger reported 102 updates with amounts ×10,000. It must report none."""
    rows = [
        ["项目名称", "总投资", "建设地点"],
        ["甲项目", 3000, "锦丰镇"],
        ["乙项目", 500, "锦丰镇"],
    ]
    import_workbook(user=admin_user, data=workbook(rows), filename="a.xlsx", commit=True)
    assert Project.objects.count() == 2
    columns = {
        c["header"]: c["key"]
        for c in import_workbook(user=town_editor, data=workbook(rows), filename="a.xlsx").columns()
    }
    save_mapping(
        user=town_editor,
        columns={
            columns["总投资"]: ("总投资", "total_investment@亿元"),
            columns["建设地点"]: ("建设地点", "address"),
        },
    )
    again = import_workbook(user=admin_user, data=workbook(rows), filename="a.xlsx")
    assert (again.errors, again.counts) == ([], {"created": 0, "updated": 0, "unchanged": 2})


def ledger_round_trip(user, layout="ledger"):
    out = io.BytesIO()
    layouts.export(Project.objects.all(), layout, out)
    return import_workbook(user=user, data=out.getvalue(), filename=f"{layout}.xlsx", commit=True)


def test_export_ledger_then_import_changes_nothing_on_the_demo_data(admin_user):
    from zhaoshang.demo.load import load_facts

    load_facts()
    count = Project.objects.count()
    result = ledger_round_trip(admin_user)
    assert (result.errors, result.warnings()) == ([], [])
    assert result.counts == {"created": 0, "updated": 0, "unchanged": count}


def test_export_ledger_in_english_imports_unchanged(admin_user):
    from zhaoshang.demo.load import load_facts

    load_facts()
    with translation.override("en"):
        out = io.BytesIO()
        layouts.export(Project.objects.all(), "ledger", out)
    result = import_workbook(user=admin_user, data=out.getvalue(), filename="en.xlsx")
    assert (result.errors, result.counts["created"], result.counts["updated"]) == ([], 0, 0)


def test_export_list_layout_imports_unchanged(admin_user):
    ProjectFactory(name="甲", total_investment_wan=Decimal("12345.678"), unit_id="320582103")
    result = ledger_round_trip(admin_user, "list")
    assert (result.errors, result.counts) == ([], {"created": 0, "updated": 0, "unchanged": 1})


def test_a_large_import_refreshes_the_planner_statistics(monkeypatch, bureau_editor):
    """After 10^3 rows or more the planner must not keep the sizes it saw before."""
    from zhaoshang.excel import services

    calls = []
    monkeypatch.setattr(services, "refresh_statistics", lambda **kw: calls.append(kw))
    monkeypatch.setattr(services, "STATISTICS_AFTER_ROWS", 2)
    rows = "项目名称,建设地点,总投资（万元）\n甲项目,锦丰镇,100\n乙项目,乐余镇,200\n"
    result = services.import_workbook(
        user=bureau_editor, data=rows.encode(), filename="a.csv", commit=True
    )
    assert result.committed and calls == [{"after_bulk_load": True}]
    monkeypatch.setattr(services, "STATISTICS_AFTER_ROWS", 3)
    rows = "项目名称,建设地点,总投资（万元）\n丙项目,锦丰镇,100\n丁项目,乐余镇,200\n"
    services.import_workbook(user=bureau_editor, data=rows.encode(), filename="b.csv", commit=True)
    assert len(calls) == 1
