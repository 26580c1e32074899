"""Demo data for chains: the city's twelve chain maps, the seed's chain leaders and stated
facts, placements by the classifier; synthetic business scopes and target firms on request.

Seed enterprises get no invented business scope: the classifier places them from their
names, aliases, their projects in the ledger (names, descriptions, industry codes) and, for
firms whose products the seed does not name (among them the city's steel makers, which it
does not name at all), a product line from public company information, stored with that
source so the evidence says where it came from.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import connection, transaction

from zhaoshang.chains import services, taxonomy
from zhaoshang.chains.models import (
    Chain,
    ChainLeader,
    EnterpriseProfile,
    Node,
    Origin,
    Placement,
    ProjectPlacement,
)
from zhaoshang.chains.synthetic import products_pool, random_scope
from zhaoshang.chains.task_demo import load_demo as load_task_demo
from zhaoshang.core.models import Source
from zhaoshang.demo import facts

PUBLIC_INFO = {
    "title": "公开信息：企业官网与年报中的主营产品",
    "publisher": "公开信息 / public company information",
    "note": "仅用于产业链定位的主营产品，不是经营范围原文。 / Main products, used to place firms "
    "on chain nodes; not the registered business scope.",
}
# Products the seed does not name, from the companies' own public descriptions; the city's
# steel makers (not in the seed) with the products they are publicly known for.
PUBLIC_PRODUCTS = {
    "Jatco Ltd": "无级变速器（CVT）、自动变速器",
    "光束汽车有限公司": "纯电动汽车整车（电动MINI）",
    "北京天兵科技有限公司": "液体运载火箭（天龙系列）、液体火箭发动机",
    "Merck KGaA": "半导体材料：电子特气、湿电子化学品",
    "江苏沙钢集团有限公司": "炼铁、炼钢；热轧卷板、宽厚板、冷轧板；线材（盘条）、螺纹钢；优特钢",
    "江苏永钢集团有限公司": "炼铁、炼钢；螺纹钢、线材（盘条）、优特钢棒材",
    "张家港浦项不锈钢有限公司": "不锈钢炼钢；不锈钢热轧卷、不锈钢冷轧板卷",
}
# Seed projects the seed names without a product: placed on the node their investor's public
# products put them (a demo curator's decision, kept by every classifier run).
SEED_PROJECT_NODES = {
    "320582-2023-0010": ("equipment", "powertrain", "加特可：无级变速器（CVT）、自动变速器"),
    "320582-2023-0011": ("equipment", "vehicles", "光束汽车：纯电动汽车整车（电动MINI）"),
}
# Chain leaders the seed names among the city's firms, with the chain and node they lead.
# 中粮东海粮油 leads grain-and-oil processing, which is none of the twelve chains.
LEADERS = [
    ("信义光能控股有限公司", "new-energy", "pv-glass", "全球最大的光伏玻璃制造商"),
    ("大族激光科技产业集团股份有限公司", "equipment", "laser", "全球最大的工业激光设备生产商"),
    ("Merck KGaA", "semiconductors", None, "默克半导体"),
    ("北京天兵科技有限公司", "commercial-aerospace", None, "天兵科技"),
    ("江苏广大鑫盛精密智造有限公司", "equipment", "wind-equipment", "广大鑫盛"),
]
ZF = "ZF Friedrichshafen AG"
SYN_PREFIX = "（合成）"
TARGET_POOL = 600
TARGET_CITIES = ["苏州", "无锡", "常州", "上海", "宁波", "合肥", "深圳", "成都", "西安", "武汉"]
TARGET_SUFFIXES = ["科技股份有限公司", "新材料有限公司", "装备制造有限公司", "电子科技有限公司",
                   "能源科技有限公司", "精密工业有限公司"]  # fmt: skip


def _seed_source() -> Source | None:
    return Source.objects.filter(title=facts.SOURCES[facts.SEED]["title"]).first()


def load_demo() -> None:
    """Idempotent and quick when already loaded: the chain maps when missing, the seed's
    leaders and stated facts, and one placement run the first time."""
    from zhaoshang.enterprises.models import Enterprise

    files = taxonomy.bundled_files()
    have = set(Node.objects.values_list("chain__code", flat=True).distinct())
    if len(have) < len(files):
        for path in files:
            text = path.read_text(encoding="utf-8")
            data, _errors = taxonomy.parse_chain(text)
            if data.get("code") not in have:
                services.import_chain(user=None, text=text, check_rights=False,
                                      reason="产业链图谱（内置） / bundled chain map")  # fmt: skip
    if ChainLeader.objects.exists() and Placement.objects.exists():
        # a demo loaded before: place what a newer demo adds (firms' products, seed projects)
        added = _public_products()
        if added:
            services.place_enterprises(enterprise_ids=added)
        if _unplaced_seed_projects():
            _place_seed_projects()
            services.place_projects()
        load_task_demo()
        return
    with transaction.atomic():
        seed = _seed_source()
        _public_products()
        names = dict(Enterprise.objects.filter(is_synthetic=False).values_list("name", "pk"))
        if ZF in names:
            profile, _created = EnterpriseProfile.objects.get_or_create(enterprise_id=names[ZF])
            if profile.stated_cadence_months is None:
                profile.stated_cadence_months = Decimal(15)
                profile.source = profile.source or seed
                profile.save()
        chains = {c.code: c for c in Chain.objects.all()}
        for name, chain_code, node_code, note in LEADERS:
            if name not in names or chain_code not in chains:
                continue
            chain = chains[chain_code]
            node = chain.nodes.filter(code=node_code).first() if node_code else None
            if not ChainLeader.objects.filter(chain=chain, enterprise_id=names[name]).exists():
                ChainLeader.objects.create(
                    chain=chain, enterprise_id=names[name], node=node, note=note, source=seed
                )
    _place_seed_projects()
    services.place_enterprises()
    services.place_projects()
    load_task_demo()


def _place_seed_projects() -> None:
    from zhaoshang.projects.models import Project

    codes = dict(
        Project.objects.filter(code__in=list(SEED_PROJECT_NODES)).values_list("code", "pk")
    )
    for code, (chain_code, node_code, products) in SEED_PROJECT_NODES.items():
        node = Node.objects.filter(chain__code=chain_code, code=node_code).first()
        if code in codes and node is not None:
            ProjectPlacement.objects.get_or_create(
                project_id=codes[code],
                node=node,
                defaults={
                    "confidence": Decimal(1),
                    "origin": Origin.MANUAL,
                    "evidence": {"manual": f"{products}（{PUBLIC_INFO['title']}）"},
                    "note": "投资方公开的主营产品 / the investor's public products",
                },
            )


def _public_products() -> list[int]:
    """Profiles with the public products of `PUBLIC_PRODUCTS` for the firms that have none
    yet; the ids of the firms given one."""
    from zhaoshang.enterprises.models import Enterprise

    public, _created = Source.objects.get_or_create(
        title=PUBLIC_INFO["title"], defaults=PUBLIC_INFO
    )
    names = dict(
        Enterprise.objects.filter(is_synthetic=False, name__in=list(PUBLIC_PRODUCTS)).values_list(
            "name", "pk"
        )
    )
    have = set(
        EnterpriseProfile.objects.filter(enterprise_id__in=names.values())
        .exclude(products="")
        .values_list("enterprise_id", flat=True)
    )
    added = []
    for name, products in PUBLIC_PRODUCTS.items():
        if name in names and names[name] not in have:
            EnterpriseProfile.objects.update_or_create(
                enterprise_id=names[name], defaults={"products": products, "source": public}
            )
            added.append(names[name])
    return added


def _unplaced_seed_projects() -> bool:
    from zhaoshang.projects.models import Project

    return (
        Project.objects.filter(is_synthetic=False, chain__isnull=False)
        .exclude(
            pk__in=ProjectPlacement.objects.filter(project__is_synthetic=False).values("project_id")
        )
        .exists()
    )


def generate_synthetic(n: int) -> None:
    """Business scopes for the synthetic enterprises that have none, and a pool of synthetic
    firms elsewhere (targets, not here), then a placement run. Deterministic; every row it
    touches is marked synthetic."""
    from zhaoshang.enterprises.models import Enterprise

    nodes = [
        {"products": p, "keywords": k} for p, k in Node.objects.values_list("products", "keywords")
    ]
    pool = products_pool(nodes)
    if not pool:
        return
    missing = list(
        Enterprise.objects.filter(is_synthetic=True, business_scope="").values_list("pk", "name")
    )
    changed = bool(missing)
    with transaction.atomic():
        scopes = [
            (random_scope(random.Random(f"scope-{name}"), pool)[0], pk) for pk, name in missing
        ]
        if scopes:  # one prepared statement for all, not one ORM update per firm
            qn = connection.ops.quote_name
            table, column = Enterprise._meta.db_table, Enterprise._meta.get_field("business_scope")
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {qn(table)} SET {qn(column.column)} = %s WHERE {qn('id')} = %s",
                    scopes,
                )
        wanted = min(TARGET_POOL, max(50, n // 50))
        have = set(
            Enterprise.objects.filter(
                is_synthetic=True, name__startswith=f"{SYN_PREFIX}外地"
            ).values_list("name", flat=True)
        )
        new = []
        for j in range(wanted):
            rng = random.Random(f"target-{j}")
            city = rng.choice(TARGET_CITIES)
            name = f"{SYN_PREFIX}外地{city}{rng.choice('华瑞恒盛泰达鑫源凯宏远博')}{rng.choice(TARGET_SUFFIXES)}{j:04d}"
            if name in have:
                continue
            scope, _trader = random_scope(rng, pool, trader_share=0.05)
            new.append(
                Enterprise(
                    name=name,
                    country="CN",
                    business_scope=scope,
                    is_listed=rng.random() < 0.15,
                    is_fortune500=rng.random() < 0.02,
                    is_high_tech=rng.random() < 0.4,
                    is_specialised=rng.random() < 0.15,
                    is_synthetic=True,
                )
            )
        Enterprise.objects.bulk_create(new, batch_size=1000)
        changed = changed or bool(new)
    if changed:
        services.place_enterprises()
        services.place_projects()
