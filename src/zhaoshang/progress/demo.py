"""Demo data for plans and progress. All of it is synthetic (the seed gives no monthly
figures) and marked so, except one real fact: the January 2023 开门红 meeting pushed 100
first-quarter start and completion projects with a total investment of 597.2亿元. Its
individual projects are invented (`（合成）…`, `is_synthetic`); their total is exactly
5,972,000万元, the published figure, and they are attached to the seed's BatchEvent.

Nothing here is dated after the demo's latest month (`demo.facts.LATEST_MONTH`), except that a
month's report is filed in the first weeks of the next month, as real ones are. The seed's
own projects get invented plans (marked synthetic) but monthly progress only once they have
started: a project the article reports as signed or listed has spent nothing we know of.

`load_demo()` is idempotent and does almost nothing once its data is there.
`generate_synthetic(n)` gives generated projects `320582-SYN-…` plans and twelve months of
progress for 2023 (at most `SYNTHETIC_CAP` of them, to keep `zhaoshang demo` fast;
`generate_progress` itself has no cap and is what the benchmark uses).
"""

from __future__ import annotations

import datetime
import functools
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.core.bulk import BulkInserter
from zhaoshang.demo import facts as seed
from zhaoshang.demo.facts import LATEST_MONTH, latest_day
from zhaoshang.progress.event_demo import load_events
from zhaoshang.progress.models import (
    AnnualPlan,
    Department,
    MonthlyProgress,
    PlanBaseline,
    PlanStatus,
    Problem,
)
from zhaoshang.projects.models import BatchEvent, Project, StageDate

YEAR = 2023
KMH_PREFIX = "320582-KMH-2023-"
KMH_COUNT = 100
KMH_TOTAL_WAN = Decimal(5_972_000)  # 597.2亿元, the seed's figure
# the seed's 开门红 meeting, as `demo/facts.py` records it
KMH_EVENT = next(e["name"] for e in seed.BATCH_EVENTS if e["declared_total"] == "597.2亿元")
SYNTHETIC_CAP = 5000
MARK = "（合成）"
# stages at which a project reports monthly investment: it has started building
REPORTING_STAGES = ("started", "completed", "in_production", "full_production")

