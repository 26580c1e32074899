import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from tests.factories import BAOSHUI, JINFENG, YEJIN, EnterpriseFactory, ProjectFactory
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.core.models import ChangeLog
from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects.models import Project, StageDate
from zhaoshang.projects.services import (
    change_stage,
    create_project,
    next_project_code,
    set_status,
    update_project,
)

pytestmark = pytest.mark.django_db


def _counts():
    return Project.objects.count(), StageDate.objects.count(), ChangeLog.objects.count()


def test_create_project_parses_text_amounts_and_resolves_names(bureau_editor):
    zf = EnterpriseFactory(name="ZF Friedrichshafen AG", country="DE")
    EnterpriseAlias.objects.create(enterprise=zf, alias="采埃孚", kind="short")
    project = create_project(
        user=bureau_editor,
        data={
            "name": " 大族激光华东区域\n总部基地项目 ",
            "unit": "保税区",
            "industry": "3424",
            "investors": ["采埃孚"],
            "total_investment": "超100亿元",
            "foreign_investment": "15亿美元",
            "expected_revenue": "约25亿",
            "planned_started": "2023-03-01",
            "planned_completed": "2025-06-30",
        },
    )
    assert project.name == "大族激光华东区域总部基地项目"  # no space between Chinese characters
    assert project.unit_id == BAOSHUI
    assert project.total_investment_wan == Decimal("1000000")
    assert project.total_investment_qualifier == "at_least"
    assert project.total_investment_text == "超100亿元"
    assert project.foreign_investment_currency == "USD"
    assert project.foreign_investment_original == Decimal("150000")
    assert project.foreign_investment_wan == Decimal("150000") * project.foreign_investment_rate
    assert project.expected_revenue_qualifier == "approx"
    assert list(project.investors.values_list("name", flat=True)) == ["ZF Friedrichshafen AG"]
    assert project.code == f"320582-{datetime.date.today().year}-0001"
    planned = dict(project.stage_dates.values_list("stage", "planned_on"))
    assert planned == {
        "started": datetime.date(2023, 3, 1),
        "completed": datetime.date(2025, 6, 30),
    }
    log = history_for(project).get()
    assert (log.action, log.user, log.changes["total_investment_wan"]) == (
        "create",
        bureau_editor,
        [None, "1000000"],
    )


def test_create_project_unknown_investor_registered_with_history(bureau_editor):
    project = create_project(
        user=bureau_editor, data={"name": "新项目", "unit": JINFENG, "investors": "甲公司；乙公司"}
    )
    assert list(project.investor_links.values_list("enterprise__name", "role")) == [
        ("甲公司", "lead"),
        ("乙公司", "partner"),
    ]
    assert ChangeLog.objects.filter(object_repr="甲公司", action="create").count() == 1


@pytest.mark.parametrize(
    "data, field, fragment",
    [
        ({"total_investment": "abc"}, "total_investment", "abc"),
        ({"total_investment": "-5亿"}, "total_investment", "-5亿"),
        ({"unit": "火星镇"}, "unit", "火星镇"),
        ({"unit": "320582"}, "unit", "320582"),
        ({"industry": "9999"}, "industry", "9999"),
        ({"chain": "太空农业"}, "chain", "太空农业"),
        ({"national_code": "2023-12"}, "national_code", "2023-12"),
        ({"stage": "flying"}, "stage", "flying"),
        ({"expected_jobs": "三百多"}, "expected_jobs", "三百多"),
        ({"planned_started": "2023-13-01"}, "planned_started", "2023-13-01"),
        (
            {"planned_started": "2024-05-01", "planned_completed": "2023-05-01"},
            "planned_completed",
            "2023-05-01",
        ),
        (
            {
                "stage": "completed",
                "actual_started": "2023-05-01",
                "actual_completed": "2023-01-01",
            },
            "actual_completed",
            "2023-01-01",
        ),
        ({"stage": "signed", "actual_started": "2023-05-01"}, "actual_started", "2023-05-01"),
        ({"stage": "signed", "actual_signed": "2999-01-01"}, "actual_signed", "2999-01-01"),
        ({"total_investment_wan": "1.0000001"}, "total_investment_wan", "1.0000001"),
        ({"parent": "NOPE-1"}, "parent", "NOPE-1"),
        ({"colour": "red"}, "colour", "colour"),
        ({"status": "dropped"}, "status_reason", ""),
    ],
)
def test_create_project_bad_input_refused_and_nothing_written(bureau_editor, data, field, fragment):
    before = _counts()
    with pytest.raises(InputError) as excinfo:
        create_project(user=bureau_editor, data={"name": "X项目", "unit": JINFENG, **data})
    assert field in excinfo.value.fields
    assert fragment in excinfo.value.fields[field][0]
    assert _counts() == before


