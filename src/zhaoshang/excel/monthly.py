"""A township unit's monthly report from its own workbook: one row per project with the
month's 本月完成投资, 累计完成投资, 到位资金, 入统投资, 形象进度 and 存在问题.

Reading is here (headers through the synonym table `MONTHLY_SYNONYMS`, a title's
``单位：万元``, ``(亿元)`` columns, merged two-row headers such as 完成投资 over 本月 | 累计,
合计 rows and notes set aside, formula errors refused). Checking and writing are not: every
row goes to `progress.services.record_unit_month`, the entry grid's own service, so the
monthly rules (本月 against 累计, negative or qualified amounts, a project of another unit,
a month in the future, a report someone changed meanwhile) live there once.

The dry run calls that service inside a transaction it rolls back and reads what the
service would have written; rows the service refuses are set aside by project code and
the rest checked again, so each row is told created, updated, unchanged or refused with
its row, column, value and reason. The confirm calls the service for real with the
report versions the dry run saw: a report changed between the two is refused, never
silently replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.lib.excel import _TOTAL as TOTAL_ROW
from zhaoshang.lib.excel import (
    PLACEHOLDERS,
    RawSheet,
    _fill_merges,  # the ledger reader's own merge filling, reused for the header rows
    _reporting_unit,
    header_key,
    name_key,
    read_workbook,
)
from zhaoshang.lib.textnorm import to_halfwidth
from zhaoshang.progress import access as progress_access
from zhaoshang.progress import services as progress_services
from zhaoshang.progress.models import MonthlyProgress
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Project

# --------------------------------------------------------------------------- headers as data

# Header words (as `lib.excel.header_key` leaves them: simplified, half-width, no spaces,
# lower case) -> the field of `record_progress` they fill. None: known and not read here.
MONTHLY_SYNONYMS: dict[str | None, tuple[str, ...]] = {
    "code": ("项目编号", "台账编号", "项目编码", "projectcode", "code"),
    "name": ("项目名称", "名称", "项目", "项目名", "项目全称", "工程名称", "projectname", "name"),
    "completed_wan": ("本月完成", "本月完成投资", "当月完成投资", "当月完成", "本月投资",
                      "本月完成额", "本月实际完成投资", "当月投资", "completed"),
    "completed_ytd_wan": ("累计完成", "累计完成投资", "自年初累计", "自年初累计完成",
                          "自年初累计完成投资", "本年累计完成", "本年累计完成投资", "年初至今累计完成",
                          "本年累计", "completedytd"),
    "funds_in_place_wan": ("到位资金", "资金到位", "本月到位资金", "本月资金到位", "当月到位资金",
                           "fundsinplace"),
    "funds_in_place_ytd_wan": ("累计到位资金", "累计资金到位", "本年累计到位资金", "fundsinplaceytd"),
    "counted_wan": ("入统", "纳统", "入统投资", "纳统投资", "本月入统", "本月入统投资", "本月纳统投资",
                    "counted"),
    "counted_ytd_wan": ("累计入统", "累计入统投资", "累计纳统", "累计纳统投资", "countedytd"),
    "physical_progress": ("形象进度", "工程进度", "工程形象进度", "项目进展", "进展情况",
                          "本月形象进度", "physicalprogress"),
    "problems_raised": ("存在问题", "存在的问题", "困难问题", "问题及建议", "problemsraised"),
    # 自开工累计 counts from the start of works, not from January: never a year's cumulative
    None: ("序号", "no.", "no", "#", "备注", "自开工累计完成投资", "自开工累计完成", "开工以来累计完成",
           "总投资", "年度计划投资", "本年计划投资", "年度计划", "完成率", "所在镇区", "建设单位",
           "联系人", "联系电话"),
}  # fmt: skip
_WORDS = {word: target for target, words in MONTHLY_SYNONYMS.items() for word in words}
# 1-6月累计完成, 1～6月累计完成投资, 一至六月累计: the year's cumulative by another name
_MONTHS_YTD = re.compile(
    r"^(?:1|一)(?:-|~|～|—|至|到)(?:\d{1,2}|[一二三四五六七八九十]+)月份?累计"
    r"(完成(?:投资)?|到位资金|资金到位|入统(?:投资)?|纳统(?:投资)?)?$"
)
_YTD_OF = {None: "completed_ytd_wan", "完成": "completed_ytd_wan", "完成投资": "completed_ytd_wan",
           "到位资金": "funds_in_place_ytd_wan", "资金到位": "funds_in_place_ytd_wan",
           "入统": "counted_ytd_wan", "入统投资": "counted_ytd_wan", "纳统": "counted_ytd_wan",
           "纳统投资": "counted_ytd_wan"}  # fmt: skip
AMOUNT_FIELDS = (
    "completed_wan", "completed_ytd_wan", "funds_in_place_wan", "funds_in_place_ytd_wan",
    "counted_wan", "counted_ytd_wan",
)  # fmt: skip
TEXT_FIELDS = ("physical_progress", "problems_raised")
# 1 亿 = 10^4 万: the power of ten in 万 of each unit a column or a title may state
UNIT_POWERS = {"万元": 0, "万": 0, "亿元": 4, "亿": 4, "元": -4, "千元": -1}
_UNIT_IN_HEADER = re.compile(r"\((?:单位[:：]?)?(万元|亿元|千元|元|万|亿)\)")
_TITLE_UNIT = re.compile(r"单位[:：]\s*(万元|亿元|千元|元)")
_OWN_UNIT = re.compile(r"[万萬亿億元]|美元|美金|[a-zA-Z$€£¥]")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_SCAN_ROWS = 30


def field_label(name: str) -> str:
    labels = {
        "code": _("project code"),
        "name": _("project name"),
        "project": _("project"),
        "completed_wan": _("investment completed this month"),
        "completed_ytd_wan": _("investment completed since January"),
        "funds_in_place_wan": _("funds in place this month"),
        "funds_in_place_ytd_wan": _("funds in place since January"),
        "counted_wan": _("investment counted in statistics (入统) this month"),
        "counted_ytd_wan": _("investment counted in statistics (入统) since January"),
        "physical_progress": _("physical progress"),
        "problems_raised": _("problems raised"),
        "version": _("report version"),
        "month": _("month"),
    }
    return labels.get(name, name)


def lookup_header(text: Any) -> tuple[str | None, str | None, bool]:
    """(field, unit, known) of one header cell: ``本月完成投资（亿元）`` -> completed_wan, 亿元."""
    key = header_key(text)
    unit = None
    found = _UNIT_IN_HEADER.search(key)
    if found:
        unit = found[1]
        key = _UNIT_IN_HEADER.sub("", key)
    key = re.sub(r"\(.*?\)", "", key) if key not in _WORDS else key
    if key in _WORDS:
        return _WORDS[key], unit, True
    months = _MONTHS_YTD.match(key)
    if months:
        return _YTD_OF.get(months[1]), unit, True
    for word, _power in UNIT_POWERS.items():  # 本月完成投资/亿元, 本月完成投资亿元
        for tail in (f"/{word}", word):
            if key.endswith(tail) and key[: -len(tail)] in _WORDS:
                return _WORDS[key[: -len(tail)]], word, True
    return None, unit, False


@dataclass
class MonthlyColumn:
    index: int
    header: str
    field: str | None
    unit: str | None = None
    known: bool = True

    @property
    def letter(self) -> str:
        letters, index = "", self.index + 1
        while index:
            index, rest = divmod(index - 1, 26)
            letters = chr(65 + rest) + letters
        return letters


@dataclass
class SheetHeader:
    sheet: RawSheet
    first: int  # 0-based header rows
    last: int
    columns: list[MonthlyColumn]
    title_unit: str = "万元"
    reporting_unit: str = ""

    def by_field(self) -> dict[str, MonthlyColumn]:
        return {c.field: c for c in self.columns if c.field}


def _texts(row: list[Any]) -> list[str]:
    return ["" if v is None else str(v).strip() for v in row]


def _header_score(row: list[Any]) -> tuple[int, set[str]]:
    fields = {f for t in _texts(row) if t for f, _u, known in [lookup_header(t)] if known and f}
    return len(fields), fields


def find_header(sheet: RawSheet) -> SheetHeader | None:
    """The header of a monthly sheet: the row among the first 30 naming a project (code or
    name) and at least one monthly figure, with the row below when it refines it
    (完成投资 over 本月 | 累计)."""
    best, best_score = None, 0
    for r in range(min(len(sheet.rows), _SCAN_ROWS)):
        rows = [list(x) for x in sheet.rows[r : r + 2]]
        near = [(a - r, b, c - r, d) for a, b, c, d in sheet.merged if r <= a <= r + 1]
        _fill_merges(rows, near, 0, 1, across=True)
        score, fields = _header_score(rows[0])
        if {"code", "name"} & fields and score >= 2 and score > best_score:
            best, best_score = r, score
        if {"code", "name"} & fields and len(rows) > 1:
            combined = _columns(rows[0], rows[1], "万元")
            found = {c.field for c in combined if c.field}
            if len(found) > best_score and found - fields and found & set(AMOUNT_FIELDS):
                best, best_score = r, len(found)
    if best is None:
        return None
    _fill_merges(sheet.rows, sheet.merged, best, best + 1, across=True)
    title = " ".join(" ".join(t for t in _texts(sheet.rows[r]) if t) for r in range(best))
    found_unit = _TITLE_UNIT.search(to_halfwidth(title).replace(" ", ""))
    title_unit = found_unit[1] if found_unit else "万元"
    top = sheet.rows[best]
    below = sheet.rows[best + 1] if best + 1 < len(sheet.rows) else []
    single = _columns(top, [], title_unit)
    double = _columns(top, below, title_unit) if _is_subheader(top, below) else None
    last = best
    columns = single
    if double is not None and len([c for c in double if c.field]) > len(
        [c for c in single if c.field]
    ):
        columns, last = double, best + 1
    reporting = ""
    for r in range(best):
        reporting = _reporting_unit(" ".join(t for t in _texts(sheet.rows[r]) if t))
        if reporting:
            break
    return SheetHeader(sheet, best, last, columns, title_unit, reporting)


def _is_subheader(top: list[Any], below: list[Any]) -> bool:
    cells = [v for v in below if v not in ("", None)]
    return bool(cells) and all(isinstance(v, str) and len(v.strip()) <= 12 for v in cells)


def _columns(top: list[Any], below: list[Any], title_unit: str) -> list[MonthlyColumn]:
    width = max(len(top), len(below))
    columns: list[MonthlyColumn] = []
    seen: set[str] = set()
    for c in range(width):
        parent = "" if c >= len(top) or top[c] is None else str(top[c]).strip()
        child = "" if c >= len(below) or below[c] is None else str(below[c]).strip()
        if not parent and not child:
            continue
        header = " / ".join(t for t in dict.fromkeys((parent, child)) if t)
        field_name, unit, known = None, None, False
        candidates = [parent] if not child or child == parent else [child + parent, parent + child,
                                                                    child, parent]  # fmt: skip
        for text in candidates:
            field_name, unit, known = lookup_header(text)
            if known:
                break
        if not unit:
            unit = lookup_header(parent)[1] or lookup_header(child)[1] if child else None
        if field_name in seen:
            field_name = None  # a second column for the same figure is not read
        if field_name:
            seen.add(field_name)
        columns.append(
            MonthlyColumn(
                c,
                header,
                field_name,
                (unit or title_unit) if field_name in AMOUNT_FIELDS else None,
                known,
            )
        )
    return columns


# --------------------------------------------------------------------------- rows


@dataclass
class Refusal:
    field: str
    column: str  # the column's letter, "" when the whole row is meant
    value: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {
            "field": self.field,
            "label": field_label(self.field),
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class MonthlyRow:
    sheet: str
    row: int  # Excel's row number
    code: str = ""
    name: str = ""
    project_id: int | None = None
    data: dict[str, str] = field(default_factory=dict)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (letter, value)
    refusals: list[Refusal] = field(default_factory=list)
    action: str = ""  # created, updated, unchanged, refused
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)

    def refuse(self, name: str, reason: str) -> None:
        if name == "project":  # the service's word for the row's project: its code or name
            name = "code" if self.cells.get("code", ("", ""))[1] else "name"
        letter, value = self.cells.get(name, ("", ""))
        self.refusals.append(Refusal(name, letter, value, reason))

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "code": self.code,
            "name": self.name,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "refusals": [r.as_json() for r in self.refusals],
        }


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _amount_text(value: Any, unit: str) -> str | None:
    """A cell of an amount column in `unit`, as `progress.amounts.parse_wan` reads it (in
    万元 for a bare number); None for a blank cell. The amount rules are the service's: a
    negative, qualified or unreadable amount is passed on for it to refuse."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    power = UNIT_POWERS.get(unit, 0)
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:
            return "NaN"
        # Excel's own 15 significant digits, as the ledger reader reads them
        number = Decimal("%.15g" % value) if isinstance(value, float) else Decimal(value)  # noqa: UP031
        return _plain(number.scaleb(power))
    text = to_halfwidth(str(value)).strip()
    if not text or text in PLACEHOLDERS:
        return None
    bare = text.replace(",", "").replace(" ", "")
    if _PLAIN_NUMBER.match(bare):
        return _plain(Decimal(bare).scaleb(power))
    if power and not _OWN_UNIT.search(text):
        return f"{text}{unit}"  # 约3 in a 亿元 column is 约3亿元 (refused as not exact)
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _title_of(header: SheetHeader) -> str:
    rows = header.sheet.rows[: header.first]
    return " ".join(" ".join(t for t in _texts(row) if t) for row in rows)


