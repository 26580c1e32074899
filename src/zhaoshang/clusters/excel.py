"""Indicator tables in and out of Excel, in the plain layout statistics offices pass round.

One row per figure, under a header row (title rows above it are skipped):

    指标代码 | 指标名称 | 地区 | 产业集群 | 产业链 | 期间 | 类型 | 限定 | 数值 | 单位 | 来源 | 备注 | 合成

English headers (code, name, region, cluster, chain, period, kind, qualifier, value, unit,
source, note, synthetic) work too, in any order; only the indicator (code or name), the
period and the value are required. The value may carry its qualifier and unit
(`超2400亿元`, `41.0%`). Derived indicators are computed, never imported: an export lists
them on a sheet of their own with their formula, and a row of one on the import sheet is
refused.

Import checks every row first and writes all or nothing (see `services.record_figures`).
Reading uses python-calamine, after the file is bounded (`lib.uploads`: size, unpacked
size, the first sheet's extent), writing XlsxWriter; self-contained on purpose (the
ledger importer is a different, much larger tool). A formula error in a cell
(``#DIV/0!``, ``#N/A``), which the reader would give as an empty cell, is a row error.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from zhaoshang.clusters.models import IndicatorDefinition
from zhaoshang.clusters.queries import derived_values, formula_for_people
from zhaoshang.clusters.services import ImportRefused, ImportResult, record_figures
from zhaoshang.core.errors import InputError
from zhaoshang.excel.uploads import refusal_message
from zhaoshang.lib.textnorm import normalise_text
from zhaoshang.lib.uploads import (
    FileRefused,
    check_sheet_size,
    check_size,
    inspect_workbook,
    limits,
)

COLUMNS = [
    # key, Chinese header, English header, other names people use
    ("code", "指标代码", "code", ("代码", "indicator code")),
    ("name", "指标名称", "name", ("指标", "indicator", "名称")),
    ("region", "地区", "region", ("地区代码", "区域", "行政区划")),
    ("cluster", "产业集群", "cluster", ("集群",)),
    ("chain", "产业链", "chain", ()),
    ("period", "期间", "period", ("时期", "年份", "年度", "year", "报告期")),
    ("kind", "类型", "kind", ("目标/实际", "性质")),
    ("qualifier", "限定", "qualifier", ("限定词",)),
    ("value", "数值", "value", ("值", "数据", "数量")),
    ("unit", "单位", "unit", ("计量单位", "unit of measure")),
    ("source", "来源", "source", ("数据来源",)),
    ("note", "备注", "note", ("说明",)),
    ("synthetic", "合成", "synthetic", ("合成数据", "is_synthetic")),
]
HEADERS = {
    normalise_text(name).lower(): key
    for key, zh, en, more in COLUMNS
    for name in (zh, en, f"{zh} {en}", f"{zh}/{en}", *more)
}
REQUIRED = ("period", "value")
SHEET = "指标 Indicators"
DERIVED_SHEET = "推算 Derived"
DEFINITIONS_SHEET = "定义 Definitions"
KIND_TEXT = {"actual": "实际", "target": "目标"}
QUALIFIER_TEXT = {"exact": "", "at_least": "超", "approx": "约", "at_most": "不超过"}
YES = {"1", "是", "yes", "true", "y", "合成", "synthetic"}
MAX_HEADER_ROW = 10


def _cell_text(value: Any) -> Any:
    """Cells as services expect them: numbers stay numbers (exactly as shown), dates become
    months, whole floats in a period column become years."""
    if value is None:
        return ""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.year}-{value.month:02d}"
    return value


def _header_map(row: list[Any]) -> dict[int, str]:
    found = {}
    for i, cell in enumerate(row):
        key = HEADERS.get(normalise_text(str(cell or "")).lower())
        if key and key not in found.values():
            found[i] = key
    return found


def _workbook_bytes(file: str | Path | BinaryIO) -> bytes:
    """The file's bytes, no more than the limit allows (refused before reading more)."""
    most = limits().max_bytes
    if isinstance(file, str | Path):
        path = Path(file)
        check_size(path.stat().st_size, most)
        return path.read_bytes()
    data = file.read(most + 1)
    check_size(len(data), most)
    return data


def _first_sheet(data: bytes) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    """The first sheet's cells and its formula errors, the file bounded before reading."""
    from python_calamine import CalamineError, CalamineWorkbook

    shape = inspect_workbook(data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = book.sheet_names[0]
        loaded = book.get_sheet_by_index(0)
        check_sheet_size(name, loaded.height, loaded.width)
        sheet = loaded.to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise InputError(
            {"file": _("cannot read the workbook: %(error)s") % {"error": exc}}
        ) from None
    except FileRefused:
        raise
    except BaseException as exc:  # a Rust panic in the reader derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise InputError(
            {"file": _("cannot read the workbook: %(error)s") % {"error": exc}}
        ) from None
    return sheet, shape.errors.get(name, {})


