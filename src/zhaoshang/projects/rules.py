"""The ledger's rules for one row, written once.

Every path that writes a project (the form and the API through `projects.services`, the
admin, a 100,000-row Excel import through `excel.bulk`) hands each value to the rule of
its field here, with a name resolver (`core.names.Lookup`): a form's own, or the import's
preloaded one. The same input gives the same decision and the same message on every path.

A rule takes a value as a person wrote it (text) or as a reader already parsed it (a
`lib.excel.Money`, a ``(date, precision)`` pair, a bool, an int) and returns the model's
column values, or raises :class:`RuleError` with a message naming the value:

    rules.unit("保税区(金港街道)", names)          -> {"unit_id": "320582403"}
    rules.amount("total_investment", "超10亿元")   -> {"total_investment_wan": Decimal("100000"),
                                                      "total_investment_qualifier": "at_least", ...}
    rules.check_dates("signed", stored={}, given={("actual", "started"): ...}, today=...)
                                                   -> [("actual_started", value, message), ...]

What stays with each path is only what is the path's own: a blank form field clears a
value while a blank cell leaves it alone; the import matches rows to stored projects.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from zhaoshang.lib.dates import PRECISION_RANK, DateError, PartialDate, parse_date_text
from zhaoshang.lib.excel import (
    CellError,
    Money,
    amount_parser,
    choice_parser,
    normalise_name,
    parse_bool_cell,
    parse_date_cell,
    parse_int_cell,
    to_simplified,
)
from zhaoshang.lib.money import (
    MAX_WAN,
    AmountError,
    bare_number_choices,
    in_language,
    parse_amount,
    parse_qualifier,
    split_qualifier,
)
from zhaoshang.lib.textnorm import forbidden_character, strip_invisible
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Nature,
    Project,
    Stage,
    Status,
    validate_national_code,
)

# Amounts a project carries; the ones with a currency keep the original too.
AMOUNT_FIELDS = (
    "total_investment",
    "signed_amount",
    "registered_capital",
    "foreign_investment",
    "expected_revenue",
    "expected_tax",
    "expected_output",
)
FOREIGN_AMOUNTS = {"registered_capital", "foreign_investment"}
NEEDS_REASON = {Status.DELAYED, Status.PAUSED, Status.DROPPED}  # a status that must say why
AMOUNT_TEXT_MAX = 200
CODE_MAX = 32
NAME_MAX = 200  # an investor's name
TEXT_FIELDS = {
    "name": 300,
    "description": 100_000,
    "category": 100,
    "address": 300,
    "phase_label": 50,
    "capacity": 200,
    "status_reason": 10_000,
}
CHOICE_ENUMS = {"nature": Nature, "stage": Stage, "status": Status}
# The dates a ledger row may carry: the years the text reader accepts (lib.dates), the same
# for a date the API sends as an ISO date, so 0001-01-01 and 9999-12-31 are refused everywhere.
DATE_MIN = datetime.date(1950, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
# A project code is part of its page's address: letters, digits, Chinese characters and
# - _ . only (no "/", "?", "#", "%" or spaces), so every code has a page and an API path.
_CODE = re.compile(r"^[0-9A-Za-z\u3400-\u9fff][0-9A-Za-z\u3400-\u9fff._\-]*$")
# The ledger's own pages under /projects/ (projects/urls.py): a project with one of these codes
# could never be opened.
RESERVED_CODES = frozenset({"new", "quality", "parse-amount"})

Issue = tuple[str, str, str]  # (field, value as written, message)


class RuleError(ValueError):
    """A value a rule refuses; `str(exc)` is the message, naming the value."""


def _shown(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def too_long(length: int, limit: int) -> str:
    """The one message for a text over its limit, with both figures."""
    return _("%(length)s characters, longer than the limit of %(limit)s") % {
        "length": length,
        "limit": limit,
    }


def _label(field: str) -> str:
    try:
        return str(Project._meta.get_field(field).verbose_name)
    except Exception:  # FieldDoesNotExist: a caller's own field (progress texts)
        return field


# A text with nothing for `characters` to do: no control, format, surrogate or line
# character, no run of spaces, no space at either end.
_OK = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u206f\u3000\ufeff\ud800-\udfff]"
_PLAIN = re.compile(f"(?! )(?:{_OK}| (?={_OK}))*")  # a space only between two others


def characters(field: str, value: Any, label: Any = None, *, lines: bool = False) -> str:
    """`value` as text that can be stored and shown as it reads.

    Zero-width characters and byte-order marks are dropped (a copy from a web page or a
    file saved with a BOM leaves them; nobody can see or mean them). A control character
    (NUL, ESC, DEL, C1; tab and line breaks are fine), a lone surrogate or a bidi
    embedding/override/isolate (U+202A–U+202E, U+2066–U+2069, which make a name display
    in another order than it is stored) is refused with its code point. A text of one
    line (`lines=False`) has its whitespace collapsed first, so the control characters
    that Python and the Excel reader count as whitespace (line and field separators:
    U+000B, U+000C, U+001C–U+001F, U+0085) become a space there, as a line break does:

        characters("name", "信义\u200b光能")  -> "信义光能"
        characters("name", "A\x1bB")          -> RuleError("项目名称含有字符 U+001B …")
    """
    result = value if value.__class__ is str else str(value)
    if _PLAIN.fullmatch(result) is not None:
        return result  # most texts: printable, single spaces; one scan (an import has 10^5)
    result = strip_invisible(result)
    if not lines:
        result = " ".join(result.split())
    found = forbidden_character(result)
    if found is not None:
        raise RuleError(
            _(
                "%(field)s contains the character %(char)s (a control or text-direction "
                "character), which cannot be stored; remove it"
            )
            % {
                "field": label if label is not None else _label(field),
                "char": f"U+{ord(found):04X}",
            }
        )
    return result


# --------------------------------------------------------------------------- messages
# A value a reader could not parse: the import's cells and a form's text say the same.


def cell_message(code: str, value: Any, detail: str = "", field: str = "") -> str:
    if code == "amount":
        if detail == "negative":
            return _("An amount cannot be negative: %(value)s") % {"value": value}
        if detail:  # the amount reader's own message, which names the value, in one language
            return in_language(detail, _language())
        return _("“%(value)s” is not an amount") % {"value": value}
    if code == "date":
        try:  # a real date the reader refuses for its year: say the range, as for the API's
            return _out_of_range(datetime.date.fromisoformat(str(value).strip()))
        except ValueError:
            pass
        return _("“%(value)s” is not a date; write 2023-03-15, 2023年3月 or 2023") % {
            "value": value
        }
    if code == "number":
        return _("“%(value)s” is not a whole number of jobs") % {"value": value}
    if code == "bool":
        return _("“%(value)s” is neither yes nor no") % {"value": value}
    if code == "choice":
        enum = CHOICE_ENUMS[field]
        return _("“%(value)s” is not one of %(choices)s") % {
            "value": value,
            # 、 between Chinese labels, a comma between English ones
            "choices": pgettext("between the items of a list", ", ").join(
                str(label) for _v, label in enum.choices
            ),
        }
    return code


def _from_cell(exc: CellError, field: str = "") -> RuleError:
    return RuleError(cell_message(exc.code, _shown(exc.value), exc.detail, field))


# --------------------------------------------------------------------------- amounts

_PARSE_WAN = amount_parser("万元")


def parse_money(value: Any) -> Money:
    """An amount as written (``超100亿元``, ``1.5亿美元``; a bare number is 万元) or read."""
    if isinstance(value, Money):
        return value
    if isinstance(value, bool):
        raise RuleError(cell_message("amount", value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise RuleError(cell_message("amount", value))
        if value < 0:
            raise RuleError(cell_message("amount", value, "negative"))
        return Money(value, "exact", "", "CNY", value, None)
    try:
        return _PARSE_WAN(value.strip() if isinstance(value, str) else value)
    except CellError as exc:
        raise _from_cell(exc) from None


def _too_fine(value: Decimal) -> bool:
    """Written finer than millionths of 万元 (below 0.01 yuan), read from the text:
    ``as_tuple()`` is ten times the cost and a 10^5-row import asks for every amount."""
    text = str(value)
    if "E" in text:
        return "E-" in text
    point = text.find(".")
    return point >= 0 and len(text) - point - 1 > 6


# The amounts' names as the project form labels them, for messages that name the field.
AMOUNT_LABELS = {
    "total_investment": gettext_lazy("Total investment"),
    "signed_amount": gettext_lazy("Signed amount"),
    "registered_capital": gettext_lazy("Registered capital"),
    "foreign_investment": gettext_lazy("Foreign investment"),
    "expected_revenue": gettext_lazy("Expected yearly revenue"),
    "expected_tax": gettext_lazy("Expected yearly tax"),
    "expected_output": gettext_lazy("Expected yearly output value"),
}


def _language() -> str:
    return "en" if (get_language() or "").lower().startswith("en") else "zh"


def bare_amount(name: str, text: str) -> RuleError | None:
    """The question for a bare number typed where the unit is not fixed (a form's or the API's
    text amount): ``30`` could be 30万元 or 30亿元 (a 重大项目 of 30万元 is almost certainly a
    slip), so it is refused with both readings until the unit is written. Zero is zero in any
    unit. Where the unit is fixed (the API's ``*_wan`` numbers, an Excel column headed 万元)
    this rule is not asked."""
    try:
        parsed = parse_amount(text.strip())
    except AmountError:
        return None
    choices = bare_number_choices(parsed, lang=_language())
    if choices is None or parsed.value_wan == 0:
        return None
    return RuleError(
        _("%(field)s “%(value)s” has no unit: %(first)s or %(second)s? Write the unit.")
        % {
            "field": AMOUNT_LABELS.get(name, name),
            "value": text.strip(),
            "first": choices[0],
            "second": choices[1],
        }
    )


def amount(name: str, value: Any, qualifier: Any = None, *, typed: bool = False) -> dict[str, Any]:
    """The columns of amount `name` from text or a number in 万元 (with a qualifier).

    A foreign amount (registered capital, foreign investment) keeps its currency, the
    original and the rate; any other amount written in a foreign currency is converted
    at the rate table's rate and keeps its text as written (``1亿美元``). ``typed``: the text
    was typed where no unit is fixed (a form, the API's text amount, the admin), so a bare
    number is refused with the question of `bare_amount`.
    """
    money = parse_money(value)
    if qualifier not in (None, ""):
        if money.text:
            raise RuleError(
                _("give the qualifier in the amount as written (“%(value)s”), not twice")
                % {"value": money.text}
            )
        try:
            q = parse_qualifier(str(qualifier))
        except ValueError as exc:
            raise RuleError(str(exc)) from None
        money = money._replace(qualifier=q.value)
    if _too_fine(money.value_wan):
        shown = money.text or (
            value.strip() if isinstance(value, str) else format(money.value_wan, "f")
        )
        raise RuleError(
            _("%(value)s has more than 6 decimals in 万元 (below 0.01 yuan)") % {"value": shown}
        )
    for number in (money.value_wan, money.original):
        if number is not None and number >= MAX_WAN:
            raise RuleError(
                _("%(value)s is beyond any project: an amount must be below %(limit)s 万元")
                % {
                    "value": money.text
                    or (value.strip() if isinstance(value, str) else format(number, "f")),
                    "limit": format(MAX_WAN, ",f"),
                }
            )
    if len(money.text) > AMOUNT_TEXT_MAX:
        raise RuleError(
            _("the amount as written is longer than %(limit)s characters: “%(value)s”")
            % {"limit": AMOUNT_TEXT_MAX, "value": money.text[:50] + "…"}
        )
    if typed and isinstance(value, str):
        question = bare_amount(name, value)
        if question is not None:
            raise question
    out = {
        f"{name}_wan": money.value_wan,
        f"{name}_qualifier": money.qualifier,
        f"{name}_text": money.text,
    }
    if name in FOREIGN_AMOUNTS:
        out[f"{name}_currency"] = money.currency
        out[f"{name}_original"] = money.value_wan if money.currency == "CNY" else money.original
        out[f"{name}_rate"] = money.rate
    return out


def cleared_amount(name: str) -> dict[str, Any]:
    out: dict[str, Any] = {f"{name}_wan": None, f"{name}_qualifier": "exact", f"{name}_text": ""}
    if name in FOREIGN_AMOUNTS:
        out.update({f"{name}_currency": "CNY", f"{name}_original": None, f"{name}_rate": None})
    return out


# --------------------------------------------------------------------------- plain fields


def text(field: str, value: Any) -> str:
    """A text field as kept: spaces collapsed (a description keeps its lines), within its limit;
    a name and a category in simplified characters. Control and bidi characters are refused
    (`characters`), zero-width ones dropped."""
    if value is not None:
        value = characters(field, value, lines=field == "description")
    if field == "name":
        result = normalise_name(_shown(value))
    elif field == "description":
        result = "" if value is None else str(value).strip()
    else:
        result = _shown(value)
        if field == "category":
            result = to_simplified(result)
    limit = TEXT_FIELDS[field]
    if len(result) > limit:
        raise RuleError(too_long(len(result), limit))
    return result


def code(value: Any) -> str:
    """Our own project code: at most 32 characters that can stand in a web address."""
    result = _shown(characters("code", value) if value is not None else value)
    if len(result) > CODE_MAX:
        raise RuleError(too_long(len(result), CODE_MAX))
    if not _CODE.match(result):
        raise RuleError(
            _(
                "“%(value)s” is not a project code: use letters, digits, Chinese characters "
                "and - _ . only (no spaces or /)"
            )
            % {"value": result}
        )
    if result in RESERVED_CODES:
        raise RuleError(
            _("“%(value)s” is the name of a page of the ledger; choose another project code")
            % {"value": result}
        )
    return result


def national_code(value: Any) -> str:
    result = "" if blank(value) else _shown(characters("national_code", value))
    try:
        validate_national_code(result)
    except Exception as exc:  # ValidationError
        raise RuleError(str(exc.messages[0] if hasattr(exc, "messages") else exc)) from None
    return result


def boolean(value: Any) -> bool:
    """是/否, 外资/内资, yes/no, 1/0, √/×."""
    if value is True or value is False:
        return value
    try:
        return parse_bool_cell(value)
    except CellError as exc:
        raise _from_cell(exc) from None


_CHOICE_PARSERS = {field: choice_parser(field) for field in CHOICE_ENUMS}
# an enum's `.values` builds a list on each call; a 10^5-row import asks 10^5 times
_CHOICE_VALUES = {field: frozenset(enum.values) for field, enum in CHOICE_ENUMS.items()}


def choice(field: str, value: Any) -> str:
    """A stage, status or nature by its value (signed) or its name (签约, 已签约)."""
    if value.__class__ is str and value in _CHOICE_VALUES[field]:
        return value
    enum = CHOICE_ENUMS[field]
    try:
        found = _CHOICE_PARSERS[field](value)
    except CellError:
        found = None
    if found is None:
        for member in enum:
            if _shown(value).lower() in {str(member.label).lower(), member.name.lower()}:
                found = member.value
    if found is None or found not in _CHOICE_VALUES[field]:
        raise RuleError(cell_message("choice", _shown(value), field=field))
    return str(found)


def jobs(value: Any) -> int:
    """A whole number of jobs: 500, "1,200人", "五百人"."""
    if isinstance(value, bool):
        raise RuleError(cell_message("number", value))
    if isinstance(value, int):
        if value < 0:
            raise RuleError(cell_message("number", value))
        return value
    try:
        return parse_int_cell(value.strip() if isinstance(value, str) else value)
    except CellError as exc:
        raise _from_cell(exc) from None


def date(value: Any) -> PartialDate:
    """A date with its precision from a date, a reader's ``(date, precision)`` or text
    (2023-03-15, 2023年3月, 2023.6, 2023), between `DATE_MIN` and `DATE_MAX`."""
    found = _date(value)
    if not DATE_MIN <= found.date <= DATE_MAX:
        raise RuleError(_out_of_range(found.date))
    return found


def _out_of_range(value: datetime.date) -> str:
    return _("%(value)s is not a date of a project: give a date from %(first)s to %(last)s") % {
        "value": value.isoformat(),
        "first": DATE_MIN,
        "last": DATE_MAX,
    }


def _date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return PartialDate(*value)
    if isinstance(value, datetime.datetime):
        return PartialDate(value.date(), "day")
    if isinstance(value, datetime.date):
        return PartialDate(value, "day")
    try:
        return PartialDate(*parse_date_cell(value.strip() if isinstance(value, str) else value))
    except CellError as exc:
        raise _from_cell(exc) from None
    except (DateError, ValueError, TypeError):
        raise RuleError(cell_message("date", _shown(value))) from None


def parse_date_strict(value: Any) -> PartialDate:
    """`date` for a single date given on its own (a stage action)."""
    try:
        found = PartialDate(*parse_date_text(str(value)))
    except DateError as exc:
        raise RuleError(str(exc)) from None
    return date(found)


# --------------------------------------------------------------------------- names


def unit(value: Any, names) -> str:
    found = names.unit(value)
    if found is None:
        raise RuleError(names.unit_error(value))
    return found


def industry(value: Any, names) -> str:
    found = names.industry(value)
    if found is None:
        raise RuleError(names.industry_error(value))
    return found


def chain(value: Any, names) -> int:
    found = names.chain(value)
    if found is None:
        raise RuleError(names.chain_error(value))
    return found


_LIST_SEPARATORS = str.maketrans({"；": ";", "、": ";", "\n": ";", "，": ";"})


def investors(value: Any, names) -> list[int | str]:
    """Investors by name, credit code or alias, in order; a name the registry lacks stays a
    name (a new enterprise is registered when the project is saved).

    A name given twice, or two names of one enterprise (a name and its alias), is refused
    naming both: the request says something the person did not mean to say twice.
    """
    items = value.translate(_LIST_SEPARATORS).split(";") if isinstance(value, str) else value
    out: list[int | str] = []
    written: dict[int | str, str] = {}  # entry -> how it was written first
    for item in items or []:
        if blank(item):
            continue
        if isinstance(item, int) and not isinstance(item, bool):
            found = names.enterprise(item)
            if found is None:
                raise RuleError(_("no enterprise with id %(value)s") % {"value": item})
        else:
            name = normalise_name(_shown(characters("investors", item)))
            if len(name) > NAME_MAX:
                raise RuleError(
                    _("an investor's name is longer than %(limit)s characters: “%(value)s”")
                    % {"limit": NAME_MAX, "value": name[:50] + "…"}
                )
            found = names.enterprise(name)
        entry = found if found is not None else name
        shown = _shown(item)
        if entry in written:
            first = written[entry]
            if first == shown:
                raise RuleError(
                    _("investor “%(value)s” is given twice; give each investor once")
                    % {"value": shown}
                )
            raise RuleError(
                _("“%(first)s” and “%(value)s” are the same investor; give each investor once")
                % {"first": first, "value": shown}
            )
        written[entry] = shown
        out.append(entry)
    return out


# --------------------------------------------------------------------------- the row


def status_reason_missing(status: str, reason: str) -> str | None:
    if status in NEEDS_REASON and not (reason or "").strip():
        return _("a %(status)s project needs a reason") % {"status": Status(status).label}
    return None


def _before(a: PartialDate, b: PartialDate) -> bool:
    """`a.is_before(b)`: strictly before at the coarser of the two precisions (inlined:
    10^5 rows compare several dates each)."""
    coarse = (
        a.precision if PRECISION_RANK[a.precision] >= PRECISION_RANK[b.precision] else b.precision
    )
    if coarse == "day":
        return a.date < b.date
    if coarse == "month":
        return (a.date.year, a.date.month) < (b.date.year, b.date.month)
    return a.date.year < b.date.year


_STAGE_POSITION = {s: i for i, s in enumerate(STAGE_ORDER)}


def check_dates(
    stage: str,
    stored: dict[str, tuple[PartialDate | None, PartialDate | None]],
    given: dict[tuple[str, str], PartialDate | None],
    today: PartialDate,
) -> list[Issue]:
    """Stage dates must not go backwards (no completion before start, planned or actual),
    no actual date beyond the project's stage, none in the future.

    `stored`: stage -> (planned, actual) as kept; `given`: (prefix, stage) -> the new date
    (None clears it). Returns (field, date, message) for each date refused.
    """
    issues: list[Issue] = []
    current = _STAGE_POSITION[stage]
    for position, prefix in enumerate(("planned", "actual")):
        merged: dict[str, PartialDate] = {}
        for s, pair in stored.items():
            if pair[position] is not None:
                merged[s] = pair[position]  # type: ignore[assignment]
        for (p, s), v in given.items():
            if p == prefix:
                if v is None:
                    merged.pop(s, None)
                else:
                    merged[s] = v
        if not merged or (len(merged) == 1 and prefix == "planned"):
            continue  # a single planned date has nothing to be checked against
        last_stage, last = None, None
        for s in sorted(merged, key=_STAGE_POSITION.__getitem__):
            index, value = _STAGE_POSITION[s], merged[s]
            key = f"{prefix}_{s}"
            if prefix == "actual":
                if index > current:
                    issues.append((key, str(value), _(
                        "%(stage)s has an actual date %(date)s but the project is only at "
                        "stage %(current)s"
                    ) % {"stage": Stage(s).label, "date": value, "current": Stage(stage).label}))  # fmt: skip
                    continue
                if _before(today, value):
                    issues.append((key, str(value), _(
                        "actual date %(date)s of %(stage)s is in the future"
                    ) % {"date": value, "stage": Stage(s).label}))  # fmt: skip
                    continue
            if last is not None and _before(value, last):
                issues.append((key, str(value), _(
                    "%(stage)s date %(date)s is before %(previous)s date %(previous_date)s"
                ) % {"stage": Stage(s).label, "date": value, "previous": Stage(last_stage).label,
                     "previous_date": last}))  # fmt: skip
            else:
                last_stage, last = s, value
    return issues


# Land areas: 亩 by default; 公顷 (15亩) and 平方米 (0.0015亩) convert exactly.
_AREA_UNITS = {
    "": Decimal(1),
    "亩": Decimal(1),
    "万亩": Decimal(10000),
    "公顷": Decimal(15),
    "ha": Decimal(15),
    "平方米": Decimal("0.0015"),
    "平米": Decimal("0.0015"),
    "㎡": Decimal("0.0015"),
    "m2": Decimal("0.0015"),
}
_AREA = re.compile(r"^(\d[\d,，]*(?:\.\d+)?)\s*(.*)$")


def land_area(value: Any) -> dict[str, Any]:
    """A project's land area as written: ``约120亩``, ``超50亩``, ``8公顷`` (120亩), a bare
    number is 亩, a number (the API's ``land_area_mu``) is 亩. Never rounded: an area finer than
    millionths of a 亩 is refused.

        rules.land_area("约120亩") -> {"land_area_mu": Decimal("120"),
                                        "land_area_qualifier": "approx", "land_area_text": "约120亩"}
    """
    if isinstance(value, bool):
        raise RuleError(_("land area “%(value)s” is not a number of mu") % {"value": value})
    if isinstance(value, int | float | Decimal):
        number = amount_number(value)
        qualifier, written = "exact", ""
    else:
        written = strip_invisible(str(value)).strip()
        try:
            q, rest = split_qualifier(written)
        except ValueError as exc:
            raise RuleError(str(exc)) from None
        match = _AREA.match(rest.replace(" ", ""))
        unit = match.group(2).lower() if match else None
        if match is None or unit not in _AREA_UNITS:
            raise RuleError(
                _("land area “%(value)s” is not an area (write 120亩, 约120亩 or 8公顷)")
                % {"value": written}
            )
        number = Decimal(re.sub(r"[,，]", "", match.group(1))) * _AREA_UNITS[unit]
        qualifier = q.value if q else "exact"
        if not re.search(r"[^\d.,，\s]", written):
            written = ""  # a bare number keeps no text: the number says it all
    if _too_fine(number):
        raise RuleError(
            _("land area “%(value)s” is finer than a millionth of a mu") % {"value": value}
        )
    if number <= 0 or number >= MAX_WAN:
        raise RuleError(_("land area “%(value)s” is out of range") % {"value": value})
    if len(written) > AMOUNT_TEXT_MAX:
        raise RuleError(too_long(len(written), AMOUNT_TEXT_MAX))
    return {
        "land_area_mu": number,
        "land_area_qualifier": qualifier,
        "land_area_text": written,
    }


def cleared_land_area() -> dict[str, Any]:
    return {"land_area_mu": None, "land_area_qualifier": "exact", "land_area_text": ""}


# Which rule reads which key of a row (the keys of `projects.services` and the import).
NAME_RULES = {"unit": unit, "industry": industry, "chain": chain}
# yes/no columns: empty means no
BOOLEAN_FIELDS = ("is_foreign", "is_synthetic", "publish_oc4ids")
COLUMN_OF = {"unit": "unit_id", "industry": "industry_id", "chain": "chain_id"}


def field_columns(key: str, value: Any, names) -> dict[str, Any]:
    """The columns one key sets (for the keys whose rule needs nothing but the value)."""
    if key in AMOUNT_FIELDS:
        return amount(key, value)
    if key in NAME_RULES:
        return {COLUMN_OF[key]: NAME_RULES[key](value, names)}
    if key in TEXT_FIELDS:
        return {key: text(key, value)}
    if key in BOOLEAN_FIELDS:
        return {key: boolean(value)}
    if key in CHOICE_ENUMS:
        return {key: choice(key, value)}
    if key == "expected_jobs":
        return {key: jobs(value)}
    if key == "national_code":
        return {key: national_code(value)}
    if key == "code":
        return {key: code(value)}
    raise RuleError(_("unknown field “%(value)s”") % {"value": key})


def amount_number(value: Any) -> Decimal:
    """A number in 万元 given as a number (the API's ``total_investment_wan``)."""
    if isinstance(value, bool):
        raise RuleError(_("“%(value)s” is not a number") % {"value": value})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RuleError(_("“%(value)s” is not a number") % {"value": value}) from None
    if not number.is_finite():
        raise RuleError(_("“%(value)s” is not a number") % {"value": value})
    if number < 0:
        raise RuleError(cell_message("amount", value, "negative"))
    return number


__all__ = [
    "AMOUNT_FIELDS",
    "AMOUNT_TEXT_MAX",
    "FOREIGN_AMOUNTS",
    "NEEDS_REASON",
    "TEXT_FIELDS",
    "AmountError",
    "RuleError",
    "amount",
    "amount_number",
    "blank",
    "boolean",
    "cell_message",
    "chain",
    "characters",
    "check_dates",
    "choice",
    "cleared_amount",
    "cleared_land_area",
    "code",
    "date",
    "field_columns",
    "industry",
    "investors",
    "jobs",
    "land_area",
    "national_code",
    "parse_money",
    "status_reason_missing",
    "text",
    "too_long",
    "unit",
]
