"""Many projects at once: every row checked with the ledger's rules, then written together.

This is the bulk path of `projects.services` for imports of 10^5 rows. `create_project`
and `update_project` check and save one project with a few queries each; here the
reference tables, the projects and their dates are read once, every row is checked in
memory with the same rules and messages, and the writes go through `BulkInserter` and
`executemany`, with one ChangeLog per created or changed project (and per new investor).

    plan = plan_projects(user=u, rows=[BulkRow(ref=7, data={"name": "X项目", ...})])
    plan.counts  -> {"created": 1, "updated": 0, "unchanged": 0, "errors": 0}
    write_projects(user=u, plan=plan, reason="import 台账.xlsx")

Data values are what `lib.excel` reads from cells: text, `Money`, `(date, precision)`,
bool, int, choice values; plain strings are accepted for amounts and dates too. A key
missing from a row leaves the stored value alone (a blank cell never erases anything).
Every value goes through the ledger's one rule engine (`projects.rules`) with a preloaded
name resolver (`core.names.Lookup`), as the form and the API do: what stays here is only
the import's own part (matching rows to stored projects, a blank cell leaving a value
alone, writing 10^5 rows at once).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core.access import role_of
from zhaoshang.core.bulk import BulkInserter
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.history import _plain
from zhaoshang.core.models import ChangeAction, ChangeLog, Role
from zhaoshang.core.names import Lookup
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.lib.excel import name_key, normalise_name, to_simplified
from zhaoshang.lib.money import AmountError
from zhaoshang.projects import rules
from zhaoshang.projects.access import edit_refusal
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Project,
    ProjectInvestor,
    Stage,
    StageDate,
    Status,
    stage_index,
)
from zhaoshang.projects.services import (
    AMOUNT_FIELDS,
    FOREIGN_AMOUNTS,
    PartialDate,
    last_code_serial,
    project_code_prefix,
)

CHUNK = 900  # parameters per IN (...) query, below every backend's limit
CHECK_BATCH = 25_000  # rows checked against the stored projects they match at a time
PLAIN_FIELDS = ("description", "category", "address", "phase_label", "capacity", "status_reason")
LOOKUP_KEYS = {"name", "code", "national_code", "unit", "location", "industry", "chain",
               "investors", "parent", "stage", "status", "nature", "is_foreign", "is_synthetic",
               "expected_jobs", *PLAIN_FIELDS, *AMOUNT_FIELDS}  # fmt: skip
DATE_KEYS = {f"{p}_{s}": (p, s) for s in STAGE_ORDER for p in ("planned", "actual")}
_DATE_LABELS = {key: label for label, key in DATE_KEYS.items()}
AMOUNT_COLUMNS = [
    f"{a}_{suffix}"
    for a in AMOUNT_FIELDS
    for suffix in (
        ("wan", "qualifier", "text", "currency", "original", "rate")
        if a in FOREIGN_AMOUNTS
        else ("wan", "qualifier", "text")
    )
]
COLUMNS = ["name", "code", "national_code", "unit_id", "industry_id", "chain_id", "parent_id",
           "is_foreign", "is_synthetic", "nature", "stage", "status", "status_since",
           "expected_jobs", *PLAIN_FIELDS, *AMOUNT_COLUMNS]  # fmt: skip
_AMOUNT_KEYS = {
    a: tuple(
        f"{a}_{suffix}" for suffix in ("wan", "qualifier", "text", "currency", "original", "rate")
    )
    for a in AMOUNT_FIELDS
}
FK_FIELDS = {
    "unit_id": "unit",
    "industry_id": "industry",
    "chain_id": "chain",
    "parent_id": "parent",
}
STAGES = frozenset(Stage.values)


def _ignore(*args: Any) -> None:
    """Keys the row check reads itself (unit and location decide together)."""


class _Inserter(BulkInserter):
    """`BulkInserter` with the per-value work cut to what a value needs: text, numbers,
    flags and decimals go to the driver as they are (as the ORM's preparation leaves
    them), each distinct date and moment is prepared once (an import stamps 10^5 rows
    with the same moment), anything else goes through the field as in `BulkInserter`.

    A row only visits the keys it has: every other column starts at its prepared default.
    `fixed` values are the same in every row (who and when); they are prepared once and
    win over a row's own value for that key, as a `{**values, **fixed}` row would."""

    def __init__(self, model, varying, fixed: dict[str, Any] | None = None) -> None:
        super().__init__(model, varying)
        probe = Decimal("1.5")
        connection = self.connection
        self.full = list(self.template)  # every varying column at its default
        self.spec: dict[str, tuple[int, tuple[type, ...], Callable[[Any], Any]]] = {}
        for pos, field_, key, plain in zip(
            self.positions, self.varying, self.keys, self.plain, strict=True
        ):
            kind = field_.get_internal_type()
            same: tuple[type, ...] = ()  # classes whose values go to the driver unchanged
            if plain:
                same = (str, int, bool)
                convert = _prep(field_, connection)
            elif (
                kind == "DecimalField"
                and field_.get_db_prep_save(probe, connection).__class__ is Decimal
            ):
                same = (Decimal,)
                convert = _prep(field_, connection)
            elif kind in ("DateField", "DateTimeField"):
                convert = _memo(field_, connection)
            else:
                convert = _prep(field_, connection)
            self.full[pos] = field_.get_db_prep_save(field_.get_default(), connection)
            self.spec[key] = (pos, same, convert)
        for key, value in (fixed or {}).items():
            pos, same, convert = self.spec.pop(key)
            self.full[pos] = value if value is None or value.__class__ in same else convert(value)

    def row(self, values) -> list[Any]:
        row = self.full.copy()
        spec = self.spec
        for key, value in values.items():
            found = spec.get(key)
            if found is not None:
                pos, same, convert = found
                row[pos] = value if value is None or value.__class__ in same else convert(value)
        return row


