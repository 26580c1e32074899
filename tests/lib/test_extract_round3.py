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


def roles(text: str) -> list[tuple[str, str]]:
    return [(a.text, a.role) for a in extract(text).amounts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a project introduced as one of a group keeps its own total
        ("作为今年的市重点项目，该基地项目总投资约20亿元。", [("约20亿元", "total_investment")]),
        ("该项目入选省重大项目，项目总投资12亿元。", [("12亿元", "total_investment")]),
        # …while the group itself is a batch
        ("今年市重点项目共50个，总投资300亿元。", [("300亿元", "batch_total_investment")]),
        ("市重点项目总投资300亿元。", [("300亿元", "batch_total_investment")]),
    ],
)
def test_member_of_a_named_group(text, expected):
    assert roles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the count of projects in the next clause makes the amount their total
        ("相城区赴京招商揽资876亿元，签约项目74个。", [("876亿元", "batch_total_investment")]),
        ("活动现场签约金额120亿元，共签约项目15个。", [("120亿元", "batch_total_investment")]),
        # not when the amount's own clause names a project
        ("该项目总投资50亿元，开工项目3个。", [("50亿元", "total_investment")]),
        # nor for one project
        ("甲公司投资5亿元，签约项目1个。", [("5亿元", "total_investment")]),
    ],
)
def test_count_in_the_next_clause(text, expected):
    assert roles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a share of a group above a line is a statistic
        ("今年实施的重大项目中，60%以上的项目投资额超10亿元。", [("超10亿元", "other")]),
        ("约30%的企业年营收超过1亿元。", [("超过1亿元", "other")]),
        # a share of one project's money does not make its total a statistic
        ("项目总投资10亿元，其中30%的资金用于研发。", [("10亿元", "total_investment")]),
    ],
)
def test_share_of_a_group(text, expected):
    assert roles(text) == expected
