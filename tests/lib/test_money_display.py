"""Amounts as pages show them (bureau precision), a bare number's two readings, and one
language of a bilingual message."""

from decimal import Decimal

import pytest

from zhaoshang.lib.money import (
    AmountError,
    bare_number_choices,
    format_wan_rounded,
    in_language,
    parse_amount,
)


@pytest.mark.parametrize(
    ("value", "qualifier", "zh", "en"),
    [
        ("31914158", "exact", "3191.42亿元", "CNY 319.14 billion"),  # issue #14: 3191.4158亿元
        ("85723.2", "exact", "8.57亿元", "CNY 857.23 million"),  # issue #14: 8.57232亿元
        ("3060000", "exact", "306.00亿元", "CNY 30.60 billion"),
        ("10000", "exact", "1.00亿元", "CNY 100.00 million"),
        ("9999.6", "exact", "1.00亿元", "CNY 100.00 million"),  # rounds up into 亿
        ("5000", "exact", "5000万元", "CNY 50.00 million"),
        ("12.5", "exact", "13万元", "CNY 130,000"),  # half up, as bureau tables round
        ("12.3456", "exact", "12万元", "CNY 120,000"),
        ("0.3", "exact", "不足1万元", "under CNY 10,000"),  # never 0 for a non-zero amount
        ("0", "exact", "0万元", "CNY 0"),
        ("1000000", "at_least", "超100.00亿元", "over CNY 10.00 billion"),
        ("900000", "approx", "约90.00亿元", "about CNY 9.00 billion"),
    ],
)
def test_format_wan_rounded(value, qualifier, zh, en):
    assert format_wan_rounded(Decimal(value), qualifier) == zh
    assert format_wan_rounded(Decimal(value), qualifier, lang="en") == en


def test_format_wan_rounded_refuses_negative_and_unknown_language():
    with pytest.raises(AmountError):
        format_wan_rounded(Decimal(-1))
    with pytest.raises(ValueError, match="fr"):
        format_wan_rounded(Decimal(1), lang="fr")


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("30", ("30万元", "30亿元"), ("CNY 300,000", "CNY 3 billion")),
        ("约5000", ("约5000万元", "约5000亿元"), ("about CNY 50 million", "about CNY 500 billion")),
        ("35,000", ("3.5亿元", "35000亿元"), ("CNY 350 million", "CNY 3.5 trillion")),
        ("五千", ("5000万元", "5000亿元"), ("CNY 50 million", "CNY 500 billion")),
    ],
)
def test_a_bare_number_has_two_readings_that_read_back(text, zh, en):
    amount = parse_amount(text)
    assert amount.unit_given is False
    assert bare_number_choices(amount) == zh
    for choice, power in zip(zh, (0, 4), strict=True):
        assert parse_amount(choice).value_wan == amount.value_wan.scaleb(power)
        assert parse_amount(choice).unit_given is True
    assert bare_number_choices(amount, lang="en")[0].startswith(en[0].split(" CNY")[0])


@pytest.mark.parametrize("text", ["30万元", "3亿", "30元", "USD 5", "¥300", "5 million", "3千万"])
def test_an_amount_with_a_unit_or_currency_has_no_question(text):
    amount = parse_amount(text)
    assert amount.unit_given is True
    assert bare_number_choices(amount) is None


def test_a_message_in_one_language():
    try:
        parse_amount("abc / Unrecognised amount: x")
    except AmountError as exc:
        error = exc
    assert error.in_language("zh") == "无法识别的金额：“abc / Unrecognised amount: x”"
    assert error.in_language("en").startswith('Unrecognised amount: "abc')
    assert in_language('金额不能为负数：“-5” / Amount must not be negative: "-5"', "en-us") == (
        'Amount must not be negative: "-5"'
    )
    assert in_language("not one of ours / at all", "zh") == "not one of ours / at all"
