"""Workbooks bounded before python-calamine reads them (#13 item 1, "One small file can kill
the server"), formula-error cells reported (#13 item 6), trailing blank rows costing
nothing (#13 item 1, the stray cell at row 200,001).

Every test that hands a hostile workbook to the reader first makes python-calamine fail
if it is called: before the guard, such a test fails on that assertion (or, unguarded,
the reader would abort the test process asking for 512 GB)."""

import io
import re
import time
import zipfile

import pytest
import python_calamine
import xlsxwriter

from zhaoshang.lib import uploads
from zhaoshang.lib.excel import WorkbookError, parse_ledger, read_workbook
from zhaoshang.lib.uploads import FileRefused, inspect_workbook


def xlsx(cells, *, sheet="台账", dimension=None) -> bytes:
    """A workbook with `cells` [(row, col, value)], 0-based; `dimension` rewrites the
    sheet's <dimension ref> ("" removes it), as a careless or hostile writer would."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet(sheet)
    for r, c, v in cells:
        ws.write(r, c, v)
    book.close()
    data = out.getvalue()
    if dimension is None:
        return data
    return rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb'<dimension ref="[^"]*"/>',
        b'<dimension ref="%s"/>' % dimension.encode() if dimension else b"",
        xml,
    ))  # fmt: skip


def rewrite(data: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


@pytest.fixture
def calamine_must_not_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("python-calamine was handed a workbook it must never see")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


FAR = [(0, 0, "项目名称"), (1048575, 16383, "x")]


@pytest.mark.parametrize(
    "dimension",
    [None, "A1:A1", ""],
    ids=["honest dimension", "lying dimension", "no dimension"],
)
def test_read_workbook_refuses_a_cell_at_xfd1048576_before_reading(
    calamine_must_not_read, dimension
):
    """#13: a 5 KB .xlsx whose only cell is XFD1048576 aborted the server (512 GB)."""
    data = xlsx(FAR, dimension=dimension)
    assert len(data) < 6000
    started = time.perf_counter()
    with pytest.raises(WorkbookError) as refused:
        read_workbook(data, "far.xlsx")
    assert time.perf_counter() - started < 1
    assert refused.value.code == "sheet_too_large"
    assert (refused.value.params["sheet"], refused.value.params["range"]) == (
        "台账",
        "A1:XFD1048576",
    )
    assert "台账" in str(refused.value) and "A1:XFD1048576" in str(refused.value)


def test_read_workbook_refuses_a_declared_dimension_past_the_limits(calamine_must_not_read):
    data = xlsx([(0, 0, "项目名称")], dimension="A1:XFD1048576")
    with pytest.raises(WorkbookError) as refused:
        read_workbook(data, "declared.xlsx")
    assert refused.value.params["range"] == "A1:XFD1048576"


