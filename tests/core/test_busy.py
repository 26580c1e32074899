"""A busy database answers 503 "try again", never 500 (issue #13, reproduction 7: "A write
lock held past the busy timeout makes API writes and logins answer 500").

The first test holds a real lock from a second connection and checks that the error the
database then raises is recognised. The request tests make the writes of one request fail
with that same error through Django's `connection.execute_wrapper` (a lock held from another
connection cannot be seen inside the test's own transaction).
"""

from __future__ import annotations

import copy
import logging
import sqlite3
from collections.abc import Callable

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection, transaction
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from tests.api import API, session_client
from tests.factories import PASSWORD, ProjectFactory
from zhaoshang.core.middleware import is_busy_error
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db

BUSY_JSON = {"detail": "The system is busy, please try again in a few seconds."}


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def locked_when(matches: Callable[[str], bool]):
    """Statements for which `matches(sql)` is true fail as a write lock held too long does."""

    def wrapper(execute, sql, params, many, context):
        if matches(sql.lstrip().upper()):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    return connection.execute_wrapper(wrapper)


def any_write(sql: str) -> bool:
    return sql.startswith(("INSERT", "UPDATE", "DELETE"))


def busy_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def assert_one_busy_line(caplog, method: str, path: str) -> None:
    records = busy_records(caplog)
    assert [r.getMessage().split(" user=")[0] for r in records] == [
        f"Database busy, answered 503: {method} {path}"
    ]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


# --- the errors a held lock gives ---------------------------------------------------------------


def test_a_write_lock_held_past_the_busy_timeout_is_recognised(tmp_path):
    """A real lock: a second connection holds the write lock; ours gives up after its timeout."""
    if connection.vendor == "postgresql":
        error = _postgresql_lock_error()
    else:
        error = _sqlite_lock_error(tmp_path)

    assert is_busy_error(error)


def _sqlite_lock_error(tmp_path) -> OperationalError:
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x integer)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict.update(NAME=str(path), OPTIONS={"timeout": 0.2, "transaction_mode": "IMMEDIATE"})
    ours = DatabaseWrapper(settings_dict, alias="busy_probe")
    try:
        with pytest.raises(OperationalError) as caught:
            with ours.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (2)")
    finally:
        ours.close()
        holder.execute("ROLLBACK")
        holder.close()
    return caught.value


def _postgresql_lock_error() -> OperationalError:
    import psycopg

    params = connection.get_connection_params()
    holder = psycopg.connect(**params, autocommit=False)
    try:
        holder.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(OperationalError) as caught, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
                cursor.execute("SELECT count(*) FROM django_session")
    finally:
        holder.rollback()
        holder.close()
    return caught.value


def test_postgresql_waits_for_a_lock_at_most_db_lock_timeout(monkeypatch):
    """Without a lock timeout PostgreSQL waits for ever: the request hangs, never "busy"."""
    from zhaoshang import settings as project_settings

    monkeypatch.setenv("DATABASE_URL", "postgresql://zs@127.0.0.1:5432/zs")
    monkeypatch.setenv("DB_LOCK_TIMEOUT", "7")

    options = project_settings._databases()["default"]["OPTIONS"]

    assert options == {"options": "-c lock_timeout=7s -c jit=off"}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone() == ("20s",)


class _DriverError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(sqlstate: str) -> OperationalError:
    error = OperationalError("could not do it")
    error.__cause__ = _DriverError(sqlstate)
    return error


@pytest.mark.parametrize(
    "error, busy",
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked: projects_project"), True),
        (_wrapped("55P03"), True),  # lock_not_available (lock_timeout)
        (_wrapped("40001"), True),  # serialization_failure
        (_wrapped("40P01"), True),  # deadlock_detected
        (_wrapped("53300"), True),  # too_many_connections
        (OperationalError("FATAL: sorry, too many clients already"), True),
        (OperationalError("no such table: projects_project"), False),
        (_wrapped("42P01"), False),  # undefined_table
        (ValueError("database is locked"), False),
    ],
)
def test_which_errors_mean_busy(error, busy):
    assert is_busy_error(error) is busy


# --- every way in answers 503 -------------------------------------------------------------------


