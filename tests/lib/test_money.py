"""Tests for zhaoshang.lib.money (and the textnorm helpers it uses)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhaoshang.lib import money
from zhaoshang.lib.money import (
    RATES,
    Amount,
    AmountError,
    Qualifier,
    convert_to_cny_wan,
    format_wan,
    parse_amount,
)
from zhaoshang.lib.textnorm import (
    collapse_whitespace,
    normalise_text,
    remove_whitespace,
    to_halfwidth,
)

EXACT = Qualifier.EXACT
AT_LEAST = Qualifier.AT_LEAST
APPROX = Qualifier.APPROX
AT_MOST = Qualifier.AT_MOST

# text, original (万 of its own currency), qualifier, currency
PARSE_CASES: list[tuple[str, str, Qualifier, str]] = [
    # plain Chinese amounts
    ("597.2亿元", "5972000", EXACT, "CNY"),
    ("5000万元", "5000", EXACT, "CNY"),
    ("306 亿元", "3060000", EXACT, "CNY"),
    ("1.2万亿元", "120000000", EXACT, "CNY"),
    ("3.6億元", "36000", EXACT, "CNY"),
    ("1,250万元", "1250", EXACT, "CNY"),
    ("1，250万元", "1250", EXACT, "CNY"),
    ("1,250,000元", "125", EXACT, "CNY"),
    ("１５亿元", "150000", EXACT, "CNY"),
    ("３．５亿元", "35000", EXACT, "CNY"),
    ("3亿", "30000", EXACT, "CNY"),
    ("10万", "10", EXACT, "CNY"),
    ("12345元", "1.2345", EXACT, "CNY"),
    ("0.01元", "0.000001", EXACT, "CNY"),
    ("0元", "0", EXACT, "CNY"),
    ("人民币5亿元", "50000", EXACT, "CNY"),
    ("5亿元人民币", "50000", EXACT, "CNY"),
    ("RMB 5亿", "50000", EXACT, "CNY"),
    ("CNY5亿元", "50000", EXACT, "CNY"),
    ("¥3000万", "3000", EXACT, "CNY"),
    ("￥3000万", "3000", EXACT, "CNY"),
    ("3.6億圓", "36000", EXACT, "CNY"),
    ("150百万元", "15000", EXACT, "CNY"),
    ("3千万元", "3000", EXACT, "CNY"),
    ("3千5万", "3500", EXACT, "CNY"),
    # Chinese numerals
    ("五千万元", "5000", EXACT, "CNY"),
    ("一千二百万元", "1200", EXACT, "CNY"),
    ("两亿元", "20000", EXACT, "CNY"),
    ("十亿元", "100000", EXACT, "CNY"),
    ("百亿元", "1000000", EXACT, "CNY"),
    ("千万元", "1000", EXACT, "CNY"),
    ("二十五万元", "25", EXACT, "CNY"),
    ("一千零五万元", "1005", EXACT, "CNY"),
    ("一千二万元", "1200", EXACT, "CNY"),
    ("一点二万亿元", "120000000", EXACT, "CNY"),
    ("十二点五亿元", "125000", EXACT, "CNY"),
    ("零点五亿元", "5000", EXACT, "CNY"),
    ("一万二千亿元", "120000000", EXACT, "CNY"),
    ("三万亿元", "300000000", EXACT, "CNY"),
    ("一亿零五百万元", "10500", EXACT, "CNY"),
    ("壹亿贰仟万元", "12000", EXACT, "CNY"),
    ("叁億伍仟萬圓", "35000", EXACT, "CNY"),
    ("5万亿3000亿元", "530000000", EXACT, "CNY"),
    # at least
    ("超100亿元", "1000000", AT_LEAST, "CNY"),
    ("超过100亿元", "1000000", AT_LEAST, "CNY"),
    ("超過100億元", "1000000", AT_LEAST, "CNY"),
    ("100亿元以上", "1000000", AT_LEAST, "CNY"),
    ("超过100亿元以上", "1000000", AT_LEAST, "CNY"),
    ("逾50亿元", "500000", AT_LEAST, "CNY"),
    ("不少于5000万元", "5000", AT_LEAST, "CNY"),
    ("至少2亿元", "20000", AT_LEAST, "CNY"),
    ("10余亿元", "100000", AT_LEAST, "CNY"),
    ("3000余万元", "3000", AT_LEAST, "CNY"),
    ("100多亿", "1000000", AT_LEAST, "CNY"),
    ("5亿多元", "50000", AT_LEAST, "CNY"),
    ("十多亿元", "100000", AT_LEAST, "CNY"),
    ("过百亿", "1000000", AT_LEAST, "CNY"),
    ("over CNY 5 million", "500", AT_LEAST, "CNY"),
    ("more than 2 billion yuan", "200000", AT_LEAST, "CNY"),
    # approximately
    ("约90亿元", "900000", APPROX, "CNY"),
    ("大约90亿元", "900000", APPROX, "CNY"),
    ("近5亿", "50000", APPROX, "CNY"),
    ("将近5亿元", "50000", APPROX, "CNY"),
    ("5亿元左右", "50000", APPROX, "CNY"),
    ("人民币约5亿元", "50000", APPROX, "CNY"),
    ("about CNY 30.6 billion", "3060000", APPROX, "CNY"),
    ("approximately RMB 1.2bn", "120000", APPROX, "CNY"),
    # at most
    ("不超过5000万元", "5000", AT_MOST, "CNY"),
    ("5000万元以内", "5000", AT_MOST, "CNY"),
    ("5000万元以下", "5000", AT_MOST, "CNY"),
    ("at most CNY 5,000", "0.5", AT_MOST, "CNY"),
    ("up to $2 million", "200", AT_MOST, "USD"),
    # foreign currencies
    ("15亿美元", "150000", EXACT, "USD"),
    ("美金3000万", "3000", EXACT, "USD"),
    ("USD 150 million", "15000", EXACT, "USD"),
    ("$1.5 billion", "150000", EXACT, "USD"),
    ("US$1.5bn", "150000", EXACT, "USD"),
    ("1.5 billion US dollars", "150000", EXACT, "USD"),
    ("2.5亿港元", "25000", EXACT, "HKD"),
    ("2.5亿港币", "25000", EXACT, "HKD"),
    ("港币2.5亿元", "25000", EXACT, "HKD"),
    ("HK$250 million", "25000", EXACT, "HKD"),
    ("3亿欧元", "30000", EXACT, "EUR"),
    ("€300m", "30000", EXACT, "EUR"),
    ("50亿日元", "500000", EXACT, "JPY"),
    ("1亿英镑", "10000", EXACT, "GBP"),
    ("£100 million", "10000", EXACT, "GBP"),
    ("100亿韩元", "1000000", EXACT, "KRW"),
    ("2亿新加坡元", "20000", EXACT, "SGD"),
    ("S$200 million", "20000", EXACT, "SGD"),
    ("10亿新台币", "100000", EXACT, "TWD"),
    ("10億新臺幣", "100000", EXACT, "TWD"),
    ("约1亿美元", "10000", APPROX, "USD"),
    # bare numbers in the default unit (万元)
    ("12345", "12345", EXACT, "CNY"),
    ("5000", "5000", EXACT, "CNY"),
    ("约5000", "5000", APPROX, "CNY"),
    ("五千", "5000", EXACT, "CNY"),
    ("3 thousand", "3000", EXACT, "CNY"),
    ("0", "0", EXACT, "CNY"),
]


@pytest.mark.parametrize(("text", "original", "qualifier", "currency"), PARSE_CASES)
def test_parse_amount_reads_table(
    text: str, original: str, qualifier: Qualifier, currency: str
) -> None:
    amount = parse_amount(text)
    assert amount.original == Decimal(original)
    assert amount.qualifier == qualifier
    assert amount.currency == currency
    assert amount.text == text.strip()
    if currency == "CNY":
        assert amount.value_wan == Decimal(original)
        assert amount.rate is None
        assert amount.rate_date is None
    else:
        assert amount.rate is not None
        assert amount.value_wan == Decimal(original) * amount.rate


def test_parse_amount_table_is_large() -> None:
    assert len(PARSE_CASES) >= 60


def test_parse_amount_returns_amount_dataclass() -> None:
    assert parse_amount("  超100亿元 ") == Amount(
        value_wan=Decimal("1000000"),
        qualifier=Qualifier.AT_LEAST,
        currency="CNY",
        original=Decimal("1000000"),
        rate=None,
        rate_date=None,
        text="超100亿元",
    )


def test_parse_amount_keeps_exact_decimals() -> None:
    assert parse_amount("0.01元").value_wan == Decimal("0.000001")
    assert str(parse_amount("0.01元").value_wan) == "0.000001"
    assert parse_amount("123456789.123456789元").value_wan == Decimal("12345.6789123456789")


def test_parse_amount_value_has_no_exponent() -> None:
    assert str(parse_amount("1.2万亿元").value_wan) == "120000000"
    assert str(parse_amount("5000.00万元").value_wan) == "5000"


@pytest.mark.parametrize(
    ("text", "default_unit", "expected"),
    [
        ("12345", "元", "1.2345"),
        ("12345", "万元", "12345"),
        ("12345", "亿元", "123450000"),
        ("1.5", "亿元", "15000"),
        ("约8", "亿元", "80000"),
        ("12345元", "亿元", "1.2345"),
        ("3亿", "元", "30000"),
        ("RMB 5,000", "亿元", "0.5"),
        ("500", "千元", "50"),
    ],
)
def test_parse_amount_default_unit_applies_to_bare_numbers(
    text: str, default_unit: str, expected: str
) -> None:
    assert parse_amount(text, default_unit=default_unit).value_wan == Decimal(expected)


def test_parse_amount_default_unit_unknown_refused() -> None:
    with pytest.raises(ValueError, match="美元"):
        parse_amount("5", default_unit="美元")


def test_parse_amount_converts_at_the_table_rate() -> None:
    amount = parse_amount("15亿美元")
    assert amount.original == Decimal("150000")
    assert amount.rate == Decimal("7.0467")
    assert amount.rate_date == datetime.date(2023, 12, 31)
    assert amount.value_wan == Decimal("1057005")


def test_parse_amount_converts_exactly_without_quantising() -> None:
    amount = parse_amount("1234.5678万港元")
    assert amount.rate == Decimal("0.90008")
    assert amount.value_wan == Decimal("1234.5678") * Decimal("0.90008")
    assert amount.value_wan == Decimal("1111.209785424")


UNRECOGNISED = [
    "abc",
    "亿元",
    "万元",
    "元",
    "5亿亿",
    "5万万",
    "",
    "   ",
    "约",
    "5亿元3000万元",
    "5~10亿",
    "5-10亿",
    "1 250万",
    "1,2500万",
    "12,50万",
    "5亿abc",
    "5亿12000万",
    "1.2亿3000万",
    "1千25万",
    "二零二四",
    "约10余亿元",
    "超约5亿",
    "5亿美元港币",
    "余5亿",
    "5余3亿",
    "5 million亿",
    "五 million",
    "1.5.3亿",
    "5点",
    "十百",
    "5元元5",
    "mystery 5",
    "5 mystery",
    "1" * 300,
]


@pytest.mark.parametrize("text", UNRECOGNISED)
def test_parse_amount_garbage_refused(text: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    message = str(info.value)
    assert message.startswith("无法识别的金额：“")
    assert ' / Unrecognised amount: "' in message
    assert message.index("无法识别") < message.index("Unrecognised")


def test_parse_amount_error_names_value() -> None:
    with pytest.raises(AmountError) as info:
        parse_amount("abc")
    assert str(info.value) == '无法识别的金额：“abc” / Unrecognised amount: "abc"'
    assert info.value.text == "abc"


def test_parse_amount_error_gives_reason() -> None:
    with pytest.raises(AmountError) as info:
        parse_amount("5亿亿")
    assert str(info.value) == (
        '无法识别的金额：“5亿亿”（单位“亿”重复） / Unrecognised amount: "5亿亿" (unit "亿" repeated)'
    )


@pytest.mark.parametrize("text", ["-5亿元", "负5亿元", "−3000万", "-0", "约-5亿", "$-5 million"])
def test_parse_amount_negative_refused(text: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert str(info.value) == (f'金额不能为负数：“{text}” / Amount must not be negative: "{text}"')


def test_parse_amount_error_is_value_error() -> None:
    assert issubclass(AmountError, ValueError)


def test_parse_amount_non_string_refused() -> None:
    with pytest.raises(TypeError):
        parse_amount(5.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# convert_to_cny_wan and RATES
# ---------------------------------------------------------------------------------------------


def test_rate_table_has_one_dated_sourced_rate_per_currency() -> None:
    assert sorted(RATES) == ["EUR", "GBP", "HKD", "JPY", "KRW", "SGD", "TWD", "USD"]
    for code, entry in RATES.items():
        assert entry.currency == code
        assert entry.rate > 0
        assert entry.date == datetime.date(2023, 12, 31)
        assert "2023" in entry.source


def test_rate_table_is_the_shipped_file() -> None:
    assert money.read_rate_table(money.RATE_TABLE) == RATES
    assert money.CURRENCIES == ("CNY", *RATES)


def test_convert_to_cny_wan_multiplies_exactly() -> None:
    value, rate, day = convert_to_cny_wan(Decimal("150000"), "USD")
    assert (value, rate, day) == (
        Decimal("1057005"),
        Decimal("7.0467"),
        datetime.date(2023, 12, 31),
    )


def test_convert_to_cny_wan_accepts_lowercase_code() -> None:
    assert convert_to_cny_wan(Decimal("1"), "usd")[0] == Decimal("7.0467")


def test_convert_to_cny_wan_cny_unchanged() -> None:
    assert convert_to_cny_wan(Decimal("12.5"), "CNY") == (Decimal("12.5"), None, None)


def test_convert_to_cny_wan_unknown_currency_refused() -> None:
    with pytest.raises(AmountError) as info:
        convert_to_cny_wan(Decimal("1"), "XYZ")
    assert str(info.value) == '不支持的币种：“XYZ” / Unsupported currency: "XYZ"'


def test_convert_to_cny_wan_float_refused() -> None:
    with pytest.raises(TypeError):
        convert_to_cny_wan(1.5, "USD")  # type: ignore[arg-type]


def test_convert_to_cny_wan_reads_replaced_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        money.RATES, "USD", money.Rate("USD", Decimal("8"), datetime.date(2030, 12, 31), "test")
    )
    assert convert_to_cny_wan(Decimal("2"), "USD") == (
        Decimal("16"),
        Decimal("8"),
        datetime.date(2030, 12, 31),
    )


def test_use_rate_table_replaces_the_table(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(money, "RATES", dict(money.RATES))
    path = tmp_path / "rates.csv"
    path.write_text("currency,rate,date,source\nUSD,7.2,2024-12-31,测试\n", encoding="utf-8")
    money.use_rate_table(path)
    assert money.RATES == {
        "USD": money.Rate("USD", Decimal("7.2"), datetime.date(2024, 12, 31), "测试")
    }
    assert parse_amount("1万美元").value_wan == Decimal("7.2")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("USD,7.2,2024-12-31,s\nUSD,7.1,2023-12-31,s", 'line 3: currency "USD" is given twice'),
        ("CNY,1,2024-12-31,s", 'line 2: currency "CNY" is not a foreign ISO code'),
        ("US,7.2,2024-12-31,s", 'line 2: currency "US" is not a foreign ISO code'),
        ("USD,-7,2024-12-31,s", 'line 2: rate "-7" is not a positive number'),
        ("USD,abc,2024-12-31,s", 'line 2: rate "abc" is not a positive number'),
        ("USD,7.2,2024/12/31,s", 'line 2: date "2024/12/31" is not YYYY-MM-DD'),
        ("USD,7.2,2024-12-31,", "line 2: source is empty"),
    ],
)
def test_read_rate_table_refuses_bad_rows(tmp_path, row: str, message: str) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("currency,rate,date,source\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        money.read_rate_table(path)
    assert str(info.value) == f"{path}, {message}"


# ---------------------------------------------------------------------------------------------
# format_wan
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        ("3060000", EXACT, "306亿元"),
        ("5972000", EXACT, "597.2亿元"),
        ("12500", EXACT, "1.25亿元"),
        ("10000", EXACT, "1亿元"),
        ("9999.99", EXACT, "9999.99万元"),
        ("5000", EXACT, "5000万元"),
        ("5000.00", EXACT, "5000万元"),
        ("0.5", EXACT, "0.5万元"),
        ("0.000001", EXACT, "0.000001万元"),
        ("0", EXACT, "0万元"),
        ("123456.789", EXACT, "12.3456789亿元"),
        ("120000000", EXACT, "12000亿元"),
        ("1000000", AT_LEAST, "超100亿元"),
        ("900000", APPROX, "约90亿元"),
        ("5000", AT_MOST, "不超过5000万元"),
    ],
)
def test_format_wan_zh(value: str, qualifier: Qualifier, expected: str) -> None:
    assert format_wan(Decimal(value), qualifier) == expected


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        ("3060000", EXACT, "CNY 30.6 billion"),
        ("100000", EXACT, "CNY 1 billion"),
        ("10000", EXACT, "CNY 100 million"),
        ("5000", EXACT, "CNY 50 million"),
        ("100", EXACT, "CNY 1 million"),
        ("99.99", EXACT, "CNY 999,900"),
        ("0.5", EXACT, "CNY 5,000"),
        ("0.000001", EXACT, "CNY 0.01"),
        ("0", EXACT, "CNY 0"),
        ("123456.789", EXACT, "CNY 1.23456789 billion"),
        ("500", AT_LEAST, "over CNY 5 million"),
        ("3060000", APPROX, "about CNY 30.6 billion"),
        ("0.5", AT_MOST, "at most CNY 5,000"),
    ],
)
def test_format_wan_en(value: str, qualifier: Qualifier, expected: str) -> None:
    assert format_wan(Decimal(value), qualifier, lang="en") == expected


def test_format_wan_accepts_qualifier_value_and_int() -> None:
    assert format_wan(5000, "at_least") == "超5000万元"


def test_format_wan_negative_refused() -> None:
    with pytest.raises(AmountError, match="-5"):
        format_wan(Decimal("-5"))


def test_format_wan_float_refused() -> None:
    with pytest.raises(TypeError):
        format_wan(1.5)  # type: ignore[arg-type]


def test_format_wan_unknown_lang_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        format_wan(Decimal(1), lang="fr")


_VALUES = st.decimals(
    min_value=0, max_value=Decimal("1e13"), places=6, allow_nan=False, allow_infinity=False
)


@given(value=_VALUES, qualifier=st.sampled_from(Qualifier))
def test_format_wan_zh_round_trips(value: Decimal, qualifier: Qualifier) -> None:
    amount = parse_amount(format_wan(value, qualifier))
    assert amount.value_wan == value
    assert amount.qualifier == qualifier
    assert amount.currency == "CNY"


@given(value=_VALUES, qualifier=st.sampled_from(Qualifier))
def test_format_wan_en_round_trips(value: Decimal, qualifier: Qualifier) -> None:
    amount = parse_amount(format_wan(value, qualifier, lang="en"))
    assert amount.value_wan == value
    assert amount.qualifier == qualifier
    assert amount.currency == "CNY"


@given(value=_VALUES)
def test_parse_amount_plain_number_in_each_default_unit(value: Decimal) -> None:
    text = format(value, "f")
    assert parse_amount(text, default_unit="万元").value_wan == value
    assert parse_amount(f"{text}万元").value_wan == value
    assert parse_amount(f"{text}亿元").value_wan == value * 10000


# ---------------------------------------------------------------------------------------------
# textnorm
# ---------------------------------------------------------------------------------------------


def test_textnorm_to_halfwidth_maps_fullwidth_forms() -> None:
    assert to_halfwidth("１５，２５０．５ＡＢ￥") == "15,250.5AB¥"
    assert to_halfwidth("中文不变") == "中文不变"


def test_textnorm_collapse_whitespace_folds_runs() -> None:
    assert collapse_whitespace("\u3000 a\u00a0\u00a0b\u200b \n") == "a b"


def test_textnorm_remove_whitespace_drops_all() -> None:
    assert remove_whitespace(" 9135 0100\u3000M0 ") == "91350100M0"


def test_textnorm_normalise_text_combines() -> None:
    assert normalise_text("　１５　亿元　") == "15 亿元"
