"""Writes to clusters and indicators. Each function checks everything first, then writes
in one transaction and records the change (who, when, before, after).

Bad input is refused with an `InputError` naming the field and the value; nothing is
written then. The rules:

- a target needs a year (its period: 2024, 2024-Q2 or 2024-06);
- a share is between 0 and 100%;
- a figure's unit is the unit of its indicator (亿元 is not 万元, % is not 亿元);
- derived indicators are computed, never entered;
- a second value for the same indicator, scope, period and kind is an edit: it is
  refused unless sent as one (`replace=True`) with a reason, and the value it replaces
  stays in the history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhaoshang.chains.models import Chain, Node
from zhaoshang.clusters.access import check_can_define, figure_refusal
from zhaoshang.clusters.formula import Formula, FormulaError
from zhaoshang.clusters.models import (
    CLUSTER_OUTPUT,
    Cluster,
    Indicator,
    IndicatorDefinition,
    IndicatorKind,
    ValueType,
)
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.history import record, save_tracked
from zhaoshang.core.models import ChangeAction, Source
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Industry
from zhaoshang.lib import money
from zhaoshang.lib.textnorm import normalise_text
from zhaoshang.projects.queries import find_unit
from zhaoshang.regions.home import home_code, home_region
from zhaoshang.regions.models import Region

FIRST_YEAR, LAST_YEAR = 1949, 2100
VALUE_DIGITS, VALUE_PLACES = 18, 6  # the Indicator.value column: 24 digits, 6 after the point

# --- Periods ---------------------------------------------------------------------------

_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_YEAR = re.compile(r"^(\d{4})\s*(?:年度?)?$")
_QUARTER = re.compile(
    r"^(\d{4})\s*(?:年|-|/|\.)?\s*(?:Q|第)?\s*([1-4一二三四])\s*(?:季度|季)?$", re.I
)
_MONTH = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*月?$")
_SPAN = re.compile(r"^\d{4}\s*年?\s*\d{1,2}\s*[-–~至到]\s*\d{1,2}\s*月$")


def parse_period(value: Any) -> str:
    """`2022`, `2022年` -> "2022"; `2022Q1`, `2022年一季度` -> "2022-Q1"; `2022年3月` -> "2022-03".

    Raises ValueError with a message naming the value.
    """
    if isinstance(value, int):
        value = str(value)
    text = normalise_text(str(value or "")).upper().replace(" ", "")
    if not text:
        raise ValueError(_("a period is needed (2024, 2024-Q2 or 2024-06)"))
    if _SPAN.match(text):
        raise ValueError(
            _(
                "“%(value)s” spans several months; give one month (2024-06), a quarter "
                "(2024-Q2) or a year (2024)"
            )
            % {"value": value}
        )
    year, suffix = None, ""
    if m := _YEAR.match(text):
        year = m.group(1)
    elif (m := _QUARTER.match(text)) and ("Q" in text or "季" in text):
        year, suffix = m.group(1), f"-Q{_CN_DIGITS.get(m.group(2), m.group(2))}"
    elif (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        year, suffix = m.group(1), f"-{int(m.group(2)):02d}"
    if year is None or not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(
            _("“%(value)s” is not a period (write 2024, 2024-Q2 or 2024-06)") % {"value": value}
        )
    return f"{year}{suffix}"


def period_year(period: str) -> int:
    return int(period[:4])


def shift_period(period: str, years: int) -> str:
    """The same month, quarter or year `years` later (negative: earlier)."""
    return f"{period_year(period) + years}{period[4:]}"


def period_kind(period: str) -> str:
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


# --- Figures: value, qualifier, unit ---------------------------------------------------

_NUMBER = re.compile(r"^([+-]?\d[\d,]*(?:\.\d+)?)\s*(.*)$")


def normalise_unit(text: str) -> str:
    return normalise_text(str(text or "")).replace(" ", "").replace("％", "%")


def parse_qualifier(value: Any) -> str | None:
    """A figure's qualifier from `lib.money`'s vocabulary (超, 不少于, 约, 不超过, ≥ or the
    value itself); None when blank."""
    text = normalise_text(str(value or "")).strip()
    if not text:
        return None
    try:
        return money.parse_qualifier(text).value
    except ValueError:
        raise ValueError(
            _("unknown qualifier “%(value)s” (exact, at_least/超, approx/约, at_most/不超过)")
            % {"value": value}
        ) from None


def parse_figure(value: Any) -> tuple[Decimal, str | None, str]:
    """`超2400亿元` -> (2400, "at_least", "亿元"); `41.0%` -> (41.0, None, "%"); 7 -> (7, None, "").

    Qualifier words are `lib.money`'s, the ones amounts are read with. Raises ValueError
    naming the value.
    """
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a number") % {"value": value})
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number") % {"value": value})
        return number, None, ""
    if isinstance(value, float):
        return parse_figure(repr(value))
    text = normalise_text(str(value or "")).replace("％", "%")
    if not text:
        raise ValueError(_("a value is needed"))
    try:
        front, text = money.split_qualifier(text)
    except ValueError:
        raise ValueError(
            _("“%(value)s” has two qualifiers that disagree") % {"value": value}
        ) from None
    m = _NUMBER.match(text)
    if not m:
        raise ValueError(_("“%(value)s” is not a number") % {"value": value})
    try:
        number = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number") % {"value": value}) from None
    try:
        back, rest = money.split_qualifier(m.group(2).strip(), after_number=True)
    except ValueError:
        raise ValueError(
            _("“%(value)s” has two qualifiers that disagree") % {"value": value}
        ) from None
    if front is not None and back is not None and front != back:
        raise ValueError(_("“%(value)s” has two qualifiers that disagree") % {"value": value})
    qualifier = front or back
    return number, (qualifier.value if qualifier else None), normalise_unit(rest)


# --- Scopes ----------------------------------------------------------------------------


def resolve_region(value: Any) -> Region:
    """A region by code, or by name: the home region, its townships and their aliases."""
    text = normalise_text(str(value or ""))
    found = Region.objects.filter(code=text).first()
    if found is None:
        found = Region.objects.filter(
            Q(code=home_code()) & (Q(name=text) | Q(short_name=text))
        ).first() or find_unit(text)
    if found is None:
        found = Region.objects.filter(Q(name=text) | Q(short_name=text)).order_by("code").first()
    if found is None:
        raise ValueError(_("unknown administrative unit “%(value)s”") % {"value": text})
    return found


def resolve_cluster(value: Any) -> Cluster:
    if isinstance(value, Cluster):
        return value
    text = normalise_text(str(value or ""))
    found = None
    if text.isdigit():
        found = Cluster.objects.filter(pk=int(text)).first()
    if found is None:
        names = [text, f"{text}产业集群", f"{text}集群"]
        found = Cluster.objects.filter(name__in=names).order_by("pk").first()
    if found is None:
        raise ValueError(_("unknown cluster “%(value)s”") % {"value": text})
    return found


def resolve_chain(value: Any) -> Chain:
    """A chain by code or name as people write it (the one name resolver's answer)."""
    from zhaoshang.projects.services import resolve_chain as resolve

    return value if isinstance(value, Chain) else resolve(value)


def resolve_definition(value: Any) -> IndicatorDefinition:
    """A definition by code or by name (战略性新兴产业产值)."""
    text = normalise_text(str(value or ""))
    found = IndicatorDefinition.objects.filter(Q(code=text) | Q(name=text)).first()
    if found is None:
        raise ValueError(
            _("unknown indicator “%(value)s”; an administrator defines it first") % {"value": text}
        )
    return found


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Recording figures -----------------------------------------------------------------

FIGURE_KEYS = {
    "code",
    "indicator",
    "period",
    "kind",
    "value",
    "unit",
    "unit_of_measure",
    "qualifier",
    "region",
    "cluster",
    "chain",
    "source",
    "note",
    "is_synthetic",
}
_KINDS = {
    "actual": IndicatorKind.ACTUAL,
    "实际": IndicatorKind.ACTUAL,
    "完成": IndicatorKind.ACTUAL,
    "实绩": IndicatorKind.ACTUAL,
    "target": IndicatorKind.TARGET,
    "目标": IndicatorKind.TARGET,
    "计划": IndicatorKind.TARGET,
}


@dataclass
class Figure:
    """One checked figure, ready to write; `existing` is the stored one it would change."""

    definition: IndicatorDefinition
    region: Region
    cluster: Cluster | None
    chain: Chain | None
    period: str
    kind: str
    value: Decimal
    qualifier: str
    unit: str
    note: str = ""
    source: Source | None = None
    is_synthetic: bool = False
    existing: Indicator | None = None
    source_title: str = ""
    status: str = "new"

    @property
    def key(self) -> tuple:
        return (
            self.definition.code,
            self.region.code,
            self.cluster.pk if self.cluster else None,
            self.chain.pk if self.chain else None,
            self.period,
            self.kind,
        )

    def compare(self) -> str:
        """new, unchanged or changed (against what is stored); kept in `status`."""
        if self.existing is None:
            return "new"
        same = (
            self.existing.value == self.value
            and self.existing.qualifier == self.qualifier
            and self.existing.unit_of_measure == self.unit
            and self.existing.is_synthetic == self.is_synthetic
            and (not self.note or self.existing.note == self.note)
            and (self.source is None or self.existing.source_id == self.source.pk)
            and not (self.source is None and self.source_title)
        )
        return "unchanged" if same else "changed"

    @property
    def kind_label(self) -> str:
        return str(IndicatorKind(self.kind).label)

    @property
    def status_label(self) -> str:
        return {"new": _("new"), "changed": _("changed"), "unchanged": _("unchanged")}[self.status]

    def scope_label(self) -> str:
        if self.cluster is not None:
            return self.cluster.name
        if self.chain is not None:
            return f"{self.region} · {self.chain}"
        return str(self.region)


def check_figure(
    user, data: dict[str, Any], *, rights_as_error: bool = True
) -> tuple[Figure | None, dict[str, str]]:
    """Read one figure from user input; collect every error instead of stopping at one.

    Keys: code (or indicator: code or name), period, kind (actual/target), value (number
    or text such as 超2400亿元), unit, qualifier, region, cluster, chain, source, note,
    is_synthetic. Rights are checked too: a `scope` error, or with `rights_as_error=False`
    a `NotAllowed` raised before any other error is reported.
    """
    errors: dict[str, str] = {}
    for key in sorted(set(data) - FIGURE_KEYS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}

    definition = None
    raw_code = data.get("code", data.get("indicator"))
    if _blank(raw_code):
        errors["code"] = _("which indicator? give its code or name")
    else:
        try:
            definition = resolve_definition(raw_code)
        except ValueError as exc:
            errors["code"] = str(exc)
    if definition is not None and definition.is_derived:
        errors["code"] = _(
            "“%(name)s” is derived (%(formula)s) and computed from other figures; "
            "enter those figures instead"
        ) % {"name": definition.name, "formula": definition.formula}

    kind = None
    raw_kind = normalise_text(str(data.get("kind") or "actual")).lower()
    if raw_kind in ("derived", "推算", "计算"):
        errors["kind"] = _("derived figures are computed, never entered")
    elif raw_kind not in _KINDS:
        errors["kind"] = _("“%(value)s” is neither actual nor target") % {"value": data.get("kind")}
    else:
        kind = _KINDS[raw_kind]

    period = None
    if _blank(data.get("period")):
        if kind == IndicatorKind.TARGET:
            errors["period"] = _("a target needs a year: by when? (2024, 2024-Q2 or 2024-06)")
        else:
            errors["period"] = _("which period? (2024, 2024-Q2 or 2024-06)")
    else:
        try:
            period = parse_period(data["period"])
        except ValueError as exc:
            errors["period"] = str(exc)

    cluster = chain = None
    if not _blank(data.get("cluster")):
        try:
            cluster = resolve_cluster(data["cluster"])
        except ValueError as exc:
            errors["cluster"] = str(exc)
    if not _blank(data.get("chain")):
        try:
            chain = resolve_chain(data["chain"])
        except ValueError as exc:
            errors["chain"] = str(exc)
    if cluster is not None and chain is not None:
        errors["chain"] = _("a figure belongs to a cluster or to a chain, not to both")
    region = None
    if not _blank(data.get("region")):
        try:
            region = resolve_region(data["region"])
        except ValueError as exc:
            errors["region"] = str(exc)
    elif cluster is not None:
        region = cluster.unit
    elif "cluster" not in errors:
        region = home_region()  # no region named: the home region's figure
    if region is not None and cluster is not None and region.pk != cluster.unit_id:
        errors["region"] = _("cluster “%(cluster)s” belongs to %(unit)s, not to %(region)s") % {
            "cluster": cluster.name,
            "unit": cluster.unit,
            "region": region,
        }
    if definition is not None and definition.code == CLUSTER_OUTPUT and cluster is None:
        errors.setdefault("cluster", _("a cluster's output needs its cluster"))

    value, qualifier, unit = None, None, ""
    if _blank(data.get("value")):
        errors["value"] = _("a value is needed")
    else:
        try:
            value, qualifier, unit = parse_figure(data["value"])
        except ValueError as exc:
            errors["value"] = str(exc)
    if not _blank(data.get("qualifier")):
        try:
            given = parse_qualifier(data["qualifier"])
        except ValueError as exc:
            errors["qualifier"] = str(exc)
        else:
            if qualifier not in (None, given):
                errors["qualifier"] = _(
                    "the qualifier “%(given)s” disagrees with the value “%(value)s”"
                ) % {"given": data["qualifier"], "value": data["value"]}
            qualifier = given
    raw_unit = data.get("unit", data.get("unit_of_measure"))
    if not _blank(raw_unit):
        given_unit = normalise_unit(raw_unit)
        if unit and given_unit != unit:
            errors["unit"] = _("the unit “%(given)s” disagrees with the value “%(value)s”") % {
                "given": raw_unit,
                "value": data["value"],
            }
        unit = given_unit
    if definition is not None and value is not None:
        expected = normalise_unit(definition.unit_of_measure)
        if unit and unit != expected:
            errors["unit"] = _(
                "“%(name)s” is measured in %(expected)s, not in %(unit)s: convert “%(value)s” "
                "to %(expected)s"
            ) % {
                "name": definition.name,
                "expected": expected,
                "unit": unit,
                "value": data["value"],
            }
        unit = definition.unit_of_measure
        if definition.value_type == ValueType.SHARE and not Decimal(0) <= value <= Decimal(100):
            errors["value"] = _(
                "a share is between 0 and 100%%; “%(name)s” %(value)s%% cannot be right"
            ) % {"name": definition.name, "value": value}
        elif (
            definition.value_type in (ValueType.AMOUNT, ValueType.COUNT, ValueType.SHARE)
            and value < 0
        ):
            errors["value"] = _("“%(name)s” cannot be negative: %(value)s") % {
                "name": definition.name,
                "value": value,
            }
    if value is not None and "value" not in errors:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -VALUE_PLACES:
            errors["value"] = _("%(value)s has more than %(places)s decimals") % {
                "value": value,
                "places": VALUE_PLACES,
            }
        elif abs(value) >= Decimal(10) ** VALUE_DIGITS:
            errors["value"] = _("%(value)s is too large") % {"value": value}

    note = normalise_text(str(data.get("note") or ""))
    if len(note) > 300:
        errors["note"] = _("longer than %(limit)s characters") % {"limit": 300}
    source, source_title = None, ""
    if not _blank(data.get("source")):
        raw = data["source"]
        if isinstance(raw, Source):
            source = raw
        elif isinstance(raw, int) or str(raw).strip().isdigit():
            source = Source.objects.filter(pk=int(raw)).first()
            if source is None:
                errors["source"] = _("no source with id %(value)s") % {"value": raw}
        else:
            source_title = normalise_text(str(raw))[:300]
            source = Source.objects.filter(title=source_title).first()

    if region is not None:
        refusal = figure_refusal(user, region.pk)
        if refusal and not rights_as_error:
            raise NotAllowed(refusal)
        if refusal:
            errors["scope"] = refusal
    if errors:
        return None, errors
    assert definition and region and period and kind and value is not None
    figure = Figure(
        definition=definition,
        region=region,
        cluster=cluster,
        chain=chain,
        period=period,
        kind=kind,
        value=value,
        qualifier=qualifier or "exact",
        unit=unit,
        note=note,
        source=source,
        source_title=source_title,
        is_synthetic=bool(data.get("is_synthetic", False)),
    )
    figure.existing = _stored(figure)
    figure.status = figure.compare()
    return figure, {}


def _stored(figure: Figure) -> Indicator | None:
    qs = Indicator.objects.filter(
        code=figure.definition.code, period=figure.period, kind=figure.kind
    )
    if figure.cluster is not None:
        return qs.filter(cluster=figure.cluster).first()
    return qs.filter(region=figure.region, cluster__isnull=True, chain=figure.chain).first()


def duplicate_message(figure: Figure) -> str:
    old = figure.existing
    assert old is not None
    return _(
        "%(name)s (%(scope)s, %(period)s, %(kind)s) is already recorded as %(old)s %(unit)s; "
        "a second value is an edit: send it as one, with a reason, and the old value stays "
        "in the history"
    ) % {
        "name": figure.definition.name,
        "scope": figure.scope_label(),
        "period": figure.period,
        "kind": old.get_kind_display(),
        "old": _shown(old.value, old.qualifier),
        "unit": old.unit_of_measure,
    }


def _shown(value: Decimal, qualifier: str) -> str:
    from zhaoshang.clusters.formula import Value

    return str(Value(value.normalize() if value == value.to_integral() else value, qualifier))


def _row_name(figure: Figure) -> str:
    """The row's readable name, as the demo loader names cluster targets (X产业集群产值)."""
    if figure.cluster is not None and figure.definition.code == CLUSTER_OUTPUT:
        return f"{figure.cluster.name}产值"[:200]
    if figure.cluster is not None:
        return f"{figure.cluster.name} {figure.definition.name}"[:200]
    if figure.chain is not None:
        return f"{figure.chain.name} {figure.definition.name}"[:200]
    return figure.definition.name


def _write(figure: Figure, *, user, reason: str) -> Indicator:
    source = figure.source
    if source is None and figure.source_title:
        source, _created = Source.objects.get_or_create(title=figure.source_title)
    obj = figure.existing or Indicator(
        code=figure.definition.code,
        region=figure.region,
        cluster=figure.cluster,
        chain=figure.chain,
        period=figure.period,
        kind=figure.kind,
    )
    if figure.existing is None:
        obj.name = _row_name(figure)
    obj.year = period_year(figure.period)
    obj.value = figure.value
    obj.qualifier = figure.qualifier
    obj.unit_of_measure = figure.unit
    obj.is_synthetic = figure.is_synthetic
    if figure.note:
        obj.note = figure.note
    if source is not None:
        obj.source = source
    save_tracked(obj, user=user, reason=reason)
    return obj


@transaction.atomic
def record_figure(
    *, user, data: dict[str, Any], replace: bool = False, reason: str = ""
) -> tuple[Indicator, str]:
    """Record one actual or target. Returns (the indicator row, "new"/"changed"/"unchanged").

    >>> record_figure(user=u, data={"code": "sei_output", "period": "2023", "value": "超2600亿元"})
    """
    figure, errors = check_figure(user, data, rights_as_error=False)
    if errors:
        raise InputError(errors)
    assert figure is not None
    status = figure.status
    if status == "unchanged":
        return figure.existing, status  # type: ignore[return-value]
    if status == "changed":
        if not replace:
            raise InputError({"value": duplicate_message(figure)})
        if not reason.strip():
            raise InputError({"reason": _("changing a recorded figure needs a reason")})
    return _write(figure, user=user, reason=reason), status


@transaction.atomic
def record_figures(
    *,
    user,
    rows: list[tuple[int, dict[str, Any]]],
    replace: bool = False,
    reason: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Check every row first; write all of them in one transaction or none.

    `rows` are (row number, data) pairs; messages name the row (`row 3: value`). Two rows for the
    same indicator, scope, period and kind are an error; a row that changes a stored
    value needs `replace` and a reason.
    """
    result = ImportResult()
    seen: dict[tuple, int] = {}
    for number, data in rows:
        figure, errors = check_figure(user, data)
        for key, message in errors.items():
            result.errors.append((number, key, _value_of(data, key), message))
        if figure is None:
            continue
        if figure.key in seen:
            result.errors.append(
                (
                    number,
                    "period",
                    figure.period,
                    _(
                        "%(name)s for %(scope)s, %(period)s is also in row %(row)s: one value "
                        "per indicator and period"
                    )
                    % {
                        "name": figure.definition.name,
                        "scope": figure.scope_label(),
                        "period": figure.period,
                        "row": seen[figure.key],
                    },
                )
            )
            continue
        seen[figure.key] = number
        if figure.status == "changed" and not replace:
            result.errors.append(
                (number, "value", _value_of(data, "value"), duplicate_message(figure))
            )
            continue
        result.figures.append((number, figure))
    if result.errors:
        raise ImportRefused(result)
    if any(f.status == "changed" for _n, f in result.figures) and not reason.strip():
        result.errors.append((0, "reason", "", _("changing recorded figures needs a reason")))
        raise ImportRefused(result)
    if dry_run:
        return result
    for _number, figure in result.figures:
        if figure.status != "unchanged":
            _write(figure, user=user, reason=reason)
    return result


def _value_of(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if key == "code" and value is None:
        value = data.get("indicator")
    return "" if value is None else str(value)


@dataclass
class ImportResult:
    figures: list[tuple[int, Figure]] = field(default_factory=list)
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for _n, f in self.figures if f.status == status)


class ImportRefused(InputError):
    """Rows with errors: nothing was written. `result.errors` lists (row, field, value, message)."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__(
            {
                f"row {row}: {key}" if row else key: f"“{value}”: {message}" if value else message
                for row, key, value, message in result.errors
            }
        )


# --- Definitions -----------------------------------------------------------------------

DEFINITION_KEYS = {
    "code",
    "name",
    "name_en",
    "unit_of_measure",
    "value_type",
    "formula",
    "description",
    "order",
    "source",
}
_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def check_formula(text: str, *, code: str, known: dict[str, str]) -> Formula:
    """Parse `text` and check that it reads only known codes and no cycle back to `code`.

    `known` maps each defined code to its formula ("" when not derived).
    """
    formula = Formula(text)
    unknown = sorted(n for n in formula.names if n not in known and n != code)
    if unknown:
        raise FormulaError(
            _("the formula uses undefined indicators: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    # a derived indicator may read its own earlier years (growth of x reads prev(x))
    if code in formula.names - formula.lagged:
        raise FormulaError(_("the formula of “%(code)s” reads itself") % {"code": code})
    pending, seen = [n for n in formula.names if n != code], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if known.get(name):
            inner = Formula(known[name])
            if code in inner.names:
                raise FormulaError(
                    _("the formula goes round in a circle through “%(code)s”") % {"code": name}
                )
            pending.extend(inner.names)
    return formula


@transaction.atomic
def define_indicator(*, user, data: dict[str, Any], reason: str = "") -> IndicatorDefinition:
    """Create or change the definition of an indicator code (administrators, bureau editors)."""
    check_can_define(user)
    errors: dict[str, str] = {}
    for key in sorted(set(data) - DEFINITION_KEYS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    code = str(data.get("code") or "").strip()
    if not _SLUG.match(code):
        errors["code"] = _(
            "“%(value)s” is not an indicator code (lower-case letters, digits and _, "
            "starting with a letter)"
        ) % {"value": code}
    definition = IndicatorDefinition.objects.filter(code=code).first() or IndicatorDefinition(
        code=code
    )
    for key, limit in (("name", 200), ("name_en", 200), ("unit_of_measure", 20)):
        if key in data:
            text = normalise_text(str(data[key] or ""))
            if len(text) > limit:
                errors[key] = _("longer than %(limit)s characters") % {"limit": limit}
            setattr(definition, key, text)
    if not definition.name:
        errors["name"] = _("an indicator needs a name")
    if not definition.unit_of_measure:
        errors["unit_of_measure"] = _("an indicator needs a unit of measure (亿元, %, 家 …)")
    if "value_type" in data:
        if data["value_type"] not in ValueType.values:
            errors["value_type"] = _("“%(value)s” is not one of %(choices)s") % {
                "value": data["value_type"],
                "choices": ", ".join(ValueType.values),
            }
        else:
            definition.value_type = data["value_type"]
    if "description" in data:
        definition.description = str(data["description"] or "").strip()
    if "order" in data:
        definition.order = int(data["order"] or 0)
    if "source" in data and isinstance(data["source"], Source):
        definition.source = data["source"]
    if "formula" in data:
        text = " ".join(str(data["formula"] or "").split())
        if text and "code" not in errors:
            known = dict(
                IndicatorDefinition.objects.exclude(code=code).values_list("code", "formula")
            )
            try:
                check_formula(text, code=code, known=known)
            except FormulaError as exc:
                errors["formula"] = str(exc)
        if text and definition.pk is not None and Indicator.objects.filter(code=code).exists():
            errors["formula"] = _(
                "“%(code)s” already has entered figures; a derived indicator has none"
            ) % {"code": code}
        definition.formula = text
    if errors:
        raise InputError(errors)
    save_tracked(definition, user=user, reason=reason)
    return definition


# --- Clusters --------------------------------------------------------------------------

CLUSTER_KEYS = {
    "name",
    "unit",
    "description",
    "chains",
    "nodes",
    "industries",
    "enterprises",
    "order",
}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;；,，、\n]", value) if p.strip()]
    return list(value)


def _resolve_industry(value: Any) -> Industry:
    from zhaoshang.projects.services import resolve_industry

    return resolve_industry(value)


def _resolve_named_enterprise(value: Any) -> Enterprise:
    from zhaoshang.projects.services import resolve_enterprise

    found = value if isinstance(value, Enterprise) else resolve_enterprise(value)
    if found is None:
        raise ValueError(_("no enterprise “%(value)s” in the registry") % {"value": value})
    return found


def _resolve_node(value: Any) -> Node:
    """A chain node by `chain/node` codes (new-energy/pv-glass), or by its name if unique."""
    text = normalise_text(str(value))
    if "/" in text:
        chain_code, _sep, node_code = text.partition("/")
        found = Node.objects.filter(chain__code=chain_code, code=node_code).first()
    else:
        matches = list(Node.objects.filter(Q(name=text) | Q(code=text))[:2])
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise ValueError(
            _("unknown chain node “%(value)s” (write chain/node, e.g. new-energy/pv-glass)")
            % {"value": value}
        )
    return found


_INCLUDES = {
    "chains": resolve_chain,
    "nodes": _resolve_node,
    "industries": _resolve_industry,
    "enterprises": _resolve_named_enterprise,
}


def _apply_cluster(cluster: Cluster, data: dict[str, Any]) -> tuple[dict[str, str], dict]:
    errors: dict[str, str] = {}
    for key in sorted(set(data) - CLUSTER_KEYS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    if "name" in data:
        cluster.name = normalise_text(str(data["name"] or ""))
        if not cluster.name:
            errors["name"] = _("a cluster needs a name")
        elif len(cluster.name) > 200:
            errors["name"] = _("longer than %(limit)s characters") % {"limit": 200}
    if "unit" in data:
        try:
            cluster.unit = resolve_region(data["unit"])
        except ValueError as exc:
            errors["unit"] = str(exc)
    if "description" in data:
        cluster.description = str(data["description"] or "").strip()
    if "order" in data:
        try:
            cluster.order = int(data["order"] or 0)
        except ValueError:
            errors["order"] = _("“%(value)s” is not a whole number") % {"value": data["order"]}
    includes: dict[str, list] = {}
    for key, resolve in _INCLUDES.items():
        if key not in data:
            continue
        items = []
        for raw in _as_list(data[key]):
            try:
                items.append(raw if isinstance(raw, Chain | Node | Industry) else resolve(raw))
            except ValueError as exc:
                errors[key] = str(exc)
        includes[key] = items
    return errors, includes


def _set_includes(cluster: Cluster, includes: dict[str, list]) -> dict[str, list]:
    changes = {}
    for key, items in includes.items():
        manager = getattr(cluster, key)
        before = sorted(str(o) for o in manager.all())
        manager.set(items)
        after = sorted(str(o) for o in items)
        if before != after:
            changes[key] = [before, after]
    return changes


@transaction.atomic
def create_cluster(*, user, data: dict[str, Any], reason: str = "") -> Cluster:
    """A cluster with its unit and what it includes (chains, industry codes, enterprises)."""
    check_can_define(user)
    cluster = Cluster()
    errors, includes = _apply_cluster(cluster, data)
    if "name" not in data:
        errors["name"] = _("a cluster needs a name")
    if "unit" not in data:
        errors["unit"] = _("a cluster belongs to a township unit or park")
    if not errors and Cluster.objects.filter(name=cluster.name, unit=cluster.unit).exists():
        errors["name"] = _("%(unit)s already has a cluster “%(name)s”") % {
            "unit": cluster.unit,
            "name": cluster.name,
        }
    if errors:
        raise InputError(errors)
    log = save_tracked(cluster, user=user, reason=reason)
    extra = _set_includes(cluster, includes)
    if extra and log is not None:
        log.changes = {**log.changes, **extra}
        log.save(update_fields=["changes"])
    return cluster


@transaction.atomic
def update_cluster(*, user, cluster: Cluster, data: dict[str, Any], reason: str = "") -> Cluster:
    """Change a cluster's name, unit, description or what it includes; kept in the history."""
    check_can_define(user)
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    errors, includes = _apply_cluster(cluster, data)
    if (
        not errors
        and Cluster.objects.filter(name=cluster.name, unit=cluster.unit)
        .exclude(pk=cluster.pk)
        .exists()
    ):
        errors["name"] = _("%(unit)s already has a cluster “%(name)s”") % {
            "unit": cluster.unit,
            "name": cluster.name,
        }
    if errors:
        raise InputError(errors)
    log = save_tracked(cluster, user=user, reason=reason)
    extra = _set_includes(cluster, includes)
    if extra:
        if log is None:
            log = record(cluster, user=user, action=ChangeAction.UPDATE, changes={}, reason=reason)
        log.changes = {**log.changes, **extra}
        log.save(update_fields=["changes"])
    return cluster
