"""`zhaoshang import FILE --monthly YYYY-MM [--unit X] [--commit] [--format json]`."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.excel.test_monthly_import import workbook
from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from tests.progress.factories import PlanFactory
from zhaoshang.progress.models import MonthlyProgress

pytestmark = pytest.mark.django_db


def _call(*args) -> int:
    try:
        call_command("import", *args, "--lang", "en")
    except SystemExit as exc:
        return int(exc.code)
    return 0


@pytest.fixture
def book(tmp_path, db):
    a = ProjectFactory(code="320582-2023-0101", name="信义光伏三期", unit_id=JINFENG)
    PlanFactory(project=a)
    path = tmp_path / "锦丰镇6月.xlsx"
    path.write_bytes(workbook([[1, a.code, "", 200, 200, 150, 180, "封顶", ""]]))
    return path, a


def test_monthly_command_dry_run_then_commit(capsys, admin_user, book):
    path, a = book
    code = _call(str(path), "--monthly", "2023-06", "--unit", "锦丰镇", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (report["month"], report["unit"], report["committed"]) == ("2023-06", JINFENG, False)
    assert report["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "refused": 0}
    assert [(r["row"], r["code"], r["action"]) for r in report["rows"]] == [(4, a.code, "created")]
    assert MonthlyProgress.objects.count() == 0
    assert _call(str(path), "--monthly", "2023-06", "--unit", JINFENG, "--commit") == 0
    out = capsys.readouterr().out
    assert "written: 新增 created 1" in out
    assert MonthlyProgress.objects.get(project=a, month=6).completed_wan == Decimal("200")


def test_monthly_command_refused_rows_exit_1_and_write_nothing(capsys, admin_user, tmp_path, db):
    other = ProjectFactory(code="320582-2023-0201", unit_id=BAOSHUI)
    path = tmp_path / "m.xlsx"
    path.write_bytes(workbook([[1, other.code, "", 5, None, None, None, "", ""]]))
    code = _call(str(path), "--monthly", "2023-06", "--unit", "锦丰镇", "--commit")
    out = capsys.readouterr().out
    assert code == 1
    assert f"✗ 6月 第4行 row 4 · B project code · “{other.code}”" in out
    assert f"project {other.code} is not in this unit" in out
    assert MonthlyProgress.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--monthly", "2099-01", "--unit", "锦丰镇"), "2099-01 is in the future"),
        (("--monthly", "2023-06", "--unit", "锦峰镇"), "锦峰镇"),
        (("--monthly", "2023-06"), "--unit is required"),
    ],
)
def test_monthly_command_bad_month_or_unit_exit_2(capsys, admin_user, book, args, message):
    path, _a = book
    assert _call(str(path), *args) == 2
    assert message in capsys.readouterr().err