def read_rows(
    sheets: list[RawSheet], month: Month | None = None
) -> tuple[list[MonthlyRow], list[dict], SheetHeader | None]:
    """The project rows of every sheet with a monthly header, and what was set aside
    (title, header, blank, 合计, note rows) as ``{"sheet", "row", "reason"}``.

    A workbook with a sheet per month (1月, 2月 … or titles saying 2023年6月) is read on
    the sheets naming `month` only; the others are listed as set aside."""
    rows: list[MonthlyRow] = []
    skipped: list[dict] = []
    headers = [h for s in sheets if s.visible for h in [find_header(s)] if h is not None]
    if month is not None and len(headers) > 1:
        named = re.compile(rf"(?<!\d)0?{month.month}\s*月")
        chosen = [h for h in headers if named.search(to_halfwidth(h.sheet.name + _title_of(h)))]
        if chosen:
            for h in headers:
                if h not in chosen:
                    skipped.append(
                        {"sheet": h.sheet.name, "row": None,
                         "reason": _("a sheet of another month, not read")}
                    )  # fmt: skip
            headers = chosen
    first_header = headers[0] if headers else None
    for header in headers:
        sheet = header.sheet
        columns = header.by_field()
        for r in range(header.last + 1, len(sheet.rows)):
            raw = sheet.rows[r]
            line = _read_row(sheet, header, columns, r, raw)
            if isinstance(line, str):
                if line != "blank":
                    skipped.append({"sheet": sheet.name, "row": r + 1, "reason": line})
                continue
            rows.append(line)
    return rows, skipped, first_header


