"""Tests for zhaoshang.lib.creditcode (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhaoshang.lib.creditcode import (
    ALPHABET,
    WEIGHTS,
    CreditCodeError,
    check_character,
    is_valid_credit_code,
    normalise_credit_code,
    org_code_check_character,
    validate_credit_code,
)

# Public example codes, each checked against the algorithm (both check characters hold).
KNOWN_VALID = [
    "91350100M000100Y43",
    "91440300708461136T",
    "91330100716105852F",
    "914403001922038216",
    "91110000802100433B",
    "9144030071526726XG",
    "91110108551385082Q",
    "911100007109352226",
]


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


def test_alphabet_has_31_characters_without_i_o_z_s_v() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)


def test_weights_are_powers_of_three_mod_31() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_validate_credit_code_accepts_known_codes(code: str) -> None:
    assert validate_credit_code(code) == code
    assert validate_credit_code(code, check_division=True, check_org_code=True) == code
    assert is_valid_credit_code(code)
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("91350100M000100Y4", "3"),
        ("91440300708461136", "T"),
        ("91330100716105852", "F"),
        ("91110000802100433", "B"),
        ("00000000000000000", "0"),
    ],
)
def test_check_character_computes_table(first17: str, expected: str) -> None:
    assert check_character(first17) == expected


def test_check_character_generated_codes_validate() -> None:
    for first17 in ("91320582MA1MXXXXX", "92320582MA1MABCDE", "Y1110000000000000"):
        code = _with_check(first17)
        assert validate_credit_code(code) == code


def test_normalise_credit_code_strips_and_uppercases() -> None:
    assert normalise_credit_code(" 9135 0100ｍ000100y43\u3000") == "91350100M000100Y43"


def test_validate_credit_code_lowercase_accepted() -> None:
    assert validate_credit_code("91350100m000100y43") == "91350100M000100Y43"


def test_validate_credit_code_fullwidth_and_spaces_accepted() -> None:
    assert validate_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert validate_credit_code("9135 0100 M000 100Y 43") == "91350100M000100Y43"


@pytest.mark.parametrize("text", ["", "9135010", "91350100M000100Y4", "91350100M000100Y433"])
def test_validate_credit_code_wrong_length_refused(text: str) -> None:
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code(text)
    message = str(info.value)
    assert f"长度应为18位，实际为{len(text)}位" in message
    assert f"must be 18 characters, got {len(text)}" in message
    assert message.index("统一社会信用代码") < message.index("Invalid")


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_validate_credit_code_forbidden_letter_refused(letter: str) -> None:
    code = "91350100M000100Y43"
    bad = code[:9] + letter + code[10:]
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code(bad)
    assert str(info.value) == (
        f"统一社会信用代码无效：“{bad}”（第10位字符“{letter}”不允许使用） / "
        f'Invalid unified social credit code: "{bad}" '
        f'(character "{letter}" at position 10 is not allowed)'
    )


def test_validate_credit_code_punctuation_refused() -> None:
    with pytest.raises(CreditCodeError, match="position 5"):
        validate_credit_code("9135-100M000100Y43")


def test_validate_credit_code_wrong_check_character_refused() -> None:
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code("91350100M000100Y44")
    assert str(info.value) == (
        "统一社会信用代码无效：“91350100M000100Y44”（校验位错误：应为“3”，实际为“4”） / "
        'Invalid unified social credit code: "91350100M000100Y44" '
        '(wrong check character: expected "3", got "4")'
    )
    assert info.value.code == "91350100M000100Y44"


def test_validate_credit_code_error_is_value_error() -> None:
    assert issubclass(CreditCodeError, ValueError)


def test_validate_credit_code_non_string_refused() -> None:
    with pytest.raises(CreditCodeError):
        validate_credit_code(None)  # type: ignore[arg-type]
    assert not is_valid_credit_code(None)  # type: ignore[arg-type]


def test_validate_credit_code_division_check_optional() -> None:
    code = _with_check("91A20582MA1MXXXXX")
    assert validate_credit_code(code) == code
    with pytest.raises(CreditCodeError, match="position 3"):
        validate_credit_code(code, check_division=True)


def test_org_code_check_character_known_values() -> None:
    assert org_code_check_character("M000100Y") == "4"
    assert org_code_check_character("70846113") == "6"
    assert org_code_check_character("19220382") == "1"


def test_validate_credit_code_org_code_check_optional() -> None:
    # An individual business whose organisation code does not carry a GB 11714 check character.
    code = _with_check("92320582MA1MXXXX0")
    assert org_code_check_character("MA1MXXXX") != "0"
    assert validate_credit_code(code) == code
    assert is_valid_credit_code(code)
    assert not is_valid_credit_code(code, check_org_code=True)
    with pytest.raises(CreditCodeError, match="position 17"):
        validate_credit_code(code, check_org_code=True)


def test_check_character_wrong_length_refused() -> None:
    with pytest.raises(CreditCodeError, match="17"):
        check_character("9135")


def test_is_valid_credit_code_returns_bool() -> None:
    assert is_valid_credit_code("91350100M000100Y43") is True
    assert is_valid_credit_code("91350100M000100Y44") is False
    assert is_valid_credit_code("nonsense") is False


_FIRST17 = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@given(first17=_FIRST17)
def test_check_character_any_first17_gives_valid_code(first17: str) -> None:
    code = first17 + check_character(first17)
    assert is_valid_credit_code(code)
    assert validate_credit_code(code.lower()) == code


@given(first17=_FIRST17, data=st.data())
def test_validate_credit_code_single_change_invalid(first17: str, data: st.DataObject) -> None:
    code = first17 + check_character(first17)
    position = data.draw(st.integers(min_value=0, max_value=17))
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_credit_code(changed)
