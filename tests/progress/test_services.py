import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.factories import BAOSHUI, ProjectFactory
from tests.progress.factories import DepartmentFactory, PlanFactory, ProblemFactory, ReportFactory
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.progress import services
from zhaoshang.progress.models import (
    AnnualPlan,
    MonthlyProgress,
    PlanBaseline,
    Problem,
    ProgressSettings,
    WarningRule,
)
from zhaoshang.projects.models import BatchEvent, ProjectList, ProjectListEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --------------------------------------------------------------------------- plans


def test_save_plan_creates_a_draft_with_months_and_history(town_editor):
    project = ProjectFactory()
    plan = services.save_plan(
        user=town_editor,
        project=project,
        year=2023,
        data={
            "planned_investment_wan": "2亿元",
            "planned_start": "2023年3月",
            "planned_completion": "2023-11",
            "milestones": "主体封顶",
        },
    )
    assert (plan.planned_investment_wan, plan.planned_start, plan.planned_completion) == (
        Decimal("20000"),
        datetime.date(2023, 3, 1),
        datetime.date(2023, 11, 1),
    )
    assert (plan.status, plan.baseline_count) == ("draft", 0)
    assert history_for(plan).count() == 1


def test_save_plan_refuses_completion_before_start_and_writes_nothing(bureau_editor):
    project = ProjectFactory()
    with pytest.raises(InputError) as caught:
        services.save_plan(
            user=bureau_editor,
            project=project,
            year=2023,
            data={
                "planned_investment_wan": "-5",
                "planned_start": "2023-09",
                "planned_completion": "2023-03",
            },
        )
    assert caught.value.fields == {
        "planned_investment_wan": ["an amount cannot be negative: -5"],
        "planned_completion": ["planned completion 2023-03 is before the planned start 2023-09"],
    }
    assert AnnualPlan.objects.count() == 0


def test_approving_keeps_baseline_one_and_a_change_needs_a_reason(bureau_editor):
    project = ProjectFactory()
    plan = services.save_plan(
        user=bureau_editor,
        project=project,
        year=2023,
        data={"planned_investment_wan": "10000", "planned_completion": "2023-10"},
    )
    services.approve_plan(user=bureau_editor, plan=plan)
    plan.refresh_from_db()
    with pytest.raises(InputError) as caught:
        services.save_plan(
            user=bureau_editor,
            project=project,
            year=2023,
            data={"planned_completion": "2024-01"},
            expected_version=plan.version,
        )
    assert caught.value.fields == {"reason": ["changing an approved plan needs a reason"]}

    services.save_plan(
        user=bureau_editor,
        project=project,
        year=2023,
        data={"planned_completion": "2024-01", "planned_investment_wan": "8000"},
        reason="设备延期到货",
        expected_version=plan.version,
    )
    plan.refresh_from_db()
    baselines = list(
        PlanBaseline.objects.filter(plan=plan).values_list(
            "number", "planned_investment_wan", "planned_completion", "reason"
        )
    )
    assert baselines == [
        (1, Decimal("10000"), datetime.date(2023, 10, 1), ""),
        (2, Decimal("8000"), datetime.date(2024, 1, 1), "设备延期到货"),
    ]
    assert (plan.status, plan.baseline_count) == ("approved", 2)


def test_a_town_editor_may_draft_but_not_change_an_approved_plan(town_editor, bureau_editor):
    project = ProjectFactory()
    plan = services.save_plan(
        user=town_editor, project=project, year=2023, data={"planned_investment_wan": "100"}
    )
    with pytest.raises(NotAllowed):
        services.approve_plan(user=town_editor, plan=plan)
    services.approve_plan(user=bureau_editor, plan=plan)
    with pytest.raises(NotAllowed) as caught:
        services.save_plan(
            user=town_editor,
            project=project,
            year=2023,
            data={"planned_investment_wan": "50"},
            reason="缩减",
        )
    assert "approved" in str(caught.value)
    assert AnnualPlan.objects.get().planned_investment_wan == Decimal("100")


def test_a_town_editor_cannot_plan_another_units_project(town_editor):
    project = ProjectFactory(unit_id=BAOSHUI)
    with pytest.raises(NotAllowed):
        services.save_plan(user=town_editor, project=project, year=2023, data={})
    assert AnnualPlan.objects.count() == 0


