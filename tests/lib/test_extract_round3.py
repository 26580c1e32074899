"""Readings added in the third round of issue 15 (helper "quality"), each a general rule with
dev-like sentences written for the test (not copied from the labelled sets)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhaoshang.lib.extract import extract
from zhaoshang.lib.extract.normalise import digit_by_digit, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一八三四亿元", "1834亿元"),
        ("二○五七亿元", "2057亿元"),  # ○ (a white circle) written for 〇
        ("二〇五七亿元", "2057亿元"),
        ("一0五0万美元", "1050万美元"),
        ("二.二兆元", "2.2兆元"),
        ("超过二.○八兆元", "超过2.08兆元"),
        ("八二○亿元", "820亿元"),
        # the counting form and approximations stay as they are
        ("三四亿元", "三四亿元"),
        ("两三亿元", "两三亿元"),
        ("三千五亿", "三千五亿"),
        ("六百八十五亿元", "六百八十五亿元"),
        ("十一亿元", "十一亿元"),
        ("一百二十亿元", "一百二十亿元"),
        ("一亿零五百万元", "一亿零五百万元"),
        # no money unit after it: a year, a list
        ("二〇二三年", "二〇二三年"),
        ("一二三", "一二三"),
    ],
)
def test_digit_by_digit(text: str, expected: str) -> None:
    assert digit_by_digit(text) == expected
    assert len(digit_by_digit(text)) == len(text)  # one for one: the offsets hold


def test_digit_by_digit_amount_keeps_original_span() -> None:
    text = "三項計畫合計吸引投資一八三四億元。"
    n = normalise(text)
    assert "1834亿元" in n.text
    amounts = extract(text).amounts
    assert [(a.text, a.value_wan) for a in amounts] == [("一八三四億元", Decimal("18340000"))]


def test_digit_by_digit_mixed_with_arabic() -> None:
    amounts = extract("該公司申請以一0五0萬美元投資大陸。").amounts
    assert [a.text for a in amounts] == ["一0五0萬美元"]
    assert amounts[0].original_wan == Decimal("1050")
