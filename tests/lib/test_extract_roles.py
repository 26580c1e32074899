"""One test per role rule added for issue 15 (amount kinds seen wrong on real text)."""

from decimal import Decimal

import pytest

from zhaoshang.lib.extract import ROLES, extract
from zhaoshang.lib.extract.amounts import document_currency


def roles(text):
    return [(a.text, a.role) for a in extract(text).amounts]


def test_new_roles_are_in_the_one_vocabulary():
    assert {"registered_capital", "additional_investment"} <= set(ROLES)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a sub-group of a batch is a subtotal of the batch, not a project's total
        (
            "此次集中开工项目20个，总投资88亿元。其中工业项目12个，总投资60亿元；服务业项目8个，总投资28亿元。",
            [
                ("88亿元", "batch_total_investment"),
                ("60亿元", "batch_total_investment"),
                ("28亿元", "batch_total_investment"),
            ],
        ),
        # 分别为N个和X亿元: the group of N and its total
        (
            "重大基础设施项目次之，分别为128个和2428亿元。",
            [("2428亿元", "batch_total_investment")],
        ),
        # a ratio clause between a group and its amount does not end the group
        (
            "先进制造业集群项目近400项，占比近90%，总投资超9500亿元。",
            [("超9500亿元", "batch_total_investment")],
        ),
        # trade and macro figures are other
        (
            "2023年实现进出口总额405亿美元，实际利用外资4.52亿美元。",
            [("405亿美元", "other"), ("4.52亿美元", "other")],
        ),
        ("德国企业对华投资攀升至超过70亿欧元。", [("超过70亿欧元", "other")]),
        ("国内贸易成交合同42宗，合同金额75696万元。", [("75696万元", "other")]),
        ("估计可为香港经济带来近694亿港元的投资。", [("近694亿港元", "other")]),
        # increments are not the plan
        (
            "年度计划投资120亿元，比上年增加15亿元。",
            [("120亿元", "annual_plan_investment"), ("15亿元", "other")],
        ),
        # a programme-level pledge of a group is not a project's total
        ("该集团计划于2025年前在华新增投资至少100亿元。", [("至少100亿元", "other")]),
        ("大众汽车集团计划到2025年在华投资150亿欧元。", [("150亿欧元", "other")]),
        ("该公司表示未来五年将在中国投资超过100亿元。", [("超过100亿元", "other")]),
        # registered capital and additional investment
        (
            "项目注册资本2600万美元，总投资1亿美元。",
            [("2600万美元", "registered_capital"), ("1亿美元", "total_investment")],
        ),
        (
            "公司拟对该项目追加投资6600万元，追加后项目总投资1.23亿元。",
            [("6600万元", "additional_investment"), ("1.23亿元", "total_investment")],
        ),
        (
            "某大厂将于高雄加码投资330亿元新台币扩建厂房。",
            [("330亿元新台币", "additional_investment")],
        ),
        # a target is other
        ("提前达成原订的2500亿元目标。", [("2500亿元", "other")]),
        # traditional script: revenue and batch totals
        (
            "項目達產後，預計年營業收入約22億元，稅收約1億元。",
            [("約22億元", "annual_revenue"), ("約1億元", "annual_tax")],
        ),
        ("總投資267億元的15個項目集中開工。", [("267億元", "batch_total_investment")]),
        # a signing conference's total
        ("首届川商返乡发展大会签约1582.16亿元。", [("1582.16亿元", "batch_total_investment")]),
        # the 约 of 签约 is not a qualifier
        ("企业与园区签约80亿元，建设电池基地。", [("80亿元", "total_investment")]),
        # a cumulative word earlier in the sentence does not reach past the next amount
        (
            "已累积投资逾新台币2795亿元，其中电子业大厂预计投资547亿元。",
            [("逾新台币2795亿元", "other"), ("547亿元", "total_investment")],
        ),
        # "among five" is one of them, not a group
        (
            "昨通过五家回台投资案中，某电子大厂投资额高达五百四十七亿元。",
            [("五百四十七亿元", "total_investment")],
        ),
    ],
)
def test_roles(text, expected):
    assert roles(text) == expected


def test_conversion_in_parentheses_is_paired_not_counted_twice():
    result = extract("累计签约145个重大项目、总投资达847.6亿元人民币（约合122.6亿美元）。")
    assert [(a.text, a.conversion) for a in result.amounts] == [
        ("847.6亿元人民币", "约合122.6亿美元")
    ]
    result = extract("该项目总投资1.2亿美元（约合人民币8.6亿元），注册资本4000万美元。")
    assert [(a.text, a.role) for a in result.amounts] == [
        ("1.2亿美元", "total_investment"),
        ("4000万美元", "registered_capital"),
    ]


def test_bare_yuan_takes_the_texts_currency():
    assert document_currency("投资台湾事务所通过4案，投资20亿元") == "TWD"
    assert document_currency("港投公司资产总额640亿元") == "HKD"
    assert document_currency("港币2亿元，约合人民币1.8亿元") == "CNY"
    assert document_currency("张家港签约20亿元") == "CNY"
    (a,) = extract("投资台湾事务所通过晟铭电子扩厂投资约9.7亿元。").amounts
    assert (a.currency, a.original_wan) == ("TWD", Decimal("97000"))
    assert a.value_wan < a.original_wan  # converted to CNY
    (a,) = extract("港投公司去年投资收入23亿元。").amounts
    assert (a.currency, a.role) == ("HKD", "other")


