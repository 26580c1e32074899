"""Import a ledger workbook: read, check every row (dry run), then write all or nothing.

    result = import_workbook(user=u, data=open(path, "rb").read(), filename="台账.xlsx")
    result.counts       -> {"created": 3, "updated": 1, "unchanged": 40}
    result.as_json()    -> the `zhaoshang import --format json` document
    import_workbook(user=u, data=..., filename=..., commit=True)   # writes when no errors

Reading and cell parsing are `lib.excel`; checking and writing are `excel.bulk`. Here the
two meet: headers mapped with the job's own mapping (never another user's), rows turned
into bulk rows,
every problem turned into a message in the reader's language naming sheet, row, field
and value, and the annotated copy of the workbook.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from zhaoshang.core.bulk import refresh_statistics
from zhaoshang.core.errors import NotAllowed
from zhaoshang.excel import bulk
from zhaoshang.excel.models import HeaderMapping
from zhaoshang.excel.uploads import refusal_messages
from zhaoshang.lib import excel as xl
from zhaoshang.lib import xlsxwrite as xw
from zhaoshang.projects import rules
from zhaoshang.projects.models import Nature, Stage, Status

REPORT_LIMIT = 500  # rows of each kind kept in a stored report (the full list is in the CLI)
STATISTICS_AFTER_ROWS = 1000  # an import this large refreshes the query planner's statistics

FIELD_LABELS = {
    "serial": gettext_lazy("serial number"),
    "name": gettext_lazy("project name"),
    "code": gettext_lazy("project code"),
    "national_code": gettext_lazy("national investment-project code"),
    "investors": gettext_lazy("investors"),
    "unit": gettext_lazy("township unit"),
    "location": gettext_lazy("location (unit or address)"),
    "address": gettext_lazy("address"),
    "description": gettext_lazy("construction content and scale"),
    "category": gettext_lazy("category"),
    "industry": gettext_lazy("industry (GB/T 4754-2017)"),
    "chain": gettext_lazy("industrial chain"),
    "nature": gettext_lazy("new or expansion"),
    "is_foreign": gettext_lazy("foreign-invested"),
    "stage": gettext_lazy("stage"),
    "status": gettext_lazy("status"),
    "status_reason": gettext_lazy("status reason"),
    "total_investment": gettext_lazy("total investment"),
    "signed_amount": gettext_lazy("signed amount"),
    "registered_capital": gettext_lazy("registered capital"),
    "foreign_investment": gettext_lazy("foreign investment"),
    "expected_revenue": gettext_lazy("expected yearly revenue"),
    "expected_tax": gettext_lazy("expected yearly tax"),
    "expected_output": gettext_lazy("expected yearly output value"),
    "expected_jobs": gettext_lazy("jobs at full production"),
    "capacity": gettext_lazy("capacity"),
    "phase_label": gettext_lazy("phase"),
    "parent": gettext_lazy("parent project"),
    "is_synthetic": gettext_lazy("synthetic"),
    "remarks": gettext_lazy("remarks (foreign investment and registered capital read from it)"),
    "planned_period": gettext_lazy("planned start and completion (建设起止年限)"),
}
# A column holding part of a field under a merged header (总投资 over 金额 | 单位).
PART_LABELS = {
    "unit": gettext_lazy("the unit of each row's amount"),
    "year": pgettext_lazy("part of a date", "year"),
    "month": pgettext_lazy("part of a date", "month"),
    "day": pgettext_lazy("part of a date", "day"),
}
DATE_PREFIX = {"planned": gettext_lazy("planned date"), "actual": gettext_lazy("actual date")}
UNIT_CHOICES = ["元", "万元", "亿元"]


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    prefix, _sep, stage = name.partition("_")
    if prefix in DATE_PREFIX and stage in Stage.values:
        return f"{DATE_PREFIX[prefix]}: {Stage(stage).label}"
    return name


def target_label(target: str) -> str:
    """The label of a mapping target: a field, or a part of one (``total_investment#unit``)."""
    name, _sep, part = target.partition("#")
    if part in PART_LABELS:
        return _("%(field)s: %(part)s") % {"field": field_label(name), "part": PART_LABELS[part]}
    return field_label(name)


def known_target(target: str) -> bool:
    """Whether `target` is a field a column may be read as, or a part of one that fits it."""
    name, _sep, part = target.partition("#")
    if name not in xl.FIELD_KINDS:
        return False
    return not part or xl.PARTS.get(part) == xl.FIELD_KINDS[name]


def field_choices() -> list[tuple[str, str]]:
    """(field, label) for the mapping form, in the ledger's order."""
    names = [n for n in xl.FIELD_KINDS if n not in ("location",)]
    return [(n, field_label(n)) for n in names]


def skip_message(code: str, params: dict[str, Any]) -> str:
    messages = {
        "title": _("title row: %(text)s"),
        "header": _("header row"),
        "blank": _("blank row"),
        "serial_only": _("only a serial number (%(value)s)"),
        "total": _("totals row (%(label)s)"),
        "breakdown": _("breakdown row (%(label)s), not a project"),
        "section": _("section row: the rows below get the category “%(category)s”"),
        "note": _("note, not a project: %(text)s"),
        "header_repeat": _("the header repeated"),
        "column_numbers": _("column numbers under the header"),
        "blank_rows": _("blank rows %(first)s–%(last)s"),
        "hidden_sheet": _("hidden sheet, not read"),
        "no_header": _("no ledger header in this sheet, not read"),
    }
    return messages[code] % params if params else messages[code].replace("%%", "%")


def problem_message(problem: xl.Problem) -> str:
    code, value = problem.code, problem.value
    if code in ("amount", "date", "number", "bool", "choice"):
        # a cell the reader could not parse: the ledger's rules word it, as for a form
        return rules.cell_message(code, value, problem.detail or "", problem.field or "")
    if code == "missing_name":
        return _("a project needs a name")
    if code == "formula_error":
        return _(
            "column “%(header)s”: the cell holds the formula error %(value)s; correct it in "
            "Excel (a cell in error is never read as empty)"
        ) % {"header": problem.params.get("header", ""), "value": value}
    if code == "reporting_unit":
        return _(
            "this sheet has no township-unit column: its rows are taken to be in “%(value)s”, "
            "the unit its 填报单位 line names"
        ) % {"value": value}
    if code == "sheet_unit":
        return _(
            "this sheet has no township-unit column: its rows are taken to be in “%(value)s”, "
            "the unit the sheet is named after"
        ) % {"value": value}
    if code == "total_mismatch":
        return _(
            "the %(label)s row states %(field)s %(stated)s万元 but the %(rows)s rows it "
            "covers add up to %(sum)s万元"
        ) % {**problem.params, "field": field_label(problem.field)}
    return code


def workbook_message(exc: xl.WorkbookError) -> str:
    messages = {
        "empty_file": _("The file is empty (0 bytes)."),
        "encrypted": _("The file is password-protected. Remove the password and import it again."),
        "unreadable": _(
            "This file cannot be read: it is not a valid xlsx, xls, ods or csv file (%(detail)s)."
        ),
        "empty": _("The workbook holds no data."),
        "not_a_ledger": _(
            "This is not a project ledger: no sheet has a header row with a project-name "
            "column (项目名称). The first cells read: %(headers)s"
        ),
        **refusal_messages(),  # a file refused before reading (lib.uploads)
    }
    return messages[exc.code] % {"detail": "", "headers": "", "limit": "", **exc.params}


def export_synonyms() -> tuple[dict[str, str | None], dict[str, dict[str, str]]]:
    """Our own export headers and choice labels in every language, so that anything we
    export imports again whatever language it was written in."""
    from django.conf import settings

    from zhaoshang.excel.layouts import LEDGER, LIST, MONTHLY

    synonyms: dict[str, str | None] = {}
    choices: dict[str, dict[str, str]] = {"stage": {}, "status": {}, "nature": {}}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for layout in (LEDGER, MONTHLY, LIST):
                for column in layout:
                    synonyms.setdefault(str(column.header), column.field)
            for key, enum in (("stage", Stage), ("status", Status), ("nature", Nature)):
                for value, label in enum.choices:
                    choices[key][str(label)] = value
    return synonyms, choices


def saved_mapping(user) -> dict[str, str]:
    """The mappings `user` asked to remember (header key -> target): offered to that
    user's later imports as suggestions, never applied without their say."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return dict(HeaderMapping.objects.filter(saved_by=user).values_list("key", "target"))


@transaction.atomic
def save_mapping(*, user, columns: dict[str, tuple[str, str]]) -> int:
    """Remember `{key: (header as written, target)}` for `user`'s later imports (as
    suggestions); returns how many changed. A target is a field, ``field@亿元`` or ""
    (ignore the column)."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Only a signed-in user can save a column mapping."))
    changed = 0
    for key, (header, target) in columns.items():
        name = target.partition("@")[0]
        if name and not known_target(name):
            raise ValueError(f"unknown field {name!r}")
        HeaderMapping.objects.update_or_create(
            saved_by=user,
            key=key,
            defaults={"header": header[:300], "target": target, "saved_at": timezone.now()},
        )
        changed += 1
    return changed


