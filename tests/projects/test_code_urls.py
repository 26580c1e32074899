"""#13 item 2: a project code stored with "/" (before codes were validated, or written by a
path that skipped the rules) must not take down the cockpit, the ledger or its own pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["JF/1", "a/b/c"])
def test_a_code_with_a_slash_breaks_no_page_and_its_pages_resolve(client, admin_user, code):
    ProjectFactory(code=code, name="斜杠项目")
    client.force_login(admin_user)
    for url in ("/", "/projects/", "/progress/"):
        assert client.get(url).status_code == 200, url
    detail = reverse("projects:detail", args=[code])
    assert detail == f"/projects/{code}/"
    page = client.get(detail)
    assert page.status_code == 200
    assert "斜杠项目" in page.content.decode()
    assert client.get(reverse("projects:edit", args=[code])).status_code == 200
    assert client.get(reverse("progress:project", args=[code])).status_code == 200


def test_a_code_with_a_slash_is_reachable_and_fixable_through_the_api(admin_user):
    """#13 item 2: "the project cannot be reached through the API to fix it"."""
    from tests.api import API, token_client

    ProjectFactory(code="JF/1", name="斜杠项目")
    api = token_client(admin_user)
    got = api.get(f"{API}/projects/JF/1")
    assert (got.status_code, got.json()["code"]) == (200, "JF/1")
    assert api.get(f"{API}/projects/JF/1/history").status_code == 200
    fixed = api.patch(
        f"{API}/projects/JF/1",
        {"name": "改名项目", "version": got.json()["version"]},
        content_type="application/json",
    )
    assert fixed.status_code == 200, fixed.json()
    assert fixed.json()["name"] == "改名项目"


@pytest.mark.parametrize("code", ["new", "quality", "parse-amount"])
def test_a_code_that_names_a_ledger_page_is_refused(code):
    """/projects/new/ is the create page: a project coded "new" could never be opened."""
    from django.urls import resolve

    from zhaoshang.projects import rules

    assert resolve(f"/projects/{code}/").url_name != "detail"
    with pytest.raises(rules.RuleError, match=f"“{code}”"):
        rules.code(code)