# Departments that answer for problems (names only; which problem goes where is invented).
DEPARTMENTS = [
    ("张家港市自然资源和规划局", "自然资源和规划局"),
    ("张家港市住房和城乡建设局", "住建局"),
    ("苏州市张家港生态环境局", "生态环境局"),
    ("张家港市行政审批局", "行政审批局"),
    ("国网江苏省电力有限公司张家港市供电分公司", "供电公司"),
    ("张家港市发展和改革委员会", "发改委"),
]
KMH_UNITS = {
    "320582406": 14, "320582103": 10, "320582403": 12, "320582001": 6, "320582401": 13,
    "320582100": 9, "320582101": 10, "320582104": 6, "320582105": 6, "320582106": 5,
    "320582107": 5,
}  # fmt: skip
KMH_INDUSTRIES = [
    ("3841", "new-energy", "锂电池材料"), ("3825", "new-energy", "光伏组件"),
    ("3042", "new-energy", "特种玻璃"), ("3130", "metallurgy", "高端板材"),
    ("3311", "metallurgy", "钢结构"), ("3415", "equipment", "风电装备部件"),
    ("3424", "equipment", "激光焊接装备"), ("3670", "equipment", "汽车零部件"),
    ("3562", "semiconductors", "半导体设备"), ("3985", "semiconductors", "电子专用材料"),
    ("2614", "chemicals", "化工新材料"), ("2761", "biomedicine", "生物药品"),
    ("6450", "digital-economy", "数据中心"), ("4415", "new-energy", "风力发电"),
]  # fmt: skip
PHYSICAL = [
    "（合成）前期手续办理中", "（合成）桩基施工", "（合成）主体结构施工", "（合成）主体封顶",
    "（合成）设备安装调试", "（合成）试生产",
]  # fmt: skip
# Seed projects: (code, planned investment 万元, planned start, planned completion), invented.
SEED_PLANS = {
    "320582-2023-0001": (Decimal(150000), "2023-06", None),
    "320582-2023-0002": (Decimal(120000), "2023-06", "2024-12"),
    "320582-2023-0003": (Decimal(30000), None, None),
    "320582-2023-0004": (Decimal(20000), None, None),
    "320582-2023-0005": (Decimal(200000), None, "2024-06"),
    "320582-2023-0006": (Decimal(150000), None, "2023-12"),
    "320582-2023-0007": (Decimal(50000), "2023-04", None),
    "320582-2022-0001": (Decimal(40000), "2023-03", "2023-12"),
    "320582-2023-0008": (Decimal(50000), "2023-05", None),
    "320582-2023-0009": (Decimal(60000), "2023-03", "2023-11"),
}
PROBLEMS = [
    # project code, title, department short name, leader, raised, deadline, status, closed
    ("320582-2023-0001", "（合成）用地指标尚未落实", "自然资源和规划局", "（合成）王副市长",
     "2023-03-10", "2023-05-31", "in_progress", None),
    ("320582-2023-0001", "（合成）配套电力容量不足", "供电公司", "（合成）王副市长",
     "2023-04-12", "2023-08-31", "open", None),
    ("320582-2023-0007", "（合成）环评批复待审", "生态环境局", "（合成）李副市长",
     "2023-02-20", "2023-04-30", "solved", "2023-04-18"),
    ("320582-2023-0009", "（合成）施工许可证办理滞后", "行政审批局", "（合成）李副市长",
     "2023-05-08", "2023-06-30", "solved", "2023-07-14"),
    ("320582-2022-0001", "（合成）厂房改造图审未通过", "住建局", "（合成）赵副市长",
     "2023-06-01", "2023-07-15", "open", None),
    (KMH_PREFIX + "007", "（合成）高压线迁改", "供电公司", "（合成）赵副市长",
     "2023-02-15", "2023-05-15", "cannot_solve", "2023-06-20"),
    (KMH_PREFIX + "012", "（合成）能耗指标待省里平衡", "发改委", "（合成）王副市长",
     "2023-04-03", "2023-09-30", "in_progress", None),
    (KMH_PREFIX + "031", "（合成）土方外运消纳点不足", "住建局", "（合成）赵副市长",
     "2023-03-01", "2023-04-15", "solved", "2023-04-10"),
]  # fmt: skip


def _month(text: str | None) -> datetime.date | None:
    return None if text is None else datetime.date.fromisoformat(f"{text}-01")


