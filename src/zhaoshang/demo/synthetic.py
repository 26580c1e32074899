"""Generated demo projects: deterministic, with realistic spreads, marked synthetic.

`generate(n)` makes projects `320582-SYN-000001` … in order; project i depends only
on i, so asking for 100 twice gives the same 100 and asking for 200 adds 100 more.
Sizes follow a log-normal spread (median about 2亿元, a few above 50亿), stages
and units follow the shares a county ledger typically shows, stage dates run in
order and never beyond today.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.chains.models import Chain
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Industry
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Project,
    ProjectInvestor,
    StageDate,
    stage_index,
)

PREFIX = "320582-SYN-"
BATCH = 5000

# Township units of Zhangjiagang and their share of projects (industrial zones get more).
UNIT_WEIGHTS = {
    "320582406": 14, "320582103": 8, "320582403": 12, "320582001": 6, "320582401": 13,
    "320582100": 9, "320582101": 10, "320582104": 6, "320582105": 6, "320582106": 5,
    "320582107": 5, "320582002": 3, "320582003": 2, "320582400": 1, "320582407": 1,
}  # fmt: skip
STAGE_WEIGHTS = {
    "lead": 10, "negotiating": 12, "signed": 18, "registered": 8, "started": 22,
    "completed": 10, "in_production": 14, "full_production": 6,
}  # fmt: skip
# GB/T 4754 divisions a Zhangjiagang ledger is full of, with the chain they feed.
DIVISION_CHAINS = {
    "31": "metallurgy", "32": "metallurgy", "33": "metallurgy", "34": "equipment",
    "35": "equipment", "36": "equipment", "37": "equipment", "38": "new-energy",
    "39": "semiconductors", "26": "chemicals", "29": "chemicals", "28": "textiles",
    "17": "textiles", "27": "biomedicine", "40": "biomedicine", "30": "metallurgy",
    "64": "digital-economy", "65": "digital-economy", "44": "new-energy",
    "13": None, "72": None, "54": None,
}  # fmt: skip
DIVISION_WEIGHTS = {
    "31": 6, "32": 4, "33": 6, "34": 10, "35": 8, "36": 8, "37": 2, "38": 9, "39": 7,
    "26": 8, "29": 4, "28": 3, "17": 3, "27": 5, "40": 3, "30": 4, "64": 3, "65": 4,
    "44": 2, "13": 2, "72": 2, "54": 2,
}  # fmt: skip
SYLLABLES = "港城华瑞恒盛泰达鑫源新锦丰沙洲凯宏远博亿联科晟德信永创通辰星海润嘉禾东方长江金"
SUFFIXES = ["科技有限公司", "新材料有限公司", "智能装备有限公司", "实业有限公司", "能源科技有限公司",
            "精密制造有限公司", "电子有限公司", "生物科技有限公司"]  # fmt: skip
FOREIGN = ["DE", "US", "JP", "KR", "SG", "HK", "TW", "FR", "GB", "NL"]
FIRST_YEAR = 2019


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _amount_wan(rng: random.Random) -> Decimal:
    # log-normal around 2亿元 (20,000万), clipped to 1000万 … 300亿; ledgers round to 万元
    value = math.exp(rng.gauss(math.log(20_000), 1.25))
    value = min(max(value, 1_000), 3_000_000)
    step = 100 if value < 100_000 else 1_000
    return Decimal(int(value // step * step))


def _enterprise(j: int) -> Enterprise:
    rng = random.Random(f"enterprise-{j}")
    foreign = rng.random() < 0.15
    name = "".join(rng.choices(SYLLABLES, k=2)) + rng.choice(SUFFIXES)
    return Enterprise(
        name=f"（合成）张家港{name}{j:05d}",
        country=rng.choice(FOREIGN) if foreign else "CN",
        is_high_tech=rng.random() < 0.25,
        is_specialised=rng.random() < 0.08,
        is_synthetic=True,
    )


class Generator:
    def __init__(self, pool_size: int) -> None:
        self.pool_size = pool_size
        self.names = dict(Industry.objects.filter(level=3).values_list("code", "name"))
        self.industries: dict[str, list[str]] = {}
        for code, division in (
            Industry.objects.filter(level=3).values_list("code", "parent__parent__code")
        ):
            self.industries.setdefault(division, []).append(code)
        self.chains = dict(Chain.objects.values_list("code", "pk"))
        self.today = timezone.localdate()

    def project(self, i: int) -> tuple[Project, list[StageDate], int]:
        rng = random.Random(f"project-{i}")
        division = _weighted(rng, DIVISION_WEIGHTS)
        industry = rng.choice(self.industries[division])
        chain_code = DIVISION_CHAINS[division]
        stage = _weighted(rng, STAGE_WEIGHTS)
        total = _amount_wan(rng)
        investor = rng.randrange(self.pool_size)
        foreign = rng.random() < 0.15
        signed = datetime.date(FIRST_YEAR, 1, 1) + datetime.timedelta(
            days=rng.randrange((self.today - datetime.date(FIRST_YEAR, 1, 1)).days)
        )
        # stage dates in order, each a few months after the one before, never after today
        dates: list[StageDate] = []
        reached = stage_index(stage)
        on = signed - datetime.timedelta(days=rng.randint(60, 400))
        for s in STAGE_ORDER[: reached + 1]:
            if s == "registered" and rng.random() < 0.4:
                continue
            on = on + datetime.timedelta(days=rng.randint(20, 240))
            if on > self.today:
                on = self.today
            dates.append(StageDate(stage=s, actual_on=on))
        plan = on
        for s in STAGE_ORDER[reached + 1 :]:
            plan = plan + datetime.timedelta(days=rng.randint(60, 360))
            dates.append(StageDate(stage=s, planned_on=plan))
        year = signed.year
        product = self.names[industry]
        scale = rng.choice(["年产", "新建", "扩建", "智能化改造"])
        project = Project(
            code=f"{PREFIX}{i:06d}",
            name=f"（合成）{scale}{product}项目{i}",
            unit_id=_weighted(rng, UNIT_WEIGHTS),
            industry_id=industry,
            chain_id=self.chains.get(chain_code) if chain_code else None,
            is_foreign=foreign,
            nature=rng.choices(["new", "expansion", "upgrade"], weights=[6, 3, 1])[0],
            stage=stage,
            status=rng.choices(
                ["on_track", "delayed", "paused", "dropped"], weights=[82, 12, 4, 2]
            )[0],
            total_investment_wan=total,
            total_investment_qualifier="exact",
            signed_amount_wan=total if stage_index(stage) >= stage_index("signed") else None,
            expected_revenue_wan=(total * Decimal(rng.choice([8, 10, 12, 15, 20])) / 10).quantize(
                Decimal(1)
            ),
            expected_jobs=int(total / 100) + rng.randint(5, 50),
            is_synthetic=True,
            created_at=timezone.make_aware(datetime.datetime(year, 1, 1)),
        )
        if project.status != "on_track":
            project.status_reason = "（合成）演示用原因 / synthetic demo reason"
        return project, dates, investor


def generate(n: int, progress: Callable[[int, int], None] | None = None) -> int:
    """Make sure synthetic projects 1..n exist; returns how many were created."""
    existing = set(
        Project.objects.filter(code__startswith=PREFIX).values_list("code", flat=True)
    )
    missing = [i for i in range(1, n + 1) if f"{PREFIX}{i:06d}" not in existing]
    if not missing:
        return 0
    gen = Generator(pool_size=max(50, n // 4))
    enterprise_ids = _ensure_enterprises(gen.pool_size)
    created = 0
    for start in range(0, len(missing), BATCH):
        chunk = missing[start : start + BATCH]
        with transaction.atomic():
            built = [gen.project(i) for i in chunk]
            projects = Project.objects.bulk_create([p for p, _, _ in built])
            if projects[0].pk is None:  # backends that do not return ids
                ids = dict(
                    Project.objects.filter(code__in=[p.code for p in projects]).values_list(
                        "code", "pk"
                    )
                )
                for p in projects:
                    p.pk = ids[p.code]
            dates, links = [], []
            for project, (_, stage_dates, investor) in zip(projects, built, strict=True):
                for sd in stage_dates:
                    sd.project_id = project.pk
                    dates.append(sd)
                links.append(
                    ProjectInvestor(project_id=project.pk, enterprise_id=enterprise_ids[investor])
                )
            StageDate.objects.bulk_create(dates)
            ProjectInvestor.objects.bulk_create(links)
        created += len(chunk)
        if progress:
            progress(created, len(missing))
    return created


def _ensure_enterprises(pool: int) -> list[int]:
    """Synthetic investors 0..pool-1 (found by name, created when missing); their ids."""
    wanted = [_enterprise(j) for j in range(pool)]
    have = dict(Enterprise.objects.filter(is_synthetic=True).values_list("name", "pk"))
    Enterprise.objects.bulk_create([e for e in wanted if e.name not in have], batch_size=BATCH)
    have = dict(Enterprise.objects.filter(is_synthetic=True).values_list("name", "pk"))
    return [have[e.name] for e in wanted]