def test_english_dollar_amounts_are_read():
    amounts = extract("a cumulative investment of more than $35.2 billion.").amounts
    assert [(a.text, a.currency, a.original_wan) for a in amounts] == [
        ("$35.2 billion", "USD", Decimal("3520000"))
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a list's scope makes its total a batch total
        (
            "今年预计我省重点建设项目个数将超过370个，总投资超过2万亿元。",
            [("超过2万亿元", "batch_total_investment")],
        ),
        ("太仓沙溪镇重点项目巡礼，总投资达179.9亿元。", [("179.9亿元", "batch_total_investment")]),
        ("内资项目投资总额681.498亿元。", [("681.498亿元", "batch_total_investment")]),
        # a clause with no subject of its own speaks of the sentence's group
        (
            "本次开工开业项目9个，包括创新园、产业园和物流中心等领域，总投资409.3亿元。",
            [("409.3亿元", "batch_total_investment")],
        ),
        # ... but not after 分别是: each project there has its own total
        (
            "这四个项目分别是，司马化工签定的二甲苯项目，总投资9800万美元。",
            [("9800万美元", "total_investment")],
        ),
        # a count closing the previous clause, then a bare total
        ("福州115个、总投资802亿元。", [("802亿元", "batch_total_investment")]),
        ("境外投资项目1个，投资总额2600万美元。", [("2600万美元", "total_investment")]),
        # an average is not a total
        ("单个项目平均投资额为12.62亿元。", [("12.62亿元", "other")]),
        # what a signing adds up to
        ("开发区突出港口优势，签约金额达到95亿元。", [("95亿元", "batch_total_investment")]),
        # a keyword in parentheses is an alias of the one before it
        ("达产后预计年总产值（销售额）将达300亿元。", [("300亿元", "annual_output_value")]),
        # 合计 and "X的……项目" without any keyword
        ("合计2.1亿美元。", [("2.1亿美元", "batch_total_investment")]),
        ("城区工业园签定的9000万美元的电子项目。", [("9000万美元", "total_investment")]),
        # parts of a total, intensities, subsidiaries, cumulative programmes
        (
            "总投资达20.7亿元，其中建设投资18.5亿元。",
            [("20.7亿元", "total_investment"), ("18.5亿元", "other")],
        ),
        (
            "实现年产值约20亿元，亩均税收超45万元。",
            [("约20亿元", "annual_output_value"), ("超45万元", "other")],
        ),
        ("公司拟向全资子公司增资4.5亿元。", [("4.5亿元", "other")]),
        ("中小企业方案已通过219家中小企业投资约942亿元。", [("约942亿元", "other")]),
        # a reporting period carries through the sentence
        (
            "今年1—6月，开州区共签约项目56个、总投资297亿元，正式协议投资239亿元。",
            [("297亿元", "other"), ("239亿元", "other")],
        ),
        # yearly words followed by 总额
        ("项目建成后年均利税总额7.8亿元。", [("7.8亿元", "annual_tax")]),
        ("达产后预计年创税2750万元。", [("2750万元", "annual_tax")]),
    ],
)
def test_more_roles(text, expected):
    assert roles(text) == expected


@pytest.mark.parametrize(
    "text, value_wan, currency",
    [
        ("股东应占基础盈利为港币三十亿四千八百万元。", Decimal("304800"), "HKD"),
        ("项目总投资1亿2000万元。", Decimal("12000"), "CNY"),
        ("投资台湾三大方案总计投资新台币2兆6,218亿元。", Decimal("262180000"), "TWD"),
        ("集团营业额上升10%至174﹒44亿元（人民币）。", Decimal("1744400"), "CNY"),
        ("大立光 (3008-TW) 发包金额38.17亿元。", Decimal("381700"), "TWD"),
    ],
)
def test_amounts_read_in_full(text, value_wan, currency):
    (a,) = extract(text).amounts
    assert (a.original_wan, a.currency) == (value_wan, currency)


@pytest.mark.parametrize(
    "text, expected",
    [
        # one named member of a group is not the group's total
        (
            "投资台湾事务所再添四家企业扩大投资台湾，其中光阳工业投入四十四亿元。",
            [("四十四亿元", "total_investment")],
        ),
        # a named park's 签约金额 is its own, not a signing's total
        ("和发产业园区签约金额就高达221亿元。", [("221亿元", "total_investment")]),
        # a milestone already passed is cumulative
        ("投资台湾三大方案持续加温，已经突破二兆元。", [("二兆元", "other")]),
    ],
)
def test_members_and_milestones(text, expected):
    assert roles(text) == expected


def test_compound_amount_with_a_thousands_tail():
    (a,) = extract("高雄招商签约金额高达新台币260亿129万5千元。").amounts
    assert (a.text, a.original_wan, a.currency) == (
        "新台币260亿129万5千元",
        Decimal("2600129.5"),
        "TWD",
    )