def test_save_plan_refuses_a_stale_version(bureau_editor):
    project = ProjectFactory()
    plan = services.save_plan(user=bureau_editor, project=project, year=2023, data={})
    services.save_plan(
        user=bureau_editor,
        project=project,
        year=2023,
        data={"planned_investment_wan": "1"},
        expected_version=plan.version,
    )
    with pytest.raises(ConflictError):
        services.save_plan(
            user=bureau_editor,
            project=project,
            year=2023,
            data={"planned_investment_wan": "2"},
            expected_version=plan.version,
        )


# --------------------------------------------------------------------------- progress


def test_record_progress_then_a_second_report_is_an_edit_kept_in_history(town_editor):
    project = ProjectFactory()
    first = services.record_progress(
        user=town_editor,
        project=project,
        month="2023-06",
        data={"completed_wan": "1200", "funds_in_place_wan": "1000", "physical_progress": "桩基"},
    )
    reported_at = first.reported_at
    second = services.record_progress(
        user=town_editor,
        project=project,
        month="2023-06",
        data={"completed_wan": "1500", "version": first.version},
    )
    assert MonthlyProgress.objects.count() == 1
    assert (second.pk, second.completed_wan, second.version) == (first.pk, Decimal("1500"), 2)
    assert second.reported_at == reported_at
    changes = [log.changes for log in history_for(second).order_by("at", "id")]
    assert changes[-1] == {"completed_wan": ["1200", "1500"]}
    assert len(changes) == 2


@pytest.mark.parametrize(
    ("data", "month", "field", "message"),
    [
        ({"completed_wan": "-1"}, "2023-06", "completed_wan", "an amount cannot be negative: -1"),
        ({"counted_wan": "abc"}, "2023-06", "counted_wan", "“abc” is not an amount"),
        ({"bogus": "1"}, "2023-06", "bogus", "unknown field “bogus”"),
        (
            {"completed_wan": "1"},
            "2023-13",
            "month",
            "“2023-13” is not a month (write it as 2023-06)",
        ),
    ],
)
def test_record_progress_refuses_bad_input_and_writes_nothing(
    town_editor, data, month, field, message
):
    project = ProjectFactory()
    with pytest.raises(InputError) as caught:
        services.record_progress(user=town_editor, project=project, month=month, data=data)
    assert message in " ".join(caught.value.fields[field])
    assert MonthlyProgress.objects.count() == 0


def test_record_progress_refuses_a_month_in_the_future(town_editor):
    project = ProjectFactory()
    future = timezone.localdate() + datetime.timedelta(days=40)
    text = f"{future.year}-{future.month:02d}"
    with pytest.raises(InputError) as caught:
        services.record_progress(
            user=town_editor, project=project, month=text, data={"completed_wan": "1"}
        )
    assert caught.value.fields == {
        "month": [f"{text} is in the future; report a month once it has begun"]
    }
    assert MonthlyProgress.objects.count() == 0


def test_a_cumulative_figure_gives_the_month_and_may_not_go_down(town_editor):
    project = ProjectFactory()
    ReportFactory(project=project, month=1, completed_wan=Decimal("1000"))
    ReportFactory(project=project, month=2, completed_wan=Decimal("500"))
    report = services.record_progress(
        user=town_editor, project=project, month="2023-03", data={"completed_ytd_wan": "2100"}
    )
    assert report.completed_wan == Decimal("600")
    with pytest.raises(InputError) as caught:
        services.record_progress(
            user=town_editor, project=project, month="2023-04", data={"completed_ytd_wan": "2000"}
        )
    assert caught.value.fields == {
        "completed_ytd_wan": [
            "investment completed: the cumulative figure 2000 would go down: January to the "
            "month before already total 2100"
        ]
    }
    assert MonthlyProgress.objects.count() == 3


def test_a_submitted_report_cannot_be_emptied(town_editor):
    project = ProjectFactory()
    services.record_progress(
        user=town_editor, project=project, month="2023-06", data={"completed_wan": "5"}
    )
    with pytest.raises(InputError) as caught:
        services.record_progress(
            user=town_editor,
            project=project,
            month="2023-06",
            data={"completed_wan": "", "funds_in_place_wan": "", "counted_wan": "", "version": 1},
        )
    assert list(caught.value.fields) == ["completed_wan"]
    assert MonthlyProgress.objects.get().completed_wan == Decimal("5")


