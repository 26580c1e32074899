"""The outside universe: target firms imported from a workbook or CSV, de-duplicated against
the registry, placed on chain nodes, then ranked with the local firms (`chains.targets`).

A row is a firm: name, unified social credit code, place (a region at any level: 深圳市南山区,
上海, 锦丰镇), GB/T 4754 industry code, business scope and size band (and optionally an ISO
country code). Each row is matched to the registry in this order:

1. by credit code (the firm itself, whatever its name);
2. by name, alias or credit code as the one resolver reads them (`core.names.Lookup`:
   traditional characters, full-width forms and bracket styles are one name);
3. by a variant of the name (`lib.names.firm_key`: without its legal form 有限公司 or a
   bracketed （中国）), unless the two credit codes differ (two legal persons).

A matched firm gets the row's facts where the registry has none; a fact the registry holds
differently is kept and reported ("never silently overwrite") unless `overwrite` is asked
for, and then changed with the old value in the history. A matched name that is not yet one
of the firm's names becomes an alias. Two rows of one firm in a file are refused, naming the
first.

The dry run is the import itself, rolled back: it writes through the registry's services
(`create_enterprise`, `update_enterprise`) and places the firms with the chain classifier
(`chains.services.place_enterprises`), so what it shows is exactly what confirming writes.
The import writes every row or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError
from zhaoshang.core.names import Lookup
from zhaoshang.enterprises.access import check_can_edit_enterprises
from zhaoshang.enterprises.models import AliasKind, Enterprise, SizeBand
from zhaoshang.enterprises.services import _text as registry_text
from zhaoshang.enterprises.services import create_enterprise, parse_size_band, update_enterprise
from zhaoshang.lib.creditcode import CreditCodeError, validate_credit_code
from zhaoshang.lib.excel import WorkbookError, header_key, read_workbook, rows_under_header
from zhaoshang.lib.names import firm_key, fold
from zhaoshang.projects.rules import RuleError

# Headers as people write them -> the row's keys (compared after `header_key`).
HEADERS = {
    "name": ("企业名称", "名称", "公司名称", "企业", "单位名称", "name", "enterprise", "company"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc", "credit_code",
                    "creditcode", "unified social credit code"),
    "place": ("所在地", "所在地区", "注册地", "地区", "住所", "place", "location", "region"),
    "industry": ("行业代码", "国民经济行业代码", "国民经济行业", "行业", "所属行业", "industry",
                 "industry_code", "industrycode"),
    "business_scope": ("经营范围", "business_scope", "businessscope", "business scope", "scope"),
    "size_band": ("企业规模", "规模", "size_band", "sizeband", "size band", "size"),
    "country": ("国别", "国家或地区", "国家", "country"),
}  # fmt: skip
_BY_HEADER = {header_key(h): key for key, words in HEADERS.items() for h in words}
# The registry field each row key writes.
TARGET = {"name": "name", "credit_code": "credit_code", "place": "region",
          "industry": "industry", "business_scope": "business_scope",
          "size_band": "size_band", "country": "country"}  # fmt: skip
HEADER_ROWS = 10  # the header is looked for in the first rows
MAX_ROWS = 5000  # firms per file: a larger universe is imported in parts


@dataclass
class Problem:
    field: str
    value: str
    message: str


@dataclass
class RowOutcome:
    """What one row does: create, update, unchanged or refused, and why."""

    row: int
    name: str
    action: str = "refused"
    enterprise_id: int | None = None
    enterprise_name: str = ""
    matched_by: str = ""  # credit_code, name, variant
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # field, before, after
    kept: list[tuple[str, str, str]] = field(default_factory=list)  # field, registry, file
    problems: list[Problem] = field(default_factory=list)
    place: str = ""
    nodes: list[str] = field(default_factory=list)  # 新能源 · 储能电池

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "name": self.name,
            "action": self.action,
            "enterprise_id": self.enterprise_id,
            "enterprise_name": self.enterprise_name,
            "matched_by": self.matched_by,
            "changes": [{"field": f, "before": a, "after": b} for f, a, b in self.changes],
            "kept": [{"field": f, "registry": a, "file": b} for f, a, b in self.kept],
            "problems": [p.__dict__ for p in self.problems],
            "place": self.place,
            "nodes": self.nodes,
        }


@dataclass
class UniverseResult:
    rows: list[RowOutcome]
    dry_run: bool
    written: bool = False
    placements: int = 0

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "refused")}

    @property
    def refused(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.action == "refused"]

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "written": self.written,
            "counts": self.counts,
            "placements": self.placements,
            "rows": [r.as_json() for r in self.rows],
        }


class UniverseRefused(Exception):
    """Some rows were refused: nothing was written. `result` says which and why."""

    def __init__(self, result: UniverseResult) -> None:
        super().__init__(
            _("%(n)s rows were refused; nothing was imported") % {"n": len(result.refused)}
        )
        self.result = result


class _Rollback(Exception):
    pass


# -- reading a file ----------------------------------------------------------------------


def _column_of(cell: Any) -> str | None:
    """The row key a header cell names: 企业名称, "企业名称 name", "*name"."""
    text = "" if cell is None else str(cell)
    key = header_key(text)
    if key in _BY_HEADER:
        return _BY_HEADER[key]
    for piece in text.replace("/", " ").split():
        if header_key(piece) in _BY_HEADER:
            return _BY_HEADER[header_key(piece)]
    return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an industry code read as a number: 3841.0 -> 3841
    return str(value).strip()


def read_rows(data: bytes, filename: str = "") -> list[tuple[int, dict[str, str]]]:
    """(row number as the file shows it, {key: text}) for every non-empty row under the
    header of the first sheet with one. Raises InputError({"file": message})."""
    from zhaoshang.excel.services import workbook_message

    try:
        sheets = read_workbook(data, filename)
    except WorkbookError as exc:
        raise InputError({"file": workbook_message(exc)}) from None
    out = rows_under_header(sheets, _column_of, "name", HEADER_ROWS, _cell)
    if out == []:
        raise InputError({"file": _("the sheet has a header but no firms under it")})
    if out is not None and len(out) > MAX_ROWS:
        raise InputError(
            {
                "file": _("the file holds %(n)s firms, more than %(max)s; import it in parts")
                % {"n": len(out), "max": MAX_ROWS}
            }
        )
    if out is not None:
        return out
    raise InputError(
        {
            "file": _(
                "no header row found: the first %(n)s rows of a sheet need a column 企业名称 "
                "(name); the others are 统一社会信用代码, 所在地, 行业代码, 经营范围, 企业规模"
            )
            % {"n": HEADER_ROWS}
        }
    )


# -- importing rows ----------------------------------------------------------------------


def _label(key: str) -> str:
    return str(Enterprise._meta.get_field(TARGET[key]).verbose_name)


def _shown(enterprise: Enterprise, key: str, names: Lookup) -> str:
    """A registry value as the dry run shows it."""
    if key == "place":
        return names.place_name(enterprise.region_id)
    if key == "industry":
        return enterprise.industry_id or ""
    if key == "size_band":
        return str(SizeBand(enterprise.size_band).label) if enterprise.size_band else ""
    return str(getattr(enterprise, TARGET[key]) or "")


class _Import:
    def __init__(self, *, user, overwrite: bool, reason: str) -> None:
        self.user, self.overwrite, self.reason = user, overwrite, reason
        self.names = Lookup()
        self.seen_codes: dict[str, int] = {}
        self.seen_keys: dict[str, int] = {}

    def clean(self, number: int, raw: dict[str, Any], out: RowOutcome) -> dict[str, Any] | None:
        """The row's values as the registry keeps them (key -> value), or None with the
        problems on `out`."""
        values = {
            k: " ".join(str(v or "").split()) if k != "business_scope" else str(v or "")
            for k, v in raw.items()
        }
        values = {k: v.strip() for k, v in values.items() if k in TARGET and v.strip()}
        problems = out.problems
        for key in ("name", "business_scope"):  # the registry's character rule, before a query
            if key in values:
                try:
                    values[key] = registry_text(key, values[key])
                except RuleError as exc:
                    problems.append(Problem(_label(key), raw[key], str(exc)))
                    values.pop(key)
        if not values.get("name") and not problems:
            problems.append(Problem(_label("name"), "", _("a firm needs a name")))
        if "credit_code" in values:
            try:
                values["credit_code"] = validate_credit_code(values["credit_code"])
            except CreditCodeError as exc:
                problems.append(Problem(_label("credit_code"), raw["credit_code"], str(exc)))
        if "place" in values:
            code = self.names.place(values["place"])
            if code is None:
                message = self.names.place_error(values["place"])
                problems.append(Problem(_label("place"), values["place"], message))
            values["place_code"] = code
        if "industry" in values:
            code = self.names.industry(values["industry"])
            if code is None:
                message = self.names.industry_error(values["industry"])
                problems.append(Problem(_label("industry"), values["industry"], message))
            values["industry_code"] = code
        if "size_band" in values:
            try:
                values["size_band_code"] = parse_size_band(values["size_band"])
            except ValueError as exc:
                problems.append(Problem(_label("size_band"), values["size_band"], str(exc)))
        return None if problems else values

    def duplicate(self, number: int, values: dict[str, Any], out: RowOutcome) -> bool:
        """A second row of one firm in the file (by credit code or by name variant)."""
        code, key = values.get("credit_code"), firm_key(values["name"])
        first = self.seen_codes.get(code) if code else None
        if first is not None:
            out.problems.append(
                Problem(
                    _label("credit_code"),
                    code,
                    _("the same credit code as row %(row)s") % {"row": first},
                )
            )
            return True
        first = self.seen_keys.get(key)
        if first is not None:
            out.problems.append(
                Problem(
                    _label("name"),
                    values["name"],
                    _(
                        "the same firm as row %(row)s (the names differ only in how they are "
                        "written)"
                    )
                    % {"row": first},
                )
            )
            return True
        if code:
            self.seen_codes[code] = number
        self.seen_keys[key] = number
        return False

    def match(self, values: dict[str, Any], out: RowOutcome) -> Enterprise | None:
        """The registered firm the row is, None for a new one; problems on `out`."""
        code, name = values.get("credit_code"), values["name"]
        by_code = Enterprise.objects.filter(credit_code=code).first() if code else None
        by_name_pk = self.names.enterprise(name)
        by_name = Enterprise.objects.filter(pk=by_name_pk).first() if by_name_pk else None
        if by_code is not None:
            if by_name is not None and by_name.pk != by_code.pk:
                out.problems.append(
                    Problem(
                        _label("credit_code"),
                        code,
                        _("the credit code is %(a)s's but the name is %(b)s's")
                        % {"a": by_code.name, "b": by_name.name},
                    )
                )
                return None
            out.matched_by = "credit_code"
            return by_code
        if by_name is not None:
            if code and by_name.credit_code and by_name.credit_code != code:
                out.problems.append(
                    Problem(
                        _label("credit_code"),
                        code,
                        _("“%(name)s” is registered with the credit code %(code)s")
                        % {"name": by_name.name, "code": by_name.credit_code},
                    )
                )
                return None
            out.matched_by = "name"
            return by_name
        like = Enterprise.objects.filter(pk__in=self.names.enterprise_variant(name))
        like = [
            e for e in like.order_by("pk") if not (code and e.credit_code and e.credit_code != code)
        ]
        if len(like) > 1:
            out.problems.append(
                Problem(
                    _label("name"),
                    name,
                    _("the name is like several registered firms: %(names)s")
                    % {"names": "、".join(e.name for e in like[:5])},
                )
            )
            return None
        if like:
            out.matched_by = "variant"
            return like[0]
        return None

    def data_for(self, values: dict[str, Any]) -> dict[str, Any]:
        """The row as the registry's services take it."""
        data = {}
        for key in ("credit_code", "business_scope", "country"):
            if key in values:
                data[key] = values[key]
        if "place" in values:
            data["region"] = values["place_code"]
        if "industry" in values:
            data["industry"] = values["industry_code"]
        if "size_band" in values:
            data["size_band"] = values["size_band_code"]
        return data

    def row(self, number: int, raw: dict[str, Any]) -> RowOutcome:
        out = RowOutcome(row=number, name=" ".join(str(raw.get("name") or "").split()))
        values = self.clean(number, raw, out)
        if values is None or self.duplicate(number, values, out):
            return out
        enterprise = self.match(values, out)
        if out.problems:
            return out
        data = self.data_for(values)
        try:
            if enterprise is None:
                enterprise = create_enterprise(
                    user=self.user, data={"name": values["name"], **data}, reason=self.reason
                )
                self.names.note_enterprise(enterprise.pk, enterprise.name)
                out.action = "create"
            else:
                out.action = self.update(enterprise, values, data, out)
        except InputError as exc:
            for key, messages in exc.fields.items():
                row_key = next((k for k, t in TARGET.items() if t == key), key)
                label = _label(row_key) if row_key in TARGET else key
                out.problems += [Problem(label, str(raw.get(row_key, "")), m) for m in messages]
            out.action = "refused"
            return out
        out.enterprise_id, out.enterprise_name = enterprise.pk, enterprise.name
        out.place = self.names.place_name(enterprise.region_id)
        return out

    def update(self, enterprise: Enterprise, values: dict, data: dict, out: RowOutcome) -> str:
        current = {
            "credit_code": enterprise.credit_code, "business_scope": enterprise.business_scope,
            "country": enterprise.country, "region": enterprise.region_id or "",
            "industry": enterprise.industry_id or "", "size_band": enterprise.size_band,
        }  # fmt: skip
        keys = {"region": "place", "industry": "industry", "size_band": "size_band"}
        changed: dict[str, Any] = {}
        for target, new in data.items():
            key = keys.get(target, target)
            old = current[target]
            if str(old) == str(new) or (target == "country" and old == str(new).upper()):
                continue
            before = _shown(enterprise, key, self.names)
            after = values.get(key, new)
            if old in ("", None) or self.overwrite:
                changed[target] = new
                out.changes.append((_label(key), before, str(after)))
            else:
                out.kept.append((_label(key), before, str(after)))
        name = values["name"]
        aliases = list(enterprise.aliases.values_list("alias", "kind"))
        if fold(name) != fold(enterprise.name) and fold(name) not in {fold(a) for a, _k in aliases}:
            changed["aliases"] = [*aliases, (name, AliasKind.OTHER)]
            out.changes.append((_("alias"), "", name))
        if not changed:
            return "unchanged"
        update_enterprise(user=self.user, enterprise=enterprise, data=changed, reason=self.reason)
        return "update"


