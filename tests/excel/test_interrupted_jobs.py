"""An import job whose server process died (#13 item 1: "The interrupted web import job then
stays at 'writing… 0%' forever after a restart and cannot be retried")."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.excel import jobs, services
from zhaoshang.excel.models import ImportJob, JobStatus
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "excel"
GONE = f"{jobs._HOST}:4194303:1"  # this host, a process id no running process has


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    settings.ZHAOSHANG_EXCEL_INLINE = True


class Crash(BaseException):
    """The process dying mid-write: nothing in the import may catch it."""


def checked_job(client, user) -> ImportJob:
    client.force_login(user)
    data = (DATA / "ledger.xlsx").read_bytes()
    client.post(reverse("excel:import"), {"file": SimpleUploadedFile("ledger.xlsx", data)})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.CHECKED
    return job


def test_a_commit_cut_off_midway_writes_nothing(bureau_editor):
    """The commit is one transaction: a process dying in the middle of writing leaves the
    ledger as it was (the database rolls back what its dead connection began)."""
    data = (DATA / "ledger.xlsx").read_bytes()

    def die_after_some_rows(phase, done, total):
        if phase == "write" and done > 0:
            raise Crash

    with pytest.raises(Crash):
        services.import_workbook(
            user=bureau_editor,
            data=data,
            filename="ledger.xlsx",
            commit=True,
            progress=die_after_some_rows,
        )
    assert Project.objects.count() == 0


def test_worker_alive_tells_this_process_from_a_dead_one():
    assert jobs.worker_alive(jobs.worker()) is True
    assert jobs.worker_alive(GONE) is False
    assert jobs.worker_alive("") is False  # a job left by a version that named no process
    assert jobs.worker_alive("another-host:1:1") is True  # cannot be asked: left alone


def test_interrupted_job_is_failed_when_looked_at_then_retried(client, bureau_editor):
    job = checked_job(client, bureau_editor)
    # what a server killed while writing leaves behind
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.WRITING, worker=GONE)
    page = client.get(reverse("excel:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.error in page and reverse("excel:retry", args=[job.pk]) in page
    assert Project.objects.count() == 0

    client.post(reverse("excel:retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.worker, job.error) == (JobStatus.CHECKED, jobs.worker(), "")
    client.post(reverse("excel:commit", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, Project.objects.count()) == (JobStatus.WRITTEN, 7)


def test_interrupted_jobs_are_failed_when_the_job_list_is_read(client, bureau_editor):
    job = checked_job(client, bureau_editor)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKING, worker=GONE)
    client.get(reverse("excel:import"))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_a_job_running_in_a_live_process_is_left_alone(client, bureau_editor):
    job = checked_job(client, bureau_editor)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.WRITING, worker=jobs.worker())
    assert jobs.fail_interrupted() == 0
    client.get(reverse("excel:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.WRITING


def test_retry_needs_the_right_to_import(client, bureau_editor, leader):
    job = checked_job(client, bureau_editor)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    client.force_login(leader)
    assert client.post(reverse("excel:retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_interrupted_jobs_are_failed_when_a_server_starts(client, bureau_editor, monkeypatch):
    """`zhaoshang serve` and `demo` fail what a killed server left before serving, so the
    job shows as failed without waiting for someone to open the import pages."""
    from zhaoshang.core import server

    job = checked_job(client, bureau_editor)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.WRITING, worker=GONE)

    class NoServer:
        def run(self):
            pass

    monkeypatch.setattr("waitress.create_server", lambda *a, **k: NoServer())
    server.serve(host="127.0.0.1", port=0, threads=1)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
