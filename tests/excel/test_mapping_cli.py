"""`zhaoshang import --save-mapping / --saved-mapping`: a remembered mapping is the
account's own and applies only when asked (#13 item 4)."""

import io
import json

import pytest
import xlsxwriter
from django.core.management import call_command

from tests.factories import UserFactory
from zhaoshang.excel.models import HeaderMapping

pytestmark = pytest.mark.django_db


def run(capsys, *args) -> dict:
    try:
        call_command("import", *args, "--format", "json", "--no-progress")
    except SystemExit as exc:
        assert exc.code in (0, None)
    return json.loads(capsys.readouterr().out)


def test_saved_mapping_applies_only_when_asked_and_only_for_its_account(
    capsys, tmp_path, admin_user
):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, ["项目名称", "投资额"])
    sheet.write_row(1, 0, ["甲项目", 3])
    book.close()
    path = tmp_path / "a.xlsx"
    path.write_bytes(out.getvalue())
    clerk = UserFactory(username="clerk", role="bureau_editor")

    run(capsys, str(path), "--commit")  # the admin's ledger: 甲项目, no amount read
    run(capsys, str(path), "--user", "clerk", "--map", "投资额=total_investment@亿元",
        "--save-mapping")  # fmt: skip
    assert list(HeaderMapping.objects.values_list("saved_by", "key")) == [(clerk.pk, "投资额")]
    # the admin's import of the same file never reads the clerk's mapping
    theirs = run(capsys, str(path), "--saved-mapping")
    assert (theirs["updated"], theirs["unchanged"]) == (0, 1)
    # the clerk's own import applies it only with --saved-mapping
    plain = run(capsys, str(path), "--user", "clerk")
    assert (plain["updated"], plain["unchanged"]) == (0, 1)
    asked = run(capsys, str(path), "--user", "clerk", "--saved-mapping")
    assert (asked["updated"], asked["unchanged"]) == (1, 0)