def test_leaders_and_other_towns_cannot_report(leader, town_editor):
    with pytest.raises(NotAllowed):
        services.record_progress(
            user=leader, project=ProjectFactory(), month="2023-06", data={"completed_wan": "1"}
        )
    with pytest.raises(NotAllowed):
        services.record_progress(
            user=town_editor,
            project=ProjectFactory(unit_id=BAOSHUI),
            month="2023-06",
            data={"completed_wan": "1"},
        )
    assert MonthlyProgress.objects.count() == 0


def test_record_unit_month_saves_all_rows_or_none(town_editor):
    good, bad, blank = ProjectFactory(), ProjectFactory(), ProjectFactory()
    rows = {
        good.code: {"completed_wan": "100"},
        bad.code: {"completed_wan": "-3"},
        blank.code: {"completed_wan": "", "physical_progress": ""},
    }
    with pytest.raises(InputError) as caught:
        services.record_unit_month(
            user=town_editor, unit_code="320582103", month="2023-06", rows=rows
        )
    assert caught.value.fields == {
        f"{bad.code}.completed_wan": [
            f"row 2 ({bad.name}): investment completed: an amount cannot be negative: -3"
        ]
    }
    assert MonthlyProgress.objects.count() == 0

    rows[bad.code] = {"completed_wan": "3"}
    counts = services.record_unit_month(
        user=town_editor, unit_code="320582103", month="2023-06", rows=rows
    )
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    counts = services.record_unit_month(
        user=town_editor,
        unit_code="320582103",
        month="2023-06",
        rows={
            good.code: {"completed_wan": "100", "version": 1},
            bad.code: {"completed_wan": "4", "version": 1},
        },
    )
    assert counts == {"created": 0, "updated": 1, "unchanged": 1}


def test_record_unit_month_refuses_projects_of_another_unit(town_editor):
    other = ProjectFactory(unit_id="320582406")
    with pytest.raises(InputError) as caught:
        services.record_unit_month(
            user=town_editor,
            unit_code="320582103",
            month="2023-06",
            rows={other.code: {"completed_wan": "1"}, "NOPE": {"completed_wan": "1"}},
        )
    assert caught.value.fields == {
        f"{other.code}.project": [f"project {other.code} is not in this unit"],
        "NOPE.project": ["no project with code “NOPE”"],
    }


def test_record_unit_month_refuses_a_stale_row(town_editor):
    project = ProjectFactory()
    report = ReportFactory(project=project, month=6)
    MonthlyProgress.objects.filter(pk=report.pk).update(version=3)
    with pytest.raises(InputError) as caught:
        services.record_unit_month(
            user=town_editor,
            unit_code="320582103",
            month="2023-06",
            rows={project.code: {"completed_wan": "7", "version": "2"}},
        )
    assert list(caught.value.fields) == [f"{project.code}.version"]
    assert MonthlyProgress.objects.get().completed_wan == Decimal("1000")


# --------------------------------------------------------------------------- problems