def read_rows(file: str | Path | BinaryIO) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row number, data) for every non-empty row under the header of the first sheet."""
    try:
        sheet, formula_errors = _first_sheet(_workbook_bytes(file))
    except FileRefused as exc:
        raise InputError({"file": refusal_message(exc)}) from None
    header_at, columns = None, {}
    for i, row in enumerate(sheet[:MAX_HEADER_ROW]):
        columns = _header_map(row)
        if "value" in columns.values() and "period" in columns.values():
            header_at = i
            break
    if header_at is None:
        raise InputError(
            {
                "file": _(
                    "no header row found in the first %(n)s rows of the first sheet: it needs "
                    "at least the columns 期间 (period) and 数值 (value), and 指标代码 (code) "
                    "or 指标名称 (name)"
                )
                % {"n": MAX_HEADER_ROW}
            }
        )
    if "code" not in columns.values() and "name" not in columns.values():
        raise InputError(
            {"file": _("the header row needs a column 指标代码 (code) or 指标名称 (name)")}
        )
    _refuse_formula_errors(formula_errors, header_at, columns, sheet[header_at])
    out = []
    for offset, row in enumerate(sheet[header_at + 1 :], start=header_at + 2):
        cells = {key: _cell_text(row[i]) if i < len(row) else "" for i, key in columns.items()}
        if all(str(v).strip() == "" for v in cells.values()):
            continue
        data: dict[str, Any] = {}
        code, name = str(cells.pop("code", "")).strip(), str(cells.pop("name", "")).strip()
        data["code" if code else "indicator"] = code or name
        period = cells.get("period")
        if isinstance(period, Decimal) and period == period.to_integral_value():
            cells["period"] = str(int(period))
        synthetic = str(cells.pop("synthetic", "")).strip().lower()
        if synthetic:
            data["is_synthetic"] = synthetic in YES
        for key, value in cells.items():
            if str(value).strip() != "":
                data[key] = value if isinstance(value, Decimal) else str(value).strip()
        out.append((offset, data))
    return out


def _refuse_formula_errors(
    errors: dict[tuple[int, int], str], header_at: int, columns: dict[int, str], header: list
) -> None:
    """Refuse the file, naming each cell under the header holding a formula error in a
    column that is read (the reader gives such a cell as empty: the figure would be lost)."""
    found = [
        (r + 1, str(header[c]).strip(), text)
        for (r, c), text in sorted(errors.items())
        if r > header_at and c in columns
    ]
    if found:
        result = ImportResult()
        message = _("the cell holds the formula error %(value)s; correct it in Excel")
        result.errors = [(row, head, text, message % {"value": text}) for row, head, text in found]
        raise ImportRefused(result)


def import_workbook(
    *,
    user,
    file: str | Path | BinaryIO,
    dry_run: bool = False,
    replace: bool = False,
    reason: str = "",
) -> ImportResult:
    """Read, check every row, then write all of them or none (raises `ImportRefused`)."""
    rows = read_rows(file)
    if not rows:
        raise InputError({"file": _("the sheet has a header but no figures under it")})
    return record_figures(user=user, rows=rows, replace=replace, reason=reason, dry_run=dry_run)


def export_workbook(indicators, definitions=None) -> bytes:
    """The entered figures in the import layout, the derived ones with their formulas, and the
    definitions. Importing the file back changes nothing."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F6"})
    number = book.add_format({"num_format": "0.######"})
    sheet = book.add_worksheet(SHEET)
    headers = [f"{zh} {en}" for _k, zh, en, _m in COLUMNS]
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(indicators, start=1):
        values = [
            row.code,
            row.name,
            row.region_id,
            row.cluster.name if row.cluster_id else "",
            row.chain.code if row.chain_id else "",
            row.period,
            KIND_TEXT.get(row.kind, row.kind),
            QUALIFIER_TEXT.get(row.qualifier, row.qualifier),
            None,
            row.unit_of_measure,
            row.source.title if row.source_id else "",
            row.note,
            "是" if row.is_synthetic else "",
        ]
        sheet.write_row(r, 0, values)
        sheet.write_number(r, 8, float(row.value), number)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 36)
    sheet.set_column(3, 3, 26)
    sheet.set_column(10, 10, 40)

    definitions = list(
        definitions if definitions is not None else IndicatorDefinition.objects.all()
    )
    derived = book.add_worksheet(DERIVED_SHEET)
    derived.write_row(
        0,
        0,
        [
            "指标代码 code",
            "指标名称 name",
            "范围 scope",
            "期间 period",
            "限定 qualifier",
            "数值 value",
            "单位 unit",
            "公式 formula",
            "计算 worked",
            "合成 synthetic",
        ],
        bold,
    )
    r = 1
    for definition in definitions:
        if not definition.formula:
            continue
        for value in derived_values(definition):
            derived.write_row(
                r,
                0,
                [
                    definition.code,
                    definition.name,
                    value.scope_label,
                    value.period,
                    QUALIFIER_TEXT.get(value.value.qualifier, "约"),
                ],
            )
            derived.write_number(r, 5, float(value.value.amount), number)
            derived.write_row(
                r,
                6,
                [
                    definition.unit_of_measure,
                    formula_for_people(definition),
                    value.worked,
                    "是" if value.is_synthetic else "",
                ],
            )
            r += 1
    derived.set_column(0, 2, 30)
    derived.set_column(7, 8, 50)

    sheet3 = book.add_worksheet(DEFINITIONS_SHEET)
    sheet3.write_row(
        0,
        0,
        ["指标代码 code", "指标名称 name", "English", "单位 unit", "类型 type", "公式 formula"],
        bold,
    )
    for r, d in enumerate(definitions, start=1):
        sheet3.write_row(
            r, 0, [d.code, d.name, d.name_en, d.unit_of_measure, d.value_type, d.formula]
        )
    sheet3.set_column(0, 2, 36)
    book.close()
    return buffer.getvalue()
