"""Generated demo projects: deterministic, with realistic spreads, marked synthetic.

`generate(n)` makes projects `320582-SYN-000001` … in order; project i depends only
on i, so asking for 100 twice gives the same 100 and asking for 200 adds 100 more.
`generate(n, county="320581")` does the same for another county of a prefecture or
province demo (`zhaoshang demo --region 苏州市`): projects `320581-SYN-…`, placed in
that county's township units; Zhangjiagang's own (its facts and `320582-SYN-…`) are
the same as in a county demo.
Sizes follow a log-normal spread (median about 2亿元, a few above 50亿), stages
and units follow the shares a county ledger typically shows, stage dates run in
order and never beyond the demo's latest month (`demo.facts.LATEST_MONTH`).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.chains.models import Chain, Node
from zhaoshang.core.bulk import BulkInserter
from zhaoshang.demo.facts import latest_day
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Industry
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Project,
    ProjectInvestor,
    StageDate,
    stage_index,
)

HOME_COUNTY = "320582"  # the county the demo's facts and unit weights are about
PREFIX = "320582-SYN-"
BATCH = 5000


def prefix_of(county: str) -> str:
    """The code prefix of a county's generated projects (`320581-SYN-`)."""
    return f"{county}-SYN-"


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
STATUS_WEIGHTS = {"on_track": 82, "delayed": 12, "paused": 4, "dropped": 2}
NATURE_WEIGHTS = {"new": 6, "expansion": 3, "upgrade": 1}
SCALES = ["年产", "新建", "扩建", "智能化改造"]
REVENUE_MULTIPLES = [Decimal("0.8"), Decimal("1.0"), Decimal("1.2"), Decimal("1.5"), Decimal("2")]
SYNTHETIC_REASON = "（合成）演示用原因 / synthetic demo reason"
SIGNED = stage_index("signed")


