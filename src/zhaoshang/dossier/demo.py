"""Demo data for project files: invented leaders in charge, task forces, contacts and
approvals for the seed's projects and a few of 锦丰镇's 开门红 projects, all marked synthetic
(`is_synthetic`, names starting （合成）). The seed article names no official, contact or
permit of any project, so none of this is a fact.

Approvals are dated around each project's (invented) planned start; those of projects that
have not started by the demo's latest month are partly still open, some past their planned
date: the page shows them late. `load_demo()` is idempotent.

要素保障 checklists (issue #17): every other project with a plan gets the items of its
checklist template (`checklists.template_for`, dated by `checklists.due_on` from its
planned start, as `services.apply_checklist` dates them), with invented progress: most
items due by the demo's latest day obtained (some late), some of started projects obtained
only after the start (容缺受理) or still open past their date (red), the rest open. The demo user `fgw` works for 发改委 (the bureau view opens on it).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from zhaoshang.demo.facts import latest_day
from zhaoshang.dossier import checklists
from zhaoshang.dossier.models import (
    Approval,
    ApprovalItem,
    ApprovalStatus,
    BureauMember,
    ChecklistTemplate,
    PersonRole,
    ProjectPerson,
)
from zhaoshang.progress.demo import KMH_PREFIX, MARK, REPORTING_STAGES, SEED_PLANS
from zhaoshang.progress.models import AnnualPlan, Department
from zhaoshang.projects.models import Project

LEADERS = ["王副市长", "李副市长", "赵副市长"]
OFFICIALS = [
    ("周敏", "镇经济发展局局长"), ("陈立", "镇建设管理所所长"), ("吴婷", "镇招商服务中心主任"),
    ("孙浩", "市发改委重大项目处科员"), ("钱颖", "市行政审批局窗口负责人"),
]  # fmt: skip
FIRM_CONTACTS = [("刘洋", "项目经理"), ("何静", "行政总监"), ("张伟", "基建负责人")]
# item, department short name, months before (−) or after the planned start
STEPS = [
    (ApprovalItem.LAND_PREEXAM, "自然资源和规划局", -7),
    (ApprovalItem.EIA, "生态环境局", -5),
    (ApprovalItem.ENERGY, "发改委", -5),
    (ApprovalItem.LAND_SUPPLY, "自然资源和规划局", -4),
    (ApprovalItem.PLANNING_PERMIT, "自然资源和规划局", -3),
    (ApprovalItem.CONSTRUCTION_PERMIT, "行政审批局", -1),
    (ApprovalItem.UTILITIES, "供电公司", 2),
]
KMH_IN_JINFENG = 3
JINFENG = "320582103"


def _shift(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, min(day.day, 28))


def _projects() -> list[Project]:
    seed = list(Project.objects.filter(code__in=SEED_PLANS).order_by("code"))
    kmh = list(
        Project.objects.filter(code__startswith=KMH_PREFIX, unit_id=JINFENG).order_by("code")[
            :KMH_IN_JINFENG
        ]
    )
    return seed + kmh


def load_demo() -> None:
    _people_and_approvals()
    _checklists()
    _bureau_members()


def _people_and_approvals() -> None:
    projects = [
        p
        for p in _projects()
        if not ProjectPerson.objects.filter(project=p, is_synthetic=True).exists()
        and not Approval.objects.filter(project=p, is_synthetic=True).exists()
    ]
    if not projects:
        return
    departments = {d.short_name: d for d in Department.objects.all()}
    starts = dict(
        AnnualPlan.objects.filter(project__in=projects, planned_start__isnull=False)
        .order_by("year")
        .values_list("project_id", "planned_start")
    )
    last = latest_day()
    people, approvals = [], []
    for project in projects:
        rng = random.Random(project.code)
        leader = LEADERS[rng.randrange(len(LEADERS))]
        people.append(_person(project, PersonRole.LEADER, leader, "分管副市长（挂钩）", ""))
        for name, title in rng.sample(OFFICIALS, 2):
            people.append(_person(project, PersonRole.TASK_FORCE, name, title, _phone(rng)))
        name, title = OFFICIALS[rng.randrange(len(OFFICIALS))]
        people.append(_person(project, PersonRole.PROJECT_CONTACT, name, title, _phone(rng)))
        name, title = FIRM_CONTACTS[rng.randrange(len(FIRM_CONTACTS))]
        people.append(_person(project, PersonRole.ENTERPRISE_CONTACT, name, title, _phone(rng)))
        start = starts.get(project.pk) or datetime.date(2023, 6, 1)
        started = project.stage in REPORTING_STAGES
        for item, department, months in STEPS:
            planned = _shift(start, months)
            approval = Approval(
                project=project,
                item=item,
                department=departments.get(department),
                planned_on=planned,
                is_synthetic=True,
                note=MARK + "演示数据",
            )
            # started projects have theirs (some obtained late); the others are mid-way:
            # what was due by mid-2023 is obtained, the rest still open, some of it late
            if started or planned <= datetime.date(2023, 5, 31):
                done = planned + datetime.timedelta(days=rng.choice([-10, -3, 0, 5, 21, 40]))
                approval.status = ApprovalStatus.DONE
                approval.done_on = min(done, last)
                approval.reference = f"{MARK}张审批〔2023〕{rng.randrange(10, 99)}号"
            elif planned <= last:
                approval.status = ApprovalStatus.IN_PROGRESS
            approvals.append(approval)
    with transaction.atomic():
        ProjectPerson.objects.bulk_create(people)
        Approval.objects.bulk_create(approvals)


def _person(project, role, name, title, phone) -> ProjectPerson:
    return ProjectPerson(
        project=project,
        role=role,
        name=MARK + name,
        title=title,
        phone=phone,
        is_synthetic=True,
    )


def _phone(rng: random.Random) -> str:
    # 0512-5550 xxxx: the 555 block marks an invented number
    return f"0512-5550{rng.randrange(1000, 9999)}"


CHECKLIST_CAP = 400  # projects given a demo checklist


def _checklists() -> None:
    """Checklists from the templates for the planned projects that have no approvals yet."""
    planned = (
        AnnualPlan.objects.filter(planned_start__isnull=False)
        .exclude(project__approvals__isnull=False)
        .order_by("project__code", "-year")
        .values_list("project_id", "planned_start")
    )
    starts: dict[int, datetime.date] = {}
    for pid, start in planned:
        starts.setdefault(pid, start)
    if not starts:
        return
    ids = sorted(starts)[:CHECKLIST_CAP]
    projects = Project.objects.filter(pk__in=ids).select_related("industry").order_by("code")
    templates = list(
        ChecklistTemplate.objects.filter(is_active=True).prefetch_related("steps__department")
    )
    last = latest_day()
    approvals = []
    for project in projects:
        section = project.industry.section if project.industry_id else None
        template = next((t for t in templates if t.admits(section, project.nature)), None)
        if template is None:
            continue
        rng = random.Random("要素" + project.code)
        start = starts[project.pk]
        started = project.stage in REPORTING_STAGES
        for step in sorted(template.steps.all(), key=lambda s: (s.order, s.pk)):
            due = checklists.due_on(step.days_before_start, start)
            approval = Approval(
                project=project,
                item=step.item,
                name=step.name,
                department=step.department,
                planned_on=due,
                is_synthetic=True,
                note=MARK + "演示数据",
            )
            done = None
            if started and due <= start and rng.random() < 0.8:
                done = min(due + datetime.timedelta(days=rng.choice([-15, -7, 0, 3, 12])), start)
            elif started and due <= start:
                # started on a commitment (容缺受理, 承诺制): the item follows after the start
                done = start + datetime.timedelta(days=rng.choice([40, 90, 150, 400]))
                approval.note = MARK + "演示数据：容缺受理，开工后补办"
            elif due <= last and rng.random() < 0.7:
                done = due + datetime.timedelta(days=rng.choice([-12, -4, 0, 6, 20, 45]))
            if done is not None and done <= last:
                approval.status = ApprovalStatus.DONE
                approval.done_on = done
                approval.reference = f"{MARK}张审批〔{done.year}〕{rng.randrange(10, 199)}号"
            elif due <= last + datetime.timedelta(days=60):
                approval.status = ApprovalStatus.IN_PROGRESS
            approvals.append(approval)
    Approval.objects.bulk_create(approvals, batch_size=500)


def _bureau_members() -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="fgw").first()
    department = Department.objects.filter(short_name="发改委").first()
    if user is not None and department is not None:
        BureauMember.objects.get_or_create(user=user, defaults={"department": department})
