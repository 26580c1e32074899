"""The demo's outside universe: a few hundred invented target firms elsewhere in China, across
the seed's chains, imported through the one import path (`enterprises.universe`) so that the
targets page ranks local and outside firms together.

Every firm is marked synthetic and its name starts with （合成）. Names, credit codes (valid
check characters, the place's division code), places (real counties and districts outside
the city), industry codes, business scopes (`chains.synthetic`) and size bands come from a
seeded generator: the same on every run. Idempotent: nothing is imported when they are there.
"""

from __future__ import annotations

import random

from zhaoshang.lib.creditcode import ALPHABET, check_character, org_code_check_character

SYN_PREFIX = "（合成）"
PER_CHAIN = 30
# Real places with industry of the chains' kinds, outside the city (code, short name).
PLACES = [
    ("440305", "深圳"), ("440306", "深圳"), ("310115", "上海"), ("310114", "上海"),
    ("340104", "合肥"), ("320214", "无锡"), ("320412", "常州"), ("330206", "宁波"),
    ("330108", "杭州"), ("610113", "西安"), ("420111", "武汉"), ("510116", "成都"),
    ("320506", "苏州"), ("320115", "南京"), ("350205", "厦门"), ("120116", "天津"),
    ("110108", "北京"), ("440112", "广州"), ("440606", "佛山"), ("370212", "青岛"),
]  # fmt: skip
WORDS = "华瑞恒盛泰达鑫源凯宏远博晶科欣锐嘉诚拓"
# What a firm of each chain calls itself (the last words before its legal form).
KINDS = {
    "metallurgy": ["特钢", "金属材料", "冶金科技", "合金材料"],
    "equipment": ["智能装备", "机械", "精密机械", "装备制造"],
    "chemicals": ["化工", "新材料", "化学", "精细化工"],
    "textiles": ["纺织", "化纤", "纺织科技", "新材料"],
    "semiconductors": ["半导体", "微电子", "电子材料", "集成电路"],
    "biomedicine": ["生物医药", "医疗器械", "生物科技", "医疗科技"],
    "new-energy": ["新能源", "光伏科技", "能源科技", "电池"],
    "digital-economy": ["信息技术", "数据科技", "智能科技", "软件"],
    "energy-storage": ["储能科技", "电池", "新能源", "能源科技"],
    "third-gen-semiconductors": ["半导体", "碳化硅", "氮化镓", "电子材料"],
    "commercial-aerospace": ["航天科技", "空天技术", "卫星科技", "航空装备"],
    "hydrogen": ["氢能", "氢能源科技", "燃料电池", "气体科技"],
}
FORMS = ["有限公司", "股份有限公司"]
BANDS = [("large", 0.15), ("medium", 0.35), ("small", 0.4), ("micro", 0.1)]
BAND_WORDS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


def _credit_code(rng: random.Random, division: str) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = f"91{division}{body}{org_code_check_character(body)}"
    assert all(c in ALPHABET for c in first17)
    return first17 + check_character(first17)


def _chain_pools() -> list[tuple[str, list[tuple[list[str], list[str]]]]]:
    """(chain code, [(words a firm on a node writes, the node's industry codes)]) from the
    bundled chain maps, whatever the database holds: the same firms on every run."""
    from zhaoshang.chains.taxonomy import bundled_files, parse_chain

    pools: dict[str, list] = {}
    for path in bundled_files():
        data, _errors = parse_chain(path.read_text(encoding="utf-8"))
        pools[data["code"]] = [
            (n.get("products", []), n.get("keywords", []), n.get("industry_codes", []))
            for n in data["nodes"]
        ]
    out = []
    for chain, nodes in pools.items():
        words = [
            (list(dict.fromkeys([*products, *keywords[:3]])), list(codes))
            for products, keywords, codes in nodes
        ]
        words = [w for w in words if w[0]]
        if words:
            out.append((chain, words))
    return out


def universe_rows() -> list[tuple[int, dict[str, str]]]:
    """The demo's file of target firms, as `universe.read_rows` would give it."""
    from zhaoshang.chains.synthetic import scope_text

    rows: list[tuple[int, dict[str, str]]] = []
    names: set[str] = set()
    for chain, nodes in _chain_pools():
        rng = random.Random(f"universe-{chain}")
        for _i in range(PER_CHAIN):
            words, codes = rng.choice(nodes)
            code, city = rng.choice(PLACES)
            while True:
                name = (
                    f"{SYN_PREFIX}{city}{rng.choice(WORDS)}{rng.choice(WORDS)}"
                    f"{rng.choice(KINDS.get(chain, ['科技']))}{rng.choice(FORMS)}"
                )
                if name not in names:
                    break
            names.add(name)
            chosen = rng.sample(words, k=min(len(words), rng.randint(1, 3)))
            band = rng.choices([b for b, _w in BANDS], weights=[w for _b, w in BANDS])[0]
            rows.append(
                (
                    len(rows) + 2,
                    {
                        "name": name,
                        "credit_code": _credit_code(rng, code),
                        "place": code,
                        "industry": rng.choice(codes) if codes and rng.random() < 0.7 else "",
                        "business_scope": scope_text(rng, chosen, trader=rng.random() < 0.05),
                        "size_band": BAND_WORDS[band],
                    },
                )
            )
    return rows


def load_demo() -> None:
    """Import the demo's target firms when they are not all there yet."""
    from django.contrib.auth import get_user_model

    from zhaoshang.core.names import Lookup
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.enterprises.universe import import_universe

    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk")
    if not admin.exists():  # the demo's users come first; without them there is no author
        return
    rows = universe_rows()
    have = set(
        Enterprise.objects.filter(name__in=[r["name"] for _n, r in rows]).values_list(
            "name", flat=True
        )
    )
    rows = [(n, raw) for n, raw in rows if raw["name"] not in have]
    if not rows:
        return
    lookup = Lookup()
    for _n, raw in rows:  # an industry code the catalogue lacks is left out, not refused
        if raw["industry"] and lookup.industry(raw["industry"]) is None:
            raw["industry"] = ""
    import_universe(
        user=admin.first(),
        rows=rows,
        dry_run=False,
        is_synthetic=True,
        reason="演示用外地目标企业（合成） / demo target firms elsewhere (synthetic)",
    )