def _read_row(sheet, header, columns, r: int, raw: list[Any]) -> MonthlyRow | str:
    def at(name: str) -> Any:
        col = columns.get(name)
        return raw[col.index] if col is not None and col.index < len(raw) else None

    errors = dict(sheet.formula_errors.get(r, []))
    if all(v in ("", None) for v in raw) and not errors:
        return "blank"
    code, name = _cell(at("code")), " ".join(_cell(at("name")).split())
    first_text = next((str(v).strip() for v in raw if isinstance(v, str) and v.strip()), "")
    for text in (name, code, first_text):
        if text and TOTAL_ROW.match(header_key(text)):
            return _("a totals row (合计/小计), not a project")
    if not code and not name:
        if first_text and re.match(
            r"^(注|备注|说明|填表|填报人|审核|制表|联系人|负责人)", first_text
        ):
            return _("a note under the table")
        if not any(at(f) not in ("", None) for f in (*AMOUNT_FIELDS, *TEXT_FIELDS)) and not errors:
            return _("no project code or name and no figures")
    line = MonthlyRow(sheet.name, r + 1, code=code, name=name)
    for field_name, col in columns.items():
        value = raw[col.index] if col.index < len(raw) else None
        line.cells[field_name] = (col.letter, _cell(value))
        if col.index in errors:
            line.cells[field_name] = (col.letter, errors[col.index])
            line.refuse(
                field_name,
                _("the cell holds the formula error %(error)s; put the figure in, not the error")
                % {"error": errors[col.index]},
            )
            continue
        if field_name in AMOUNT_FIELDS:
            text = _amount_text(value, col.unit or header.title_unit)
            if text is not None:
                line.data[field_name] = text
        elif field_name in TEXT_FIELDS:
            if value not in ("", None):
                line.data[field_name] = _cell(value)
    if not code and not name:
        line.refuse("name", _("the row has figures but no project code or name"))
    return line