def _memo(field_, connection):
    seen: dict[Any, Any] = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            found = seen[value] = field_.get_db_prep_save(value, connection)
            return found

    return convert


def _prep(field_, connection):
    return lambda value: field_.get_db_prep_save(value, connection)


def _batches(items: Iterable, size: int = 5000) -> Iterator[list]:
    """`items` in lists of `size`, made as they are consumed (10^5 rows are never all
    prepared at once)."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _plain_fast(value: Any) -> Any:
    kind = value.__class__
    if kind is str or kind is int or kind is bool:
        return value
    if kind is Decimal:
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return _plain(value)


class BulkRow(NamedTuple):
    ref: Any  # what the caller names the row by (a row number, sheet and row …)
    data: dict[str, Any]
    name_key: str = ""  # lib.excel.name_key of the name, when the caller has it already


@dataclass(slots=True)  # 10^5 of them wait between a dry run and its commit
class BulkOutcome:
    ref: Any
    action: str  # create, update, unchanged, error
    code: str = ""
    name: str = ""
    changes: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # field, value, message
    project_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # columns to write
    dates: dict[tuple[str, str], PartialDate | None] = field(default_factory=dict)
    investors: list[int | str] | None = None
    parent_code: str | None = None  # a parent created by the same import


@dataclass
class BulkPlan:
    outcomes: list[BulkOutcome]
    new_enterprises: list[str] = field(default_factory=list)
    written: bool = False
    planner: Any = None

    @property
    def counts(self) -> dict[str, int]:
        names = {
            "create": "created",
            "update": "updated",
            "unchanged": "unchanged",
            "error": "errors",
        }
        out = dict.fromkeys(names.values(), 0)
        for o in self.outcomes:
            out[names[o.action]] += 1
        return out

    @property
    def has_errors(self) -> bool:
        return any(o.errors for o in self.outcomes)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


class _StoredDates(NamedTuple):
    planned_on: datetime.date | None
    planned_precision: str
    actual_on: datetime.date | None
    actual_precision: str

    def partial(self, prefix: str) -> PartialDate | None:
        on = self.planned_on if prefix == "planned" else self.actual_on
        if on is None:
            return None
        return PartialDate(
            on, self.planned_precision if prefix == "planned" else self.actual_precision
        )


class _Projects:
    """The ledger's projects, as far as matching and comparing rows needs them."""

    def __init__(self) -> None:
        self.by_code: dict[str, int] = {}
        self.by_national: dict[str, int] = {}
        self.by_name_unit: dict[tuple[str, str | None], list[int]] = defaultdict(list)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.code_of: dict[int, str] = {}
        self.key_of: dict[int, str] = {}
        for pk, code, national, name, unit in Project.objects.values_list(
            "pk", "code", "national_code", "name", "unit_id"
        ).iterator(chunk_size=10_000):
            self.by_code[code] = pk
            self.code_of[pk] = code
            if national:
                self.by_national.setdefault(national, pk)
            key = name_key(name)
            self.key_of[pk] = key
            self.by_name_unit[(key, unit)].append(pk)
            self.by_name[key].append(pk)
        self.total = len(self.code_of)

    def details(self, pks: set[int]) -> tuple[dict[int, dict], dict, dict]:
        """Stored columns, stage dates and investors of the projects `pks`."""
        wanted = ["pk", "version", *COLUMNS]
        rows: dict[int, dict] = {}
        dates: dict[int, dict[str, _StoredDates]] = defaultdict(dict)
        investors: dict[int, list[tuple[int, str]]] = defaultdict(list)
        if not pks:
            return rows, dates, investors
        everything = len(pks) > self.total // 3
        if everything:
            for values in Project.objects.values(*wanted).iterator(chunk_size=10_000):
                if values["pk"] in pks:
                    rows[values["pk"]] = values
            sd_qs = [StageDate.objects.all()]
            link_qs = [ProjectInvestor.objects.all()]
        else:
            ordered = sorted(pks)
            for chunk in _chunks(ordered):
                for values in Project.objects.filter(pk__in=chunk).values(*wanted):
                    rows[values["pk"]] = values
            sd_qs = [StageDate.objects.filter(project_id__in=c) for c in _chunks(ordered)]
            link_qs = [ProjectInvestor.objects.filter(project_id__in=c) for c in _chunks(ordered)]
        for qs in sd_qs:
            for project_id, stage, p_on, p_prec, a_on, a_prec in qs.values_list(
                "project_id", "stage", "planned_on", "planned_precision", "actual_on",
                "actual_precision",
            ).iterator(chunk_size=10_000):  # fmt: skip
                if project_id in pks:
                    dates[project_id][stage] = _StoredDates(p_on, p_prec, a_on, a_prec)
        for qs in link_qs:
            for project_id, enterprise_id, name in qs.order_by("id").values_list(
                "project_id", "enterprise_id", "enterprise__name"
            ):
                if project_id in pks:
                    investors[project_id].append((enterprise_id, name))
        return rows, dates, investors


