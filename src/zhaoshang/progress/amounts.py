"""Amounts typed into plans and reports, and exact sums of many of them.

SQLite keeps a DecimalField as a floating-point number, so `SUM()` over a million
monthly rows drifts in the last places. `micro_sum` sums whole millionths of 万元
(0.01 yuan, the smallest step a money field holds) as integers instead: exact on
SQLite and on PostgreSQL alike, and `from_micro` turns the result back into Decimal.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import BigIntegerField, F, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round
from django.utils.translation import gettext as _

from zhaoshang.lib.money import MAX_WAN, AmountError, Qualifier, parse_amount

MICRO = 1_000_000


def parse_wan(value: object) -> Decimal | None:
    """An amount in 万元 from a number or text (`1,250.5`, `3亿元`); None when blank.

    Raises ValueError naming the value: not a number, negative, more than 6 decimals
    (below 0.01 yuan), or a qualified amount (`约3亿`), which a report cannot be.
    """
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        try:
            parsed = parse_amount(text)
        except AmountError:
            raise ValueError(_("“%(value)s” is not an amount") % {"value": text}) from None
        if parsed.qualifier != Qualifier.EXACT or parsed.currency != "CNY":
            raise ValueError(
                _("“%(value)s”: give the exact amount in CNY, in 万元") % {"value": text}
            ) from None
        amount = parsed.value_wan
    if not amount.is_finite():
        raise ValueError(_("“%(value)s” is not an amount") % {"value": text})
    if amount < 0:
        raise ValueError(_("an amount cannot be negative: %(value)s") % {"value": text})
    if amount.as_tuple().exponent < -6:  # type: ignore[operator]
        raise ValueError(
            _("%(value)s has more than 6 decimals in 万元 (below 0.01 yuan)") % {"value": text}
        )
    if amount >= MAX_WAN:
        raise ValueError(_("%(value)s 万元 is beyond any project") % {"value": text})
    return amount + Decimal(0)  # -0 -> 0


def micro_sum(field: str, **extra):
    """`Sum` of `field` in whole millionths of 万元, as an exact integer (0 when no rows)."""
    return Coalesce(
        Sum(Cast(Round(F(field) * Value(MICRO)), BigIntegerField()), **extra),
        Value(0),
        output_field=BigIntegerField(),
    )


def to_micro(value: Decimal | None) -> int:
    return 0 if value is None else int(value * MICRO)


def from_micro(value: int | None) -> Decimal:
    """An integer of millionths of 万元 as Decimal 万元 without trailing zeros."""
    if not value:
        return Decimal(0)
    amount = Decimal(int(value)).scaleb(-6)
    return amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()


def rate(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator as a share (0.42), None when the denominator is 0."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def percent(share: Decimal | None) -> str:
    """0.4167 -> `41.7%`, 0.42 -> `42%`, None -> `—`."""
    if share is None:
        return "—"
    value = (share * 100).quantize(Decimal("0.1"))
    text = format(value, "f")
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text}%"