# --------------------------------------------------------------------------- checking


@dataclass
class MonthlyImportResult:
    month: Month
    unit_code: str
    rows: list[MonthlyRow]
    skipped: list[dict]
    columns: list[dict]
    errors: list[str] = field(default_factory=list)  # not about a row: the month, rights
    versions: dict[str, str] = field(default_factory=dict)  # code -> version seen ("" none)
    committed: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0, "refused": 0}
        for row in self.rows:
            counts[row.action] = counts.get(row.action, 0) + 1
        return counts

    @property
    def ok(self) -> bool:
        return not self.errors and not any(r.refusals for r in self.rows)

    def as_json(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "unit": self.unit_code,
            "committed": self.committed,
            "counts": self.counts,
            "errors": self.errors,
            "rows": [r.as_json() for r in self.rows],
            "skipped": self.skipped,
            "columns": self.columns,
            "versions": self.versions,
        }


class _DryRun(Exception):
    """Raised inside the dry run's transaction to roll it back."""


def _match_projects(rows: list[MonthlyRow], unit_code: str) -> None:
    """Each row's project: by code when the row has one, else by name (`lib.excel.name_key`,
    the ledger import's project-name rule), first among the unit's projects and then in
    the whole ledger (a project of another unit is then refused by the service)."""
    codes = {r.code for r in rows if r.code}
    by_code = {
        code: (pk, name)
        for pk, code, name in Project.objects.filter(code__in=codes).values_list(
            "pk", "code", "name"
        )
    }
    wanted = {name_key(r.name) for r in rows if r.name and not r.code}
    by_key: dict[str, list[tuple[int, str, str, str]]] = {}
    if wanted:
        for pk, code, name, unit in Project.objects.values_list("pk", "code", "name", "unit_id"):
            key = name_key(name)
            if key in wanted:
                by_key.setdefault(key, []).append((pk, code, name, unit))
    for row in rows:
        if row.refusals and not (row.code or row.name):
            continue
        if row.code:
            if row.code in by_code:
                row.project_id, row.name = by_code[row.code][0], by_code[row.code][1]
            continue  # an unknown code is the service's to refuse, by its own words
        found = by_key.get(name_key(row.name), [])
        own = [f for f in found if f[3] == unit_code]
        chosen = own or found
        if len(chosen) == 1:
            row.project_id, row.code = chosen[0][0], chosen[0][1]
        elif not chosen:
            row.refuse(
                "name",
                _("no project called “%(value)s” in the ledger; add its project code")
                % {"value": row.name},
            )
        else:
            row.refuse(
                "name",
                _("%(count)s projects in the ledger are called “%(value)s”; add the project code")
                % {"count": len(chosen), "value": row.name},
            )
    seen: dict[str, int] = {}
    for row in rows:
        if not row.code or row.refusals:
            continue
        if row.code in seen:
            row.refuse(
                "code",
                _("project %(code)s is already on row %(row)s")
                % {"code": row.code, "row": seen[row.code]},
            )
        else:
            seen[row.code] = row.row


