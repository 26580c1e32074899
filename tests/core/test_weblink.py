"""Stored addresses are linked only when they are http(s): a `javascript:` or `data:`
address saved in a source, an enterprise's website or an article's source is shown as
text (the CSP would stop it too; this stops the link being made at all)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ProjectFactory
from zhaoshang.core.models import Source
from zhaoshang.core.templatetags.zs import weblink

HOSTILE = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,x",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_weblink_refuses_what_is_not_http(url):
    assert weblink(url) == ""


@pytest.mark.parametrize("url", ["http://www.zjg.gov.cn/a", "HTTPS://example.cn/b?c=1"])
def test_weblink_keeps_http_addresses(url):
    assert weblink(url) == url


@pytest.mark.django_db
def test_project_page_and_admin_show_a_hostile_source_address_as_text(client, admin_user):
    project = ProjectFactory()
    source = Source.objects.create(title="来源标题", url="javascript:alert(1)")
    project.projectsource_set.create(source=source)
    client.force_login(admin_user)
    for url in (
        reverse("projects:detail", args=[project.code]),
        reverse("admin:core_source_changelist"),
    ):
        html = client.get(url).content.decode()
        assert 'href="javascript:' not in html, url