class _Planner:
    def __init__(self, user, default_unit: str | None) -> None:
        self.user = user
        self.role = role_of(user)
        self.default_unit = default_unit
        self.ref = Lookup(preload_enterprises=True)
        self.projects = _Projects()
        self.refusals: dict[str | None, str | None] = {}
        self.today = timezone.localdate()
        self.today_partial = PartialDate(self.today)
        self.seen: dict[Any, Any] = {}  # code / name key -> ref of the first row
        self.handlers = self._make_handlers()
        self.investor_cache: dict[Any, int | str] = {}
        self.dates: dict[tuple, PartialDate] = {}
        self.date_texts: dict[PartialDate | None, str] = {}  # str() of each, for history
        self.simplified: dict[str, str] = {}  # category texts, which repeat

    def refusal(self, unit: str | None) -> str | None:
        if unit not in self.refusals:
            self.refusals[unit] = edit_refusal(self.user, unit)
        return self.refusals[unit]

    def plan(self, rows: list[BulkRow], progress) -> BulkPlan:
        # first pass: match every row to a project (or none), so stored values are read once
        matched: list[tuple[BulkRow, int | None, str | None, list] | None] = []
        for row in rows:
            errors: list[tuple[str, str, str]] = []
            pk, unit = self._match(row.data, errors, row.name_key)
            matched.append((row, pk, unit, errors))
        total = len(rows)
        investors = any("investors" in r.data for r in rows)
        rows.clear()  # `matched` holds them now, and lets each go once it is checked
        if investors:
            self.ref.enterprise("")  # loads the registry once
        outcomes = []
        self.new_codes = {str(m[0].data["code"]).strip() for m in matched
                          if m is not None and m[1] is None and m[0].data.get("code")}  # fmt: skip
        for start in range(0, total, CHECK_BATCH):
            end = min(total, start + CHECK_BATCH)
            # the stored projects these rows match, a batch at a time: 10^5 of them as
            # dicts of every column would hold 300 MB at once
            pks = {m[1] for m in matched[start:end] if m is not None and m[1] is not None}
            self.stored, self.stored_dates, self.stored_investors = self.projects.details(pks)
            for i in range(start, end):
                row, pk, unit, errors = matched[i]  # type: ignore[misc]
                matched[i] = None
                outcomes.append(self._row(row, pk, unit, errors))
                if progress and (i + 1) % 2000 == 0:
                    progress(i + 1, total)
        if progress:
            progress(total, total)
        # what only the check needs; the plan keeps the planner for the history it writes
        self.seen, self.stored, self.stored_dates, self.stored_investors = {}, {}, {}, {}
        self._check_parents(outcomes)
        new_names = sorted(
            {
                i
                for o in outcomes
                if o.investors and not o.errors
                for i in o.investors
                if isinstance(i, str)
            }
        )
        plan = BulkPlan(outcomes, new_names)
        plan.planner = self
        return plan

    def _match(self, data: dict, errors: list, key: str = "") -> tuple[int | None, str | None]:
        """(stored project or None, township unit code or None) of one row."""
        unit = None
        given_unit = False
        if data.get("unit"):
            given_unit = True
            try:
                unit = rules.unit(data["unit"], self.ref)
            except rules.RuleError as exc:
                errors.append(("unit", str(data["unit"]), str(exc)))
        elif data.get("location"):
            unit = self.ref.unit(str(data["location"])) or self.ref.unit_in(str(data["location"]))
            given_unit = unit is not None
        projects = self.projects
        code = _text(data.get("code"))
        if code and code in projects.by_code:
            return projects.by_code[code], unit
        national = _text(data.get("national_code"))
        if national and national in projects.by_national and not code:
            return projects.by_national[national], unit
        if code:
            return None, unit
        name = data.get("name")
        if not name:
            return None, unit
        key = key or name_key(name)
        if given_unit or (unit is None and self.default_unit and not data.get("location")):
            candidates = projects.by_name_unit.get(
                (key, unit if given_unit else self.default_unit), []
            )
            if not given_unit and not candidates:
                candidates = projects.by_name.get(key, [])
        elif data.get("unit"):
            candidates = []
        else:
            candidates = projects.by_name.get(key, [])
        if len(candidates) > 1:
            errors.append(
                (
                    "name",
                    str(name),
                    _(
                        "%(count)s projects in the ledger are called “%(value)s”; add their project "
                        "codes or township units to tell them apart"
                    )
                    % {"count": len(candidates), "value": name},
                )
            )
            return None, unit
        return (candidates[0] if candidates else None), unit

    def _row(self, row: BulkRow, pk: int | None, unit: str | None, errors: list) -> BulkOutcome:
        """Check one row; the columns to write go to `values`, and for a stored project
        what changes goes to `changes` (a new project's history is made when written)."""
        data = row.data
        creating = pk is None
        stored = self.stored.get(pk) if pk else None
        out = BulkOutcome(row.ref, "create" if creating else "update", project_id=pk)
        values: dict[str, Any] = {}
        given: dict[tuple[str, str], PartialDate] = {}

        def fail(field_name: str, value: Any, message: Any) -> None:
            errors.append((field_name, "" if value is None else str(value), str(message)))

        for key, value in data.items():
            if value is None or value == "":
                continue
            handler = self.handlers.get(key)
            if handler is not None:
                handler(key, value, values, stored, fail, out)
            elif key in DATE_KEYS:
                # lib.excel's (date, precision) pairs repeat: each is made a PartialDate once
                when = None
                if value.__class__ is tuple:
                    try:
                        when = self.dates.get(value)
                    except TypeError:  # an unhashable tuple: not one of lib.excel's
                        pass
                if when is None:
                    try:
                        when = rules.date(value)
                    except rules.RuleError as exc:
                        fail(key, value, exc)
                        continue
                    if value.__class__ is tuple:
                        try:
                            self.dates[value] = when
                        except TypeError:
                            pass
                given[DATE_KEYS[key]] = when
            elif key not in ("unit", "location", "category"):
                fail(key, value, _("unknown field “%(value)s”") % {"value": key})

        # identity
        name = values.get("name") or (stored["name"] if stored else "")
        if creating and not name and not any(f == "name" for f, _v, _m in errors):
            fail("name", "", _("a project needs a name"))
        out.name = name
        code = values.get("code") or (stored["code"] if stored else "")
        out.code = code
        keys: list[tuple] = [("code", code)] if code else []
        if creating and name:
            keys.append(("name", row.name_key or name_key(name), unit))
        if not creating:
            keys.append(("pk", pk))
        for key in keys:
            if key in self.seen:
                shown = code if key[0] == "code" else name
                fail("code" if key[0] == "code" else "name", shown,
                     _same_as(self.seen[key]))  # fmt: skip
                break
        for key in keys:
            self.seen.setdefault(key, row.ref)

        # where, and who may write it
        stored_unit = stored["unit_id"] if stored else None
        target_unit = stored_unit
        location = data.get("location")
        if unit is not None and (data.get("unit") or location):
            target_unit = unit
        elif creating and self.default_unit and not data.get("unit"):
            target_unit = self.default_unit
        if not any(f == "unit" for f, _v, _m in errors):
            if creating or target_unit != stored_unit:
                values["unit_id"] = target_unit
            for check in {stored_unit if stored else target_unit, target_unit}:
                reason = self.refusal(check)
                if reason:
                    fail("unit", self.ref.unit_names.get(check or "", "") or "—", reason)
                    break
        if location and (data.get("unit") or self.ref.unit(str(location)) is None):
            if not data.get("address"):
                self._text("address", location, values, stored, fail, out)
        category = data.get("category")
        if category:
            text = str(category)
            simple = self.simplified.get(text)
            if simple is None:
                simple = self.simplified[text] = to_simplified(text)
            self._text("category", simple, values, stored, fail, out)

        # stage and dates
        stage = data.get("stage")
        if stage not in STAGES:
            try:
                stage = rules.choice("stage", stage) if stage not in (None, "") else None
            except rules.RuleError:
                stage = None  # refused by the stage handler, with its message
        if stage is None:
            if creating:
                reached = [s for (p, s) in given if p == "actual"]
                stage = max(reached, key=stage_index) if reached else Stage.LEAD
            else:
                stage = stored["stage"]
        if creating or stage != stored["stage"]:
            values["stage"] = stage
        stored_dates = self.stored_dates.get(pk, {}) if pk else {}
        for (prefix, s), when in given.items():
            before = stored_dates[s].partial(prefix) if s in stored_dates else None
            if before != when:
                out.dates[(prefix, s)] = when
        if given or (stored and "stage" in values):
            self._check_dates(stage, stored_dates, given, fail)
        status = values.get("status", stored["status"] if stored else Status.ON_TRACK)
        if status != Status.ON_TRACK:
            reason = values.get("status_reason", stored["status_reason"] if stored else "")
            if not (reason or "").strip():
                fail("status_reason", "", _("a %(status)s project needs a reason") % {"status": Status(status).label})  # fmt: skip
            if stored is None or status != stored["status"]:
                values["status_since"] = self.today

        out.errors = errors
        out.values = values
        if errors:
            out.action = "error"
        elif stored is not None:
            out.changes = self._changes(stored, values, out, stored_dates)
            if not out.changes:
                out.action, out.values = "unchanged", {}
        return out

    # ---- one handler per key: put the column values to write into `values`

    def _make_handlers(self) -> dict[str, Callable]:
        handlers: dict[str, Callable] = {
            "name": self._name,
            "code": self._code,
            "national_code": self._national_code,
            "industry": self._industry,
            "chain": self._chain,
            "is_foreign": self._bool,
            "is_synthetic": self._bool,
            "nature": self._choice,
            "status": self._choice,
            "stage": self._choice,
            "expected_jobs": self._jobs,
            "parent": self._parent,
            "investors": self._investors,
            "unit": _ignore,
            "location": _ignore,
            "category": _ignore,
        }
        for key in ("address", "description", "phase_label", "capacity", "status_reason"):
            handlers[key] = self._text
        for key in AMOUNT_FIELDS:
            handlers[key] = self._amount
        return handlers

    def _name(self, key, value, values, stored, fail, out) -> None:
        try:
            name = rules.text("name", value)
        except rules.RuleError as exc:
            fail("name", normalise_name(value), exc)
            return
        if stored is None or name_key(name) != self.projects.key_of.get(stored["pk"]):
            values["name"] = name

    def _code(self, key, value, values, stored, fail, out) -> None:
        if stored is None and not rules.blank(value):
            try:
                values["code"] = rules.code(value)
            except rules.RuleError as exc:
                fail("code", _text(value), exc)

    def _national_code(self, key, value, values, stored, fail, out) -> None:
        try:
            values["national_code"] = rules.national_code(value)
        except rules.RuleError as exc:
            fail("national_code", _text(value), exc)

    def _industry(self, key, value, values, stored, fail, out) -> None:
        try:
            values["industry_id"] = rules.industry(value, self.ref)
        except rules.RuleError as exc:
            fail("industry", value, exc)

    def _chain(self, key, value, values, stored, fail, out) -> None:
        try:
            values["chain_id"] = rules.chain(value, self.ref)
        except rules.RuleError as exc:
            fail("chain", value, exc)

    def _bool(self, key, value, values, stored, fail, out) -> None:
        try:
            values[key] = rules.boolean(value)
        except rules.RuleError as exc:
            fail(key, value, exc)

    def _choice(self, key, value, values, stored, fail, out) -> None:
        try:
            chosen = rules.choice(key, value)
        except rules.RuleError as exc:
            fail(key, value, exc)
            return
        if key != "stage":
            values[key] = chosen

    def _jobs(self, key, value, values, stored, fail, out) -> None:
        try:
            values["expected_jobs"] = rules.jobs(value)
        except rules.RuleError as exc:
            fail("expected_jobs", value, exc)

    def _text(self, key, value, values, stored, fail, out) -> None:
        try:
            text = rules.text(key, value)
        except rules.RuleError as exc:
            fail(key, _text(value)[:50] + "…", exc)
            return
        if text:
            values[key] = text

    def _parent(self, key, value, values, stored, fail, out) -> None:
        parent_code = _text(value)
        own = _text(out_code) if (out_code := (stored or {}).get("code")) else None
        if parent_code == own or parent_code == values.get("code"):
            fail("parent", parent_code, _("a project cannot be a phase of itself"))
            return
        parent_pk = self.projects.by_code.get(parent_code)
        if parent_pk is not None:
            values["parent_id"] = parent_pk
        elif parent_code in self.new_codes:
            out.parent_code = parent_code
        else:
            fail(
                "parent",
                parent_code,
                _("no project with code “%(value)s”") % {"value": parent_code},
            )

    def _investors(self, key, raw, values, stored, fail, out) -> None:
        cache_key = raw if isinstance(raw, str) else None
        wanted = self.investor_cache.get(cache_key) if cache_key is not None else None
        if wanted is None:
            try:
                wanted = rules.investors(raw, self.ref)
            except rules.RuleError as exc:
                fail("investors", raw, exc)
                return
            if cache_key is not None:
                if len(self.investor_cache) > 100_000:
                    self.investor_cache.clear()
                self.investor_cache[cache_key] = wanted
        if wanted:
            out.investors = list(wanted)

    def _amount(self, name, value, values, stored, fail, out) -> None:
        try:
            columns = rules.amount(name, value)
        except (rules.RuleError, AmountError) as exc:
            fail(name, value, exc)
            return
        foreign = name in FOREIGN_AMOUNTS
        wan, qualifier, _text_key, currency, original, _rate = _AMOUNT_KEYS[name]
        if stored is not None:
            same_qualifier = stored[qualifier] == columns[qualifier]
            if foreign and columns[currency] != "CNY":
                same = (
                    stored[currency] == columns[currency]
                    and stored[original] == columns[original]
                    and same_qualifier
                )
            else:
                same = (
                    stored[wan] == columns[wan]
                    and same_qualifier
                    and (not foreign or stored[currency] == "CNY")
                )
            if same:
                return  # written differently perhaps (3.5亿 / 35000), but the same amount
        values.update(columns)

    def _changes(self, stored: dict, values: dict, out: BulkOutcome, stored_dates) -> dict:
        """What writing `values` changes in a stored project, field by field."""
        changes: dict[str, list[Any]] = {}
        for column in list(values):
            before, after = stored.get(column), values[column]
            if before == after or (before in (None, "") and after in (None, "")):
                del values[column]
                continue
            label = FK_FIELDS.get(column, column)
            changes[label] = [self._shown(column, before), self._shown(column, after)]
        if out.parent_code:
            changes["parent"] = [self._shown("parent_id", stored.get("parent_id")), out.parent_code]
        for (prefix, s), when in out.dates.items():
            before = stored_dates[s].partial(prefix) if s in stored_dates else None
            changes[f"{prefix}_{s}"] = [None if before is None else str(before), str(when)]
        if out.investors is not None:
            stored_links = self.stored_investors.get(out.project_id, [])
            if [i for i, _n in stored_links] != out.investors:
                after_names = [self._investor_name(i) for i in out.investors]
                changes["investors"] = [[n for _i, n in stored_links], after_names]
            else:
                out.investors = None
        if "status_since" in values and "status" not in values:
            del values["status_since"]
            changes.pop("status_since", None)
        return changes

    def _investor_name(self, item: int | str) -> str:
        return self.ref.enterprise_names.get(item, "") if isinstance(item, int) else item

    def creation_changes(self, out: BulkOutcome) -> dict[str, list[Any]]:
        """A new project's history: every field it was given, as `save_tracked` records."""
        changes: dict[str, list[Any]] = {}
        for column, value in out.values.items():
            kind = value.__class__
            if value is None or value is False or (kind is str and not value):
                continue
            if kind is str or kind is int or kind is bool:
                changes[FK_FIELDS.get(column, column)] = [None, value]
            elif column in FK_FIELDS:
                changes[FK_FIELDS[column]] = [None, self._shown(column, value)]
            elif kind is Decimal:  # _plain_fast, inline: 10^6 amounts
                integral = value == value.to_integral()
                changes[column] = [None, format(value.normalize(), "f") if integral else str(value)]
            else:
                changes[column] = [None, _plain_fast(value)]
        for column in ("unit_id", "industry_id", "chain_id", "parent_id"):
            if out.values.get(column) is not None:
                changes[FK_FIELDS[column]] = [None, self._shown(column, out.values[column])]
        if out.parent_code:
            changes["parent"] = [None, out.parent_code]
        date_texts = self.date_texts
        for key, when in out.dates.items():
            text = date_texts.get(when)
            if text is None:
                text = date_texts[when] = str(when)
            changes[_DATE_LABELS[key]] = [None, text]
        if out.investors:
            changes["investors"] = [None, [self._investor_name(i) for i in out.investors]]
        return changes

    def _check_dates(self, stage, stored_dates, given, fail) -> None:
        """`rules.check_dates` on the stored and the given dates."""
        stored = {
            s: (sd.partial("planned"), sd.partial("actual")) for s, sd in stored_dates.items()
        }
        for field_name, value, message in rules.check_dates(
            stage, stored, given, self.today_partial
        ):
            fail(field_name, value, message)

    def _shown(self, column: str, value: Any) -> Any:
        if value is None:
            return None
        if column == "unit_id":
            return self.ref.unit_names.get(value, value)
        if column == "industry_id":
            return self.ref.industry_str.get(value, value)
        if column == "chain_id":
            return self.ref.chain_names.get(value, value)
        if column == "parent_id":
            return self.projects.code_of.get(value, value)
        return _plain(value)

    def _check_parents(self, outcomes: list[BulkOutcome]) -> None:
        """A phase whose parent is created by the same import must not loop back to itself."""
        parent_of = {
            o.code or o.values.get("code"): o.parent_code for o in outcomes if o.parent_code
        }
        for o in outcomes:
            if not o.parent_code:
                continue
            seen, node = {o.values.get("code")}, o.parent_code
            while node in parent_of:
                if node in seen:
                    o.errors.append(
                        ("parent", o.parent_code, _("a project cannot be a phase of itself"))
                    )
                    o.action = "error"
                    break
                seen.add(node)
                node = parent_of[node]


