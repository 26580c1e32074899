"""要素保障: templates applied, lights at their boundaries, the month-end as-of, blockers."""

import datetime

import pytest

from tests.factories import ProjectFactory
from zhaoshang.core.errors import NotAllowed
from zhaoshang.dossier import checklists, services
from zhaoshang.dossier.elements import (
    AMBER,
    GREEN,
    NONE,
    RED,
    ElementThresholds,
    element_blockers,
    element_blockers_many,
    element_lights,
    element_thresholds,
)
from zhaoshang.dossier.models import Approval, ApprovalStatus, ChecklistTemplate
from zhaoshang.progress.models import Department, Rule, WarningRule
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Stage, StageDate

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2024, 3, 15)


@pytest.fixture
def project(db):
    return ProjectFactory()  # 3841 (section C), new, in 锦丰镇


def _eia():
    return Department.objects.get(short_name="生态环境局")


def _item(project, due, *, done=None, item="eia", status=None, department=None):
    return Approval.objects.create(
        project=project,
        item=item,
        department=department or _eia(),
        planned_on=due,
        done_on=done,
        status=status or (ApprovalStatus.DONE if done else ApprovalStatus.IN_PROGRESS),
    )


# --------------------------------------------------------------------------- templates


def test_seed_templates_are_loaded_by_the_migration():
    names = list(ChecklistTemplate.objects.values_list("name", flat=True))
    assert names == ["新建工业项目", "技改扩建工业项目", "服务业及其他项目"]
    assert ChecklistTemplate.objects.get(name="新建工业项目").steps.count() == 7


@pytest.mark.parametrize(
    "industry, nature, expected",
    [
        ("3841", "new", "新建工业项目"),
        ("3841", "expansion", "技改扩建工业项目"),
        ("3841", "upgrade", "技改扩建工业项目"),
        ("6513", "new", "服务业及其他项目"),
        (None, "new", "服务业及其他项目"),
    ],
)
def test_template_for_follows_section_and_nature(industry, nature, expected):
    project = ProjectFactory(industry_id=industry, nature=nature)
    assert checklists.template_for(project).name == expected


def test_apply_checklist_dates_items_from_the_planned_start(bureau_editor, project):
    StageDate.objects.create(project=project, stage=Stage.STARTED, planned_on=D(2023, 9, 1))
    result = services.apply_checklist(user=bureau_editor, project=project)
    got = [(a.item, a.department.short_name, a.planned_on) for a in result.added]
    assert got == [
        ("land_preexam", "自然资源和规划局", D(2023, 2, 3)),
        ("eia", "生态环境局", D(2023, 4, 4)),
        ("energy", "发改委", D(2023, 4, 4)),
        ("land_supply", "自然资源和规划局", D(2023, 5, 4)),
        ("planning_permit", "自然资源和规划局", D(2023, 6, 3)),
        ("construction_permit", "行政审批局", D(2023, 8, 2)),
        ("utilities", "供电公司", D(2023, 10, 31)),
    ]
    assert result.message() == "从“新建工业项目”添加了 7 项；已有 0 项，保持不变。"


def test_apply_checklist_twice_adds_nothing_and_keeps_a_users_dates(bureau_editor, project):
    mine = _item(project, D(2023, 1, 9))
    first = services.apply_checklist(user=bureau_editor, project=project, start=D(2023, 9, 1))
    again = services.apply_checklist(user=bureau_editor, project=project, start=D(2024, 1, 1))
    assert (len(first.added), len(first.kept)) == (6, 1)
    assert (len(again.added), len(again.kept)) == (0, 7)
    assert Approval.objects.filter(project=project).count() == 7
    mine.refresh_from_db()
    assert mine.planned_on == D(2023, 1, 9)


def test_apply_checklist_without_a_planned_start_leaves_items_undated(bureau_editor, project):
    result = services.apply_checklist(user=bureau_editor, project=project)
    assert [a.planned_on for a in result.added] == [None] * 7
    assert "没有计划开工日期" in result.message()


def test_leader_cannot_apply_a_checklist(leader, project):
    with pytest.raises(NotAllowed):
        services.apply_checklist(user=leader, project=project, start=D(2023, 9, 1))
    assert Approval.objects.count() == 0


# --------------------------------------------------------------------------- lights


def test_default_thresholds_come_from_the_warning_rule():
    assert element_thresholds() == ElementThresholds(14, 1)
    WarningRule.objects.filter(code=Rule.ELEMENT_DUE).update(amber_from=30, red_from=0)
    assert element_thresholds() == ElementThresholds(30, 0)