def _snapshot(project_ids, month: Month) -> dict[int, dict[str, str]]:
    shown = ("completed_wan", "funds_in_place_wan", "counted_wan", *TEXT_FIELDS)
    out = {}
    for report in MonthlyProgress.objects.filter(
        project_id__in=project_ids, year=month.year, month=month.month
    ):
        values = {k: _shown(getattr(report, k)) for k in shown}
        out[report.project_id] = {**values, "version": str(report.version)}
    return out


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        return _plain(value)
    return "" if value is None else str(value)


def _row_message(message: str, number: int, name: str) -> str:
    """The service's message without its own "row n (name): " (its n counts the rows it was
    given, not the workbook's rows, which the dry run names itself)."""
    prefix = _("row %(n)s (%(name)s): %(message)s") % {"n": number, "name": name, "message": ""}
    return message[len(prefix) :] if message.startswith(prefix) else message


def _service_rows(rows: list[MonthlyRow], versions: dict[str, str]) -> dict[str, dict[str, str]]:
    return {r.code: {**r.data, "version": versions.get(r.code, "")} for r in rows}


def _attempt(user, unit_code: str, month: Month, rows: list[MonthlyRow], versions, *, commit):
    """Call the entry grid's service with `rows`; the dry run rolls it back. Returns the
    service's errors by field key ("code.field"), or the reports as written."""
    payload = _service_rows(rows, versions)
    ids = [r.project_id for r in rows if r.project_id]
    try:
        with transaction.atomic():
            progress_services.record_unit_month(
                user=user, unit_code=unit_code, month=month, rows=payload
            )
            after = _snapshot(ids, month)
            if not commit:
                raise _DryRun
    except _DryRun:
        pass
    except InputError as exc:
        return exc.fields, None
    return {}, after


