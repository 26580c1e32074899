"""Readings added in the fourth round of issue 15 (helper "qual"), each a general rule with
sentences written for the test (not copied from the labelled sets)."""

from __future__ import annotations

import pytest

from zhaoshang.lib.extract import extract


def roles(text: str) -> list[tuple[str, str]]:
    return [(a.text, a.role) for a in extract(text).amounts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a clause that opens with a sector and 项目: that sector's subtotal in the batch
        (
            "本季度共签约项目20个。新材料项目总投资12.5亿元，主要建设膜材料生产线；"
            "装备制造项目投资8亿元，建设智能产线。",
            [("12.5亿元", "batch_total_investment"), ("8亿元", "batch_total_investment")],
        ),
        (
            "工业和服务业项目总投资合计46亿元。",
            [("46亿元", "batch_total_investment")],
        ),
        # a named project keeps its own total, and so does a numbered heading's first project
        (
            "华东新材料项目总投资12亿元，建设年产5万吨膜材料生产线。",
            [("12亿元", "total_investment")],
        ),
        (
            "（一）先进制造业项目总投资30亿元，由某公司建设。",
            [("30亿元", "total_investment")],
        ),
    ],
)
def test_sector_subtotals(text: str, expected: list[tuple[str, str]]) -> None:
    assert roles(text) == expected


def test_what_a_place_attracts_is_not_one_projects_total() -> None:
    assert roles("去年全县接待客商300余人次，签订合同45份，协议引资12.3亿元。") == [
        ("12.3亿元", "other")
    ]
    # with the count of its projects it is their batch total
    assert roles("此次推介会揽资56亿元，签约项目18个。") == [("56亿元", "batch_total_investment")]


@pytest.mark.parametrize(
    "text",
    [
        "该隧道工程估计所需费用为4亿2,000万元。",
        "新馆建造费用约18亿元。",
        "跨海大桥工程费用粗估为260亿元。",
    ],
)
def test_a_works_estimated_cost_is_its_total(text: str) -> None:
    ((_amount, role),) = roles(text)
    assert role == "total_investment"


def test_running_costs_stay_other() -> None:
    assert roles("公司去年管理费用为1.2亿元。") == [("1.2亿元", "other")]