def _same_as(ref: Any) -> str:
    if isinstance(ref, tuple) and len(ref) == 2:
        return _("the same project as row %(row)s of sheet “%(sheet)s”") % {
            "row": ref[1],
            "sheet": ref[0],
        }
    return _("the same project as row %(row)s of this file") % {"row": ref}


def default_unit_for(user) -> str | None:
    """A town editor's rows without a unit belong to the editor's own unit."""
    if role_of(user) == Role.TOWN_EDITOR:
        profile = getattr(user, "profile", None)
        return profile.unit_id if profile is not None else None
    return None


def check_may_import(user) -> None:
    """Editors may import; a leader or a user without a role is told why not."""
    role = role_of(user)
    if role is None or role == Role.LEADER:
        raise NotAllowed(edit_refusal(user, None) or _("You may not import projects."))


def plan_projects(
    *,
    user,
    rows: Iterable[BulkRow],
    default_unit: str | None = None,
    progress: Callable | None = None,
) -> BulkPlan:
    """Check every row (nothing is written). Rows refused to this user are errors."""
    check_may_import(user)
    planner = _Planner(user, default_unit if default_unit is not None else default_unit_for(user))
    return planner.plan(list(rows), progress)


@transaction.atomic
def write_projects(
    *, user, plan: BulkPlan, reason: str, progress: Callable | None = None
) -> BulkPlan:
    """Write a plan without errors: all of it in one transaction, or nothing."""
    if plan.has_errors:
        raise ValueError("a plan with errors cannot be written")
    now = timezone.now()
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    creates = [o for o in plan.outcomes if o.action == "create"]
    updates = [o for o in plan.outcomes if o.action == "update"]
    total = len(creates) + len(updates)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    # new projects: codes per county (the project's unit's), counted on from the last one
    year = now.astimezone().year
    serials: dict[str, int] = {}
    taken = {o.values["code"] for o in creates if "code" in o.values}
    for o in creates:
        if "code" not in o.values:
            prefix = project_code_prefix(year, o.values.get("unit_id"))
            if prefix not in serials:
                serials[prefix] = last_code_serial(prefix)
            serials[prefix] += 1
            while f"{prefix}{serials[prefix]:04d}" in taken:
                serials[prefix] += 1
            o.values["code"] = f"{prefix}{serials[prefix]:04d}"
        o.code = o.values["code"]
    stamp = {"created_by_id": user_id, "created_at": now, "updated_at": now}
    varying = sorted(set(stamp).union(*(o.values for o in creates)))
    inserter = _Inserter(Project, varying, fixed=stamp)
    last_pk = Project.objects.aggregate(last=Max("pk"))["last"] or 0
    for chunk in _chunks(creates, 5000):
        inserter.insert(o.values for o in chunk)
        tick(len(chunk) // 2)
    # The new ids: new rows get ids above the last one, so one pass over those finds them
    # (10^5 codes in IN lists cost 100 queries); codes not found so are asked for by name.
    wanted = {o.code for o in creates}
    ids: dict[str, int] = {}
    for code, pk in (
        Project.objects.filter(pk__gt=last_pk).values_list("code", "pk").iterator(10_000)
    ):
        if code in wanted:
            ids[code] = pk
    for chunk in _chunks([c for c in wanted if c not in ids]):
        ids.update(Project.objects.filter(code__in=chunk).values_list("code", "pk"))
    for o in creates:
        o.project_id = ids[o.code]
    for o in creates + updates:
        if o.parent_code:
            Project.objects.filter(pk=o.project_id).update(parent_id=ids[o.parent_code])

    # changed projects: one UPDATE statement per set of changed columns
    groups: dict[tuple[str, ...], list[BulkOutcome]] = defaultdict(list)
    for o in updates:
        groups[tuple(sorted(o.values))].append(o)
    fields = {f.attname: f for f in Project._meta.concrete_fields}
    qn = connection.ops.quote_name
    for columns, members in groups.items():
        if not columns:
            sql = f"UPDATE {qn(Project._meta.db_table)} SET version = version + 1, updated_at = %s WHERE id = %s"
            params = [
                [fields["updated_at"].get_db_prep_save(now, connection), o.project_id]
                for o in members
            ]
        else:
            sets = ", ".join(f"{qn(fields[c].column)} = %s" for c in columns)
            sql = f"UPDATE {qn(Project._meta.db_table)} SET {sets}, version = version + 1, updated_at = %s WHERE id = %s"
            stamp = fields["updated_at"].get_db_prep_save(now, connection)
            params = [
                [fields[c].get_db_prep_save(o.values[c], connection) for c in columns]
                + [stamp, o.project_id]
                for o in members
            ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        tick(len(members) // 2)

    # stage dates
    _write_dates(creates + updates, user_id, now)
    # investors
    _write_investors(plan, creates + updates, user_id, now, reason)
    # history
    logs = _change_logs(Project, reason=reason, user_id=user_id, at=now)
    creation_changes = plan.planner.creation_changes
    for chunk in _chunks(creates + updates, 5000):
        logs.insert(
            {
                "object_id": str(o.project_id),
                "object_repr": (o.values.get("name") or o.name)[:300],
                "action": ChangeAction.CREATE if o.action == "create" else ChangeAction.UPDATE,
                "changes": creation_changes(o) if o.action == "create" else o.changes,
            }
            for o in chunk
        )
        tick(len(chunk) - len(chunk) // 2)
    plan.written = True
    return plan


def _change_logs(model, **fixed: Any) -> _Inserter:
    """An inserter of ChangeLog rows about `model` objects, `fixed` the same in every row."""
    content_type = ContentType.objects.get_for_model(model).pk
    columns = ["content_type_id", "object_id", "object_repr", "action", "changes", "reason",
               "user_id", "at"]  # fmt: skip
    return _Inserter(ChangeLog, columns, fixed={"content_type_id": content_type, **fixed})


_DATE_COLUMNS = {"planned": ("planned_on", "planned_precision"),
                 "actual": ("actual_on", "actual_precision")}  # fmt: skip


def _write_dates(outcomes: list[BulkOutcome], user_id, now) -> None:
    wanted = [o for o in outcomes if o.dates]
    if not wanted:
        return
    existing: dict[tuple[int, str], StageDate] = {}
    for chunk in _chunks([o.project_id for o in wanted if o.action == "update"]):
        for sd in StageDate.objects.filter(project_id__in=chunk):
            existing[(sd.project_id, sd.stage)] = sd
    changed: dict[int, StageDate] = {}  # by pk, in the order first changed

    def new_rows() -> Iterator[dict[str, Any]]:
        # one outcome per project, so a project's new rows are all made by its outcome
        for o in wanted:
            rows: dict[str, dict[str, Any]] = {}
            for (prefix, stage), when in o.dates.items():
                sd = existing.get((o.project_id, stage)) if existing else None
                if sd is None:  # a new row, or the one this project's other date made
                    target = rows.get(stage)
                    if target is None:
                        target = rows[stage] = {"project_id": o.project_id, "stage": stage}
                else:
                    target = {}
                on, precision = _DATE_COLUMNS[prefix]
                if when is None:
                    target[on], target[precision] = None, "day"
                else:
                    target[on], target[precision] = when.date, when.precision
                if prefix == "actual":
                    target["recorded_by_id"], target["recorded_at"] = user_id, now
                if sd is not None:
                    for k, v in target.items():
                        setattr(sd, k, v)
                    changed.setdefault(sd.pk, sd)
            yield from rows.values()

    columns = ["project_id", "stage", "planned_on", "planned_precision", "actual_on",
               "actual_precision", "recorded_by_id", "recorded_at"]  # fmt: skip
    inserter = _Inserter(StageDate, columns)
    for batch in _batches(new_rows()):
        inserter.insert(batch)
    if changed:
        StageDate.objects.bulk_update(
            list(changed.values()),
            [
                "planned_on",
                "planned_precision",
                "actual_on",
                "actual_precision",
                "recorded_by",
                "recorded_at",
            ],
            batch_size=500,
        )


def _write_investors(plan: BulkPlan, outcomes: list[BulkOutcome], user_id, now, reason) -> None:
    wanted = [o for o in outcomes if o.investors]
    if not wanted:
        return
    names = list(dict.fromkeys(n for o in wanted for n in o.investors if isinstance(n, str)))
    created: dict[str, int] = {}
    if names:
        inserter = _Inserter(Enterprise, ["name", "created_at", "updated_at"])
        for chunk in _chunks(names, 5000):
            inserter.insert({"name": n, "created_at": now, "updated_at": now} for n in chunk)
        for chunk in _chunks(names):
            created.update(Enterprise.objects.filter(name__in=chunk).values_list("name", "pk"))
        first_project = {}
        for o in wanted:
            for n in o.investors:
                if isinstance(n, str):
                    first_project.setdefault(n, o.code)
        logs = _change_logs(Enterprise, action=ChangeAction.CREATE, user_id=user_id, at=now)
        for chunk in _chunks(names, 5000):
            logs.insert(
                {
                    "object_id": str(created[n]),
                    "object_repr": n[:300],
                    "changes": {"name": [None, n]},
                    "reason": _("registered as a new investor of project %(code)s")
                    % {"code": first_project[n]},
                }
                for n in chunk
            )
    updated = [o.project_id for o in wanted if o.action == "update"]
    for chunk in _chunks(updated):
        ProjectInvestor.objects.filter(project_id__in=chunk).delete()
    links = _Inserter(ProjectInvestor, ["project_id", "enterprise_id", "role"])

    def rows() -> Iterator[dict[str, Any]]:
        for o in wanted:
            seen = set()
            for i, item in enumerate(o.investors):
                pk = created[item] if isinstance(item, str) else item
                if pk in seen:
                    continue
                seen.add(pk)
                yield {
                    "project_id": o.project_id,
                    "enterprise_id": pk,
                    "role": "lead" if i == 0 else "partner",
                }

    for batch in _batches(rows()):
        links.insert(batch)


def import_projects(
    *,
    user,
    rows: Iterable[BulkRow],
    reason: str,
    commit: bool,
    default_unit: str | None = None,
    progress: Callable | None = None,
) -> BulkPlan:
    """Check all rows; with `commit` and no errors, write them in the same transaction."""
    if not commit:
        return plan_projects(user=user, rows=rows, default_unit=default_unit, progress=progress)
    with transaction.atomic():
        plan = plan_projects(user=user, rows=rows, default_unit=default_unit, progress=progress)
        if not plan.has_errors:
            write_projects(user=user, plan=plan, reason=reason, progress=progress)
    return plan
