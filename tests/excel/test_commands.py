import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from tests.factories import ProjectFactory
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "excel"


def run_import(capsys, *args):
    code = 0
    try:
        call_command("import", *args)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_command_json_is_clean_and_progress_goes_to_stderr(capsys, admin_user):
    code, out, err = run_import(capsys, str(DATA / "ledger.xlsx"), "--format", "json")
    document = json.loads(out)
    assert (code, document["created"], document["updated"], document["unchanged"]) == (0, 7, 0, 0)
    assert document["errors"] == []
    assert {"row", "reason"} <= set(document["skipped"][0])
    assert "rows/s" in err
    assert Project.objects.count() == 0


def test_import_command_commit_writes(capsys, admin_user):
    code, out, _err = run_import(capsys, str(DATA / "ledger.xlsx"), "--commit", "--no-progress")
    assert (code, Project.objects.count()) == (0, 7)
    assert "已写入" in out


def test_import_command_exits_non_zero_on_errors_and_writes_nothing(capsys, admin_user):
    code, out, _err = run_import(
        capsys, str(DATA / "errors.xlsx"), "--commit", "--format", "json", "--no-progress"
    )
    document = json.loads(out)
    assert (code, len(document["errors"]), Project.objects.count()) == (1, 5, 0)
    assert set(document["errors"][0]) == {"sheet", "row", "field", "value", "message"}


def test_import_command_refuses_an_unreadable_file(capsys, admin_user):
    code, out, _err = run_import(capsys, str(DATA / "zero.xlsx"), "--format", "json")
    assert (code, json.loads(out)["errors"][0]["message"]) == (2, "文件为空（0字节）。")


def test_export_command_writes_the_layout(tmp_path, admin_user, capsys):
    ProjectFactory(name="甲", unit_id="320582103")
    ProjectFactory(name="乙", unit_id="320582403")
    target = tmp_path / "out.xlsx"
    call_command("export", "--layout", "list", "--unit", "锦丰镇", "--output", str(target))
    sheet = openpyxl.load_workbook(target).active
    assert [sheet.cell(r, 3).value for r in range(4, sheet.max_row + 1)] == ["甲", "1 个项目"]
