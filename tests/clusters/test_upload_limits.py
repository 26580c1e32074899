"""The indicator import at /indicators/import/: rights before bytes, the workbook bounded
before it is read, formula errors reported (#13 items 1 and 6)."""

import io

import pytest
import python_calamine
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.urls import reverse

from tests.uploads import TOKEN, browser
from zhaoshang.clusters.models import Indicator

pytestmark = pytest.mark.django_db


def post_workbook(client, data: bytes, action: str = "check"):
    return client.post(
        reverse("clusters:indicator_import"),
        {
            "csrfmiddlewaretoken": TOKEN,
            "file": SimpleUploadedFile("x.xlsx", data),
            "action": action,
        },
    )


def workbook(write) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    write(book.add_worksheet("指标"))
    book.close()
    return out.getvalue()


def far_cell(sheet):
    sheet.write_row(0, 0, ["指标代码", "期间", "数值"])
    sheet.write(1048575, 16383, "x")


def refuse(*args, **kwargs):
    raise AssertionError("read before the rights check / the bounds check")


def test_leader_is_refused_before_the_file_is_opened(monkeypatch, leader):
    """#13: the read-only leader's upload was read (and crashed the server) before the
    rights check."""
    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    response = post_workbook(browser(leader), workbook(far_cell), action="import")
    assert response.status_code == 403
    assert "仅有查看权限" in response.content.decode()


def test_far_cell_workbook_is_refused_naming_sheet_and_range(monkeypatch, town_editor):
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    response = post_workbook(browser(town_editor), workbook(far_cell))
    page = response.content.decode()
    assert response.status_code == 200
    assert "指标" in page and "A1:XFD1048576" in page


def test_formula_error_cells_are_row_errors(bureau_editor, definitions):
    """#13 item 6: a #DIV/0! figure was read as an empty cell, with no warning."""

    def errors(sheet):
        sheet.write_row(0, 0, ["指标代码", "期间", "数值"])
        sheet.write_row(1, 0, ["sei_share", "2023"])
        sheet.write_formula(1, 2, "=1/0", None, "#DIV/0!")
        sheet.write_row(2, 0, ["sei_share", "2024"])
        sheet.write_formula(2, 2, "=NA()", None, "#N/A")

    response = post_workbook(browser(bureau_editor), workbook(errors), action="import")
    page = response.content.decode()
    assert response.status_code == 200
    assert "#DIV/0!" in page and "#N/A" in page and "数值" in page
    assert Indicator.objects.count() == 0
