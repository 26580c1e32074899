"""Unified social credit code (统一社会信用代码, GB 32100-2015).

An 18-character code over the 31-character alphabet ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O,
Z, S or V):

====== ===========================================================================
1      registration authority (登记管理部门代码), e.g. 9 for market regulation
2      organisation type (机构类别代码), e.g. 1 for an enterprise
3-8    administrative division code (登记管理机关行政区划码), six digits
9-17   organisation code (主体标识码, GB 11714), position 17 its own check character
18     check character over positions 1-17
====== ===========================================================================

The check character (position 18): weights ``3**i mod 31`` = 1, 3, 9, 27, 19, 26, 16, 17, 20, 29,
25, 13, 8, 24, 10, 30, 28 over the values of positions 1-17 in the alphabet; the check value is
``31 - sum % 31`` (31 -> 0), written with the same alphabet.

:func:`validate_credit_code` checks the length, the alphabet and that check character. Two
stricter checks are available and off by default: ``check_division=True`` requires positions 3-8
to be digits, and ``check_org_code=True`` the GB 11714 organisation-code check at position 17
(weights 3, 7, 9, 10, 5, 8, 4, 2 over positions 9-16, digits 0-9 and letters A=10 ... Z=35,
check ``11 - sum % 11`` with 10 -> ``X`` and 11 -> ``0``). Many real codes of individual
businesses do not satisfy the latter, hence the default.

Errors raise :class:`CreditCodeError`; its message names the value and the reason, Chinese first
then English. Pure Python, no Django.
"""

from __future__ import annotations

from zhaoshang.lib.textnorm import remove_whitespace, to_halfwidth

__all__ = [
    "ALPHABET",
    "WEIGHTS",
    "CreditCodeError",
    "check_character",
    "is_valid_credit_code",
    "normalise_credit_code",
    "org_code_check_character",
    "validate_credit_code",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
_VALUES = {char: index for index, char in enumerate(ALPHABET)}
_LENGTH = 18

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = {char: int(char, 36) for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


class CreditCodeError(ValueError):
    """An invalid unified social credit code; ``code`` and ``reason`` are kept as attributes."""

    def __init__(self, code: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(
            f"统一社会信用代码无效：“{code}”（{reason_zh}） / "
            f'Invalid unified social credit code: "{code}" ({reason_en})'
        )
        self.code = code
        self.reason = reason_en


def normalise_credit_code(text: str) -> str:
    """Strip all whitespace, make full-width characters half-width and upper-case."""
    if not isinstance(text, str):
        raise TypeError(f"credit code must be a str, not {type(text).__name__}")
    return remove_whitespace(to_halfwidth(text)).upper()


def _check_alphabet(code: str) -> None:
    for position, char in enumerate(code, start=1):
        if char not in _VALUES:
            raise CreditCodeError(
                code,
                f"第{position}位字符“{char}”不允许使用",
                f'character "{char}" at position {position} is not allowed',
            )


def check_character(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a code."""
    code = normalise_credit_code(first17)
    if len(code) != _LENGTH - 1:
        raise CreditCodeError(
            code,
            f"计算校验位需要17位，实际为{len(code)}位",
            f"the check character needs 17 characters, got {len(code)}",
        )
    _check_alphabet(code)
    total = sum(_VALUES[char] * weight for char, weight in zip(code, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_character(first8: str) -> str:
    """GB 11714 check character of an organisation code's first 8 characters."""
    code = normalise_credit_code(first8)
    if len(code) != len(_ORG_WEIGHTS) or any(char not in _ORG_VALUES for char in code):
        raise CreditCodeError(
            code,
            "组织机构代码本体应为8位数字或字母",
            "an organisation code body is 8 digits or letters",
        )
    total = sum(_ORG_VALUES[char] * weight for char, weight in zip(code, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_credit_code(
    text: str, *, check_division: bool = False, check_org_code: bool = False
) -> str:
    """Return the normalised code, or raise :class:`CreditCodeError` saying what is wrong."""
    if not isinstance(text, str):
        raise CreditCodeError(repr(text), "不是文本", "not a string")
    code = normalise_credit_code(text)
    if len(code) != _LENGTH:
        raise CreditCodeError(
            code,
            f"长度应为18位，实际为{len(code)}位",
            f"must be 18 characters, got {len(code)}",
        )
    _check_alphabet(code)
    if check_division:
        for position in range(3, 9):
            char = code[position - 1]
            if not char.isdigit():
                raise CreditCodeError(
                    code,
                    f"第{position}位应为行政区划码数字，实际为“{char}”",
                    f'position {position} must be a digit of the division code, got "{char}"',
                )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            code,
            f"校验位错误：应为“{expected}”，实际为“{code[17]}”",
            f'wrong check character: expected "{expected}", got "{code[17]}"',
        )
    if check_org_code:
        org_expected = org_code_check_character(code[8:16])
        if code[16] != org_expected:
            raise CreditCodeError(
                code,
                f"组织机构代码校验位（第17位）错误：应为“{org_expected}”，实际为“{code[16]}”",
                f'wrong organisation-code check character at position 17: expected "{org_expected}", '
                f'got "{code[16]}"',
            )
    return code


def is_valid_credit_code(
    text: str, *, check_division: bool = False, check_org_code: bool = False
) -> bool:
    """Whether :func:`validate_credit_code` accepts ``text``."""
    try:
        validate_credit_code(text, check_division=check_division, check_org_code=check_org_code)
    except (CreditCodeError, TypeError):
        return False
    return True
