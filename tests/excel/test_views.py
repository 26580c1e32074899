import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import ProjectFactory
from zhaoshang.excel.models import HeaderMapping, ImportJob
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "excel"


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    settings.ZHAOSHANG_EXCEL_INLINE = True


def upload(client, name: str):
    data = (DATA / name).read_bytes()
    return client.post(reverse("excel:import"), {"file": SimpleUploadedFile(name, data)})


def test_upload_page_refuses_leaders_with_the_reason(client, leader):
    client.force_login(leader)
    response = client.get(reverse("excel:import"))
    assert response.status_code == 403
    assert "仅有查看权限" in response.content.decode()


def test_upload_dry_run_preview_then_commit(client, bureau_editor):
    client.force_login(bureau_editor)
    response = upload(client, "ledger.xlsx")
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("excel:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "试导入" in page and "盛虹储能电池超级工厂二期项目" in page
    assert Project.objects.count() == 0
    response = client.post(reverse("excel:commit", args=[job.pk]))
    assert Project.objects.count() == 7
    page = client.get(response["Location"]).content.decode()
    assert "已写入" in page


def test_upload_with_problems_cannot_be_committed(client, bureau_editor):
    client.force_login(bureau_editor)
    response = upload(client, "errors.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "火星镇" in page and "很多钱" in page
    job = ImportJob.objects.get()
    client.post(reverse("excel:commit", args=[job.pk]))
    assert Project.objects.count() == 0


def test_upload_of_a_corrupt_file_says_why(client, bureau_editor):
    client.force_login(bureau_editor)
    response = upload(client, "encrypted.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "密码" in page


def test_progress_endpoint_asks_for_a_refresh_when_done(client, bureau_editor):
    client.force_login(bureau_editor)
    upload(client, "ledger.xlsx")
    job = ImportJob.objects.get()
    response = client.get(reverse("excel:progress", args=[job.pk]))
    assert (response.status_code, response["HX-Refresh"]) == (204, "true")


def test_progress_fragment_while_running_shows_the_bar(client, bureau_editor):
    from zhaoshang.excel import jobs

    client.force_login(bureau_editor)
    job = ImportJob.objects.create(
        user=bureau_editor, filename="x.xlsx", content=b"x", worker=jobs.worker()
    )
    jobs._set(job.pk, phase="check", done=500, total=1000, percent=80, rate=2500)
    page = client.get(reverse("excel:progress", args=[job.pk])).content.decode()
    assert 'value="80"' in page and "500 / 1000" in page and "2500" in page


def test_job_of_someone_else_is_refused(client, bureau_editor, town_editor):
    job = ImportJob.objects.create(user=town_editor, filename="x.xlsx", content=b"x")
    client.force_login(bureau_editor)
    assert client.get(reverse("excel:job", args=[job.pk])).status_code == 403


def _two_column_workbook() -> bytes:
    from zhaoshang.lib import xlsxwrite as xw

    data = io.BytesIO()
    with xw.Workbook(data) as book:
        sheet = book.add_sheet("台账")
        sheet.row(["项目名称", "投资额"])
        sheet.row(["甲项目", 3])
    return data.getvalue()


MAPPING_FORM = {"key": ["项目名称", "投资额"], "field:项目名称": "name",
                "field:投资额": "total_investment", "unit:投资额": "亿元", "header:投资额": "投资额"}  # fmt: skip


def test_mapping_form_maps_this_job_and_commits_with_it(client, bureau_editor):
    client.force_login(bureau_editor)
    client.post(
        reverse("excel:import"), {"file": SimpleUploadedFile("a.xlsx", _two_column_workbook())}
    )
    job = ImportJob.objects.get()
    client.post(reverse("excel:mapping", args=[job.pk]), MAPPING_FORM)
    job.refresh_from_db()
    assert (job.mapping, HeaderMapping.objects.count()) == ({"投资额": "total_investment@亿元"}, 0)
    client.post(reverse("excel:commit", args=[job.pk]))
    assert Project.objects.get().total_investment_wan == Decimal("30000")


def test_mapping_remembered_is_offered_to_its_user_only_and_applied_on_request(
    client, bureau_editor, admin_user
):
    """#13 item 4: a mapping saved from one import changed every later import of everyone.
    Remembered now, it is the saving user's suggestion: their next import shows it and
    applies it only when they press the button; the admin's import never sees it."""
    client.force_login(bureau_editor)
    client.post(
        reverse("excel:import"), {"file": SimpleUploadedFile("a.xlsx", _two_column_workbook())}
    )
    first = ImportJob.objects.get()
    client.post(reverse("excel:mapping", args=[first.pk]), {**MAPPING_FORM, "remember": "on"})
    assert list(HeaderMapping.objects.values_list("saved_by__username", "key", "target")) == [
        ("fgw", "投资额", "total_investment@亿元")
    ]
    client.post(
        reverse("excel:import"), {"file": SimpleUploadedFile("b.xlsx", _two_column_workbook())}
    )
    second = ImportJob.objects.exclude(pk=first.pk).get()
    page = client.get(reverse("excel:job", args=[second.pk])).content.decode()
    assert reverse("excel:suggested", args=[second.pk]) in page
    assert second.mapping == {}
    client.post(reverse("excel:suggested", args=[second.pk]))
    second.refresh_from_db()
    assert second.mapping == {"投资额": "total_investment@亿元"}

    client.force_login(admin_user)
    client.post(
        reverse("excel:import"), {"file": SimpleUploadedFile("c.xlsx", _two_column_workbook())}
    )
    theirs = ImportJob.objects.filter(user=admin_user).get()
    page = client.get(reverse("excel:job", args=[theirs.pk])).content.decode()
    assert theirs.mapping == {} and reverse("excel:suggested", args=[theirs.pk]) not in page
    column = next(c for c in theirs.report["columns"] if c["header"] == "投资额")
    assert column["how"] == "unknown"


def test_annotated_workbook_explains_each_row(client, bureau_editor):
    client.force_login(bureau_editor)
    upload(client, "errors.xlsx")
    job = ImportJob.objects.get()
    response = client.get(reverse("excel:annotated", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    column = [c.value for c in book.active["A"]]
    assert column[1] is None
    assert "很多钱" in column[2] and "总投资" in column[2]
    assert "合计" in column[7]
    assert book.active["C3"].value == "坏金额项目"


def export(client, **params):
    response = client.get(reverse("excel:export"), params)
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))), response


def test_export_takes_the_ledger_filters(client, leader):
    ProjectFactory(name="锦丰项目", unit_id="320582103", total_investment_wan=100)
    ProjectFactory(name="保税区项目", unit_id="320582403", total_investment_wan=200)
    client.force_login(leader)
    book, response = export(client, unit="锦丰镇", layout="ledger")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = book.active
    names = [sheet.cell(r, 3).value for r in range(4, sheet.max_row + 1)]
    assert names == ["锦丰项目", "1 个项目"]
    assert (sheet.freeze_panes, sheet["A3"].value, sheet["P3"].value) == (
        "D4",
        "序号",
        "总投资（万元）",
    )
    assert sheet.cell(sheet.max_row, 16).value == 100


@pytest.mark.parametrize(
    "layout, header", [("monthly", "本月完成（万元）"), ("list", "总投资（亿元）")]
)
def test_export_layouts_have_their_headers_and_totals(client, leader, layout, header):
    ProjectFactory(name="甲", total_investment_wan=Decimal("12345"))
    client.force_login(leader)
    book, _response = export(client, layout=layout, month="2023-03")
    values = [c.value for c in book.active[3]]
    assert header in values
    assert book.active.cell(book.active.max_row, 1).value == "合计"


def test_export_bad_layout_is_refused(client, leader):
    client.force_login(leader)
    assert client.get(reverse("excel:export"), {"layout": "pdf"}).status_code == 400


def test_export_query_count_does_not_grow_with_projects(
    client, leader, django_assert_max_num_queries
):
    client.force_login(leader)
    ProjectFactory()
    with django_assert_max_num_queries(12) as one:
        export(client)
    ProjectFactory.create_batch(2)
    with django_assert_max_num_queries(12) as three:
        export(client)
    assert len(one.captured_queries) == len(three.captured_queries)
