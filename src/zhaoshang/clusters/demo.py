"""Demo data of clusters and indicators, on top of the base demo's seed facts.

The base demo (`demo/load.py`) loads the seed's three cluster targets and the city's
indicator figures. Here:

- the definitions of those indicator codes (name, unit, type) and of derived ones, with
  their formulas;
- what each cluster includes (chains, GB/T 4754-2017 codes, named enterprises): our
  classification of the cluster's name, as a statistics clerk would set it;
- the clusters' output in earlier years: **synthetic**, invented to look plausible
  (growing towards the targets without obviously reaching them), marked `is_synthetic`
  and attached to a source that says so.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from zhaoshang.chains.models import Chain
from zhaoshang.clusters.models import (
    CLUSTER_OUTPUT,
    Cluster,
    Indicator,
    IndicatorDefinition,
    IndicatorKind,
)
from zhaoshang.core.models import Source
from zhaoshang.demo import facts
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Industry

SYNTHETIC_SOURCE = {
    "title": "（合成）演示数据：产业集群历年产值 / (synthetic) demo data: cluster output by year",
    "publisher": "演示数据生成 / demo generator",
    "note": "虚构数据，仅供演示，不是统计数据。 / Invented for the demo; not statistics.",
}

# code, name, English name, unit, type, formula, description
DEFINITIONS = [
    (CLUSTER_OUTPUT, "产业集群产值", "Cluster output", "亿元", "amount", "", ""),
    ("sei_output", "战略性新兴产业产值", "Strategic-emerging-industry output", "亿元", "amount", "", ""),
    ("sei_output_growth", "战略性新兴产业产值同比增长", "SEI output, growth on the year", "%", "growth", "", ""),
    ("sei_share", "战略性新兴产业产值占规上工业总产值比重", "SEI share of above-scale industrial output", "%", "share", "", ""),
    ("above_scale_output", "规上工业总产值", "Above-scale industrial output", "亿元", "amount", "", ""),
    ("emerging_services_revenue", "规上新兴服务业重点领域营收", "Revenue of key emerging service sectors above scale", "亿元", "amount", "", ""),
    ("foreign_invested_firms", "外资企业数", "Foreign-invested firms", "家", "count", "", ""),
    ("foreign_investment_cumulative", "外资企业累计总投资", "Cumulative total investment of foreign-invested firms", "亿美元", "amount", "", ""),
    ("fortune500_firms", "投资的世界500强企业", "Fortune Global 500 investors", "家", "count", "", ""),
    ("fortune500_projects", "世界500强企业投资项目", "Projects of Fortune Global 500 investors", "个", "count", "", ""),
    ("trade", "进出口总额", "Trade (imports and exports)", "亿美元", "amount", "", ""),
    ("fdi_utilised", "实际使用外资", "Utilised foreign capital", "亿美元", "amount", "", ""),
    (
        "above_scale_output_implied",
        "规上工业总产值（由战新产值及占比推算）",
        "Above-scale industrial output implied by SEI output and share",
        "亿元",
        "amount",
        "sei_output / sei_share * 100",
        "规上工业总产值未公布时，由战略性新兴产业产值及其占比推算。 / When the above-scale "
        "output is not published, it is implied by the SEI output and its share.",
    ),
    (
        "sei_output_base_implied",
        "战略性新兴产业产值上年基数（由增速推算）",
        "Previous year's SEI output implied by this year's output and growth",
        "亿元",
        "amount",
        "sei_output / (1 + sei_output_growth / 100)",
        "",
    ),
    (
        "sei_share_computed",
        "战略性新兴产业产值占比（计算）",
        "SEI share of above-scale output (computed)",
        "%",
        "share",
        "sei_output / above_scale_output * 100",
        "",
    ),
    (
        "cluster_output_growth",
        "产业集群产值同比增长（计算）",
        "Cluster output, growth on the year (computed)",
        "%",
        "growth",
        "(cluster_output / prev(cluster_output) - 1) * 100",
        "",
    ),
]  # fmt: skip

SEED_CODES = {
    "sei_output",
    "sei_output_growth",
    "sei_share",
    "emerging_services_revenue",
    "foreign_invested_firms",
    "foreign_investment_cumulative",
    "fortune500_firms",
    "fortune500_projects",
    "trade",
    "fdi_utilised",
    CLUSTER_OUTPUT,
}

# cluster name: (chains, industry codes, named enterprises)
INCLUDES = {
    "冶金玻璃新材料产业集群": (["metallurgy"], ["31", "32", "33", "304", "305"], ["信义玻璃控股有限公司"]),
    "光伏新能源产业集群": (["new-energy"], ["3825", "4416", "3042"], ["信义光能控股有限公司"]),
    "医疗器械与美容新医疗产业集群": (["biomedicine"], ["358", "2770"], []),
}  # fmt: skip


def yearless_target_text(value: str, unit: str, words: str) -> str:
    """What a definition says about a target its source states without a year."""
    return (
        f"目标：{value}{unit}，报道未说明年份，故不作为任何一年的目标录入。原文：“{words}”（种子报道）。"
        f" / Target: {value} {unit}; the article states no year, so it is not entered as a "
        "target for any year."
    )


# Synthetic yearly output (亿元), 2018-2023: invented, plausible, marked synthetic; never
# after the demo's latest month (`demo.facts.LATEST_MONTH`).
SYNTHETIC_ACTUALS = {
    "冶金玻璃新材料产业集群": ["1286", "1352", "1398", "1604", "1689", "1772"],
    "光伏新能源产业集群": ["58", "71", "86", "118", "139", "163"],
    "医疗器械与美容新医疗产业集群": ["31", "36", "43", "49", "57", "66"],
}
FIRST_SYNTHETIC_YEAR = 2018


def _ready() -> bool:
    """True when everything is there: the demo then costs two queries."""
    n_actuals = sum(len(v) for v in SYNTHETIC_ACTUALS.values())
    return (
        # a definition still without its yearless target's words is not ready
        IndicatorDefinition.objects.exclude(
            code__in=[t[0] for t in facts.TARGETS_WITHOUT_YEAR], description=""
        ).count()
        >= len(DEFINITIONS)
        and Indicator.objects.filter(
            code=CLUSTER_OUTPUT, kind=IndicatorKind.ACTUAL, is_synthetic=True
        ).count()
        >= n_actuals
    )


@transaction.atomic
def load_demo() -> None:
    if _ready():
        return
    seed = Source.objects.filter(document__endswith="000_d3082454bf6b9b55.txt").first()
    for order, (code, name, name_en, unit, kind, formula, description) in enumerate(DEFINITIONS):
        IndicatorDefinition.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "unit_of_measure": unit,
                "value_type": kind,
                "formula": formula,
                "description": description,
                "order": order,
                "source": seed if code in SEED_CODES else None,
            },
        )
    _state_yearless_targets()
    synthetic, _created = Source.objects.get_or_create(
        title=SYNTHETIC_SOURCE["title"], defaults=SYNTHETIC_SOURCE
    )
    for cluster in Cluster.objects.filter(name__in=list(INCLUDES)):
        chains, codes, named = INCLUDES[cluster.name]
        if not (
            cluster.chains.exists() or cluster.industries.exists() or cluster.enterprises.exists()
        ):
            cluster.chains.set(Chain.objects.filter(code__in=chains))
            cluster.industries.set(Industry.objects.filter(code__in=codes))
            cluster.enterprises.set(Enterprise.objects.filter(name__in=named))
        for i, value in enumerate(SYNTHETIC_ACTUALS[cluster.name]):
            year = FIRST_SYNTHETIC_YEAR + i
            if year > facts.LATEST_MONTH[0]:
                break
            Indicator.objects.get_or_create(
                code=CLUSTER_OUTPUT,
                cluster=cluster,
                period=str(year),
                kind=IndicatorKind.ACTUAL,
                defaults={
                    "name": f"{cluster.name}产值",
                    "region_id": cluster.unit_id,
                    "year": year,
                    "value": Decimal(value),
                    "unit_of_measure": "亿元",
                    "source": synthetic,
                    "is_synthetic": True,
                    "note": "合成数据 / synthetic",
                },
            )


def _state_yearless_targets() -> None:
    """Put the article's yearless targets in their definitions' descriptions (once)."""
    for code, value, unit, _qualifier, _source, words in facts.TARGETS_WITHOUT_YEAR:
        IndicatorDefinition.objects.filter(code=code, description="").update(
            description=yearless_target_text(value, unit, words)
        )
