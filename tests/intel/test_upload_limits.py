"""The article upload: rights before bytes, a size limit, a .docx that unpacks too far
(#13 item 1)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.urls import reverse

from tests.uploads import TOKEN, browser
from zhaoshang.intel.models import Article

pytestmark = pytest.mark.django_db


def post_file(client, name: str, data: bytes):
    return client.post(
        reverse("intel:new"),
        {"csrfmiddlewaretoken": TOKEN, "file": SimpleUploadedFile(name, data)},
    )


def test_leader_upload_is_refused_before_the_file_is_read(monkeypatch, leader):
    def refuse(*args, **kwargs):
        raise AssertionError("the upload was read before the rights check")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)
    response = post_file(browser(leader), "a.txt", "张家港新签约项目".encode())
    assert (response.status_code, Article.objects.count()) == (302, 0)


def test_upload_over_the_size_limit_is_refused(monkeypatch, bureau_editor):
    monkeypatch.setenv("ZHAOSHANG_MAX_ARTICLE_MB", "1")
    client = browser(bureau_editor)
    response = post_file(client, "a.txt", "项目".encode() * (400 * 1024))
    assert (response.status_code, Article.objects.count()) == (302, 0)
    assert "1 MB" in client.get(response["Location"]).content.decode()


def _docx_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b" " * (80 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000
    return out.getvalue()


def test_docx_that_unpacks_too_far_is_refused_with_a_message(bureau_editor):
    response = post_file(browser(bureau_editor), "bomb.docx", _docx_bomb())
    assert (response.status_code, Article.objects.count()) == (200, 0)
    assert "64 MB" in response.content.decode()


def test_docx_bomb_is_refused_by_the_reader_itself_for_the_cli_and_the_api():
    """The bound lives in the article reader (lib.extract.files), which the page, the
    `zhaoshang extract` command and the API all go through."""
    from zhaoshang.lib.extract.files import FileRefused, read_article

    with pytest.raises(FileRefused, match="64 MB"):
        read_article(_docx_bomb(), "bomb.docx")