class _Table:
    """Keys and cumulative weights of one weight table, for fast draws."""

    def __init__(self, weights: dict[str, int]):
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> str:
        return self.keys[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


UNITS, STAGES, DIVISIONS, STATUSES, NATURES = (
    _Table(w)
    for w in (UNIT_WEIGHTS, STAGE_WEIGHTS, DIVISION_WEIGHTS, STATUS_WEIGHTS, NATURE_WEIGHTS)
)


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
    COLUMNS = [
        "code", "name", "unit_id", "industry_id", "chain_id", "is_foreign", "nature", "stage",
        "status", "status_reason", "total_investment_wan", "signed_amount_wan",
        "expected_revenue_wan", "expected_jobs", "is_synthetic", "created_at", "updated_at",
        "land_area_mu",
    ]  # fmt: skip

    def __init__(self, pool_size: int) -> None:
        self.pool_size = pool_size
        self.names = dict(Industry.objects.filter(level=3).values_list("code", "name"))
        self.industries: dict[str, list[str]] = {}
        for code, division in Industry.objects.filter(level=3).values_list(
            "code", "parent__parent__code"
        ):
            self.industries.setdefault(division, []).append(code)
        self.chains = dict(Chain.objects.values_list("code", "pk"))
        # within a division, the codes the chain's nodes list, so that every project the
        # generator gives a chain is placed on one of its nodes by its industry code
        on_nodes: dict[str, set[str]] = {}
        for chain_code, codes in Node.objects.values_list("chain__code", "industry_codes"):
            on_nodes.setdefault(chain_code, set()).update(codes or ())
        for division, codes in self.industries.items():
            chain_code = DIVISION_CHAINS.get(division)
            placed = [c for c in codes if c in on_nodes.get(chain_code or "", ())]
            if placed:
                self.industries[division] = placed
        # "today" of the demo: its latest day, never the real today
        self.today = latest_day()
        self.now = timezone.make_aware(datetime.datetime.combine(self.today, datetime.time(18)))
        self.first_day = datetime.date(FIRST_YEAR, 1, 1)
        self.span_days = (self.today - self.first_day).days
        self._units: dict[str, _Table] = {}
        self.new_year = {
            y: timezone.make_aware(datetime.datetime(y, 1, 1))
            for y in range(FIRST_YEAR - 4, self.today.year + 1)
        }

    def units_of(self, county: str) -> _Table:
        if county not in self._units:
            self._units[county] = _county_units(county)
        return self._units[county]

    def project(
        self, i: int, county: str = HOME_COUNTY
    ) -> tuple[dict, list[tuple[str, object, object]], int]:
        """Project i as column values, its stage dates (stage, actual, planned), its investor.
        Another county's project i has its own random stream and that county's units."""
        home = county == HOME_COUNTY
        rng = random.Random(f"project-{i}" if home else f"project-{county}-{i}")
        division = DIVISIONS.draw(rng)
        industry = rng.choice(self.industries[division])
        chain_code = DIVISION_CHAINS[division]
        stage = STAGES.draw(rng)
        total = _amount_wan(rng)
        investor = rng.randrange(self.pool_size)
        # the date the project reached its stage, spread evenly up to the demo's latest day,
        # and the stages before it a few months apart going back: never after that day, and
        # never piled up on it
        reached = stage_index(stage)
        passed = [
            s
            for s in STAGE_ORDER[: reached + 1]
            if not (s == "registered" and s != stage and rng.random() < 0.4)
        ]
        on = self.first_day + datetime.timedelta(days=rng.randrange(self.span_days + 1))
        back = [on]
        for _s in passed[1:]:
            back.append(back[-1] - datetime.timedelta(days=rng.randint(20, 240)))
        dates: list[tuple[str, object, object]] = [
            (s, d, None) for s, d in zip(passed, reversed(back), strict=True)
        ]
        signed = next((d for s, d, _p in dates if s == "signed"), on)
        # plans for the stages ahead start from the demo's latest day, a few already overdue
        # then as in real ledgers
        plan = max(on, self.today - datetime.timedelta(days=120))
        for s in STAGE_ORDER[reached + 1 :]:
            plan = plan + datetime.timedelta(days=rng.randint(60, 360))
            dates.append((s, None, plan))
        status = STATUSES.draw(rng)
        values = {
            "code": f"{prefix_of(county)}{i:06d}",
            "name": f"（合成）{rng.choice(SCALES)}{self.names[industry]}项目{i}",
            "unit_id": UNITS.draw(rng) if home else self.units_of(county).draw(rng),
            "industry_id": industry,
            "chain_id": self.chains.get(chain_code) if chain_code else None,
            "is_foreign": rng.random() < 0.15,
            "nature": NATURES.draw(rng),
            "stage": stage,
            "status": status,
            "status_reason": "" if status == "on_track" else SYNTHETIC_REASON,
            "total_investment_wan": total,
            "signed_amount_wan": total if reached >= SIGNED else None,
            "expected_revenue_wan": total * rng.choice(REVENUE_MULTIPLES),
            "expected_jobs": int(total / 100) + rng.randint(5, 50),
            "is_synthetic": True,
            "created_at": self.new_year[max(signed.year, FIRST_YEAR - 4)],
            "updated_at": self.now,
            "land_area_mu": _land_area_mu(i, total, reached),
        }
        return values, dates, investor


def _county_units(county: str) -> _Table:
    """A county's township units for drawing: zones (parks) twice as likely as towns and
    sub-districts, as in Zhangjiagang's ledger."""
    from zhaoshang.regions.models import Level, Region

    weights = {
        code: 2 if kind == "zone" else 1
        for code, kind in Region.objects.filter(parent_id=county, level=Level.TOWNSHIP)
        .order_by("code")
        .values_list("code", "kind")
    }
    return _Table(weights or {county: 1})  # a county without township data: the county


def _land_area_mu(i: int, total: Decimal, reached: int) -> Decimal | None:
    """A synthetic land area in whole 亩 for most signed projects: total investment at an
    investment intensity of 200-1000万元/亩, so some fall below a 亩均 threshold. Its own random
    stream, so the project's other drawn values stay as they were."""
    rng = random.Random(f"land-{i}")
    if reached < SIGNED or rng.random() < 0.2:
        return None
    return max(Decimal(1), (total / rng.randint(200, 1000)).to_integral_value())


def generate(
    n: int, progress: Callable[[int, int], None] | None = None, *, county: str = HOME_COUNTY
) -> int:
    """Make sure synthetic projects 1..n of `county` exist; returns how many were created."""
    prefix = prefix_of(county)
    existing = set(Project.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    missing = [i for i in range(1, n + 1) if f"{prefix}{i:06d}" not in existing]
    if not missing:
        return 0
    gen = Generator(pool_size=max(50, n // 4))
    enterprise_ids = _ensure_enterprises(gen.pool_size)
    projects = BulkInserter(Project, Generator.COLUMNS)
    stage_dates = BulkInserter(StageDate, ["project_id", "stage", "actual_on", "planned_on"])
    investors = BulkInserter(ProjectInvestor, ["project_id", "enterprise_id", "role"])
    created = 0
    for start in range(0, len(missing), BATCH):
        chunk = missing[start : start + BATCH]
        with transaction.atomic():
            built = [gen.project(i, county) for i in chunk]
            projects.insert(values for values, _d, _i in built)
            ids = dict(
                Project.objects.filter(
                    code__gte=f"{prefix}{chunk[0]:06d}", code__lte=f"{prefix}{chunk[-1]:06d}"
                ).values_list("code", "pk")
            )
            stage_dates.insert(
                {"project_id": ids[values["code"]], "stage": s, "actual_on": a, "planned_on": p}
                for values, dates, _i in built
                for s, a, p in dates
            )
            investors.insert(
                {"project_id": ids[v["code"]], "enterprise_id": enterprise_ids[inv], "role": "lead"}
                for v, _d, inv in built
            )
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
