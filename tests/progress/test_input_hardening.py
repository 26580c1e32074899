"""#13 item 6 on the pages: a query string, however odd, gets a page, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ProjectFactory
from tests.progress.factories import PlanFactory, ProblemFactory

pytestmark = pytest.mark.django_db

ODD = ["99999999999999999999", "-1", "abc", "0", "1e400", "\x00"]


@pytest.mark.parametrize(
    "name",
    [
        "projects:list",
        "projects:quality",
        "progress:plans",
        "progress:warnings",
        "progress:problems",
        "enterprises:list",
    ],
)
@pytest.mark.parametrize("page", ODD)
def test_paginated_pages_answer_any_page_number(client, leader, name, page):
    """``?page=99999999999999999999`` (and -1, abc) shows the last or the first page."""
    PlanFactory(project=ProjectFactory())
    client.force_login(leader)

    response = client.get(reverse(name), {"page": page})

    assert response.status_code == 200


@pytest.mark.parametrize("department", ["99999999999999999999", "-1", "abc"])
def test_problem_register_with_an_odd_department_is_a_page(client, leader, department):
    """A 20-digit department id gave a 500 (the id overflowed the database's integer)."""
    ProblemFactory()
    client.force_login(leader)

    response = client.get(reverse("progress:problems"), {"department": department})

    assert response.status_code == 200