def _add_months(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_demo() -> None:
    _retract_invented_spending()
    if _loaded():
        load_events()
        return
    with transaction.atomic():
        _departments()
        created = _kmh_projects()
        _plans()
        _progress()
        _problems()
    if created:
        # the chains' demo placed projects before these existed: place them on their nodes
        from zhaoshang.chains.services import place_projects

        place_projects()
    load_events()


def _loaded() -> bool:
    return (
        Problem.objects.filter(is_synthetic=True).exists()
        and Project.objects.filter(code__startswith=KMH_PREFIX).count() >= KMH_COUNT
    )


def _retract_invented_spending() -> None:
    """Take back invented monthly reports that an earlier demo gave the seed's projects before
    they started (the article gives them no spending)."""
    MonthlyProgress.objects.filter(is_synthetic=True, project__is_synthetic=False).exclude(
        project__stage__in=REPORTING_STAGES
    ).delete()


def _departments() -> None:
    for name, short in DEPARTMENTS:
        Department.objects.get_or_create(name=name, defaults={"short_name": short})


def kmh_amounts() -> list[Decimal]:
    """100 invented investments, in 100万 steps, adding up to exactly 5,972,000万元."""
    rng = random.Random("kaimenhong-2023")
    weights = [rng.lognormvariate(0, 0.9) for _ in range(KMH_COUNT)]
    scale = KMH_TOTAL_WAN / Decimal(str(sum(weights)))
    amounts = [
        max(Decimal(500), (Decimal(str(w)) * scale / 100).quantize(Decimal(1)) * 100)
        for w in weights
    ]
    largest = max(range(KMH_COUNT), key=amounts.__getitem__)
    amounts[largest] += KMH_TOTAL_WAN - sum(amounts)
    return amounts


def _kmh_projects() -> int:
    event = BatchEvent.objects.filter(name=KMH_EVENT).first()
    have = set(Project.objects.filter(code__startswith=KMH_PREFIX).values_list("code", flat=True))
    rng = random.Random("kaimenhong-projects")
    units = [u for u, w in KMH_UNITS.items() for _ in range(w)]
    from zhaoshang.chains.models import Chain
    from zhaoshang.industries.models import Industry

    chains = dict(Chain.objects.values_list("code", "pk"))
    known = set(
        Industry.objects.filter(code__in=[c for c, _h, _n in KMH_INDUSTRIES]).values_list(
            "code", flat=True
        )
    )
    new_projects, dates = [], []
    for i, amount in enumerate(kmh_amounts(), start=1):
        code = f"{KMH_PREFIX}{i:03d}"
        industry, chain, label = KMH_INDUSTRIES[rng.randrange(len(KMH_INDUSTRIES))]
        unit = units[rng.randrange(len(units))] if i % 8 else "320582103"
        completed = i % 10 < 3  # 30 completion projects, 70 start projects
        quarter_day = datetime.date(YEAR, 1, 5) + datetime.timedelta(days=rng.randrange(85))
        if completed:
            started = datetime.date(2021, 6, 1) + datetime.timedelta(days=rng.randrange(450))
            signed = started - datetime.timedelta(days=rng.randint(60, 240))
            stage_dates = [("signed", signed), ("started", started), ("completed", quarter_day)]
        else:
            signed = quarter_day - datetime.timedelta(days=rng.randint(60, 300))
            stage_dates = [("signed", signed), ("started", quarter_day)]
        if code in have:
            continue
        new_projects.append(
            Project(
                code=code,
                name=f"{MARK}{label}项目（开门红{i:03d}）",
                unit_id=unit,
                industry_id=industry if industry in known else None,
                chain_id=chains.get(chain),
                stage="completed" if completed else "started",
                total_investment_wan=amount,
                is_synthetic=True,
                category="开门红一季度竣工项目" if completed else "开门红一季度开工项目",
                created_at=_aware(signed),
            )
        )
        dates.append((code, stage_dates))
    Project.objects.bulk_create(new_projects)
    ids = dict(Project.objects.filter(code__startswith=KMH_PREFIX).values_list("code", "pk"))
    StageDate.objects.bulk_create(
        StageDate(project_id=ids[code], stage=stage, actual_on=on)
        for code, items in dates
        for stage, on in items
    )
    if event is not None:
        event.projects.add(*ids.values())
    return len(new_projects)


def _plan_for_kmh(project: Project, rng: random.Random):
    share = Decimal(rng.choice([30, 35, 40, 45, 50])) / 100
    planned = max(
        Decimal(100), (project.total_investment_wan * share / 100).quantize(Decimal(1)) * 100
    )
    if project.stage == "completed":
        return planned, None, None
    start = project.stage_dates_map.get("started")
    completion_month = rng.choice([9, 10, 11, 12, None, None])
    return (
        planned,
        None if start is None else datetime.date(start.year, start.month, 1),
        None if completion_month is None else datetime.date(YEAR, completion_month, 1),
    )


def _plans() -> None:
    projects = list(
        Project.objects.filter(code__in=list(SEED_PLANS))
        | Project.objects.filter(code__startswith=KMH_PREFIX)
    )
    have = set(AnnualPlan.objects.filter(year=YEAR).values_list("project_id", flat=True))
    starts = {
        pid: on
        for pid, on in StageDate.objects.filter(
            project__in=projects, stage="started", actual_on__isnull=False
        ).values_list("project_id", "actual_on")
    }
    rng = random.Random("plans-2023")
    approved_at = _aware(datetime.date(YEAR, 1, 20))
    for project in sorted(projects, key=lambda p: p.code):
        project.stage_dates_map = {"started": starts.get(project.pk)}
        if project.code in SEED_PLANS:
            planned, start, completion = SEED_PLANS[project.code]
            start, completion = _month(start), _month(completion)
        else:
            planned, start, completion = _plan_for_kmh(project, rng)
        if project.pk in have:
            continue
        plan = AnnualPlan.objects.create(
            project=project,
            year=YEAR,
            planned_investment_wan=planned,
            planned_start=start,
            planned_completion=completion,
            milestones=f"{MARK}年内完成{'主体结构' if completion is None else '竣工验收'}",
            status=PlanStatus.APPROVED,
            approved_at=approved_at,
            baseline_count=1,
            is_synthetic=True,
        )
        PlanBaseline.objects.create(
            plan=plan,
            number=1,
            planned_investment_wan=planned,
            planned_start=start,
            planned_completion=completion,
            milestones=plan.milestones,
            reason=f"{MARK}年初计划",
            approved_at=approved_at,
        )
        # half the start projects due to complete this year did so in the planned month,
        # some a month or two late, the rest not yet
        if completion is not None and project.code.startswith(KMH_PREFIX):
            draw = rng.random()
            if draw < 0.7:
                late = 0 if draw < 0.5 else rng.randint(1, 2)
                done = _add_months(completion, late) + datetime.timedelta(days=rng.randint(5, 25))
                if done.year == YEAR and done <= latest_day():
                    StageDate.objects.update_or_create(
                        project=project, stage="completed", defaults={"actual_on": done}
                    )
                    Project.objects.filter(pk=project.pk).update(stage="completed")
        # about one plan in eight was changed in July: completion three months later, less money
        if completion is not None and rng.random() < 0.125:
            moved = _add_months(completion, 3)
            new_amount = (planned * Decimal("0.8") / 100).quantize(Decimal(1)) * 100
            when = _aware(datetime.date(YEAR, 7, 15))
            PlanBaseline.objects.create(
                plan=plan,
                number=2,
                planned_investment_wan=new_amount,
                planned_start=start,
                planned_completion=moved,
                milestones=plan.milestones,
                reason=f"{MARK}设备到货延迟，竣工顺延",
                approved_at=when,
            )
            AnnualPlan.objects.filter(pk=plan.pk).update(
                planned_investment_wan=new_amount,
                planned_completion=moved,
                baseline_count=2,
                approved_at=when,
            )


def _progress() -> None:
    plans = AnnualPlan.objects.filter(year=YEAR, is_synthetic=True).select_related("project")
    reported = set(
        MonthlyProgress.objects.filter(year=YEAR).values_list("project_id", flat=True).distinct()
    )
    rows = []
    for plan in plans.order_by("project__code"):
        if plan.project_id in reported or plan.project.stage not in REPORTING_STAGES:
            continue
        rng = random.Random(f"progress-{plan.project.code}")
        pace = rng.choice([0.35, 0.6, 0.8, 0.95, 1.0, 1.05, 1.15])
        monthly = float(plan.planned_investment_wan or 0) / 12 * pace
        for m in range(1, 13):
            if (YEAR, m) > LATEST_MONTH:
                break
            if rng.random() < 0.04:
                continue  # a month never reported
            value = Decimal(int(monthly * rng.uniform(0.5, 1.5)))
            due = datetime.date(YEAR + (m == 12), m % 12 + 1, 10)
            late = rng.random() < 0.08
            on = (
                due + datetime.timedelta(days=rng.randint(2, 12))
                if late
                else due - datetime.timedelta(days=rng.randint(1, 8))
            )
            rows.append(
                MonthlyProgress(
                    project_id=plan.project_id,
                    year=YEAR,
                    month=m,
                    completed_wan=value,
                    funds_in_place_wan=Decimal(int(float(value) * rng.uniform(0.7, 1.1))),
                    counted_wan=Decimal(int(float(value) * rng.uniform(0.8, 1.0))),
                    physical_progress=PHYSICAL[min(len(PHYSICAL) - 1, (m - 1) // 2)],
                    reported_at=_aware(on),
                    is_synthetic=True,
                )
            )
    MonthlyProgress.objects.bulk_create(rows, batch_size=500)


def _problems() -> None:
    departments = {d.short_name: d for d in Department.objects.all()}
    projects = dict(
        Project.objects.filter(code__in=[p[0] for p in PROBLEMS]).values_list("code", "pk")
    )
    for code, title, dept, leader, raised, deadline, status, closed in PROBLEMS:
        if code not in projects:
            continue
        Problem.objects.get_or_create(
            project_id=projects[code],
            title=title,
            defaults={
                "department": departments[dept],
                "leader": leader,
                "raised_on": datetime.date.fromisoformat(raised),
                "deadline": datetime.date.fromisoformat(deadline),
                "status": status,
                "closed_on": None if closed is None else datetime.date.fromisoformat(closed),
                "resolution": "" if closed is None else f"{MARK}已协调相关部门办理",
                "is_synthetic": True,
            },
        )


# --------------------------------------------------------------------------- generated


def generate_synthetic(n: int) -> int:
    """Plans and 2023 progress for generated projects 1..min(n, SYNTHETIC_CAP)."""
    return generate_progress(min(n, SYNTHETIC_CAP), year=YEAR)


def generate_progress(
    n: int, *, year: int = YEAR, months: int = 12, progress=None, county: str | None = None
) -> int:
    """Give generated projects `320582-SYN-000001`…`n` (of `county`, Zhangjiagang by
    default: `320581-SYN-…` for 常熟市) an approved plan for `year` and `months` months
    of reports (deterministic, marked synthetic). Projects that already have a plan for
    the year are left alone. Returns how many plans were added."""
    from zhaoshang.demo.synthetic import HOME_COUNTY, prefix_of

    prefix = prefix_of(county or HOME_COUNTY)

    have = set(
        AnnualPlan.objects.filter(year=year, project__code__startswith=prefix).values_list(
            "project__code", flat=True
        )
    )
    wanted = [
        (code, pk, total, stage)
        for code, pk, total, stage in Project.objects.filter(
            code__startswith=prefix, code__lte=f"{prefix}{n:06d}"
        )
        .order_by("code")
        .values_list("code", "pk", "total_investment_wan", "stage")
        if code not in have
    ]
    if not wanted:
        return 0
    months = report_months(year, months)
    plan_rows = BulkInserter(
        AnnualPlan,
        ["project_id", "year", "planned_investment_wan", "planned_start", "planned_completion",
         "status", "approved_at", "baseline_count", "is_synthetic", "created_at", "updated_at"],
    )  # fmt: skip
    baseline_rows = BulkInserter(
        PlanBaseline,
        ["plan_id", "number", "planned_investment_wan", "planned_start", "planned_completion",
         "reason", "approved_at"],
    )  # fmt: skip
    report_rows = BulkInserter(
        MonthlyProgress,
        ["project_id", "year", "month", "completed_wan", "funds_in_place_wan", "counted_wan",
         "physical_progress", "reported_at", "is_synthetic", "updated_at"],
    )  # fmt: skip
    approved = _aware(datetime.date(year, 1, 20))
    now = _aware(latest_day(), 18)  # the demo's "now": its latest day
    done = 0
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        with transaction.atomic():
            plans = [
                synthetic_plan(int(code[len(prefix) :]), pk, total, stage, year, approved, now)
                for code, pk, total, stage in chunk
            ]
            plan_rows.insert(plans)
            ids = dict(
                AnnualPlan.objects.filter(
                    year=year, project_id__in=[p["project_id"] for p in plans]
                ).values_list("project_id", "pk")
            )
            baseline_rows.insert(
                {
                    "plan_id": ids[p["project_id"]], "number": 1,
                    "planned_investment_wan": p["planned_investment_wan"],
                    "planned_start": p["planned_start"],
                    "planned_completion": p["planned_completion"],
                    "reason": MARK, "approved_at": approved,
                }
                for p in plans
            )  # fmt: skip
            rows = [
                row
                for p in plans
                for row in synthetic_reports(
                    p["project_id"], p["planned_investment_wan"], year, months, now
                )
            ]
            report_rows.insert(rows)
        done += len(chunk)
        if progress:
            progress(done, len(wanted))
    return done


def report_months(year: int, months: int = 12) -> int:
    """How many months of `year` (at most `months`) generated projects report: never a
    month after the demo's latest month."""
    return min(months, max(0, min(12, (LATEST_MONTH[0] - year) * 12 + LATEST_MONTH[1])))


def synthetic_plan(
    i: int, project_id: int, total, stage: str, year: int, approved, now
) -> dict[str, object]:
    """The approved plan for `year` of generated project number `i` (its code's number),
    as column values; a pure function of its arguments (`generate_progress` and the
    province benchmark's bulk load write the same rows)."""
    planned = Decimal(max(100, int(total or 10000) * (25 + i % 30) // 10000 * 100))
    ps = (
        datetime.date(year, 1 + i % 12, 1) if stage in ("signed", "registered", "started") else None
    )
    pc = (
        datetime.date(year, 1 + (i * 7) % 12, 1)
        if stage in ("started", "completed") and i % 3 == 0
        else None
    )
    if ps and pc and pc < ps:
        pc = None
    return {
        "project_id": project_id, "year": year, "planned_investment_wan": planned,
        "planned_start": ps, "planned_completion": pc,
        "status": PlanStatus.APPROVED, "approved_at": approved,
        "baseline_count": 1, "is_synthetic": True, "created_at": approved,
        "updated_at": now,
    }  # fmt: skip


@functools.lru_cache(maxsize=8)
def _filed_at(year: int) -> tuple[list[datetime.datetime], list[datetime.datetime]]:
    """When month m's report of `year` is filed: on time (the 6th of the next month) and
    late (the 18th)."""
    on_time = [_aware(datetime.date(year + (m == 12), m % 12 + 1, 6)) for m in range(1, 13)]
    late = [_aware(datetime.date(year + (m == 12), m % 12 + 1, 18)) for m in range(1, 13)]
    return on_time, late


def synthetic_reports(project_id: int, planned, year: int, months: int, now) -> list[dict]:
    """The monthly reports 1..`months` of `year` of a generated project with plan amount
    `planned` (about 3 in 100 months never reported, 6 in 100 filed late), as column
    values; a pure function of its arguments."""
    reported, late = _filed_at(year)
    base = int(planned) // 12
    rows = []
    for m in range(1, months + 1):
        k = (project_id * 31 + m * 17) % 100
        if k < 3:
            continue  # never reported
        value = Decimal(base * (40 + k) // 100)
        rows.append(
            {
                "project_id": project_id, "year": year, "month": m,
                "completed_wan": value, "funds_in_place_wan": value * 9 // 10,
                "counted_wan": value * 8 // 10, "physical_progress": "",
                "reported_at": late[m - 1] if k > 93 else reported[m - 1],
                "is_synthetic": True, "updated_at": now,
            }
        )  # fmt: skip
    return rows
