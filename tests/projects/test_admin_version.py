"""#13 item 7 in the administration: the project change page saved without looking at
the version, so it could overwrite what someone saved meanwhile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core.test_admin import _post_data
from tests.factories import ProjectFactory
from zhaoshang.projects import services
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, admin_user):
    client.force_login(admin_user)
    project = ProjectFactory(name="原名")
    url = reverse("admin:projects_project_change", args=[project.pk])
    return client, url, project, _post_data(client.get(url))


def test_admin_change_page_carries_the_version_and_saves_with_it(page):
    client, url, project, data = page

    response = client.post(url, {**data, "name": "新名"})

    assert (data["loaded_version"], response.status_code) == ("1", 302)
    assert Project.objects.get(pk=project.pk).name == "新名"


def test_admin_change_after_someone_saved_is_refused(page, bureau_editor):
    client, url, project, data = page
    services.update_project(user=bureau_editor, project=project, data={"capacity": "别人改的"})

    response = client.post(url, {**data, "name": "新名"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "This project was changed by someone else after you opened it (your version 1, now 2). "
        "Reload to see their change."
    ]
    assert Project.objects.get(pk=project.pk).name == "原名"


@pytest.mark.parametrize("version", ["", "abc"])
def test_admin_change_without_a_version_is_refused(page, version):
    client, url, project, data = page

    response = client.post(
        url, {**data, "name": "新名", "loaded_version": version}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "version is required: send the “version” of the project you loaded, so that a change "
        "someone else saved in the meantime is not overwritten"
    ]
    assert Project.objects.get(pk=project.pk).name == "原名"
