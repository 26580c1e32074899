"""Read an article from a file: plain text in UTF-8 or GB18030 (GBK), .docx, or .html.

>>> read_article(b"\\xd7\\xdc\\xcd\\xb6\\xd7\\xca", "a.txt").text   # GBK bytes
'总投资'

Refused with :class:`FileRefused` (a message in Chinese and English naming the file): more than
:data:`MAX_BYTES`, a binary file, an unreadable .docx. A file mixing UTF-8 and GBK lines is read
line by line. Pure Python, no Django.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.etree import ElementTree

from zhaoshang.lib.uploads import FileRefused as ZipRefused
from zhaoshang.lib.uploads import check_zip_unpacked

MAX_BYTES = 2 * 1024 * 1024  # 2 MB: a long notice is 100 kB; anything larger is not an article
DOCX_UNPACKED_LIMIT = 64 * 1024 * 1024  # a .docx that unpacks to more is refused (zip bomb)
TEXT_SUFFIXES = (".txt", ".text", ".md", ".csv", "")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCX_SUFFIXES = (".docx",)


class FileRefused(ValueError):
    """A file that is not read; the message says why, Chinese first."""


@dataclass(frozen=True)
class ReadArticle:
    text: str
    encoding: str  # utf-8, gb18030, mixed, docx, html
    title: str


def _suffix(name: str) -> str:
    m = re.search(r"\.[A-Za-z0-9]+$", name or "")
    return m.group().lower() if m else ""


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 kB."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM allowed), else GB18030, else line by line (a file pasted together from both)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    lines = []
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("gb18030", errors="replace"))
    return "\n".join(lines), "mixed"


class _HTMLText(HTMLParser):
    """Visible text with block elements on their own lines; scripts and styles dropped."""

    BLOCKS = {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
        "table", "ul", "ol", "header", "footer", "blockquote", "title",
    }  # fmt: skip
    CELLS = {"td", "th"}
    SKIP = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP and tag != "head":
            self.skipping += 1
        if tag == "title":
            self._in_title = True
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag in self.CELLS:
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in self.SKIP and tag != "head" and self.skipping:
            self.skipping -= 1
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v\n]*\n[ \t\r\f\v\n]*", "\n\n", text)
    return text.strip(), parser.title.strip()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_text(data: bytes) -> str:
    """Paragraphs, and table rows with their cells separated by tabs."""
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - python-docx is a dependency; keep a plain reader
        return _docx_xml_text(data)
    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            parts.append("".join(t.text or "" for t in child.iter(f"{_W}t")))
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [
                    "".join(t.text or "" for t in tc.iter(f"{_W}t")) for tc in row.iter(f"{_W}tc")
                ]
                parts.append("\t".join(cells))
    return "\n\n".join(p for p in parts if p.strip())


def _docx_xml_text(data: bytes) -> str:  # pragma: no cover - used only without python-docx
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    return "\n\n".join("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p"))


def read_article(data: bytes, name: str = "") -> ReadArticle:
    """The text of an uploaded file, by its suffix; see the module doc for what is refused."""
    label = name or "-"
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"文件“{label}”过大（{len(data) / 1048576:.1f} MB，上限 2 MB） / "
            f'File "{label}" is too large ({len(data) / 1048576:.1f} MB, limit 2 MB)'
        )
    suffix = _suffix(name)
    if suffix in DOCX_SUFFIXES or (data[:2] == b"PK" and suffix not in HTML_SUFFIXES):
        try:
            check_zip_unpacked(data, DOCX_UNPACKED_LIMIT)
        except ZipRefused as exc:
            if exc.code == "unpacks_too_large":
                raise FileRefused(
                    f"Word 文件“{label}”解压后超过 64 MB，无法安全读取 / "
                    f'The Word file "{label}" unpacks to more than 64 MB; it cannot be read safely'
                ) from None
            # a damaged zip: the Word reader below says it cannot read the file
        try:
            text = docx_to_text(data)
        except Exception as exc:  # a zip that is not a Word document, or a damaged one
            raise FileRefused(
                f'无法读取 Word 文件“{label}” / Cannot read the Word file "{label}" ({exc.__class__.__name__})'
            ) from None
        return ReadArticle(text, "docx", _first_line(text))
    if looks_binary(data):
        raise FileRefused(
            f"“{label}”是二进制文件，不是文本；请上传 .txt、.docx 或 .html / "
            f'"{label}" is a binary file, not text; upload .txt, .docx or .html'
        )
    text, encoding = decode_text(data)
    if suffix in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
        body, title = html_to_text(text)
        return ReadArticle(body, "html", title or _first_line(body))
    return ReadArticle(text, encoding, _first_line(text))


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""