def check_rows(
    *, user, unit_code: str, month: Month, rows: list[MonthlyRow], commit: bool = False,
    versions: dict[str, str] | None = None,
) -> dict[str, str]:  # fmt: skip
    """Classify every row through `record_unit_month` (see the module's docstring); with
    `commit`, write when every row passes (else nothing). Returns the versions seen."""
    ids = [r.project_id for r in rows if r.project_id]
    before = _snapshot(ids, month)
    seen = {}
    for row in rows:
        if row.project_id in before:
            row.before = {k: v for k, v in before[row.project_id].items() if k != "version"}
            seen[row.code] = before[row.project_id]["version"]
        elif row.code:
            seen[row.code] = ""
    versions = seen if versions is None else versions
    pending = [r for r in rows if not r.refusals]
    after: dict[int, dict[str, str]] = {}
    # each pass sets aside the rows the service refused; its checks are per row, so a
    # few passes settle it (bounded all the same)
    for _pass in range(len(pending) + 1):
        if not pending:
            break
        if commit and len(pending) != len(rows):
            break
        errors, written = _attempt(user, unit_code, month, pending, versions, commit=commit)
        if written is not None:
            after = written
            break
        refused_codes = set()
        numbers = {r.code: n for n, r in enumerate(pending, start=1)}
        by_code = {r.code: r for r in pending}
        for key, messages in errors.items():
            code, _dot, name = key.rpartition(".")
            row = by_code.get(code)
            if row is None:
                raise InputError({key: messages})  # the month: not a row's problem
            for message in messages:
                row.refuse(name, _row_message(message, numbers[code], row.name))
            refused_codes.add(code)
        pending = [r for r in pending if r.code not in refused_codes]
        if commit:
            break
    for row in rows:
        if row.refusals:
            row.action = "refused"
            continue
        new = after.get(row.project_id) if row.project_id else None
        old = before.get(row.project_id) if row.project_id else None
        if new is None:
            row.action = "unchanged"
        else:
            row.after = {k: v for k, v in new.items() if k != "version"}
            if old is None:
                row.action = "created"
            elif new["version"] != old["version"]:
                row.action = "updated"
            else:
                row.action = "unchanged"
    return versions


def import_monthly(
    *,
    user,
    data: bytes,
    filename: str,
    month: Any,
    unit_code: str,
    commit: bool = False,
    versions: dict[str, str] | None = None,
) -> MonthlyImportResult:
    """Read a unit's monthly workbook and check it (or, with `commit`, write it) for `month`.

    Raises `lib.excel.WorkbookError` for a file that cannot be read, `NotAllowed` when the
    user may not report for the unit, `InputError` for a bad or future month. `versions`
    (code -> report version, "" for none) are the ones a dry run saw: a commit passes them
    on so that a report changed since is refused instead of overwritten.
    """
    refusal = progress_access.unit_refusal(user, unit_code)
    if refusal:
        raise NotAllowed(refusal)
    month = progress_services._month_of(month)  # the service's own month rule
    sheets = read_workbook(data, filename)
    rows, skipped, header = read_rows(sheets, month)
    if header is None:
        raise InputError(
            {
                "file": _(
                    "No monthly report found: a sheet needs a header with the project code or name "
                    "(项目编号, 项目名称) and at least one monthly figure (本月完成投资, "
                    "累计完成投资, 到位资金, 入统投资, 形象进度)."
                )
            }
        )
    columns = [
        {
            "letter": c.letter,
            "header": c.header,
            "field": c.field or "",
            "label": field_label(c.field) if c.field else "",
            "unit": c.unit or "",
        }
        for c in header.columns
    ]
    _match_projects(rows, unit_code)
    result = MonthlyImportResult(month, unit_code, rows, skipped, columns)
    # a commit is checked first as a dry run, so that a refused row leaves every other
    # row told what it would have done; only a clean check is written
    result.versions = check_rows(
        user=user, unit_code=unit_code, month=month, rows=rows, versions=versions
    )
    if commit and result.ok:
        for row in rows:
            row.action, row.before, row.after = "", {}, {}
        check_rows(
            user=user, unit_code=unit_code, month=month, rows=rows, commit=True,
            versions=result.versions,
        )  # fmt: skip
        result.committed = result.ok
    return result
