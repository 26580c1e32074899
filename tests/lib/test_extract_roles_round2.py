"""Amount roles added in the second round of issue 15, each on a dev-like sentence."""

from __future__ import annotations

import pytest

from zhaoshang.lib.extract import extract


def roles(text: str) -> list[tuple[str, str]]:
    return [(a.text, a.role) for a in extract(text).amounts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "我市有8个项目顺利签约,协议总金额达74.58亿元。",
            [("74.58亿元", "batch_total_investment")],
        ),
        (
            "其中,年度计划投资5000万元以上项目431个,总投资2887亿元。",
            [("5000万元以上", "other"), ("2887亿元", "batch_total_investment")],
        ),
        ("26个项目投资额均超过5000万元。", [("超过5000万元", "other")]),
        (
            "县级重点项目共530项,总投资2944.74亿元,1-6月累计完成投资362.32亿元,"
            "占年计划投资的64.49%,其中:在建项目185项,总投资1330.5亿元",
            [
                ("2944.74亿元", "batch_total_investment"),
                ("362.32亿元", "other"),
                ("1330.5亿元", "batch_total_investment"),
            ],
        ),
        (
            "远鼎投资股份有限公司申请汇出三千二百五十万美元增资亚东工业(苏州)有限公司。",
            [("三千二百五十万美元", "other")],
        ),
        (
            "统一企业股份有限公司申请以自有资金五千五百一十一万七千五百美元,增资统一企业公司。",
            [("五千五百一十一万七千五百美元", "other")],
        ),
        (
            "中国钢铁股份有限公司申请以向银行外币借款二亿九千二百七十四万美元的方式对外投资。",
            [("二亿九千二百七十四万美元", "other")],
        ),
        ("项目追加投资3亿元,扩建生产线。", [("3亿元", "additional_investment")]),
    ],
)
def test_roles(text, expected):
    assert roles(text) == expected


def test_compound_amount_with_a_chinese_tail_under_wan_is_one_amount():
    (amount,) = extract("累计金额共计四亿零五百零六万七千五百美元。").amounts
    assert amount.text == "四亿零五百零六万七千五百美元"
    assert amount.original_wan == 40506.75 and amount.currency == "USD"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a figure per mu is a ratio
        ("项目投产后,预计年税收贡献超80万/亩。", [("超80万", "other")]),
        # Taiwan's 专案 counts projects
        ("39个专案集中签约,投资金额275亿元。", [("275亿元", "batch_total_investment")]),
        # a bare magnitude drawing a line is no amount
        ("今年以来新引进签约投资总额729.7亿元,其中超百亿元项目2个。", [("729.7亿元", "other")]),
        (
            "2020年计划实施千万元以上重点建设项目71个,总投资337.13亿元。",
            [("337.13亿元", "batch_total_investment")],
        ),
        # a project's cost
        ("展馆预计明年动工,造价约6亿元。", [("约6亿元", "total_investment")]),
    ],
)
def test_roles_round2_more(text, expected):
    assert roles(text) == expected


def test_a_full_stop_between_digits_is_a_decimal_point():
    (amount,) = extract("23个项目集中开工,总投资57。6億元。").amounts
    assert amount.text == "57。6億元" and amount.value_wan == 576000
    assert amount.role == "batch_total_investment"


def test_hong_kong_government_words_make_a_bare_yuan_hkd():
    (amount,) = extract("财政司司长指出,政府已预留65亿元推动海滨发展项目。").amounts
    assert amount.currency == "HKD"
    (amount,) = extract("张家港市预留65亿元推动海滨发展项目。").amounts
    assert amount.currency == "CNY"


def test_two_qualifiers_that_disagree_keep_the_one_before_the_number():
    amounts = extract("预计全面建成达产后新增年产值近120亿元、税收近7亿元以上。").amounts
    assert [(a.text, a.value_wan, a.qualifier, a.role) for a in amounts] == [
        ("近120亿元", 1200000, "approx", "annual_output_value"),
        ("近7亿元以上", 70000, "approx", "annual_tax"),
    ]