def build_mapping(extra: dict[str, str] | None = None) -> xl.Mapping:
    """The headers as the importer reads them: its synonyms and our own export headers,
    then `extra` (the job's own mapping). Nobody's saved mapping is applied here."""
    synonyms, choices = export_synonyms()
    return xl.Mapping(dict(extra or {}), synonyms, choices)


@dataclass
class ImportResult:
    filename: str
    committed: bool
    plan: bulk.BulkPlan | None
    ledger: xl.Ledger | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        if self.plan is None:
            return {"created": 0, "updated": 0, "unchanged": 0}
        c = self.plan.counts
        return {"created": c["created"], "updated": c["updated"], "unchanged": c["unchanged"]}

    @property
    def ok(self) -> bool:
        return not self.errors

    def skipped(self) -> list[dict[str, Any]]:
        if self.ledger is None:
            return []
        return [
            {"sheet": s.sheet, "row": s.row, "reason": skip_message(s.code, s.params)}
            for s in self.ledger.skipped
        ]

    def warnings(self) -> list[dict[str, Any]]:
        if self.ledger is None:
            return []
        return [
            {
                "sheet": w.sheet,
                "row": w.row,
                "field": w.field,
                "value": w.value,
                "message": problem_message(w),
            }
            for w in self.ledger.warnings
        ]

    def columns(self) -> list[dict[str, Any]]:
        if self.ledger is None:
            return []
        return [
            {
                "sheet": lay.name,
                "letter": c.letter,
                "header": c.header,
                "key": c.key,
                "field": c.field or "",
                "part": c.part or "",
                "target": c.target,
                "label": target_label(c.target) if c.field else "",
                "unit": c.unit or "",
                "how": c.how,
                "is_amount": bool(c.field)
                and not c.part
                and xl.FIELD_KINDS.get(c.field or "") == xl.AMOUNT,
            }
            for lay in self.ledger.layouts
            for c in lay.columns
        ]

    def rows(self, action: str, limit: int | None = None) -> list[dict[str, Any]]:
        if self.plan is None:
            return []
        out = []
        for o in self.plan.outcomes:
            if o.action != action:
                continue
            sheet, row = o.ref
            out.append(
                {
                    "sheet": sheet,
                    "row": row,
                    "code": o.code,
                    "name": o.name,
                    "changes": [
                        [field_label(k), _shown(v[0]), _shown(v[1])] for k, v in o.changes.items()
                    ]
                    if action == "update"
                    else [],
                }
            )
            if limit is not None and len(out) >= limit:
                break
        return out

    def as_json(self) -> dict[str, Any]:
        """The document `zhaoshang import --format json` prints."""
        return {
            "file": self.filename,
            "committed": self.committed,
            **self.counts,
            "skipped": self.skipped(),
            "errors": self.errors,
            "warnings": self.warnings(),
        }

    def report(self, limit: int = REPORT_LIMIT) -> dict[str, Any]:
        """What an import page shows, with long lists cut at `limit`."""
        return {
            "file": self.filename,
            "committed": self.committed,
            "counts": {**self.counts, "errors": len(self.errors), "skipped": len(self.skipped())},
            "errors": [{**e, "label": field_label(e["field"])} for e in self.errors[:limit]],
            "warnings": self.warnings()[:limit],
            "skipped": self.skipped()[:limit],
            "columns": self.columns(),
            "created": self.rows("create", limit),
            "updated": self.rows("update", limit),
            "timings": self.timings,
        }


