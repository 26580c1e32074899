"""What an uploaded file is, judged by its content (never by its name or the browser's
word), and where its bytes are kept.

    sniff(data) -> Sniffed("application/pdf", ".pdf", "document")   # or FileType error

Accepted: PDF, Word/Excel/PowerPoint (.docx, .xlsx, .pptx: a zip whose
``[Content_Types].xml`` names the main part of that kind; macro-enabled files name another
type and are refused), JPEG, PNG and WebP. The size limit is ``ZHAOSHANG_MAX_FILE_MB``
(default 20), read on every call.

The bytes are kept in ``<data folder>/files/``, the folder 0700 and each file 0600 from its
first byte (`core.datadir`), under a random name: nothing a user typed reaches a path.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from zhaoshang.core import datadir
from zhaoshang.lib.env import env_int
from zhaoshang.lib.uploads import MB, FileRefused, check_zip_unpacked, limits

FOLDER = "files"
OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
EXTENSIONS = ".pdf, .docx, .xlsx, .pptx, .jpg, .png, .webp"


class FileType(Exception):
    """The content is none of the accepted kinds; `detail` says what was found, if known."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str
    kind: str  # "document" or "photo"


def max_bytes() -> int:
    """The largest file accepted, in bytes (``ZHAOSHANG_MAX_FILE_MB``, default 20)."""
    return env_int("ZHAOSHANG_MAX_FILE_MB", 20, minimum=1) * MB


def sniff(data: bytes) -> Sniffed:
    """The accepted kind `data` is; FileType otherwise, FileRefused for a damaged or
    oversized zip."""
    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", ".pdf", "document")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", ".png", "photo")
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", ".jpg", "photo")
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed("image/webp", ".webp", "photo")
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    if data.startswith(b"MZ"):
        raise FileType("Windows program")
    raise FileType()


def _office(data: bytes) -> Sniffed:
    check_zip_unpacked(data, limits().max_unpacked)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            with book.open("[Content_Types].xml") as f:
                types = f.read(MB)
    except KeyError:
        raise FileType("zip") from None
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise FileRefused("damaged", detail=str(exc)[:200]) from None
    found = [OFFICE[t] for t in OFFICE if f'ContentType="{t}"'.encode() in types]
    if len(found) != 1:
        raise FileType("zip")
    content_type, extension = found[0]
    return Sniffed(content_type, extension, "document")


def folder() -> Path:
    return datadir.ensure_folder(Path(settings.DATA_DIR) / FOLDER)


def store(data: bytes, extension: str) -> tuple[str, str]:
    """Keep `data` under a new random name (0600); returns (stored name, SHA-256)."""
    where = folder()
    while True:
        name = secrets.token_hex(16) + extension
        if datadir.create_private_file(where / name, data):
            return name, hashlib.sha256(data).hexdigest()


def path_of(stored_name: str) -> Path:
    return Path(settings.DATA_DIR) / FOLDER / Path(stored_name).name


def discard(stored_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_of(stored_name).unlink()
