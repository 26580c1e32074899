"""Invented business-scope texts (经营范围) in the two styles registries use, for the demo's
synthetic enterprises and for the benchmark. Pure functions of a random generator and the
chain nodes' products; nothing here is a real firm's scope.

- the older free style: ``锂离子电池、电池材料的研发、生产和销售；……``
- the standardised style since 2021: ``一般项目：电池制造；电池销售；……（除依法须经批准的
  项目外，凭营业执照依法自主开展经营活动）``

A share are traders (``……销售；……批发``) and every text carries some of the boilerplate
that real scopes have, negations such as ``（不含危险化学品）`` included. Lengths run from
50 to 400 characters.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

FILLERS = [
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "货物进出口", "技术进出口", "机械设备租赁", "非居住房地产租赁",
    "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
    "信息咨询服务（不含许可类信息咨询服务）", "五金产品批发", "五金产品零售",
    "金属材料销售", "化工产品销售（不含许可类化工产品）", "办公用品销售",
    "企业管理咨询", "工业设计服务", "专业保洁、清洗、消毒服务", "劳务服务（不含劳务派遣）",
    "国内贸易代理", "包装材料及制品销售", "塑料制品销售", "日用百货销售",
    "自营和代理各类商品及技术的进出口业务（国家限定企业经营或禁止进出口的商品和技术除外）",
]  # fmt: skip
TAIL_NEW = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
TAIL_OLD = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
MAKE = ["研发、生产、销售", "生产、加工、销售", "制造、销售", "研发、制造", "生产"]


def scope_text(rng: random.Random, products: Sequence[str], *, trader: bool = False) -> str:
    """One business scope naming `products` (one to three of them), 50-400 characters."""
    items = list(dict.fromkeys(products))[:3] or ["机械零部件"]
    target = rng.randint(50, 400)
    if rng.random() < 0.5:
        parts = []
        for p in items:
            if trader:
                parts.append(f"{p}销售")
            else:
                parts.append(f"{p}制造")
                if rng.random() < 0.6:
                    parts.append(f"{p}销售")
        head = "一般项目：" + "；".join(parts)
        tail = TAIL_NEW
    else:
        verb = "销售" if trader else rng.choice(MAKE)
        head = "、".join(items) + f"的{verb}"
        if not trader and rng.random() < 0.3:
            head += "（不含危险化学品）"
        tail = TAIL_OLD
    text = head
    fillers = FILLERS[:]
    rng.shuffle(fillers)
    for filler in fillers:
        if len(text) + len(filler) + len(tail) + 1 > target:
            break
        text += "；" + filler
    text += "。" + tail if len(text) + len(tail) < 400 else "。"
    if len(text) < 50:
        text = text[:-1] + "；" + FILLERS[0] + "。"
    return text[:400]


def products_pool(nodes: Sequence[dict]) -> list[list[str]]:
    """Per node, the words a firm on it would write: its products and first keywords."""
    out = []
    for node in nodes:
        words = list(dict.fromkeys([*node.get("products", []), *node.get("keywords", [])[:3]]))
        if words:
            out.append(words)
    return out


def random_scope(rng: random.Random, pool: Sequence[Sequence[str]], *, trader_share: float = 0.15):
    """(scope, was_trader) for a firm of a random node, sometimes with a second node's words."""
    words = list(rng.choice(pool))
    chosen = rng.sample(words, k=min(len(words), rng.randint(1, 2)))
    if rng.random() < 0.25:
        other = rng.choice(pool)
        chosen.append(rng.choice(list(other)))
    trader = rng.random() < trader_share
    return scope_text(rng, chosen, trader=trader), trader
