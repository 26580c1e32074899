"""Bound an uploaded file before any reader sees it: its size, its zip members, its sheets.

python-calamine keeps each sheet as a dense grid, rows × columns of the box its cells
span, and the process aborts when that allocation fails: a 5 KB .xlsx whose only cell is
XFD1048576 asks for 512 GB and takes the server down with it. So before calamine reads a
workbook, :func:`inspect_workbook` looks at it with the standard library:

* the zip directory: no more than :attr:`Limits.max_unpacked` bytes once unpacked (a
  zip bomb is refused), every member unpacked once to check that it holds no more than
  it declares, and a damaged zip is refused with a message, not a stack trace;
* each worksheet's XML, streamed in bounded chunks: its ``<dimension ref="A1:AD100004"/>``
  near the start is checked against the limits at once, then the rest of the stream is
  searched (one regular-expression pass, no match on an honest file) for a cell beyond
  the declared box. A sheet without a dimension, with a cell beyond it, with cells
  written without their ``r`` reference or with an unusual namespace prefix is walked
  exactly with :func:`xml.etree.ElementTree.iterparse`, stopping as soon as it passes a
  limit;
* an OpenDocument sheet's ``content.xml`` is walked the same way, repeats counted;
* a binary .xlsb is refused (its records cannot be bounded without reading them); an old
  .xls is bounded by its format (65,536 rows × 256 columns) and by the reader's own
  check of each sheet's size before its cells are turned into Python values.

It also returns the formula errors (``#DIV/0!``, ``#N/A`` …) each sheet holds, which
python-calamine reads as empty cells: the ledger reports them instead of dropping them.

    shape = inspect_workbook(data)              # raises FileRefused
    shape.errors["Sheet1"][(4, 12)] -> "#DIV/0!"   # row and column 0-based

Limits come from the environment (``ZHAOSHANG_MAX_WORKBOOK_MB`` and the others in
:func:`limits`) and are read on every call. Pure Python, no Django.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree import ElementTree

from zhaoshang.lib.env import env_int
from zhaoshang.lib.xlsxwrite import column_letter

MB = 1024 * 1024
CHUNK = 4 * MB
MAX_CARRY = 16 * MB  # a sheet whose XML has no row end in this many bytes is not a sheet
XLS_MAX_ROWS, XLS_MAX_COLUMNS = 65_536, 256
FORMULA_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"}
)  # fmt: skip


@dataclass(frozen=True)
class Limits:
    """What one upload may hold. The defaults fit the 100,000-row × 30-column bench
    workbook (16 MB, 3 million cells, 158 MB of sheet XML) with room to spare, and a
    stray cell at row 200,001 of a 30-column ledger."""

    max_bytes: int = 20 * MB  # the workbook as uploaded
    max_unpacked: int = 1024 * MB  # all its zip members unpacked
    max_rows: int = 500_000  # per sheet, the last row holding a cell
    max_columns: int = 1_000  # per sheet, the last column holding a cell
    max_cells: int = 8_000_000  # per sheet, rows × columns of the box the cells span
    max_yaml_bytes: int = 2 * MB  # a chain map
    max_article_bytes: int = 2 * MB  # a news article (.txt, .docx, .html)


def limits() -> Limits:
    """The limits, from the environment (read on each call, so a test may change them)."""
    d = Limits()
    return Limits(
        max_bytes=env_int("ZHAOSHANG_MAX_WORKBOOK_MB", d.max_bytes // MB, minimum=1) * MB,
        max_unpacked=env_int("ZHAOSHANG_MAX_UNPACKED_MB", d.max_unpacked // MB, minimum=1) * MB,
        max_rows=env_int("ZHAOSHANG_MAX_SHEET_ROWS", d.max_rows, minimum=1),
        max_columns=env_int("ZHAOSHANG_MAX_SHEET_COLUMNS", d.max_columns, minimum=1),
        max_cells=env_int("ZHAOSHANG_MAX_SHEET_CELLS", d.max_cells, minimum=1),
        max_yaml_bytes=env_int("ZHAOSHANG_MAX_YAML_KB", d.max_yaml_bytes // 1024, minimum=1) * 1024,
        max_article_bytes=env_int("ZHAOSHANG_MAX_ARTICLE_MB", d.max_article_bytes // MB, minimum=1)
        * MB,
    )


class FileRefused(Exception):
    """A file refused before reading. `code` says why, `params` give the detail:

    ``too_large`` (limit in MB), ``unpacks_too_large`` (limit in MB), ``damaged``
    (detail), ``sheet_too_large`` (sheet, range, rows, columns, max_rows, max_columns,
    max_cells), ``xlsb``.
    """

    MESSAGES = {
        "too_large": "文件超过 {limit} MB / The file is larger than {limit} MB",
        "unpacks_too_large": "工作簿解压后超过 {limit} MB，无法安全读取 / The workbook unpacks "
        "to more than {limit} MB and cannot be read safely",
        "damaged": "文件已损坏，不是有效的 xlsx 或 ods 文件（{detail}） / The file is damaged: "
        "it is not a valid xlsx or ods file ({detail})",
        "sheet_too_large": "工作表“{sheet}”的单元格范围为 {range}（{rows} 行 × {columns} 列），"
        "超过上限（{max_rows} 行、{max_columns} 列、共 {max_cells} 个单元格）；请在 Excel 中删除表格"
        "以外的空行和空列后重新保存 / Sheet “{sheet}” spans {range} ({rows} rows × {columns} "
        "columns), more than the limit ({max_rows} rows, {max_columns} columns, {max_cells} "
        "cells in all); delete the rows and columns beyond the table in Excel and save again",
        "xlsb": "不读取二进制工作簿（.xlsb）；请在 Excel 中另存为 .xlsx / Binary workbooks (.xlsb) "
        "are not read; save the file as .xlsx in Excel",
    }

    def __init__(self, code: str, **params: Any) -> None:
        self.code, self.params = code, params
        text = self.MESSAGES[code].format_map({k: v for k, v in params.items()})
        super().__init__(text)


def check_size(size: int, limit: int) -> None:
    """Refuse `size` bytes over `limit` (checked before a byte is read)."""
    if size > limit:
        raise FileRefused("too_large", limit=_mb(limit))


def _mb(limit: int) -> str:
    return f"{limit / MB:g}" if limit >= MB else f"{limit / MB:.2f}"


# --------------------------------------------------------------------------------------------
# Cell references
# --------------------------------------------------------------------------------------------

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def column_number(letters: str) -> int:
    """``A`` -> 1, ``AD`` -> 30, ``XFD`` -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    """1 -> ``A``, 30 -> ``AD`` (the writer's `column_letter`, counted from 1)."""
    return column_letter(max(number, 1) - 1)