def import_universe(
    *,
    user,
    rows: list[tuple[int, dict[str, Any]]],
    dry_run: bool = True,
    overwrite: bool = False,
    reason: str = "",
    is_synthetic: bool = False,
) -> UniverseResult:
    """Check the rows and (unless `dry_run`) write them all, or none (UniverseRefused).

    `rows` as `read_rows` gives them: (row number, {name, credit_code, place, industry,
    business_scope, size_band, country}). `is_synthetic` marks the firms created (the demo's).
    """
    from zhaoshang.chains.models import Placement
    from zhaoshang.chains.services import place_enterprises

    check_can_edit_enterprises(user)
    result = UniverseResult(rows=[], dry_run=dry_run)
    reason = reason or _("target firms imported")
    try:
        with transaction.atomic():
            work = _Import(user=user, overwrite=overwrite, reason=reason)
            result.rows = [work.row(number, raw) for number, raw in rows]
            created = [r.enterprise_id for r in result.rows if r.action == "create"]
            if is_synthetic and created:
                Enterprise.objects.filter(pk__in=created).update(is_synthetic=True)
            touched = created + [r.enterprise_id for r in result.rows if r.action == "update"]
            if touched:  # placed in a dry run too: it shows where each would go
                result.placements = place_enterprises(enterprise_ids=touched).placements
                nodes: dict[int, list[str]] = {}
                for eid, chain, node in (
                    Placement.objects.filter(enterprise_id__in=touched, is_active=True)
                    .order_by("-confidence", "node__chain__order", "node__name")
                    .values_list("enterprise_id", "node__chain__name", "node__name")
                ):
                    nodes.setdefault(eid, []).append(f"{chain} · {node}")
                for r in result.rows:
                    r.nodes = nodes.get(r.enterprise_id, [])
            if dry_run or result.refused:
                raise _Rollback
            result.written = True
    except _Rollback:
        pass
    if not dry_run and result.refused:
        raise UniverseRefused(result)
    return result