def test_create_project_reports_every_bad_field_at_once(bureau_editor):
    with pytest.raises(InputError) as excinfo:
        create_project(
            user=bureau_editor,
            data={"name": "", "unit": "火星镇", "industry": "0000", "total_investment": "很多"},
        )
    assert sorted(excinfo.value.fields) == ["industry", "name", "total_investment", "unit"]


def test_create_project_town_editor_only_in_own_or_merged_unit(town_editor):
    own = create_project(user=town_editor, data={"name": "锦丰项目", "unit": "锦丰镇"})
    merged = create_project(user=town_editor, data={"name": "冶金园项目", "unit": "冶金园"})
    assert (own.unit_id, merged.unit_id) == (JINFENG, YEJIN)
    with pytest.raises(NotAllowed):
        create_project(user=town_editor, data={"name": "保税区项目", "unit": BAOSHUI})
    with pytest.raises(NotAllowed):
        create_project(user=town_editor, data={"name": "未定项目"})


def test_create_project_leader_refused(leader):
    with pytest.raises(NotAllowed) as excinfo, translation.override("en"):
        create_project(user=leader, data={"name": "X", "unit": JINFENG})
    assert "read-only" in str(excinfo.value)


def test_update_project_records_before_and_after(bureau_editor):
    project = ProjectFactory(total_investment_wan=Decimal("50000"))
    update_project(
        user=bureau_editor,
        project=project,
        data={"total_investment": "约5.5亿元", "unit": "乐余镇"},
        reason="复核",
    )
    log = history_for(project).get()
    assert log.changes["total_investment_wan"] == ["50000", "55000"]
    assert log.changes["total_investment_qualifier"] == ["exact", "approx"]
    assert log.changes["unit"] == ["锦丰镇", "乐余镇"]
    assert (log.user, log.reason, log.action) == (bureau_editor, "复核", "update")
    project.refresh_from_db()
    assert project.version == 2


def test_update_project_without_change_records_nothing(bureau_editor):
    project = ProjectFactory(total_investment_wan=Decimal("50000"))
    update_project(user=bureau_editor, project=project, data={"total_investment_wan": 50000})
    assert history_for(project).count() == 0
    assert Project.objects.get(pk=project.pk).version == 1


def test_update_project_stale_version_conflicts(bureau_editor):
    project = ProjectFactory()
    update_project(user=bureau_editor, project=project, data={"capacity": "10GWh"})
    with pytest.raises(ConflictError) as excinfo:
        update_project(
            user=bureau_editor, project=project, data={"capacity": "20GWh"}, expected_version=1
        )
    assert excinfo.value.current_version == 2
    assert Project.objects.get(pk=project.pk).capacity == "10GWh"


def test_update_project_town_editor_refused_for_other_unit(town_editor):
    project = ProjectFactory(unit_id=BAOSHUI)
    with pytest.raises(NotAllowed):
        update_project(user=town_editor, project=project, data={"capacity": "1GW"})


def test_update_project_town_editor_cannot_move_project_out_of_its_units(town_editor):
    project = ProjectFactory(unit_id=JINFENG)
    with pytest.raises(InputError) as excinfo:
        update_project(user=town_editor, project=project, data={"unit": "保税区"})
    assert "unit" in excinfo.value.fields
    assert Project.objects.get(pk=project.pk).unit_id == JINFENG


def test_update_project_stage_field_refused(bureau_editor):
    project = ProjectFactory()
    with pytest.raises(InputError) as excinfo:
        update_project(user=bureau_editor, project=project, data={"stage": "completed"})
    assert "stage" in excinfo.value.fields


def test_change_stage_forward_records_date_and_who(bureau_editor):
    project = ProjectFactory(stage="signed")
    change_stage(user=bureau_editor, project=project, to="started", on="2023-03-15")
    project.refresh_from_db()
    sd = project.stage_dates.get(stage="started")
    assert (project.stage, sd.actual_on, sd.recorded_by) == (
        "started",
        datetime.date(2023, 3, 15),
        bureau_editor,
    )
    log = history_for(project).get()
    assert log.changes == {"stage": ["signed", "started"], "actual_started": [None, "2023-03-15"]}


