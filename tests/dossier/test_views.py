"""The project file's forms and downloads, as a signed-in browser meets them (CSRF
enforced): rights before bytes, size before reading, type by content, no 500."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.urls import reverse

from tests.factories import ProjectFactory
from tests.uploads import TOKEN, browser
from zhaoshang.dossier.models import Document, ProjectPerson

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def project(db):
    return ProjectFactory(code="320582-2099-7001")  # 锦丰镇


def english(client):
    client.cookies["django_language"] = "en"
    return client


def upload(client, project, name, data, title=""):
    return client.post(
        reverse("dossier:upload", args=[project.code]),
        {
            "csrfmiddlewaretoken": TOKEN,
            "document-file": SimpleUploadedFile(name, data),
            "document-title": title,
        },
    )


@pytest.fixture
def nothing_may_read_the_body(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the upload was read before the rights check")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)


def test_town_editor_uploads_a_png_and_sees_it_as_a_thumbnail(town_editor, project):
    client = english(browser(town_editor))
    response = upload(client, project, "site.png", PNG, title="工地现场")
    assert response.status_code == 302
    assert response["Location"].endswith("#files")
    document = Document.objects.get()
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert "Uploaded: site.png." in html
    url = reverse("dossier:download", args=[document.pk])
    assert f'<img src="{url}?inline=1" alt="工地现场"' in html
    shown = client.get(url + "?inline=1")
    assert shown.status_code == 200
    assert b"".join(shown.streaming_content) == PNG
    assert shown["Content-Type"] == "image/png"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Disposition"].startswith("inline")


def test_a_document_downloads_as_an_attachment_with_its_contents_extension(
    town_editor, leader, project
):
    upload(browser(town_editor), project, "环评批复.PDF", b"%PDF-1.4 test")
    document = Document.objects.get()
    response = browser(leader).get(reverse("dossier:download", args=[document.pk]) + "?inline=1")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        "filename*=utf-8''%E7%8E%AF%E8%AF%84%E6%89%B9%E5%A4%8D.pdf"
        in response["Content-Disposition"]
    )


def test_an_exe_renamed_pdf_is_refused_with_the_files_name(town_editor, project):
    client = english(browser(town_editor))
    response = upload(client, project, "批复.pdf", b"MZ\x90\x00" + bytes(100))
    assert response.status_code == 422
    html = response.content.decode()
    assert "“批复.pdf” is not a file type kept here." in html
    assert Document.objects.count() == 0


def test_leader_upload_is_refused_before_the_body_is_read(
    nothing_may_read_the_body, leader, project
):
    response = upload(browser(leader), project, "a.png", PNG)
    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_another_towns_editor_is_refused_before_the_body_is_read(
    nothing_may_read_the_body, town_editor
):
    elsewhere = ProjectFactory(unit_id="320582403")
    response = upload(browser(town_editor), elsewhere, "a.png", PNG)
    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_oversize_declared_upload_is_refused_before_reading(
    monkeypatch, nothing_may_read_the_body, town_editor, project
):
    monkeypatch.setenv("ZHAOSHANG_MAX_FILE_MB", "1")
    response = upload(english(browser(town_editor)), project, "big.png", PNG + bytes(3 * 2**20))
    assert response.status_code == 413
    assert "The file is larger than 1 MB." in response.content.decode()


def test_oversize_met_while_reading_is_refused(monkeypatch, town_editor, project):
    monkeypatch.setenv("ZHAOSHANG_MAX_FILE_MB", "1")
    response = upload(browser(town_editor), project, "big.png", PNG + bytes(1536 * 1024))
    assert response.status_code == 413
    assert Document.objects.count() == 0


def test_upload_without_the_csrf_token_is_refused(town_editor, project):
    client = browser(town_editor)
    response = client.post(
        reverse("dossier:upload", args=[project.code]),
        {"document-file": SimpleUploadedFile("a.png", PNG)},
    )
    assert (response.status_code, Document.objects.count()) == (403, 0)


def test_removed_document_is_gone_for_everyone(town_editor, leader, project):
    client = browser(town_editor)
    upload(client, project, "a.png", PNG)
    document = Document.objects.get()
    response = client.post(
        reverse("dossier:document_remove", args=[document.pk]),
        {"csrfmiddlewaretoken": TOKEN, "version": "1"},
    )
    assert response.status_code == 302
    assert browser(leader).get(reverse("dossier:download", args=[document.pk])).status_code == 404
    html = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert f"{document.title}" in html  # the history keeps it


def test_add_person_on_the_page_and_read_it_back(town_editor, project):
    client = english(browser(town_editor))
    response = client.post(
        reverse("dossier:person_add", args=[project.code]),
        {
            "csrfmiddlewaretoken": TOKEN,
            "person-role": "enterprise_contact",
            "person-name": "刘洋",
            "person-title": "项目经理",
            "person-phone": "0512-5550 1234",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#people")
    html = client.get(response["Location"].split("#")[0]).content.decode()
    people = html.split('id="people"')[1].split("</section>")[0]
    assert "Enterprise contact" in people
    assert "刘洋" in people and "项目经理" in people and 'href="tel:0512-55501234"' in people


def test_add_person_without_a_name_shows_the_form_again(town_editor, project):
    client = english(browser(town_editor))
    response = client.post(
        reverse("dossier:person_add", args=[project.code]),
        {"csrfmiddlewaretoken": TOKEN, "person-role": "leader", "person-name": ""},
    )
    assert response.status_code == 422
    form = response.content.decode().split('id="person-form"')[1].split("</form>")[0]
    assert "This field is required." in form
    assert ProjectPerson.objects.count() == 0


def test_leader_may_not_post_to_the_file(leader, project):
    response = browser(leader).post(
        reverse("dossier:person_add", args=[project.code]),
        {"csrfmiddlewaretoken": TOKEN, "person-role": "leader", "person-name": "甲"},
    )
    assert response.status_code == 403
    assert ProjectPerson.objects.count() == 0


def test_edit_over_someone_elses_save_is_refused_with_the_reason(
    town_editor, bureau_editor, project
):
    person = ProjectPerson.objects.create(project=project, role="leader", name="甲")
    url = reverse("dossier:person_edit", args=[person.pk])
    fields = {"csrfmiddlewaretoken": TOKEN, "role": "leader", "title": "", "phone": "", "note": ""}
    first = browser(bureau_editor).post(url, {**fields, "name": "乙", "version": "1"})
    assert first.status_code == 302
    second = english(browser(town_editor)).post(url, {**fields, "name": "丙", "version": "1"})
    assert second.status_code == 409
    assert "changed by someone else" in second.content.decode()
    person.refresh_from_db()
    assert person.name == "乙"


def test_approval_added_with_a_late_planned_date_shows_overdue(town_editor, project):
    client = english(browser(town_editor))
    response = client.post(
        reverse("dossier:approval_add", args=[project.code]),
        {
            "csrfmiddlewaretoken": TOKEN,
            "approval-item": "construction_permit",
            "approval-status": "in_progress",
            "approval-planned_on": "2023-03-01",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    table = html.split('id="approvals-table"')[1].split("</table>")[0]
    assert "Construction permit" in table
    assert re.search(r"overdue today by \d+ days", table)


@pytest.mark.parametrize(
    "path",
    [
        "/dossier/files/999999/",
        "/dossier/people/999999/",
        "/dossier/approvals/abc/",
        "/dossier/no-such-project/people/",
    ],
)
def test_bad_addresses_answer_404_or_405_never_500(town_editor, path):
    response = browser(town_editor).get(path)
    assert response.status_code in (404, 405)


def test_a_project_without_a_plan_still_shows_its_reports(leader, project):
    from decimal import Decimal

    from tests.progress.factories import ReportFactory

    ReportFactory(project=project, month=1, completed_wan=Decimal(300), funds_in_place_wan=0)
    ReportFactory(project=project, month=3, completed_wan=Decimal(200), funds_in_place_wan=0)
    html = english(browser(leader)).get(reverse("projects:detail", args=[project.code]))
    table = html.content.decode().split('id="monthly-table"')[1].split("</table>")[0]
    march = re.sub(r"<[^>]+>", " ", table.split("2023-03")[1].split("</tr>")[0]).split()
    # no plan; 200万元 in March, 500万元 from January
    assert " ".join(march).startswith("— CNY 2.00 million CNY 5.00 million")


@pytest.mark.parametrize("who", ["leader", "other_town"])
def test_edit_pages_are_refused_to_those_who_may_not_edit(leader, town_editor, who):
    elsewhere = ProjectFactory(unit_id="320582403")
    person = ProjectPerson.objects.create(project=elsewhere, role="leader", name="甲")
    user = leader if who == "leader" else town_editor
    client = browser(user)
    assert client.get(reverse("dossier:person_edit", args=[person.pk])).status_code == 403
    removed = client.post(
        reverse("dossier:person_remove", args=[person.pk]),
        {"csrfmiddlewaretoken": TOKEN, "version": "1"},
    )
    assert removed.status_code == 403
    person.refresh_from_db()
    assert person.removed_at is None


def test_removing_a_person_shows_in_the_projects_history(town_editor, project):
    person = ProjectPerson.objects.create(project=project, role="task_force", name="孙浩")
    client = english(browser(town_editor))
    stale = client.post(
        reverse("dossier:person_remove", args=[person.pk]),
        {"csrfmiddlewaretoken": TOKEN, "version": "7"},
    )
    assert stale.status_code == 302
    person.refresh_from_db()
    assert person.removed_at is None  # a stale version removes nothing
    client.post(
        reverse("dossier:person_remove", args=[person.pk]),
        {"csrfmiddlewaretoken": TOKEN, "version": "1"},
    )
    html = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    people = html.split('id="people"')[1].split("</section>")[0]
    assert "孙浩" not in people
    history = html.split('id="history"')[1].split("</section>")[0]
    row = next(r for r in history.split("<tr>") if "孙浩" in r)
    assert "project person: Task-force member: 孙浩" in row and "deleted" in row
    assert "jinfeng" in row


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"version": "abc"}, 422),
        ({"version": ""}, 422),
        ({"version": "1", "planned_on": "2023-13-45"}, 422),
        ({"version": "1", "department": "999999"}, 422),
        ({"version": "1", "item": "bribe"}, 422),
        ({"version": "1", "status": "done", "done_on": ""}, 422),
    ],
    ids=["bad-version", "no-version", "bad-date", "no-such-department", "bad-item", "no-date"],
)
def test_bad_approval_edits_answer_with_a_message_never_500(town_editor, project, fields, status):
    from zhaoshang.dossier.models import Approval

    approval = Approval.objects.create(project=project, item="eia", status="in_progress")
    form = {"csrfmiddlewaretoken": TOKEN, "item": "eia", "status": "in_progress", **fields}
    response = browser(town_editor).post(reverse("dossier:approval_edit", args=[approval.pk]), form)
    assert response.status_code == status
    assert 'role="alert"' in response.content.decode()
    approval.refresh_from_db()
    assert (approval.version, approval.status) == (1, "in_progress")
