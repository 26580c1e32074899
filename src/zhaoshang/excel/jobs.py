"""Run an upload's dry run or commit away from the request, and tell how far it got.

The work runs in a thread of the server process (waitress serves with threads) and its
progress is kept in the cache, because during a commit the import holds the database's
write transaction, so nothing it wrote to a table would be seen before the end. The
job's outcome is kept in the database. A deployment with several server processes needs
a shared cache (CACHES pointing at Redis or the database) for the progress bar.
Tests set ``ZHAOSHANG_EXCEL_INLINE = True`` to run jobs inside the request.
"""

from __future__ import annotations

import logging
import threading
import time

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


def _key(job_id) -> str:
    return f"zhaoshang-excel-job-{job_id}"


def progress_of(job_id) -> dict:
    return cache.get(_key(job_id)) or {}


def _set(job_id, **state) -> None:
    cache.set(_key(job_id), state, TTL)


def start(job: ImportJob, *, commit: bool, mapping: dict | None = None) -> None:
    started = time.monotonic()
    _set(job.pk, phase="read", done=0, total=0, percent=0, rate=0, commit=commit, started=started)
    language = translation.get_language()
    if getattr(settings, "ZHAOSHANG_EXCEL_INLINE", False):
        run(job.pk, commit=commit, mapping=mapping, language=language)
        return
    thread = threading.Thread(
        target=_run_in_thread,
        args=(job.pk,),
        kwargs={"commit": commit, "mapping": mapping, "language": language},
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


def run(job_id, *, commit: bool, mapping: dict | None = None, language: str | None = None) -> None:
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
                mapping=mapping,
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
