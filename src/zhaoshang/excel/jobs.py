"""Run an upload's dry run or commit away from the request, and tell how far it got.

The work runs in a thread of the server process (waitress serves with threads) and its
progress is kept in the cache, because during a commit the import holds the database's
write transaction, so nothing it wrote to a table would be seen before the end. The
job's outcome is kept in the database. A deployment with several server processes needs
a shared cache (CACHES pointing at Redis or the database) for the progress bar.
Tests set ``ZHAOSHANG_EXCEL_INLINE = True`` to run jobs inside the request.

A job names the process running it (`worker()`: host, process id and the process's start
time, so that a process id reused after a restart is not taken for the old process). If
the server dies while a job runs (killed, out of memory, restarted), the job would stay
"writing… 0%" forever: :func:`fail_interrupted` marks such a job failed when the job
list or the job is next looked at. Nothing of it was written: a commit is one
transaction, which the database rolls back when its process dies. The user retries it
from the job's page (:func:`retry`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhaoshang.core.errors import NotAllowed
from zhaoshang.excel import services
from zhaoshang.excel.models import ImportJob, JobStatus
from zhaoshang.lib.excel import WorkbookError

log = logging.getLogger(__name__)

# Share of the bar each phase takes, for a dry run and for a commit.
PHASES = {
    False: {"read": (0, 15), "parse": (15, 45), "check": (60, 40)},
    True: {"read": (0, 10), "parse": (10, 30), "check": (40, 25), "write": (65, 35)},
}
TTL = 24 * 3600


def _start_time(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc); None when no such
    process exists or /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: count fields after its closing bracket
    fields = stat[stat.rfind(b")") + 2 :].split()
    return fields[19].decode() if len(fields) > 19 else None


_HOST = socket.gethostname()
_WORKERS: dict[int, str] = {}


def worker() -> str:
    """This process's name for the jobs it runs: ``host:pid:start``. Looked up per
    process id, so that a server forking its workers after import names each one."""
    pid = os.getpid()
    if pid not in _WORKERS:
        _WORKERS[pid] = f"{_HOST}:{pid}:{_start_time(pid) or uuid.uuid4().hex}"
    return _WORKERS[pid]


def worker_alive(name: str) -> bool:
    """Whether the process `name` (see `worker`) still runs. A process on another host
    cannot be asked: it is taken to be alive (a deployment with several hosts shares no
    /proc)."""
    parts = name.split(":")
    if len(parts) < 3 or not parts[-2].isdigit():
        return False  # no process named (a job left by an older version): gone
    host, pid, started = ":".join(parts[:-2]), int(parts[-2]), parts[-1]
    if name == worker():
        return True
    if host != _HOST:
        return True
    now = _start_time(pid)
    if now is not None:
        return now == started
    try:
        os.kill(pid, 0)  # no /proc (not Linux): is there a process with this id at all
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return not started.isdigit()  # a /proc start time we cannot check any more: gone


def fail_interrupted(queryset=None) -> int:
    """Mark failed every busy job (of `queryset`, else all) whose process is gone; returns
    how many. Cheap when nothing is busy: one query."""
    busy = (queryset if queryset is not None else ImportJob.objects.all()).filter(
        status__in=(JobStatus.CHECKING, JobStatus.WRITING)
    )
    failed = 0
    for job in busy.only("pk", "worker", "status"):
        if worker_alive(job.worker):
            continue
        writing = job.status == JobStatus.WRITING
        failed += ImportJob.objects.filter(pk=job.pk, status=job.status, worker=job.worker).update(
            status=JobStatus.FAILED,
            error=_interrupted_message(writing),
            finished_at=timezone.now(),
        )
    return failed


def _interrupted_message(writing: bool) -> str:
    if writing:
        return _(
            "The import was interrupted: the server stopped while it was writing. Nothing "
            "was written (an import is written all at once or not at all). Retry it, or "
            "upload the file again."
        )
    return _(
        "The check was interrupted: the server stopped while it was reading the workbook. "
        "Nothing was written. Retry it, or upload the file again."
    )


def retry(job: ImportJob) -> None:
    """Check a failed job's workbook again (its dry run; the user commits from there)."""
    claim(job, JobStatus.CHECKING)
    start(job, commit=False)


def claim(job: ImportJob, status: str) -> None:
    """Set a job busy in `status`, run by this process, its last outcome cleared."""
    job.status, job.worker, job.error, job.finished_at = status, worker(), "", None
    if status == JobStatus.CHECKING:
        job.report = {}
    job.save(update_fields=["status", "worker", "report", "error", "finished_at"])


def _key(job_id) -> str:
    return f"zhaoshang-excel-job-{job_id}"


def progress_of(job_id) -> dict:
    return cache.get(_key(job_id)) or {}


def _set(job_id, **state) -> None:
    cache.set(_key(job_id), state, TTL)


def start(job: ImportJob, *, commit: bool) -> None:
    """Run the job's dry run or commit with the job's own mapping, in a thread. The job
    was claimed (`claim`) or created by this process."""
    started = time.monotonic()
    _set(job.pk, phase="read", done=0, total=0, percent=0, rate=0, commit=commit, started=started)
    language = translation.get_language()
    if getattr(settings, "ZHAOSHANG_EXCEL_INLINE", False):
        run(job.pk, commit=commit, language=language)
        return
    thread = threading.Thread(
        target=_run_in_thread,
        args=(job.pk,),
        kwargs={"commit": commit, "language": language},
        name=f"excel-import-{job.pk}",
        daemon=True,
    )
    thread.start()


def _run_in_thread(job_id, **kwargs) -> None:
    close_old_connections()
    try:
        run(job_id, **kwargs)
    finally:
        connection.close()


def run(job_id, *, commit: bool, language: str | None = None) -> None:
    job = ImportJob.objects.select_related("user__profile").get(pk=job_id)
    weights = PHASES[commit]
    started = time.monotonic()
    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.2 and done < total:
            return
        last[0] = now
        base, share = weights.get(phase, (0, 0))
        percent = base + (share * done / total if total else 0)
        rate = done / max(now - started, 1e-6)
        _set(job_id, phase=phase, done=done, total=total, percent=round(percent, 1),
             rate=round(rate), commit=commit, started=started)  # fmt: skip

    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            result = services.import_workbook(
                user=job.user,
                data=bytes(job.content),
                filename=job.filename,
                commit=commit,
                mapping=job.mapping or None,
                progress=progress,
            )
            job.report = result.report()
            if commit:
                job.status = JobStatus.WRITTEN if result.committed else JobStatus.CHECKED
            else:
                job.status = JobStatus.CHECKED
            job.error = ""
        except WorkbookError as exc:
            job.status, job.error = JobStatus.FAILED, services.workbook_message(exc)
        except NotAllowed as exc:
            job.status, job.error = JobStatus.FAILED, str(exc)
        except Exception:
            log.exception("import %s failed", job_id)
            job.status = JobStatus.FAILED
            job.error = _(
                "The import stopped on an unexpected error; nothing was written. "
                "The administrator can find the details in the server log."
            )
        job.finished_at = timezone.now()
        job.save(update_fields=["report", "status", "error", "finished_at"])
        _set(job_id, phase="done", done=1, total=1, percent=100, rate=0, commit=commit,
             started=started)  # fmt: skip
