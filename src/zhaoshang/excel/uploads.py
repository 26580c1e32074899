"""One guard for every page that takes a file: rights, then size, then CSRF, then the view.

Django's CSRF middleware reads the whole request body (files and all) to find the token
before any view runs, so a view that checks rights in its body has already taken the
upload. A view wrapped in :func:`upload_view` is exempt from the middleware and does the
same checks itself, in this order, before the body is parsed:

1. the user's right to upload here (a refusal is answered without reading a byte);
2. the declared size (``Content-Length``) against the limit;
3. the CSRF token, while the body is parsed through :class:`BoundedUploadHandler`, which
   stops at the limit whatever the declared size said;
4. the view, which may now read the file (and still checks rights in its service).

    @login_required
    @upload_view(refusal=writer_refusal, limit=lambda: limits().max_bytes, refused=_refused)
    def indicator_import(request): ...

Used by the ledger import (``/excel/``), the indicator import, the chain YAML import and
the article upload.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from zhaoshang.core.errors import NotAllowed
from zhaoshang.lib.uploads import MB

FORM_OVERHEAD = MB  # the form's other fields and the multipart boundaries


class BoundedUploadHandler(FileUploadHandler):
    """Refuses a file past `limit` bytes while the body is parsed: the parser stops, and
    the request is marked (``request.upload_refused``) for the guard to answer."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.request.upload_refused = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large_message(limit: int) -> str:
    return _("The file is larger than %(limit)s MB.") % {"limit": f"{limit / MB:g}"}


def upload_view(
    *,
    refusal: Callable[[object], str | None],
    limit: Callable[[], int],
    refused: Callable[[HttpRequest, str, int], HttpResponse],
):
    """Wrap a view taking an upload (see the module's docstring). `refusal(user)` is None
    when the user may upload here, else the reason; `limit()` the largest file in bytes;
    `refused(request, message, status)` the answer to a refusal (403 for rights, 413 for
    size). GET and other methods go to the view as they are, CSRF-protected as usual."""

    def decorator(view):
        @csrf_protect
        def checked(request, *args, **kwargs):
            if request.method == "POST":
                request.FILES  # noqa: B018 - parsed here, through the bounded handler
                if getattr(request, "upload_refused", False):
                    return refused(request, too_large_message(limit()), 413)
            return view(request, *args, **kwargs)

        @csrf_exempt
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.method == "POST":
                reason = refusal(request.user)
                if reason is not None:
                    return refused(request, reason, 403)
                most = limit()
                try:
                    declared = int(request.META.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    declared = 0
                if declared > most + FORM_OVERHEAD:
                    return refused(request, too_large_message(most), 413)
                request.upload_handlers.insert(0, BoundedUploadHandler(request, most))
            return checked(request, *args, **kwargs)

        return guarded

    return decorator


def reason_of(check: Callable[[object], None]) -> Callable[[object], str | None]:
    """A refusal function from a `check_…` function that raises `NotAllowed`."""

    def refusal(user) -> str | None:
        try:
            check(user)
        except NotAllowed as exc:
            return str(exc)
        return None

    return refusal


def refusal_messages() -> dict[str, str]:
    """The reader's-language messages for a file refused before reading
    (`lib.uploads.FileRefused` codes); the ledger and the indicator import share them."""
    return {
        "too_large": _("The file is larger than %(limit)s MB."),
        "unpacks_too_large": _(
            "The workbook unpacks to more than %(limit)s MB; it cannot be read safely."
        ),
        "damaged": _("The file is damaged: it is not a valid xlsx or ods file (%(detail)s)."),
        "sheet_too_large": _(
            "Sheet “%(sheet)s” spans the cells %(range)s (%(rows)s rows × %(columns)s "
            "columns), more than can be read (%(max_rows)s rows, %(max_columns)s columns, "
            "%(max_cells)s cells in all). Usually a stray cell far below or to the right of "
            "the table: delete the empty rows and columns after the table in Excel, save and "
            "import again."
        ),
        "xlsb": _("Binary workbooks (.xlsb) are not read: save the file as .xlsx in Excel."),
    }


def refusal_message(exc) -> str:
    """The message for a `FileRefused` (or a `WorkbookError` carrying one of its codes)."""
    return refusal_messages()[exc.code] % {"detail": "", "limit": "", **exc.params}