def test_problem_lifecycle_close_needs_resolution_reopen_needs_reason(town_editor):
    DepartmentFactory()
    project = ProjectFactory()
    problem = services.create_problem(
        user=town_editor,
        project=project,
        data={
            "title": "用地指标",
            "department": "自然资源和规划局",
            "leader": "王副市长",
            "raised_on": "2023-03-01",
            "deadline": "2023-04-30",
        },
    )
    with pytest.raises(InputError) as caught:
        services.update_problem(
            user=town_editor, problem=problem, data={"status": "solved"}, expected_version=1
        )
    assert caught.value.fields == {"resolution": ["closing a problem needs the resolution"]}
    services.update_problem(
        user=town_editor,
        problem=problem,
        data={"status": "solved", "resolution": "已调剂指标", "closed_on": "2023-04-20"},
        expected_version=1,
    )
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on) == ("solved", datetime.date(2023, 4, 20))
    with pytest.raises(InputError) as caught:
        services.update_problem(
            user=town_editor, problem=problem, data={"status": "open"}, expected_version=2
        )
    assert caught.value.fields == {"reason": ["reopening a problem needs a reason"]}
    services.update_problem(
        user=town_editor,
        problem=problem,
        data={"status": "open"},
        reason="指标被收回",
        expected_version=2,
    )
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on) == ("open", None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"deadline": "2023-02-01"}, "deadline", "is before the problem was raised"),
        ({"department": "无此部门"}, "department", "unknown department “无此部门”"),
        ({"deadline": "2023-05"}, "deadline", "give the day"),
        ({"title": ""}, "title", "a problem needs a short title"),
    ],
)
def test_create_problem_refuses_bad_input(town_editor, data, field, message):
    DepartmentFactory()
    base = {
        "title": "用地",
        "department": "自然资源和规划局",
        "raised_on": "2023-03-01",
        "deadline": "2023-04-30",
    }
    with pytest.raises(InputError) as caught:
        services.create_problem(user=town_editor, project=ProjectFactory(), data={**base, **data})
    assert message in " ".join(caught.value.fields[field])
    assert Problem.objects.count() == 0


def test_closing_on_a_future_day_is_refused(town_editor):
    problem = ProblemFactory()
    later = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    with pytest.raises(InputError) as caught:
        services.update_problem(
            user=town_editor,
            problem=problem,
            data={"status": "solved", "resolution": "好了", "closed_on": later},
            expected_version=problem.version,
        )
    assert list(caught.value.fields) == ["closed_on"]


# --------------------------------------------------------------------------- lists, events, rules


def test_list_members_are_the_offices_and_kept_in_history(bureau_editor, town_editor):
    plist = ProjectList.objects.create(name="2023年苏州市重大项目", level="city", year=2023)
    project = ProjectFactory()
    with pytest.raises(NotAllowed):
        services.set_list_member(user=town_editor, project_list=plist, project=project)
    services.set_list_member(
        user=bureau_editor, project_list=plist, project=project, planned_investment_wan="5000"
    )
    assert ProjectListEntry.objects.get().planned_investment_wan == Decimal("5000")
    services.remove_list_member(user=bureau_editor, project_list=plist, project=project)
    assert ProjectListEntry.objects.count() == 0
    assert [log.changes for log in history_for(plist).order_by("at", "id")] == [
        {project.code: [None, "5000"]},
        {project.code: ["on the list", None]},
    ]


def test_add_event_projects_names_unknown_codes(bureau_editor):
    event = BatchEvent.objects.create(name="集中开工", kind="start", date=datetime.date(2023, 3, 1))
    project = ProjectFactory()
    with pytest.raises(InputError) as caught:
        services.add_event_projects(user=bureau_editor, event=event, codes=[project.code, "X-1"])
    assert caught.value.fields == {"projects": ["no project with code X-1"]}
    assert services.add_event_projects(user=bureau_editor, event=event, codes=[project.code]) == 1
    assert list(event.projects.all()) == [project]


def test_thresholds_are_the_city_administrators(admin_user, bureau_editor):
    rule = WarningRule.objects.get(code="behind_elapsed")
    with pytest.raises(NotAllowed):
        services.update_rule(user=bureau_editor, rule=rule, data={"red_from": "30"})
    with pytest.raises(InputError) as caught:
        services.update_rule(user=admin_user, rule=rule, data={"amber_from": "40"})
    assert caught.value.fields == {"red_from": ["red from 25.00 is below amber from 40"]}
    services.update_rule(user=admin_user, rule=rule, data={"amber_from": "5", "red_from": "20"})
    rule.refresh_from_db()
    assert (rule.amber_from, rule.red_from) == (Decimal("5"), Decimal("20"))
    with pytest.raises(InputError):
        services.update_settings(user=admin_user, report_due_day="31")
    services.update_settings(user=admin_user, report_due_day="15")
    assert ProgressSettings.current().report_due_day == 15


def test_plan_factory_and_services_agree_on_the_unique_year(bureau_editor):
    plan = PlanFactory()
    services.save_plan(
        user=bureau_editor,
        project=plan.project,
        year=2023,
        data={"milestones": "封顶"},
        expected_version=plan.version,
    )
    assert AnnualPlan.objects.count() == 1
