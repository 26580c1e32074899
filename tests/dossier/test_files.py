"""What a file is, judged by its content: the accepted kinds and the refusals."""

import io
import zipfile

import pytest

from zhaoshang.dossier import files
from zhaoshang.lib.uploads import FileRefused

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
}


def office(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/main.xml" '
            f'ContentType="{OFFICE_TYPES[kind]}"/></Types>',
        )
        z.writestr("main.xml", "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "content_type", "extension", "kind"),
    [
        (b"%PDF-1.7\n...", "application/pdf", ".pdf", "document"),
        (PNG, "image/png", ".png", "photo"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", ".jpg", "photo"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp", ".webp", "photo"),
        (
            office("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
            "document",
        ),
        (
            office("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx",
            "document",
        ),
        (
            office("pptx"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ".pptx",
            "document",
        ),
    ],
    ids=["pdf", "png", "jpeg", "webp", "docx", "xlsx", "pptx"],
)
def test_sniff_accepts_by_content(data, content_type, extension, kind):
    assert files.sniff(data) == files.Sniffed(content_type, extension, kind)


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
        b"<html><script>alert(1)</script>",
        b"GIF89a....",
        office("docm"),  # macro-enabled Word
        b"PK\x03\x04" + b"x" * 10,  # a zip that is no zip
        b"",
    ],
    ids=["exe", "html", "gif", "docm", "broken-zip", "empty"],
)
def test_sniff_refuses_everything_else(data):
    with pytest.raises((files.FileType, FileRefused)):
        files.sniff(data)


def test_plain_zip_without_office_content_types_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(files.FileType):
        files.sniff(out.getvalue())


def test_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setenv("ZHAOSHANG_MAX_UNPACKED_MB", "1")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b" " * (2 * 1024 * 1024))
    with pytest.raises(FileRefused) as refused:
        files.sniff(out.getvalue())
    assert refused.value.code == "unpacks_too_large"


def test_max_bytes_comes_from_the_environment(monkeypatch):
    assert files.max_bytes() == 20 * 1024 * 1024
    monkeypatch.setenv("ZHAOSHANG_MAX_FILE_MB", "3")
    assert files.max_bytes() == 3 * 1024 * 1024
