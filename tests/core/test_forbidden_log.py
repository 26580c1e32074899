"""A 403 is logged as one line (issue #13, reproduction 8: "Every 403 writes a full traceback
to the log"); a 500 still logs its traceback."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

from tests.factories import LEYU, ProjectFactory

pytestmark = pytest.mark.django_db


def english(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_403_is_one_line_with_method_path_user_and_reason(leader, caplog):
    caplog.set_level(logging.WARNING)

    response = english(leader).get("/users/")

    records = request_records(caplog)
    assert response.status_code == 403
    assert [r.getMessage() for r in records] == [
        "Forbidden: GET /users/ user=leader reason=Only the city administrator manages users."
    ]
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_403_on_a_write_names_the_post(town_editor, caplog):
    project = ProjectFactory(code="P-OTHER", unit_id=LEYU)  # not the editor's unit
    caplog.set_level(logging.WARNING)

    response = english(town_editor).post(f"/projects/{project.code}/edit/", {"name": "x"})

    messages = [r.getMessage() for r in request_records(caplog)]
    assert response.status_code == 403
    assert len(messages) == 1
    assert messages[0].startswith("Forbidden: POST /projects/P-OTHER/edit/ user=jinfeng reason=")
    assert "Traceback" not in caplog.text


def test_a_403_line_stays_one_line_whatever_the_path_and_reason(rf, caplog):
    caplog.set_level(logging.WARNING)
    request = rf.get("/x%0Ay")  # the path Django hands the view: "/x\ny"
    request.user = type("Anon", (), {"is_authenticated": False})()

    logging.getLogger("django.request").warning(
        "Forbidden (Permission denied): %s",
        request.path,
        extra={"status_code": 403, "request": request},
        exc_info=PermissionDenied("first\nforged line"),
    )

    assert [r.getMessage() for r in request_records(caplog)] == [
        "Forbidden: GET /x\\ny user=anonymous reason=first\\nforged line"
    ]


def test_a_500_still_logs_its_traceback(leader, caplog):
    client = english(leader, raise_request_exception=False)
    caplog.set_level(logging.WARNING)

    def broken(execute, sql, params, many, context):
        if "projects_project" in sql:
            raise OperationalError("no such column: projects_project.name")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(broken):
        response = client.get("/projects/")

    records = request_records(caplog)
    assert response.status_code == 500
    assert [r.levelno for r in records] == [logging.ERROR]
    assert records[0].exc_info is not None
    assert "Traceback" in caplog.text