@pytest.mark.parametrize(
    "due, done, expected",
    [
        (D(2023, 6, 30), None, AMBER),  # due today (the as-of day)
        (D(2023, 7, 14), None, AMBER),  # due in exactly 14 days
        (D(2023, 7, 15), None, GREEN),  # 15 days ahead
        (D(2023, 6, 29), None, RED),  # one day past due
        (D(2023, 5, 1), D(2023, 6, 20), GREEN),  # done late, but done by then
        (D(2023, 5, 1), D(2023, 7, 3), RED),  # done only after the month's end
        (None, None, NONE),
    ],
)
def test_light_boundaries_as_of_the_end_of_june(project, due, done, expected):
    _item(project, due, done=done)
    (light,) = element_lights(Month(2023, 6), today=TODAY)
    assert light.level == expected


def test_a_running_month_is_judged_today_not_at_its_end(project):
    _item(project, D(2024, 3, 20))
    (light,) = element_lights(Month(2024, 3), today=TODAY)
    assert (light.level, light.days_late) == (AMBER, -5)


def test_a_future_month_is_refused():
    with pytest.raises(ValueError):
        element_lights(Month(2024, 4), today=TODAY)


def test_not_needed_removed_and_dropped_have_no_light(project):
    _item(project, D(2023, 1, 1), status=ApprovalStatus.NOT_NEEDED)
    gone = _item(project, D(2023, 1, 1), item="energy")
    Approval.objects.filter(pk=gone.pk).update(
        removed_at=datetime.datetime(2023, 2, 1, tzinfo=datetime.UTC)
    )
    dropped = ProjectFactory(status="dropped")
    _item(dropped, D(2023, 1, 1))
    assert element_lights(Month(2023, 6), today=TODAY) == []


def test_levels_and_department_filters(project):
    _item(project, D(2023, 6, 1))
    _item(
        project,
        D(2023, 7, 1),
        item="energy",
        department=Department.objects.get(short_name="发改委"),
    )
    _item(project, D(2023, 12, 1), item="utilities")
    lights = element_lights(Month(2023, 6), levels={RED, AMBER}, today=TODAY)
    assert [(x.item, x.level) for x in lights] == [("eia", RED), ("energy", AMBER)]
    only = element_lights(Month(2023, 6), department_id=_eia().pk, today=TODAY)
    assert [x.item for x in only] == ["eia", "utilities"]


def test_due_in_month_keeps_the_months_items_and_the_overdue(project):
    _item(project, D(2023, 3, 1))  # overdue
    _item(project, D(2023, 6, 10), item="energy", done=D(2023, 6, 9))  # due this month, done
    _item(project, D(2023, 7, 2), item="utilities")  # next month, due soon
    _item(project, D(2023, 7, 30), item="land_supply")  # next month, not yet due soon
    lights = element_lights(Month(2023, 6), due_in_month=True, today=TODAY)
    assert [(x.item, x.level) for x in lights] == [
        ("eia", RED),
        ("utilities", AMBER),
        ("energy", GREEN),
    ]


def test_as_json_shape(project):
    _item(project, D(2023, 6, 1))
    (light,) = element_lights(Month(2023, 6), today=TODAY)
    assert light.as_json() == {
        "project_code": project.code,
        "project_name": project.name,
        "item": "环评批复",
        "bureau": "生态环境局",
        "due": "2023-06-01",
        "done": None,
        "level": RED,
    }


# --------------------------------------------------------------------------- blockers


def test_element_blockers_names_what_is_not_obtained_by_the_day(project):
    _item(project, D(2023, 8, 15))
    _item(project, D(2023, 8, 1), item="energy", done=D(2023, 7, 1))
    _item(project, D(2023, 11, 1), item="utilities")  # due after the day: not a blocker
    _item(project, None, item="construction_permit")
    assert element_blockers(project, D(2023, 9, 1)) == [
        "环评批复（生态环境局）：计划 2023-08-15 取得，尚未取得",
        "施工许可（生态环境局）：尚无计划日期，尚未取得",
    ]
    other = ProjectFactory()
    assert element_blockers_many([project.pk, other.pk], D(2023, 8, 1)) == {
        project.pk: ["施工许可（生态环境局）：尚无计划日期，尚未取得"]
    }
    assert element_blockers(other.pk, D(2023, 8, 1)) == []
