"""The page importing target firms (`enterprises.universe`): upload, dry run, confirm.

The upload is bounded and the rights checked before a byte is read (`excel.uploads`); the
checked file is kept (`UniverseUpload`) so that confirming writes exactly what was shown,
without choosing the file again. Only the person who uploaded it may confirm it.
"""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhaoshang.core.access import writer_refusal
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.enterprises.access import check_can_edit_enterprises
from zhaoshang.enterprises.models import UniverseUpload
from zhaoshang.enterprises.universe import UniverseRefused, import_universe, read_rows
from zhaoshang.excel.uploads import reason_of, upload_view
from zhaoshang.lib.uploads import limits

KEEP_UPLOADS = datetime.timedelta(days=1)  # a checked file not confirmed by then is dropped


def _page(request, context: dict, status: int = 200):
    context.setdefault("file_errors", [])
    context.setdefault("result", None)
    context["refusal"] = writer_refusal(request.user)
    context["max_mb"] = limits().max_bytes // (1024 * 1024)
    return render(request, "enterprises/universe.html", context, status=status)


def _refused(request, message: str, status: int):
    return _page(request, {"file_errors": [message]}, status)


def _upload_of(request) -> UniverseUpload | None:
    try:
        pk = uuid.UUID(request.POST.get("upload", ""))
    except ValueError:  # not a UUID: nothing to confirm
        return None
    return UniverseUpload.objects.filter(pk=pk, user=request.user).first()


@login_required
@require_http_methods(["GET", "POST"])
@upload_view(
    refusal=reason_of(check_can_edit_enterprises),  # leaders read only: refused before reading
    limit=lambda: limits().max_bytes,
    refused=_refused,
)
def universe_import(request):
    """GET: the form. POST check: read the file, keep it, show the dry run. POST import:
    write the kept file (all rows or none) and go to the result."""
    if request.method == "GET":
        return _page(request, {})
    overwrite = request.POST.get("overwrite") == "on"
    reason = request.POST.get("reason", "").strip()[:200]
    context: dict = {"overwrite": overwrite, "reason": reason}
    if request.POST.get("action") == "import":
        upload = _upload_of(request)
        if upload is None:
            context["file_errors"] = [
                _("This check is no longer there (imported already, or older than a day). "
                  "Choose the file again.")
            ]  # fmt: skip
            return _page(request, context)
        data, filename = bytes(upload.content), upload.filename
    else:
        file = request.FILES.get("file")
        if file is None:
            context["file_errors"] = [_("Choose an Excel or CSV file of target firms.")]
            return _page(request, context)
        data, filename, upload = file.read(), file.name or "", None
    try:
        rows = read_rows(data, filename)
        if upload is None:
            UniverseUpload.objects.filter(created_at__lt=timezone.now() - KEEP_UPLOADS).delete()
            upload = UniverseUpload.objects.create(
                user=request.user, filename=filename[:255], content=data
            )
            result = import_universe(
                user=request.user, rows=rows, dry_run=True, overwrite=overwrite, reason=reason
            )
        else:
            result = import_universe(
                user=request.user, rows=rows, dry_run=False, overwrite=overwrite, reason=reason
            )
            upload.delete()
            counts = result.counts
            messages.success(
                request,
                _("Imported %(file)s: %(create)s new, %(update)s updated, %(unchanged)s "
                  "unchanged; %(placements)s placements on chain nodes.")
                % {"file": filename, "placements": result.placements, **counts},
            )  # fmt: skip
            return redirect(reverse("enterprises:universe") + "?done=1")
    except InputError as exc:
        context["file_errors"] = [m for ms in exc.fields.values() for m in ms]
        return _page(request, context)
    except UniverseRefused as exc:
        result = exc.result
    except NotAllowed as exc:
        context["file_errors"] = [str(exc)]
        return _page(request, context, 403)
    context.update(
        result=result,
        counts=result.counts,
        upload=upload,
        filename=filename,
        confirmable=not result.refused and upload is not None,
    )
    return _page(request, context)
