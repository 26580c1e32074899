"""Facts a clerk writes in a ledger's 备注 (remarks) column instead of a column of its own.

    facts_in_remark("含外资2000万美元，外商独资")
    -> {"foreign_investment": Amount(2000万 USD), "is_foreign": True}
    facts_in_remark("外资项目，注册资本1000万美元")
    -> {"registered_capital": Amount(1000万 USD), "is_foreign": True}
    facts_in_remark("设备投资约1.5亿元")  -> {}   (not a ledger field: left alone)

Only statements that name their field are read: 外资/合同外资/利用外资 followed by an amount
with its unit (foreign investment), 注册资本 followed by an amount (registered capital), and
words that say a project is foreign-invested (外资项目, 外商独资, 中外合资 …). An amount
without a unit (``外资2000``) is not read: the remark does not say in what it is counted.
The rest of the remark stays where it was written; nothing here is a guess. Text is read
in simplified characters (`lib.excel` simplifies a remark before it comes here).

Pure Python, no Django.
"""

from __future__ import annotations

import re
from typing import Any

from zhaoshang.lib.money import Amount, AmountError, parse_amount
from zhaoshang.lib.textnorm import normalise_text

__all__ = ["facts_in_remark"]

# An amount as written in running text: qualifier, digits or Chinese numerals, a unit of 万
# or more and/or a currency, an after-qualifier. The unit is required (see the docstring).
_NUMBER = r"[0-9０-９.,，零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]+"
_UNIT = r"(?:万亿|亿|万|千万|百万)"
_CURRENCY = r"(?:美元|美金|港元|港币|欧元|日元|英镑|韩元|新加坡元|新台币|元人民币|元|人民币)"
_BEFORE = r"(?:约|近|超过|超|逾|不少于|不低于|不超过|不足|达)?"
_AFTER = r"(?:以上|左右|余|多)?"
_AMOUNT = rf"({_BEFORE}\s*{_NUMBER}\s*(?:{_UNIT}\s*{_CURRENCY}?|{_CURRENCY}){_AFTER})"
_LEAD = r"(?:为|约为|:|：|\s)*"

_STATEMENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("registered_capital", re.compile(rf"注册资本金?{_LEAD}{_AMOUNT}")),
    (
        "foreign_investment",
        re.compile(rf"(?:合同|协议|实际|利用|实际利用|注册)?外资(?:额|金额)?{_LEAD}{_AMOUNT}"),
    ),
)
_FOREIGN_WORDS = re.compile(
    r"外资项目|外资企业|外商投资|外商独资|中外合资|中外合作|港资|台资|港澳台资|合资项目|独资项目"
)


def facts_in_remark(text: str) -> dict[str, Any]:
    """The ledger fields a remark states: ``registered_capital`` and ``foreign_investment``
    as :class:`~zhaoshang.lib.money.Amount`, ``is_foreign`` True when it says so (an amount
    of foreign investment says so too). A remark stating a field twice gives the first."""
    normalised = normalise_text(str(text))
    facts: dict[str, Any] = {}
    for field_name, pattern in _STATEMENTS:
        for match in pattern.finditer(normalised):
            amount = _amount(match[1])
            if amount is not None:
                facts[field_name] = amount
                break
    if "foreign_investment" in facts or _FOREIGN_WORDS.search(normalised):
        facts["is_foreign"] = True
    return facts


def _amount(text: str) -> Amount | None:
    try:
        return parse_amount(text.strip())
    except AmountError:
        return None