def test_read_workbook_refuses_cells_written_without_a_reference_past_the_limits(
    calamine_must_not_read, monkeypatch
):
    """A row of cells without r="…" (their places implied) is walked exactly."""
    monkeypatch.setenv("ZHAOSHANG_MAX_SHEET_COLUMNS", "50")
    cells = "".join("<c><v>1</v></c>" for _ in range(60)).encode()
    data = rewrite(
        xlsx([(0, 0, "项目名称")]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</sheetData>", b'<row r="2">' + cells + b"</row></sheetData>"),
    )
    with pytest.raises(WorkbookError) as refused:
        read_workbook(data, "implied.xlsx")
    assert (refused.value.code, refused.value.params["range"]) == ("sheet_too_large", "A1:AY2")


def test_read_workbook_refuses_a_zip_bomb(calamine_must_not_read, monkeypatch):
    monkeypatch.setenv("ZHAOSHANG_MAX_UNPACKED_MB", "1")
    data = rewrite(
        xlsx([(0, 0, "项目名称")]),
        "xl/styles.xml",
        lambda xml: xml + b" " * (2 * 1024 * 1024),
    )
    assert len(data) < 20_000
    with pytest.raises(WorkbookError) as refused:
        read_workbook(data, "bomb.xlsx")
    assert (refused.value.code, refused.value.params) == ("unpacks_too_large", {"limit": "1"})


def test_read_workbook_refuses_a_file_over_the_size_limit(calamine_must_not_read, monkeypatch):
    monkeypatch.setenv("ZHAOSHANG_MAX_WORKBOOK_MB", "1")
    with pytest.raises(WorkbookError) as refused:
        read_workbook(b"PK\x03\x04" + b"\0" * (1024 * 1024), "big.xlsx")
    assert (refused.value.code, refused.value.params) == ("too_large", {"limit": "1"})


@pytest.mark.parametrize(
    "data",
    [
        lambda: xlsx([(0, 0, "项目名称")])[:-200],  # the central directory cut off
        lambda: xlsx([(0, 0, "项目名称")])[:300] + xlsx([(0, 0, "项目名称")])[-400:],
    ],
    ids=["truncated", "spliced"],
)
def test_read_workbook_says_a_damaged_zip_is_unreadable(data):
    with pytest.raises(WorkbookError) as refused:
        read_workbook(data(), "damaged.xlsx")
    assert refused.value.code == "unreadable"


def test_read_workbook_refuses_xlsb(calamine_must_not_read):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(WorkbookError) as refused:
        read_workbook(out.getvalue(), "book.xlsb")
    assert refused.value.code == "xlsb"


def ods(extra_rows: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="台账">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>项目名称</text:p>'
        "</table:table-cell></table:table-row>" + extra_rows + "</table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return out.getvalue()


def test_inspect_ods_counts_repeated_filled_cells_and_ignores_repeated_empty_ones():
    empty = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
    )
    assert inspect_workbook(ods(empty)).kind == "ods"  # what LibreOffice writes: harmless
    filled = (
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="16000" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
    )
    with pytest.raises(FileRefused) as refused:
        inspect_workbook(ods(filled))
    assert (refused.value.code, refused.value.params["sheet"]) == ("sheet_too_large", "台账")


def test_the_100k_row_bench_fits_the_default_limits():
    """The limits must let the project's own benchmark through (100,000 × 30, 16 MB)."""
    lim = uploads.Limits()
    assert 100_004 <= lim.max_rows and 30 <= lim.max_columns
    assert 100_004 * 30 <= lim.max_cells and 16_200_000 <= lim.max_bytes
    assert 200_001 * 30 <= lim.max_cells  # the stray cell below a 30-column ledger


ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def formula_errors_workbook() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet("台账")
    ws.write_row(0, 0, ["项目名称", "总投资（万元）", "备注"])
    for i, error in enumerate(ERRORS, start=1):
        ws.write(i, 0, f"项目{i}")
        ws.write_formula(i, 1, "=1/0", None, error)  # Excel's cached result: the error
    ws.write_row(8, 0, ["项目8", 100])
    book.close()
    return out.getvalue()


def test_calamine_reads_a_formula_error_as_an_empty_cell():
    """Why the importer looks for them itself (python-calamine 0.9)."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(formula_errors_workbook()))
    assert [row[1] for row in book.get_sheet_by_index(0).to_python()[1:8]] == [""] * 7


def test_parse_ledger_reports_each_formula_error_cell_as_a_row_problem():
    """#13 item 6: #DIV/0! and #N/A cells were read as blank, with no warning."""
    ledger = parse_ledger(read_workbook(formula_errors_workbook(), "errors.xlsx"))
    problems = [(p.row, p.field, p.value, p.code, p.params) for r in ledger.rows for p in r.errors]
    assert problems == [
        (i + 2, "total_investment", error, "formula_error", {"header": "总投资（万元）"})
        for i, error in enumerate(ERRORS)
    ]
    assert [r.values.get("total_investment") for r in ledger.rows][-1].value_wan == 100


def test_parse_ledger_skips_trailing_blank_rows_in_one_notice_and_quickly():
    """#13: one stray cell at row 200,001 after 10 real rows made a dry run take 14 s and
    347 MB and report 199,999 "空行" entries."""
    headers = ["序号", "项目名称", "总投资", "建设地点"] + [f"说明{i}" for i in range(16)]
    cells = [(0, c, h) for c, h in enumerate(headers)]
    cells += [(r, 1, f"项目{r}") for r in range(1, 11)]
    cells.append((200_000, 0, 1))  # a stray serial number far below
    data = xlsx(cells)
    started = time.perf_counter()
    ledger = parse_ledger(read_workbook(data, "stray.xlsx"))
    elapsed = time.perf_counter() - started
    blank = [(s.row, s.code, s.params) for s in ledger.skipped if s.code.startswith("blank")]
    assert blank == [(12, "blank_rows", {"first": 12, "last": 200_000})]
    assert len(ledger.skipped) < 10 and len(ledger.rows) == 10
    assert elapsed < 5  # 14 s before, on a machine shared with other work


class PanicException(BaseException):
    """What pyo3 raises for a Rust panic (pyo3_runtime.PanicException derives from
    BaseException, so `except Exception` lets it through and the request dies with it)."""


def test_read_workbook_turns_a_reader_panic_into_a_clear_refusal(monkeypatch):
    """#13: another run of the far-cell file ended the job with the panic "chunk size must
    be non-zero" instead of a message."""

    def panic(*args, **kwargs):
        raise PanicException("chunk size must be non-zero")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", panic)
    with pytest.raises(WorkbookError) as refused:
        read_workbook(xlsx([(0, 0, "项目名称")]), "panics.xlsx")
    assert (refused.value.code, refused.value.params) == (
        "unreadable",
        {"detail": "chunk size must be non-zero"},
    )


def test_read_workbook_lets_an_interrupt_through(monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", interrupt)
    with pytest.raises(KeyboardInterrupt):
        read_workbook(xlsx([(0, 0, "项目名称")]), "a.xlsx")


def test_read_workbook_refuses_a_member_that_unpacks_to_more_than_it_declares(
    calamine_must_not_read,
):
    """A zip directory may under-declare a member's size (here the shared strings: 4 MB
    declared as 100 bytes); the unpacked-size check alone would pass it to the reader."""
    data = rewrite(
        xlsx([(0, 0, "项目名称")]), "xl/sharedStrings.xml", lambda xml: xml + b" " * (4 << 20)
    )
    lying = bytearray(data)
    entry = lying.rfind(b"PK\x01\x02", 0, lying.rfind(b"xl/sharedStrings.xml"))
    lying[entry + 24 : entry + 28] = (100).to_bytes(4, "little")  # its uncompressed size
    with pytest.raises(WorkbookError) as refused:
        read_workbook(bytes(lying), "lying.xlsx")
    assert refused.value.code == "unreadable"
    assert "CRC" in refused.value.params["detail"]  # zipfile's check, not the reader's


@pytest.mark.parametrize(
    "cell",
    [
        b'<c\tr="XFD1048576"><v>1</v></c>',  # another whitespace before the reference
        b'<c s="0" r="XFD1048576"><v>1</v></c>',  # another attribute first
        b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'r="XFD1048576"><x:v>1</x:v></x:c>',  # a namespace prefix
    ],
    ids=["tab", "attribute order", "prefix"],
)
def test_read_workbook_is_not_fooled_by_how_a_far_cell_is_written(calamine_must_not_read, cell):
    data = rewrite(
        xlsx([(0, 0, "项目名称"), (1, 0, "甲")]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b"</row></sheetData>", b'</row><row r="3">' + cell + b"</row></sheetData>"
        ),
    )
    with pytest.raises(WorkbookError) as refused:
        read_workbook(data, "sly.xlsx")
    assert (refused.value.code, refused.value.params["range"]) == (
        "sheet_too_large",
        "A1:XFD1048576",
    )


@pytest.mark.parametrize(
    "ref", ["xfd1048576", "&#88;FD1048576", "XF&#68;1048576", "XFD104857&#54;", " XFD1048576"]
)
def test_read_workbook_walks_a_reference_written_any_other_way(calamine_must_not_read, ref):
    """Lower case, character references, spaces: the reader may read any of them as
    XFD1048576, so the fast scan vouches only for plain references in the box."""
    cell = b'<c r="' + ref.encode() + b'"><v>1</v></c>'
    data = rewrite(
        xlsx([(0, 0, "项目名称"), (1, 0, "甲")]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b"</row></sheetData>", b'</row><row r="3">' + cell + b"</row></sheetData>"
        ),
    )
    with pytest.raises(WorkbookError) as refused:
        read_workbook(data, "sly.xlsx")
    assert (refused.value.code, refused.value.params["range"]) == (
        "sheet_too_large",
        "A1:XFD1048576",
    )


@pytest.mark.parametrize(
    "box", [(1, 1), (9, 26), (10, 27), (100_004, 30), (199_999, 702), (1_048_576, 16_384)]
)
def test_the_in_bounds_pattern_takes_exactly_the_references_in_the_box(box):
    max_row, max_col = box
    pattern = uploads._suspects(max_row, max_col)
    rows = sorted({1, 9, 10, 99, max_row - 1, max_row, max_row + 1, max_row * 10} - {0})
    cols = sorted({1, 26, 27, 702, 703, max_col - 1, max_col, max_col + 1} - {0})
    for row in rows:
        for col in cols:
            cell = f'<c r="{uploads.column_letters(col)}{row}" t="n">'.encode()
            inside = row <= max_row and col <= max_col
            assert (pattern.search(cell) is None) == inside, (row, col)
