"""Uploads at /excel/: rights before bytes, bounded before reading, no 500 (#13 item 1).

The clients here enforce CSRF as a browser's session would: Django's CSRF middleware
reads the whole body (the file with it) before any view runs, which is how a leader's
upload used to be taken in before the rights check."""

import io
import zipfile

import pytest
import python_calamine
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.urls import reverse

from tests.uploads import TOKEN, browser
from zhaoshang.excel.models import ImportJob, JobStatus
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    settings.ZHAOSHANG_EXCEL_INLINE = True


def post_file(client, url, name, data, **fields):
    return client.post(
        url, {"csrfmiddlewaretoken": TOKEN, "file": SimpleUploadedFile(name, data), **fields}
    )


def far_cell_workbook() -> bytes:
    """#13: 5 KB, its only cell at XFD1048576; the reader asked for 512 GB."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.write(0, 0, "项目名称")
    sheet.write(1048575, 16383, "x")
    book.close()
    return out.getvalue()


@pytest.fixture
def nothing_may_read_the_body(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the upload was read before the rights check")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)


@pytest.fixture
def calamine_must_not_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("python-calamine was handed a workbook it must never see")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)


def test_leader_upload_is_refused_before_the_body_is_read(nothing_may_read_the_body, leader):
    response = post_file(browser(leader), reverse("excel:import"), "far.xlsx", far_cell_workbook())
    assert response.status_code == 403
    assert "仅有查看权限" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_upload_without_the_csrf_token_is_refused(town_editor):
    client = browser(town_editor)
    response = client.post(reverse("excel:import"), {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert (response.status_code, ImportJob.objects.count()) == (403, 0)


def test_upload_other_methods_are_not_allowed(town_editor):
    client = browser(town_editor)
    assert client.put(reverse("excel:import"), b"x").status_code == 405


def test_town_editor_far_cell_workbook_fails_its_job_with_the_sheet_and_range(
    calamine_must_not_read, town_editor
):
    """#13: uploaded at /excel/ by a town editor, this file took the server down."""
    response = post_file(
        browser(town_editor), reverse("excel:import"), "far.xlsx", far_cell_workbook()
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("excel:job", args=[job.pk])
    assert job.status == JobStatus.FAILED
    assert "台账" in job.error and "A1:XFD1048576" in job.error
    page = browser(town_editor).get(response["Location"]).content.decode()
    assert "A1:XFD1048576" in page


@pytest.mark.parametrize(
    "size", [3 * 1024 * 1024, 1536 * 1024], ids=["declared size", "size met while reading"]
)
def test_upload_over_the_size_limit_is_refused(monkeypatch, town_editor, size):
    monkeypatch.setenv("ZHAOSHANG_MAX_WORKBOOK_MB", "1")
    client = browser(town_editor)
    data = b"PK\x03\x04" + bytes(size)
    response = post_file(client, reverse("excel:import"), "big.xlsx", data)
    assert (response.status_code, ImportJob.objects.count()) == (302, 0)
    assert "1 MB" in client.get(response["Location"]).content.decode()


def test_upload_of_a_zip_bomb_fails_its_job_clearly(
    monkeypatch, calamine_must_not_read, town_editor
):
    monkeypatch.setenv("ZHAOSHANG_MAX_UNPACKED_MB", "1")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (3 * 1024 * 1024))
    post_file(browser(town_editor), reverse("excel:import"), "bomb.xlsx", out.getvalue())
    job = ImportJob.objects.get()
    assert (job.status, Project.objects.count()) == (JobStatus.FAILED, 0)
    assert "1 MB" in job.error


def test_import_command_refuses_the_far_cell_workbook_in_one_line(
    calamine_must_not_read, tmp_path, capsys, admin_user
):
    """#13: `zhaoshang import` of the 5 KB file exited 134 (the process aborted)."""
    from django.core.management import call_command

    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell_workbook())
    with pytest.raises(SystemExit) as exited:
        call_command("import", str(path), "--no-progress")
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert len(err.strip().splitlines()) == 1 and "A1:XFD1048576" in err