def _parse_ref(ref: str) -> tuple[int, int] | None:
    """(row, column), both 1-based, of ``B12``; None when it is not a cell reference."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    return int(m[2]), column_number(m[1])


def _at_most(text: str, low: str, high: str, first: str) -> str:
    """A regular expression matching the strings over ``[low-high]`` (their first
    character not below `first`) that count no more than `text`: shorter ones, and
    those of its length that sort no later. ``_at_most("AD", "A", "Z", "A")`` matches
    the columns A to AD, ``_at_most("100004", "0", "9", "1")`` the rows 1 to 100004."""
    n = len(text)
    options = [f"[{first}-{high}][{low}-{high}]{{0,{n - 2}}}"] if n > 1 else []
    for i, ch in enumerate(text):
        lowest = first if i == 0 else low
        if ch > lowest:
            below = chr(ord(ch) - 1)
            options.append(f"{re.escape(text[:i])}[{lowest}-{below}][{low}-{high}]{{{n - i - 1}}}")
    options.append(re.escape(text))
    return "(?:" + "|".join(options) + ")"


def _suspects(max_row: int, max_col: int) -> re.Pattern[bytes]:
    """A pattern for a cell the fast scan cannot vouch for: any cell element (``<c`` and
    a space, ``>`` or ``/``) not followed by exactly `` r="`` and a reference within
    column `max_col` and row `max_row`. A reference past the box, one written another
    way (lower case, a character reference such as ``&#88;``, spaces), a cell without a
    reference or with another attribute first: all of them match, and the sheet is
    walked exactly. One literal start (``<c``) and one look-ahead per cell, so that the
    158 MB of the 100,000-row bench sheet is one quick pass."""
    col = _at_most(column_letters(max_col), "A", "Z", "A")
    row = _at_most(str(max_row), "0", "9", "1")
    return re.compile(f'<c(?=[\\s>/])(?!\\sr="{col}{row}")'.encode())


# a cell element under a namespace prefix (<x:c r="…">): the reader matches local names
_PREFIXED_CELL = re.compile(rb":c[\s>/]")


# --------------------------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------------------------


@dataclass
class WorkbookShape:
    """What inspecting a workbook found: the formula errors per sheet (0-based cells)."""

    kind: str  # xlsx, ods, xls, other
    errors: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)


class _Extent:
    """The box a sheet's cells span, refused as soon as it passes a limit."""

    def __init__(self, sheet: str, lim: Limits) -> None:
        self.sheet, self.lim = sheet, lim
        self.rows = self.columns = 0

    def add(self, row: int, col: int, row_span: int = 1, col_span: int = 1) -> None:
        last_row, last_col = row + row_span - 1, col + col_span - 1
        if last_row > self.rows or last_col > self.columns:
            self.rows, self.columns = max(self.rows, last_row), max(self.columns, last_col)
            self.check(self.rows, self.columns)

    def check(self, rows: int, columns: int, first: str = "A1") -> None:
        lim = self.lim
        if rows > lim.max_rows or columns > lim.max_columns or rows * columns > lim.max_cells:
            raise FileRefused(
                "sheet_too_large",
                sheet=self.sheet,
                range=f"{first}:{column_letters(columns)}{rows}",
                rows=f"{rows:,}",
                columns=f"{columns:,}",
                max_rows=f"{lim.max_rows:,}",
                max_columns=f"{lim.max_columns:,}",
                max_cells=f"{lim.max_cells:,}",
            )


def inspect_workbook(data: bytes, lim: Limits | None = None) -> WorkbookShape:
    """Check a workbook's bounds before it is read (see the module's docstring); raises
    :class:`FileRefused`. Returns the formula errors of an .xlsx's sheets."""
    lim = lim or limits()
    check_size(len(data), lim.max_bytes)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return WorkbookShape("xls")  # bounded by its format; the reader checks each sheet
    if data[:4] != b"PK\x03\x04":
        return WorkbookShape("other")
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise FileRefused("damaged", detail=str(exc)[:200]) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > lim.max_unpacked:
        raise FileRefused("unpacks_too_large", limit=_mb(lim.max_unpacked))
    names = {m.filename for m in members}
    try:
        if "xl/workbook.bin" in names:
            raise FileRefused("xlsb")
        if "content.xml" in names:
            _inspect_ods(book, lim)
            shape, walked = WorkbookShape("ods"), {"content.xml"}
        else:
            shape, walked = WorkbookShape("xlsx"), set()
            for sheet, member in _xlsx_sheets(book, names):
                errors = _inspect_xlsx_sheet(book, member, sheet, lim)
                walked.add(member)
                if errors:
                    shape.errors[sheet] = errors
        for member in members:
            if member.filename not in walked:
                _unpack_all(book, member)
        return shape
    except FileRefused:
        raise
    except (zipfile.BadZipFile, ElementTree.ParseError, EOFError, OSError, ValueError) as exc:
        # a member that does not unpack (bad CRC, truncated) or XML that does not parse
        raise FileRefused("damaged", detail=str(exc)[:200]) from None
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise FileRefused("damaged", detail=str(exc)[:200]) from None


def _unpack_all(book: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Unpack a member to its end, keeping nothing: zipfile stops at the size the zip's
    directory declares and checks the CRC there, so a member that unpacks to more than
    it declares (a bomb the size check above cannot see) is refused as damaged before
    the reader, which may not stop there, unpacks it."""
    with book.open(member) as stream:
        while stream.read(CHUNK):
            pass


def _small(book: zipfile.ZipFile, name: str, limit: int = 8 * MB) -> bytes:
    with book.open(name) as f:
        return f.read(limit)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xlsx_sheets(book: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet: named through workbook.xml and its
    relationships; a worksheet member nothing names is checked under its file name."""
    found: list[tuple[str, str]] = []
    named: set[str] = set()
    if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
        targets = {}
        for el in ElementTree.fromstring(_small(book, "xl/_rels/workbook.xml.rels")).iter():
            if _local(el.tag) == "Relationship" and el.get("Id") and el.get("Target"):
                target = el.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                targets[el.get("Id")] = posixpath.normpath(path)
        for el in ElementTree.fromstring(_small(book, "xl/workbook.xml")).iter():
            if _local(el.tag) != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            member = targets.get(rid or "")
            if member in names:
                found.append((el.get("name", member), member))
                named.add(member)
    for name in sorted(names):
        if name.startswith(("xl/worksheets/", "xl/macrosheets/")) and name.endswith(".xml"):
            if name not in named:
                found.append((posixpath.basename(name), name))
    return found


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]*)"')
_PLAIN_CELLS = re.compile(rb"<(?:sheetData|row|c)[\s>/]")
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?\st="e"[^>]*>(.*?)</c>', re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _pieces(stream: IO[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """The stream as (buffer, start, end) pieces that end after a ``</row>``, so that a
    cell never straddles two; the bulk of each block read is handed over in place (a
    copy of 158 MB would cost a tenth of the scan)."""
    carry = b""
    while True:
        block = stream.read(CHUNK)
        if not block:
            if carry:
                yield carry, 0, len(carry)
            return
        first = block.find(b"</row>")
        if first < 0:
            carry += block
            if len(carry) > MAX_CARRY:
                raise ValueError("no row ends in 16 MB of sheet XML")
            continue
        first += len(b"</row>")
        seam = carry + block[:first]
        yield seam, 0, len(seam)
        last = block.rfind(b"</row>") + len(b"</row>")
        if last > first:
            yield block, first, last
        carry = block[last:]


def _inspect_xlsx_sheet(
    book: zipfile.ZipFile, member: str, sheet: str, lim: Limits
) -> dict[tuple[int, int], str]:
    """Refuse a sheet past the limits; return its formula errors."""
    extent = _Extent(sheet, lim)
    with book.open(member) as stream:
        errors = _scan_declared(stream, extent)
    if errors is not None:
        return errors
    with book.open(member) as stream:
        return _walk_xlsx_sheet(stream, extent)


def _scan_declared(stream: IO[bytes], extent: _Extent) -> dict[tuple[int, int], str] | None:
    """The fast way, for a sheet that declares its dimension and keeps to it (every
    writer we know of): check the dimension, then search the XML for a cell beyond it or
    without a reference, and collect the formula errors. None when the sheet must be
    walked exactly (no dimension, a namespace prefix, a cell beyond the dimension)."""
    errors: dict[tuple[int, int], str] = {}
    suspects: re.Pattern[bytes] | None = None
    for buf, start, end in _pieces(stream):
        if suspects is None:
            head = buf[:65536]
            m = _DIMENSION.search(head)
            box = _box(m[1].decode("ascii", "replace")) if m else None
            if box is None or not _PLAIN_CELLS.search(head):
                return None
            (r0, c0), (r1, c1) = box
            extent.check(r1, c1, first=f"{column_letters(c0)}{r0}")
            suspects = _suspects(r1, c1)
        if suspects.search(buf, start, end) or _PREFIXED_CELL.search(buf, start, end):
            return None
        if buf.find(b't="e"', start, end) >= 0:
            for m in _ERROR_CELL.finditer(buf, start, end):
                value = _VALUE.search(m[3])
                text = value[1].decode("utf-8", "replace") if value else "#VALUE!"
                errors[(int(m[2]) - 1, column_number(m[1].decode()) - 1)] = text
    return errors


def _box(ref: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    first, _sep, last = ref.partition(":")
    a = _parse_ref(first)
    b = _parse_ref(last or first)
    if a is None or b is None:
        return None
    return (min(a[0], b[0]), min(a[1], b[1])), (max(a[0], b[0]), max(a[1], b[1]))


def _walk_xlsx_sheet(stream: IO[bytes], extent: _Extent) -> dict[tuple[int, int], str]:
    """Every cell of a worksheet, with the positions Excel implies for cells and rows
    written without a reference; stops at the first cell past a limit."""
    errors: dict[tuple[int, int], str] = {}
    row = col = 0
    cell_error = False
    for event, el in ElementTree.iterparse(stream, events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row = int(r) if r and r.isdigit() else row + 1
                col = 0
            elif tag == "c":
                ref = _parse_ref(el.get("r") or "")
                if ref is not None:
                    row, col = ref
                else:
                    row, col = max(row, 1), col + 1
                extent.add(row, col)
                cell_error = el.get("t") == "e"
            continue
        if tag == "c":
            if cell_error:
                value = next((v.text for v in el if _local(v.tag) == "v"), None)
                errors[(row - 1, col - 1)] = value or "#VALUE!"
            el.clear()
        elif tag == "row":
            el.clear()
    return errors


_ODS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _inspect_ods(book: zipfile.ZipFile, lim: Limits) -> None:
    """Walk an OpenDocument spreadsheet's tables, rows and columns repeated as written;
    only cells holding something extend a table's box."""
    with book.open("content.xml") as stream:
        extent: _Extent | None = None
        row = col = 0
        row_repeat = 1
        for event, el in ElementTree.iterparse(stream, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{_ODS}table":
                    extent = _Extent(el.get(f"{_ODS}name", "?"), lim)
                    row = 0
                elif tag == f"{_ODS}table-row":
                    row_repeat = _repeat(el.get(f"{_ODS}number-rows-repeated"))
                    row, col = row + 1, 0
                continue
            if tag in (f"{_ODS}table-cell", f"{_ODS}covered-table-cell"):
                span = _repeat(el.get(f"{_ODS}number-columns-repeated"))
                filled = el.get(f"{_OFFICE}value-type") is not None or len(el) > 0
                if filled and extent is not None:
                    extent.add(row, col + 1, row_repeat, span)
                col += span
                el.clear()
            elif tag == f"{_ODS}table-row":
                row += row_repeat - 1
                el.clear()


def _repeat(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def check_sheet_size(sheet: str, rows: int, columns: int, lim: Limits | None = None) -> None:
    """Refuse a sheet a reader has loaded but not yet turned into values (an .xls, whose
    format bounds it at 65,536 × 256, and a second check for every other format)."""
    _Extent(sheet, lim or limits()).check(rows, columns)


def check_zip_unpacked(data: bytes, limit: int) -> None:
    """Refuse a zip file (.docx) that unpacks to more than `limit` bytes, or a damaged
    one; anything that is not a zip passes."""
    if data[:4] != b"PK\x03\x04":
        return
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise FileRefused("damaged", detail=str(exc)[:200]) from None
    if sum(m.file_size for m in members) > limit:
        raise FileRefused("unpacks_too_large", limit=_mb(limit))


__all__ = [
    "FORMULA_ERRORS",
    "FileRefused",
    "Limits",
    "WorkbookShape",
    "check_sheet_size",
    "check_size",
    "check_zip_unpacked",
    "column_letters",
    "column_number",
    "inspect_workbook",
    "limits",
]
