"""The chain YAML import: rights before bytes, a size limit (#13 item 1)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.urls import reverse
from django.utils.html import escape

from tests.uploads import TOKEN, browser
from zhaoshang.chains.access import taxonomy_refusal
from zhaoshang.chains.models import Chain

pytestmark = pytest.mark.django_db
YAML = "code: test\nname: 测试链\nnodes: []\n"


def post_yaml(client, data: bytes):
    return client.post(
        reverse("chains:import"),
        {"csrfmiddlewaretoken": TOKEN, "file": SimpleUploadedFile("chain.yaml", data)},
    )


@pytest.mark.parametrize("role", ["leader", "town_editor"])
def test_import_by_someone_who_may_not_is_refused_before_the_file_is_read(
    monkeypatch, request, role
):
    def refuse(*args, **kwargs):
        raise AssertionError("the upload was read before the rights check")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)
    user = request.getfixturevalue(role)
    client = browser(user)
    response = post_yaml(client, YAML.encode())
    assert (response.status_code, Chain.objects.count()) == (302, 0)
    page = client.get(response["Location"]).content.decode()
    assert escape(taxonomy_refusal(user)) in page


def test_import_over_the_size_limit_is_refused(monkeypatch, bureau_editor):
    monkeypatch.setenv("ZHAOSHANG_MAX_YAML_KB", "4")
    client = browser(bureau_editor)
    response = post_yaml(client, b"# " + b"x" * 8000 + b"\n" + YAML.encode())
    assert (response.status_code, Chain.objects.count()) == (302, 0)
    assert "MB" in client.get(response["Location"]).content.decode()
