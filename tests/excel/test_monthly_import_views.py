"""The monthly import pages: upload with unit and month, the dry run row by row, confirm;
rights before the file is read; bad input told on the form; what a workbook holds escaped."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.excel.test_monthly_import import workbook
from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.excel.models import MonthlyImport
from zhaoshang.progress.models import MonthlyProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def projects(db):
    a = ProjectFactory(code="320582-2023-0101", name="信义光伏三期", unit_id=JINFENG)
    b = ProjectFactory(code="320582-2023-0102", name="广大鑫盛<script>x</script>", unit_id=JINFENG)
    for p in (a, b):
        PlanFactory(project=p)
    return a, b


def _file(data: bytes, name="锦丰镇6月.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _upload(client, data, *, unit=JINFENG, month="2023-06"):
    return client.post(
        reverse("excel:monthly"), {"unit": unit, "month": month, "file": _file(data)}
    )


def test_monthly_page_offers_the_users_own_unit(en, town_editor):
    en.force_login(town_editor)
    html = en.get(reverse("excel:monthly")).content.decode()
    assert "Import a monthly report" in html
    assert f'<option value="{JINFENG}" selected>' in html


def test_monthly_upload_dry_run_then_confirm(en, town_editor, projects):
    a, b = projects
    ReportFactory(project=a, month=5, completed_wan=Decimal("300"))
    data = workbook(
        [
            [1, a.code, "", 200, 500, 150, 180, "主体结构封顶", ""],
            [2, "", "广大鑫盛<script>x</script>", 80, None, 60, 70, "设备安装", ""],
        ]
    )
    en.force_login(town_editor)
    response = _upload(en, data)
    job = MonthlyImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "excel:monthly_job", args=[job.pk]
    )
    assert MonthlyProgress.objects.filter(month=6).count() == 0
    html = en.get(response["Location"]).content.decode()
    assert "Dry run: this is what confirming would write." in html
    assert 'data-count="created">2<' in html and 'data-count="refused">0<' in html
    assert "investment completed this month: 200" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html
    assert "Write 2 new and 0 changed reports" in html
    response = en.post(reverse("excel:monthly_confirm", args=[job.pk]), follow=True)
    html = response.content.decode()
    assert "Written: 2 new reports, 0 changed, 0 unchanged." in html
    assert "Open the month on the entry grid" in html
    assert MonthlyProgress.objects.get(project=a, month=6).completed_wan == Decimal("200")
    assert MonthlyProgress.objects.get(project=b, month=6).counted_wan == Decimal("70")
    # a second confirm writes nothing again
    html = en.post(reverse("excel:monthly_confirm", args=[job.pk]), follow=True).content.decode()
    assert "This workbook has already been written." in html
    # the entry grid shows the imported figures
    grid = en.get(reverse("progress:entry"), {"unit": JINFENG, "month": "2023-06", "group": "done"})
    assert f'name="{a.code}__completed_wan"' in grid.content.decode()
    assert 'value="200"' in grid.content.decode()


def test_monthly_refused_rows_are_listed_and_cannot_be_confirmed(en, town_editor, projects):
    a, _b = projects
    other = ProjectFactory(code="320582-2023-0201", unit_id=BAOSHUI)
    data = workbook(
        [
            [1, a.code, "", -5, None, None, None, "", ""],
            [2, other.code, "", 3, None, None, None, "", ""],
        ]
    )
    en.force_login(town_editor)
    job_url = _upload(en, data)["Location"]
    html = en.get(job_url).content.decode()
    assert 'data-count="refused">2<' in html
    assert "column D (investment completed this month), value “-5”:" in html
    assert f"project {other.code} is not in this unit" in html
    assert "Write " not in html
    job = MonthlyImport.objects.get()
    en.post(reverse("excel:monthly_confirm", args=[job.pk]))
    assert MonthlyProgress.objects.count() == 0


def test_monthly_town_editor_is_refused_another_unit_before_the_file_is_read(
    en, town_editor, projects
):
    en.force_login(town_editor)
    response = _upload(en, b"not even a workbook", unit=BAOSHUI)
    assert response.status_code == 403
    assert "Town editors may only edit projects of their own unit." in response.content.decode()
    assert MonthlyImport.objects.count() == 0


def test_monthly_leader_is_refused(en, leader):
    en.force_login(leader)
    assert en.get(reverse("excel:monthly")).status_code == 403
    response = en.post(reverse("excel:monthly"), {"unit": JINFENG, "month": "2023-06"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("month", "data", "message"),
    [
        ("2099-01", None, "2099-01 is in the future"),
        ("June", None, "“June”"),
        ("2023-06", b"", "The file is empty"),
        ("2023-06", b"garbage \x00\x01\x02", "This file cannot be read"),
    ],
)
def test_monthly_bad_input_is_told_on_the_form(en, town_editor, projects, month, data, message):
    en.force_login(town_editor)
    response = _upload(en, workbook([]) if data is None else data, month=month)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert MonthlyImport.objects.count() == 0


def test_monthly_someone_elses_import_is_not_shown(en, town_editor, bureau_editor, projects):
    en.force_login(town_editor)
    job_url = _upload(en, workbook([[1, projects[0].code, "", 1, None, None, None, "", ""]]))[
        "Location"
    ]
    en.force_login(bureau_editor)
    assert en.get(job_url).status_code == 403


def test_monthly_upload_size_is_bounded(en, town_editor, settings, projects):
    en.force_login(town_editor)
    from zhaoshang.lib import uploads

    limit = uploads.limits().max_bytes
    big = io.BytesIO(b"x" * (limit + 2 * uploads.MB))
    response = en.post(
        reverse("excel:monthly"),
        {"unit": JINFENG, "month": "2023-06", "file": SimpleUploadedFile("big.xlsx", big.read())},
    )
    assert response.status_code == 302
    assert MonthlyImport.objects.count() == 0


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_monthly_pages_speak_one_language(client, town_editor, projects, language):
    """The words judges of tests/test_words.py on the form and on a dry run with a new, a
    changed and a refused row (the crawler there meets no import of the demo)."""
    from tests import test_words

    english, chinese = test_words.catalogue.__wrapped__()
    a, b = projects
    ReportFactory(project=b, month=6, completed_wan=Decimal("1"))
    client.cookies["django_language"] = language
    client.force_login(town_editor)
    data = workbook(
        [
            [1, a.code, "", 200, None, 150, 180, "主体结构封顶", ""],
            [2, b.code, "", 80, None, 60, 70, "设备安装", ""],
            [3, "320582-2099-9999", "", -1, None, None, None, "", ""],
        ]
    )
    pages = {"form": client.get(reverse("excel:monthly")).content.decode()}
    pages["job"] = client.get(_upload(client, data)["Location"]).content.decode()
    strings = test_words._data_strings()
    judge, words = (
        (test_words._chinese_page_problems, english)
        if language == "zh-hans"
        else (test_words._english_page_problems, chinese)
    )
    problems = test_words._problems(pages, judge, words, strings, language[:2])
    assert not problems, test_words._report(problems)