@pytest.mark.parametrize(
    "start, to",
    [("lead", "started"), ("signed", "completed"), ("started", "full_production")],
)
def test_change_stage_skipping_stages_refused(bureau_editor, start, to):
    project = ProjectFactory(stage=start)
    with pytest.raises(InputError) as excinfo:
        change_stage(user=bureau_editor, project=project, to=to, on="2023-03-15")
    assert "stage" in excinfo.value.fields
    assert Project.objects.get(pk=project.pk).stage == start


def test_change_stage_completion_before_start_refused(bureau_editor):
    project = ProjectFactory(stage="signed")
    change_stage(user=bureau_editor, project=project, to="started", on="2023-03-15")
    with pytest.raises(InputError) as excinfo:
        change_stage(user=bureau_editor, project=project, to="completed", on="2023-01-01")
    assert "2023-01-01" in excinfo.value.fields["on"][0]
    assert Project.objects.get(pk=project.pk).stage == "started"


def test_change_stage_back_needs_reason_and_clears_dates(bureau_editor):
    project = ProjectFactory(stage="signed")
    change_stage(user=bureau_editor, project=project, to="started", on="2023-03-15")
    with pytest.raises(InputError) as excinfo:
        change_stage(user=bureau_editor, project=project, to="signed", on="2023-04-01")
    assert "reason" in excinfo.value.fields
    change_stage(
        user=bureau_editor, project=project, to="signed", on="2023-04-01", reason="误报开工"
    )
    project.refresh_from_db()
    assert project.stage == "signed"
    assert project.stage_dates.get(stage="started").actual_on is None
    log = history_for(project).first()
    assert (log.reason, log.changes["actual_started"]) == ("误报开工", ["2023-03-15", None])


def test_change_stage_leader_refused(leader):
    project = ProjectFactory(stage="signed")
    with pytest.raises(NotAllowed):
        change_stage(user=leader, project=project, to="started", on="2023-03-15")


def test_set_status_dropped_needs_reason(bureau_editor):
    project = ProjectFactory()
    with pytest.raises(InputError) as excinfo:
        set_status(user=bureau_editor, project=project, status="dropped")
    assert "reason" in excinfo.value.fields
    set_status(user=bureau_editor, project=project, status="dropped", reason="企业战略调整")
    project.refresh_from_db()
    assert (project.status, project.status_reason) == ("dropped", "企业战略调整")
    assert history_for(project).get().changes["status"] == ["on_track", "dropped"]


def test_next_project_code_counts_up_per_year():
    ProjectFactory(code="320582-2023-0009")
    ProjectFactory(code="320582-2023-0010")
    assert next_project_code(2023) == "320582-2023-0011"
    assert next_project_code(2024) == "320582-2024-0001"


def test_create_project_phase_links_parent(bureau_editor):
    parent = create_project(
        user=bureau_editor, data={"name": "盛虹储能电池超级工厂", "total_investment": "306亿元"}
    )
    phase = create_project(
        user=bureau_editor,
        data={
            "name": "首期24GWh",
            "parent": parent.code,
            "phase_label": "首期",
            "total_investment": "140亿元",
        },
    )
    assert list(parent.phases.all()) == [phase]
    assert phase.total_investment_wan == Decimal("1400000")


def test_create_project_month_precision_dates_kept(bureau_editor):
    project = create_project(
        user=bureau_editor,
        data={"name": "采埃孚底盘", "stage": "signed", "actual_signed": "2022年11月"},
    )
    sd = project.stage_dates.get(stage="signed")
    assert (sd.actual_on, sd.actual_precision, sd.display("actual")) == (
        datetime.date(2022, 11, 1),
        "month",
        "2022-11",
    )
    assert history_for(project).get().changes["actual_signed"] == [None, "2022-11"]


def test_change_stage_month_precision_compared_at_the_month(bureau_editor):
    project = ProjectFactory(stage="signed")
    change_stage(user=bureau_editor, project=project, to="started", on="2023-03-15")
    change_stage(user=bureau_editor, project=project, to="completed", on="2023年3月")
    sd = project.stage_dates.get(stage="completed")
    assert (sd.actual_on, sd.actual_precision) == (datetime.date(2023, 3, 1), "month")
    with pytest.raises(InputError):
        change_stage(user=bureau_editor, project=project, to="in_production", on="2023-02")


def test_update_project_status_change_sets_since_and_needs_reason(bureau_editor):
    project = ProjectFactory()
    with pytest.raises(InputError):
        update_project(user=bureau_editor, project=project, data={"status": "paused"})
    update_project(
        user=bureau_editor,
        project=project,
        data={"status": "paused", "status_reason": "环评未批"},
    )
    project.refresh_from_db()
    assert (project.status, project.status_since) == ("paused", datetime.date.today())