@contextlib.contextmanager
def _no_transaction():
    yield


_gc_lock = threading.Lock()
_gc_pauses = 0  # imports running with the collector paused
_gc_was_enabled = False


@contextlib.contextmanager
def _collector_paused():
    """Run without the cyclic garbage collector. A 10^5-row import holds millions of
    containers (cells, rows, plans) and makes no reference cycles; each full collection
    walks all of them, which took half the time of a dry run. When the last import
    running in the process ends, the collector is switched back on and the names the
    import simplified are forgotten (`lib.excel.to_simplified` remembers them)."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0:
                xl.to_simplified.cache_clear()
                if _gc_was_enabled:
                    gc.enable()


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def _bulk_data(values: dict[str, Any], category: str) -> dict[str, Any]:
    if category and "category" not in values:
        values["category"] = category  # the row's own dict: 10^5 copies would cost memory
    return values


_PLANS: dict[str, tuple] = {}


def _plan_key(user, data: bytes, mapping: dict | None) -> str:
    digest = hashlib.sha256(data)
    digest.update(json.dumps([user.pk, mapping or {}], sort_keys=True).encode())
    return digest.hexdigest()


def _ledger_marker() -> tuple:
    """Changes whenever anything an import checks against changes."""
    from django.db.models import Count, Max

    from zhaoshang.core.models import ChangeLog
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.projects.models import Project, StageDate

    return (
        tuple(Project.objects.aggregate(n=Count("pk"), at=Max("updated_at")).values()),
        ChangeLog.objects.aggregate(m=Max("pk"))["m"],
        Enterprise.objects.aggregate(m=Max("pk"))["m"],
        StageDate.objects.aggregate(m=Max("pk"))["m"],
    )


def _handed_over(items: list) -> Iterator[Any]:
    """The items of `items`, taken out of it as they go: the receiver holds the only
    references, so that it can let each row go once checked."""
    items.reverse()
    while items:
        yield items.pop()


def _check(user, data, filename, mapping, step, timings, started):
    """Read and check a workbook: (ledger, plan, errors by row and field)."""
    sheets = xl.read_workbook(data, filename)
    timings["read"] = time.perf_counter() - started
    ledger = xl.parse_ledger(sheets, build_mapping(mapping), progress=step("parse"))
    del sheets
    timings["parse"] = time.perf_counter() - started - timings["read"]
    errors = [
        {
            "sheet": p.sheet,
            "row": p.row,
            "field": p.field,
            "value": p.value,
            "message": problem_message(p),
        }
        for r in ledger.rows
        for p in r.errors
    ]
    bad_rows = {(r.sheet, r.row) for r in ledger.rows if r.errors}
    rows = [
        bulk.BulkRow((r.sheet, r.row), _bulk_data(r.values, r.category))
        for r in ledger.rows
        if (r.sheet, r.row) not in bad_rows
    ]
    ledger.rows = []  # the values now live on in `rows` only, and go when checked
    t0 = time.perf_counter()
    plan = bulk.plan_projects(user=user, rows=_handed_over(rows), progress=step("check"))
    timings["check"] = time.perf_counter() - t0
    for o in plan.outcomes:
        sheet, row = o.ref
        for field_name, value, message in o.errors:
            errors.append(
                {
                    "sheet": sheet,
                    "row": row,
                    "field": field_name,
                    "value": value,
                    "message": message,
                }
            )
    errors.sort(key=lambda e: (e["sheet"], e["row"]))
    return ledger, plan, errors


def import_workbook(
    *,
    user,
    data: bytes,
    filename: str,
    commit: bool = False,
    mapping: dict[str, str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Read, check and (with `commit`, when nothing is wrong) write a ledger workbook.

    Raises `lib.excel.WorkbookError` for a file that is not a readable ledger (or one
    past the upload limits, `lib.uploads`) and `NotAllowed` for a user who may not
    import. Problems in rows do not raise: they are in `result.errors`, and then nothing
    is written.
    """
    bulk.check_may_import(user)  # rights first: the file is not looked at for a refused user
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def step(phase: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(phase, done, total)

    key = _plan_key(user, data, mapping)
    with _collector_paused(), transaction.atomic() if commit else _no_transaction():
        # A commit right after its dry run, with the ledger untouched in between, writes
        # the plan the dry run checked instead of reading and checking everything again.
        cached = _PLANS.pop(key, None) if commit else None
        if cached is not None and cached[0] == _ledger_marker():
            _marker, ledger, plan, errors, _timings = cached
            timings["reused_dry_run"] = 1.0
        else:
            ledger, plan, errors = _check(user, data, filename, mapping, step, timings, started)
        committed = False
        if commit and not errors:
            t1 = time.perf_counter()
            reason = _("import %(file)s") % {"file": filename}
            bulk.write_projects(user=user, plan=plan, reason=reason, progress=step("write"))
            timings["write"] = time.perf_counter() - t1
            committed = True
        elif not commit and not errors:
            _PLANS.clear()  # one waiting plan at a time: plans of 10^5 rows are large
            _PLANS[key] = (_ledger_marker(), ledger, plan, errors, dict(timings))
    if committed and plan.counts["created"] + plan.counts["updated"] >= STATISTICS_AFTER_ROWS:
        refresh_statistics(after_bulk_load=True)  # the planner would still see the old sizes
    timings["total"] = time.perf_counter() - started
    return ImportResult(filename, committed, plan, ledger, errors, timings)


def annotated_workbook(*, data: bytes, filename: str, result_errors, warnings, skipped, target):
    """A copy of the workbook's values (every sheet, merged cells kept) with a first column
    explaining each row's problems, rows in error in red, skipped rows said why."""
    sheets = xl.read_workbook(data, filename)
    notes: dict[tuple[str, int], list[str]] = {}
    for item in result_errors:
        label = field_label(item["field"])
        notes.setdefault((item["sheet"], item["row"]), []).append(f"{label}：{item['message']}")
    flagged = set(notes)
    for item in warnings:
        notes.setdefault((item["sheet"], item["row"]), []).append(item["message"])
    for item in skipped:
        if item["row"] is not None:
            notes.setdefault((item["sheet"], item["row"]), []).append(
                _("not imported: %(reason)s") % {"reason": item["reason"]}
            )
    with xw.Workbook(target) as book:
        for sheet in sheets:
            widths = [48] + [14] * max((len(r) for r in sheet.rows), default=0)
            out = book.add_sheet(sheet.name, widths=widths, freeze=(0, 1))
            for r, row in enumerate(sheet.rows):
                note = "；".join(notes.get((sheet.name, r + 1), []))
                style = xw.ERROR if (sheet.name, r + 1) in flagged else xw.DEFAULT
                values = [note or None, *(_annotated_value(v) for v in row)]
                out.row(values, [style] + [style if style else xw.DEFAULT] * len(row))
            for r0, c0, r1, c1 in sheet.merged:
                out.merge(r0, c0 + 1, r1, c1 + 1)
    return target


def _annotated_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    if type(value) in (str, int, float, bool):
        return value
    return xl.cell_text(value)


__all__ = [
    "ImportResult",
    "NotAllowed",
    "annotated_workbook",
    "import_workbook",
    "save_mapping",
]