def test_api_patch_while_locked_answers_503_json_and_changes_nothing(admin_user, caplog):
    project = ProjectFactory(code="P-1", name="旧名")
    client = session_client(admin_user)
    caplog.set_level(logging.WARNING)

    with locked_when(any_write):
        response = client.patch(
            f"{API}/projects/P-1",
            {"name": "新名", "version": project.version},
            content_type="application/json",
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == BUSY_JSON
    assert Project.objects.get(pk=project.pk).name == "旧名"
    assert_one_busy_line(caplog, "PATCH", f"{API}/projects/P-1")


def test_web_form_save_while_locked_answers_503_page_and_saves_nothing(bureau_editor, caplog):
    client = Client()
    client.force_login(bureau_editor)
    caplog.set_level(logging.WARNING)

    with locked_when(any_write):
        response = client.post(
            reverse("projects:create"),
            {
                "name": "锦丰新材料项目",
                "unit": "锦丰镇",
                "industry": "3841 锂离子电池制造",
                "nature": "new",
                "stage": "signed",
                "stage_date": "2024-03-01",
                "total_investment": "超100亿元",
            },
        )

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "系统繁忙，请稍后重试 / The system is busy, please try again" in page
    assert Project.objects.filter(name="锦丰新材料项目").count() == 0
    assert_one_busy_line(caplog, "POST", reverse("projects:create"))


def test_sign_in_while_locked_answers_503(leader, caplog):
    """The session cannot be written: the sign-in cannot happen, and says "try again"."""
    client = Client()
    caplog.set_level(logging.WARNING)

    with locked_when(any_write):
        response = client.post("/login/", {"username": "leader", "password": PASSWORD})

    assert response.status_code == 503
    assert SESSION_KEY not in client.session
    assert_one_busy_line(caplog, "POST", "/login/")


def test_wrong_password_while_locked_answers_503(leader, caplog):
    """axes cannot record the failure: the attempt is refused as busy, not as a 500."""
    client = Client()
    caplog.set_level(logging.WARNING)

    with locked_when(any_write):
        response = client.post("/login/", {"username": "leader", "password": "wrong"})

    assert response.status_code == 503
    assert_one_busy_line(caplog, "POST", "/login/")


def test_sign_in_succeeds_when_last_login_cannot_be_written(leader, caplog):
    client = Client()
    caplog.set_level(logging.WARNING)

    with locked_when(lambda sql: sql.startswith('UPDATE "AUTH_USER" SET "LAST_LOGIN"')):
        response = client.post("/login/", {"username": "leader", "password": PASSWORD})

    leader.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session[SESSION_KEY] == str(leader.pk)
    assert leader.last_login is None
    lines = [r.getMessage() for r in busy_records(caplog)]
    assert lines == [
        "Database busy: last_login of leader not recorded; signed in anyway (database is locked)"
    ]


def test_sign_in_succeeds_when_axes_cannot_tidy_up(leader, caplog):
    """After a sign-in axes deletes the account's failures; a lock there does not undo it."""
    client = Client()
    client.post("/login/", {"username": "leader", "password": "wrong"})
    caplog.set_level(logging.WARNING)
    caplog.clear()

    with locked_when(lambda sql: sql.startswith('DELETE FROM "AXES_ACCESSATTEMPT"')):
        response = client.post("/login/", {"username": "leader", "password": PASSWORD})

    assert response.status_code == 302
    assert SESSION_KEY in client.session
    assert [r.getMessage().split(" (")[0] for r in busy_records(caplog)] == [
        "AXES: database busy, failures of leader not reset after sign-in"
    ]


def test_session_save_on_the_way_out_while_locked_answers_503(leader, caplog):
    """The session middleware saves the session after the view; Django's turns a database
    error there into SessionInterrupted, a 400 "the session was deleted" with a traceback."""
    client = Client()
    caplog.set_level(logging.WARNING)

    with locked_when(lambda sql: sql.startswith('UPDATE "DJANGO_SESSION"')):
        response = client.post("/login/", {"username": "leader", "password": PASSWORD})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The system is busy" in response.content.decode()
    assert_one_busy_line(caplog, "POST", "/login/")


def test_login_guard_is_in_place_before_any_request():
    """The safe last_login writer replaces Django's when the apps load (core.apps.ready),
    so a command or a worker that signs users in before any request is covered too.
    Checked in a fresh process: in this one, earlier requests installed it anyway."""
    import subprocess
    import sys

    probe = (
        "import weakref, django; django.setup()\n"
        "from django.contrib.auth.signals import user_logged_in\n"
        "from django.contrib.auth.models import update_last_login as django_own\n"
        "from zhaoshang.core.middleware import update_last_login as ours\n"
        "refs = [entry[1] for entry in user_logged_in.receivers]\n"
        "live = [r() if isinstance(r, weakref.ReferenceType) else r for r in refs]\n"
        "print(ours in live, django_own in live)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["True", "False"]
