from decimal import Decimal

import pytest

from zhaoshang.lib.remarks import facts_in_remark


def shown(facts):
    """Amounts as (field: currency, original in 万, qualifier), flags as they are."""
    return {
        k: (v.currency, v.original, v.qualifier.value) if hasattr(v, "currency") else v
        for k, v in facts.items()
    }


@pytest.mark.parametrize(
    "remark, expected",
    [
        ("含外资2000万美元，外商独资",
         {"foreign_investment": ("USD", Decimal("2000"), "exact"), "is_foreign": True}),
        ("含外资1.2亿美元", {"foreign_investment": ("USD", Decimal("12000"), "exact"),
                             "is_foreign": True}),
        ("合同外资：约500万美元", {"foreign_investment": ("USD", Decimal("500"), "approx"),
                                  "is_foreign": True}),
        ("其中利用外资3000万美元以上",
         {"foreign_investment": ("USD", Decimal("3000"), "at_least"), "is_foreign": True}),
        ("注册外资 800 万欧元", {"foreign_investment": ("EUR", Decimal("800"), "exact"),
                                "is_foreign": True}),
        ("外资项目，注册资本1000万美元",
         {"registered_capital": ("USD", Decimal("1000"), "exact"), "is_foreign": True}),
        ("注册资本金3000万元", {"registered_capital": ("CNY", Decimal("3000"), "exact")}),
        ("注册资本：五千万元，中外合资",
         {"registered_capital": ("CNY", Decimal("5000"), "exact"), "is_foreign": True}),
        ("港资企业", {"is_foreign": True}),
        # nothing a field of ours: left alone
        ("设备投资约1.5亿元", {}),
        ("省重大项目", {}),
        ("拟引进外资", {}),
        ("外资2000", {}),  # no unit: the remark does not say in what
        ("", {}),
    ],
)  # fmt: skip
def test_facts_in_remark_reads_only_what_names_its_field(remark, expected):
    assert shown(facts_in_remark(remark)) == expected
