"""A busy database answers 503 "try again", and refusals are logged as one line.

- `is_busy_error(exc)`: the database could not take the write in time — SQLite's "database
  is locked" after the busy timeout, PostgreSQL's lock timeout, serialization failure,
  deadlock or "too many clients". Nothing is wrong with the request: the same request a few
  seconds later succeeds, so the caller hears 503 with `Retry-After`, never a 500.
- `BusyDatabaseMiddleware` turns such an error raised in a view into that answer, and our
  `SessionMiddleware` does the same for the session saved after the view. The view's own
  transaction has rolled back by then, so nothing is half-written.
- `update_last_login`: a login whose `last_login` cannot be written is still a login.
- `OneLineRefusals`: a logging filter for `django.request` that writes a 403 as one line
  (method, path, user, reason) instead of a traceback. Every other error keeps its full
  traceback; a busy database is logged as one line where it is answered.

This module is imported by the logging configuration before the apps are loaded: it imports
no models at module level.
"""

from __future__ import annotations

import logging
import unicodedata

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger("zhaoshang.busy")

RETRY_AFTER_SECONDS = 5

# SQLite: a writer waited past the busy timeout, or a shared-cache table lock.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
# PostgreSQL SQLSTATEs: lock_not_available (lock_timeout), serialization_failure,
# deadlock_detected, too_many_connections, cannot_connect_now (starting up).
_PG_BUSY = {"55P03", "40001", "40P01", "53300", "57P03"}


def is_busy_error(exc: BaseException) -> bool:
    """True for a database error that means "busy now, try again", not "your request is bad".

    >>> from django.db.utils import OperationalError
    >>> is_busy_error(OperationalError("database is locked"))
    True
    >>> is_busy_error(OperationalError("no such table: x"))
    False
    """
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    # psycopg 3 names it sqlstate, psycopg2 pgcode; Django keeps the driver's error as cause.
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if code in _PG_BUSY:
        return True
    text = str(exc).lower()
    if any(phrase in text for phrase in _SQLITE_BUSY):
        return True
    # psycopg raises "too many clients" at connect time without a SQLSTATE on older servers.
    return "too many clients" in text or "too many connections" in text


def one_line(text: object, limit: int = 300) -> str:
    """`text` on one line: control characters (newlines from a crafted URL) escaped."""
    value = str(text)[:limit]
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" else ch
        for ch in value
    )


def user_label(request) -> str:
    """The signed-in user's name for a log line; never fails, even with the database down."""
    try:
        user = request.user
        return user.get_username() if user.is_authenticated else "anonymous"
    except Exception:  # the user could not be read (no database): the line is still written
        return "?"


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def busy_payload() -> dict[str, str]:
    return {"detail": _("The system is busy, please try again in a few seconds.")}


def busy_response(request) -> HttpResponse:
    """503 with Retry-After: JSON for the API, otherwise a page that needs no database."""
    if wants_json(request):
        response: HttpResponse = JsonResponse(busy_payload(), status=503)
    else:
        # No request context: the context processors would read the user from the database.
        html = render_to_string("core/busy.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def answer_busy(request, exc: BaseException) -> HttpResponse:
    """The 503 for `exc`, logged here as one line (and not again by Django's request logger)."""
    log.warning(
        "Database busy, answered 503: %s %s user=%s (%s)",
        request.method,
        one_line(request.path),
        user_label(request),
        one_line(exc, 200),
    )
    return mark_logged(busy_response(request))


def mark_logged(response: HttpResponse) -> HttpResponse:
    """Tell Django's request logger that this answer was logged already (one line)."""
    # Django's request logger skips a response carrying this mark (django.utils.log.log_response);
    # without it every 503 would add an ERROR line "Service Unavailable" after ours.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def update_last_login(sender, user, **kwargs) -> None:
    """Django's `update_last_login`, except that a busy database does not fail the login.

    The user is signed in whether or not `last_login` could be written; the miss is logged.
    The savepoint keeps an enclosing transaction usable on PostgreSQL.
    """
    from django.utils import timezone

    user.last_login = timezone.now()
    try:
        with transaction.atomic():
            user.save(update_fields=["last_login"])
    except DatabaseError as exc:
        if not is_busy_error(exc):
            raise
        log.warning(
            "Database busy: last_login of %s not recorded; signed in anyway (%s)",
            one_line(user.get_username()),
            one_line(exc, 200),
        )


def install_login_guard() -> None:
    """Put our `update_last_login` in place of Django's on `user_logged_in` (idempotent)."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


def busy_cause(exc: BaseException) -> BaseException | None:
    """The busy database error behind `exc`, following what it was raised from or during."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if is_busy_error(current):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class BusyDatabaseMiddleware:
    """503 "busy, try again" for a view that met a database too busy to take its writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy_error(exception):
            return None
        return answer_busy(request, exception)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a busy database while saving the session answers 503.

    The session is saved after the view. Django's middleware reports any database error of
    that save as SessionInterrupted: a 400 saying the session was deleted by a concurrent
    sign-out, logged with a traceback.
    """

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError) as exc:
            busy = busy_cause(exc)
            if busy is None:
                raise
            return answer_busy(request, busy)


class OneLineRefusals(logging.Filter):
    """On `django.request`: a 403 is one line, no traceback.

    `Forbidden: GET /projects/X/edit/ user=jinfeng reason=只能修改本单位的项目`.
    Other records (a 500's traceback above all) pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        request = getattr(record, "request", None)
        if exc is None or request is None:
            return True
        if isinstance(exc, PermissionDenied):
            record.msg = "Forbidden: %s %s user=%s reason=%s"
            record.args = (
                request.method,
                one_line(request.path),
                user_label(request),
                one_line(exc) or "-",
            )
        else:
            return True
        record.exc_info = None
        record.exc_text = None
        return True
