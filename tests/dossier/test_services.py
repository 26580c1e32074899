"""Writes to a project's file: rights, versions, history, files kept 0600 in the data folder."""

import datetime
import stat

import pytest

from tests.factories import ProjectFactory
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.history import describe, history_for
from zhaoshang.core.models import ChangeAction
from zhaoshang.dossier import files, services
from zhaoshang.dossier.models import Approval, ApprovalStatus, Document, ProjectPerson

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
BAOSHUI = "320582403"  # not 锦丰镇's


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def project(db):
    return ProjectFactory()  # in 锦丰镇


def test_add_person_records_who_and_what(town_editor, project):
    person = services.add_person(
        user=town_editor,
        project=project,
        data={"role": "leader", "name": "王副市长", "title": "分管副市长", "phone": "0512-1"},
    )
    log = history_for(person).get()
    assert (log.action, log.user) == (ChangeAction.CREATE, town_editor)
    assert ("name", "—", "王副市长") in [(k, b, a) for k, b, a in _raw(log)]


def _raw(log):
    return [(k, "—" if b is None else b, a) for k, (b, a) in log.changes.items()]


def test_update_person_with_a_stale_version_is_refused(town_editor, bureau_editor, project):
    person = services.add_person(
        user=town_editor, project=project, data={"role": "project_contact", "name": "周敏"}
    )
    services.update_person(
        user=bureau_editor, person=person, data={"phone": "0512-2"}, expected_version=1
    )
    with pytest.raises(ConflictError) as conflict:
        services.update_person(
            user=town_editor, person=person, data={"phone": "0512-3"}, expected_version=1
        )
    assert conflict.value.current_version == 2
    assert ProjectPerson.objects.get().phone == "0512-2"
    changed = [row for log in history_for(person) for row in describe(log)]
    assert [after for _label, _before, after in changed if after.startswith("0512")] == ["0512-2"]


def test_update_without_a_version_is_refused(town_editor, project):
    person = services.add_person(
        user=town_editor, project=project, data={"role": "leader", "name": "甲"}
    )
    with pytest.raises(InputError):
        services.update_person(
            user=town_editor, person=person, data={"name": "乙"}, expected_version=None
        )


def test_another_towns_editor_and_the_leader_may_not_change_the_file(town_editor, leader):
    elsewhere = ProjectFactory(unit_id=BAOSHUI)
    for user in (town_editor, leader):
        with pytest.raises(NotAllowed):
            services.add_person(user=user, project=elsewhere, data={"role": "leader", "name": "甲"})
        with pytest.raises(NotAllowed):
            services.add_document(user=user, project=elsewhere, data=PNG, name="a.png")
    assert ProjectPerson.objects.count() == Document.objects.count() == 0


def test_remove_person_keeps_the_record_and_its_history(town_editor, project):
    person = services.add_person(
        user=town_editor, project=project, data={"role": "leader", "name": "甲"}
    )
    services.remove_person(user=town_editor, person=person, expected_version=1)
    person.refresh_from_db()
    assert person.removed_at is not None and person.version == 2
    assert [log.action for log in history_for(person)] == [ChangeAction.DELETE, ChangeAction.CREATE]
    with pytest.raises(ConflictError):  # removed already: nothing to change
        services.update_person(
            user=town_editor, person=person, data={"name": "乙"}, expected_version=2
        )


def test_approval_obtained_needs_its_date_and_no_future_date(town_editor, project):
    with pytest.raises(InputError) as missing:
        services.add_approval(
            user=town_editor, project=project, data={"item": "eia", "status": "done"}
        )
    assert "done_on" in missing.value.fields
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(InputError) as future:
        services.add_approval(
            user=town_editor,
            project=project,
            data={"item": "eia", "status": "done", "done_on": tomorrow},
        )
    assert "done_on" in future.value.fields
    with pytest.raises(InputError) as unknown_item:
        services.add_approval(user=town_editor, project=project, data={"item": "bribe"})
    assert "item" in unknown_item.value.fields
    assert Approval.objects.count() == 0


def test_approval_days_late_and_overdue():
    a = Approval(item="eia", planned_on=datetime.date(2023, 5, 1), status="in_progress")
    assert (a.days_late(datetime.date(2023, 5, 11)), a.is_overdue(datetime.date(2023, 5, 11))) == (
        10,
        True,
    )
    assert a.is_overdue(datetime.date(2023, 4, 30)) is False
    a.status, a.done_on = ApprovalStatus.DONE, datetime.date(2023, 5, 4)
    assert (a.days_late(datetime.date(2024, 1, 1)), a.is_overdue(datetime.date(2024, 1, 1))) == (
        3,
        False,
    )
    a.status, a.done_on = ApprovalStatus.NOT_NEEDED, None
    assert a.days_late(datetime.date(2024, 1, 1)) == 0


def test_add_document_keeps_the_bytes_0600_under_a_random_name(town_editor, project, data_dir):
    document = services.add_document(
        user=town_editor, project=project, data=PNG, name="../../现场照片.pdf", title=""
    )
    path = data_dir / "files" / document.stored_name
    assert path.read_bytes() == PNG
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir / "files").stat().st_mode) == 0o700
    assert (document.kind, document.content_type) == ("photo", "image/png")
    assert document.stored_name.endswith(".png") and "/" not in document.stored_name
    assert document.original_name == "现场照片.pdf"
    assert services.download_name(document) == "现场照片.png"  # the content's extension
    log = history_for(document).get()
    assert log.action == ChangeAction.CREATE
    assert log.changes == {
        "title": [None, "现场照片"],
        "original_name": [None, "现场照片.pdf"],
        "kind": [None, "photo"],
        "size": [None, len(PNG)],
    }


def test_an_exe_renamed_pdf_is_refused_naming_the_file(town_editor, project, data_dir):
    with pytest.raises(services.DocumentRefused) as refused:
        services.add_document(
            user=town_editor, project=project, data=b"MZ\x90\x00" + bytes(60), name="批复.pdf"
        )
    assert "“批复.pdf”" in str(refused.value)
    assert Document.objects.count() == 0
    assert not (data_dir / "files").exists() or not any((data_dir / "files").iterdir())


def test_an_oversize_file_is_refused(monkeypatch, town_editor, project):
    monkeypatch.setenv("ZHAOSHANG_MAX_FILE_MB", "1")
    with pytest.raises(services.DocumentRefused) as refused:
        services.add_document(
            user=town_editor, project=project, data=PNG + bytes(1024 * 1024), name="大图.png"
        )
    assert "“大图.png”" in str(refused.value) and "1 MB" in str(refused.value)


def test_remove_document_deletes_the_bytes_and_records_it(
    django_capture_on_commit_callbacks, town_editor, project, data_dir
):
    document = services.add_document(user=town_editor, project=project, data=PNG, name="a.png")
    path = files.path_of(document.stored_name)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(user=town_editor, document=document, expected_version=1)
    assert not path.exists()
    document.refresh_from_db()
    assert document.removed_at is not None
    assert history_for(document).first().action == ChangeAction.DELETE
