import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.factories import BAOSHUI, ProjectFactory
from tests.progress.factories import PlanFactory, ProblemFactory, ReportFactory, months
from zhaoshang.progress import rules
from zhaoshang.progress.facts import Scope
from zhaoshang.progress.models import PlanBaseline, WarningRule
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import StageDate

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 1, 15)
SEPTEMBER = Month(2023, 9)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _aware(year, month, day):
    return datetime.datetime(year, month, day, 10, tzinfo=datetime.UTC)


def _started(project, on):
    StageDate.objects.create(project=project, stage="started", actual_on=on)


def _found(month=SEPTEMBER, **kwargs):
    return [
        (w.project_code, w.level, w.rule, w.reason)
        for w in rules.compute(month, today=TODAY, **kwargs)
    ]


def test_behind_elapsed_time_says_why_with_the_figures():
    project = ProjectFactory(code="A", stage="started")
    _started(project, datetime.date(2023, 1, 10))
    PlanFactory(project=project, planned_investment_wan=Decimal("12000"))
    months(project, [560] * 9)  # 5040 of 12000 = 42%, 序时进度 9/12 = 75%
    assert _found() == [("A", "red", "behind_elapsed", "completion 42%, elapsed time 75%")]


def test_behind_elapsed_reason_in_chinese():
    project = ProjectFactory(code="A", stage="started")
    _started(project, datetime.date(2023, 1, 10))
    PlanFactory(project=project, planned_investment_wan=Decimal("12000"))
    months(project, [560] * 9)
    with translation.override("zh-hans"):
        found = rules.compute(SEPTEMBER, today=TODAY)
    assert [w.reason for w in found] == ["完成率 42%，序时进度 75%"]


@pytest.mark.parametrize(
    ("completed", "level"),
    [(9000, "green"), (7900, "green"), (7800, "amber"), (6001, "amber"), (6000, "red")],
)
def test_behind_elapsed_levels_follow_the_thresholds(completed, level):
    # amber from 10 points behind, red from 25 (defaults); 75% elapsed in September
    project = ProjectFactory(code="A", stage="started")
    _started(project, datetime.date(2023, 1, 10))
    PlanFactory(project=project, planned_investment_wan=Decimal("12000"))
    months(project, [0] * 8 + [completed])
    found = rules.compute(SEPTEMBER, include_green=True, today=TODAY)
    assert [(w.rule, w.level) for w in found] == [("behind_elapsed", level)]


def test_start_and_completion_overdue_count_months_since_the_planned_month():
    late_start = ProjectFactory(code="S", stage="signed")
    PlanFactory(
        project=late_start, planned_investment_wan=None, planned_start=datetime.date(2023, 3, 1)
    )
    late_end = ProjectFactory(code="C", stage="started")
    _started(late_end, datetime.date(2022, 5, 1))
    PlanFactory(
        project=late_end,
        planned_investment_wan=None,
        planned_completion=datetime.date(2023, 7, 1),
    )
    months(late_start, [0] * 9)
    months(late_end, [0] * 9)
    assert _found() == [
        (
            "S",
            "red",
            "start_overdue",
            "planned to start in 2023-03, not started by 2023-09-30 (6 months late)",
        ),
        (
            "C",
            "amber",
            "completion_overdue",
            "planned to complete in 2023-07, not completed by 2023-09-30 (2 months late)",
        ),
    ]


def test_a_start_after_the_month_asked_about_still_counts_as_not_started_then():
    project = ProjectFactory(code="S", stage="started")
    _started(project, datetime.date(2023, 11, 2))
    PlanFactory(
        project=project, planned_investment_wan=None, planned_start=datetime.date(2023, 8, 1)
    )
    months(project, [0] * 11)
    assert [r[2] for r in _found()] == ["start_overdue"]
    assert _found(Month(2023, 11)) == []


def test_missing_and_late_reports_judged_at_the_end_of_the_month_they_are_due_in():
    # September judges August's reports (due 10 September) as they stood on 30 September
    for code, reported_at in [
        ("L", _aware(2023, 9, 13)),
        ("T", _aware(2023, 9, 10)),
        ("X", _aware(2023, 10, 5)),  # came after the month's end: not in by then
    ]:
        project = ProjectFactory(code=code)
        PlanFactory(project=project, planned_investment_wan=None)
        ReportFactory(project=project, month=8, reported_at=reported_at)
    PlanFactory(project=ProjectFactory(code="M"), planned_investment_wan=None)
    missing = "no report for 2023-08 by 2023-09-30; due 2023-09-10, 20 days overdue"
    assert _found() == [
        ("M", "red", "no_report", missing),
        ("X", "red", "no_report", missing),
        (
            "L",
            "amber",
            "no_report",
            "report for 2023-08 came 3 days late (due 2023-09-10, in 2023-09-13)",
        ),
    ]


@pytest.mark.parametrize("today", [datetime.date(2023, 10, 1), datetime.date(2026, 12, 7)])
def test_a_past_month_reads_the_same_whenever_it_is_asked_about(today):
    PlanFactory(project=ProjectFactory(code="M"), planned_investment_wan=None)
    assert [w.reason for w in rules.compute(SEPTEMBER, today=today)] == [
        "no report for 2023-08 by 2023-09-30; due 2023-09-10, 20 days overdue"
    ]


def test_reports_are_not_judged_before_they_are_due():
    project = ProjectFactory(code="M")
    PlanFactory(project=project, planned_investment_wan=None)
    assert rules.compute(SEPTEMBER, today=datetime.date(2023, 9, 10)) == []
    assert [w.rule for w in rules.compute(SEPTEMBER, today=datetime.date(2023, 9, 11))] == [
        "no_report"
    ]


def test_problem_overdue_as_the_month_stood():
    project = ProjectFactory(code="P")
    ProblemFactory(
        project=project,
        title="用地指标",
        deadline=datetime.date(2023, 9, 20),
        status="solved",
        resolution="已解决",
        closed_on=datetime.date(2023, 10, 5),
    )
    assert _found() == [
        (
            "P",
            "amber",
            "problem_overdue",
            "problem “用地指标” (自然资源和规划局, leader 王副市长) was due 2023-09-20, "
            "10 days overdue",
        )
    ]
    assert _found(Month(2023, 10)) == []


def test_a_past_month_is_judged_with_the_plan_then_in_force():
    project = ProjectFactory(code="A", stage="started")
    _started(project, datetime.date(2023, 1, 10))
    plan = PlanFactory(
        project=project,
        planned_investment_wan=Decimal("6000"),
        status="approved",
        baseline_count=2,
        approved_at=_aware(2023, 10, 15),
    )
    PlanBaseline.objects.create(
        plan=plan,
        number=1,
        planned_investment_wan=Decimal("12000"),
        approved_at=_aware(2023, 1, 20),
    )
    PlanBaseline.objects.create(
        plan=plan,
        number=2,
        planned_investment_wan=Decimal("6000"),
        approved_at=_aware(2023, 10, 15),
    )
    months(project, [560] * 10)
    assert _found() == [("A", "red", "behind_elapsed", "completion 42%, elapsed time 75%")]
    found = rules.compute(Month(2023, 10), include_green=True, today=TODAY)
    assert [(w.level, w.reason) for w in found] == [
        ("green", "completion 93.3%, elapsed time 83.3%")
    ]


def test_thresholds_and_switches_take_effect_at_once():
    project = ProjectFactory(code="A", stage="started")
    _started(project, datetime.date(2023, 1, 10))
    PlanFactory(project=project, planned_investment_wan=Decimal("12000"))
    months(project, [560] * 9)
    WarningRule.objects.filter(code="behind_elapsed").update(red_from=40)
    assert [r[1] for r in _found()] == ["amber"]
    WarningRule.objects.filter(code="behind_elapsed").update(enabled=False)
    assert _found() == []


def test_dropped_projects_and_other_units_are_left_out():
    dropped = ProjectFactory(status="dropped", status_reason="撤资")
    PlanFactory(project=dropped)
    elsewhere = ProjectFactory(code="B", unit_id=BAOSHUI)
    PlanFactory(project=elsewhere)
    assert _found(scope=Scope(units={"320582103"})) == []
    assert [r[0] for r in _found()] == ["B", "B"]


def test_project_history_gives_each_month_its_lights():
    project = ProjectFactory(code="A", stage="started")
    _started(project, datetime.date(2023, 1, 10))
    PlanFactory(project=project, planned_investment_wan=Decimal("1200"))
    months(project, [100, 100, 0])
    history = rules.project_history(project, 2023, today=datetime.date(2023, 4, 20))
    assert [(str(m), [w.level for w in found]) for m, found in history] == [
        ("2023-01", ["green"]),
        ("2023-02", ["green"]),
        ("2023-03", ["green"]),  # 16.7% against 25%: 8.3 points behind
        ("2023-04", ["amber"]),  # 16.7% against 33.3%; April's report is not due yet
    ]


def test_warnings_command_prints_json_with_the_documented_keys(tmp_path):
    project = ProjectFactory(code="A", name="测试项目", stage="started")
    _started(project, datetime.date(2023, 1, 10))
    PlanFactory(project=project, planned_investment_wan=Decimal("12000"))
    months(project, [560] * 9, reported_at=_aware(2023, 9, 1))
    out = io.StringIO()
    call_command(
        "warnings", "--month", "2023-09", "--unit", "锦丰镇", "--format", "json", stdout=out
    )
    assert json.loads(out.getvalue()) == [
        {
            "project_code": "A",
            "project_name": "测试项目",
            "unit": "锦丰镇",
            "level": "red",
            "rule": "behind_elapsed",
            "reason": "completion 42%, elapsed time 75%",
        }
    ]
    table = io.StringIO()
    call_command("warnings", "--month", "2023-09", stdout=table)
    assert "completion 42%, elapsed time 75%" in table.getvalue()
    assert "of 1 projects, 1 red, 0 amber, 0 with no red or amber warning" in table.getvalue()
    assert "Investment behind elapsed time 1/0" in table.getvalue()


def test_warning_tally_counts_each_project_once_and_rule_hits_apart():
    from zhaoshang.progress import queries

    project = ProjectFactory(code="A", stage="started")
    _started(project, datetime.date(2023, 1, 10))
    PlanFactory(project=project, planned_investment_wan=Decimal("12000"))
    months(project, [560] * 9)
    on_pace = ProjectFactory(code="B", stage="started")
    _started(on_pace, datetime.date(2023, 1, 10))
    PlanFactory(project=on_pace, planned_investment_wan=Decimal("1200"))
    months(on_pace, [100] * 9)
    ProblemFactory(project=project, deadline=datetime.date(2023, 9, 20))
    tally = queries.warning_tally("2023-09")
    # A: red (behind) and amber (problem): one red project, two rule hits
    assert (tally.projects, tally.red, tally.amber, tally.green) == (2, 1, 0, 1)
    assert {k: v for k, v in tally.hits.items() if v["red"] or v["amber"]} == {
        "behind_elapsed": {"red": 1, "amber": 0},
        "problem_overdue": {"red": 0, "amber": 1},
    }
    assert (tally.hits_red, tally.hits_amber) == (1, 1)


def test_overdue_problems_count_days_to_the_day_asked_about():
    from zhaoshang.progress import queries

    ProblemFactory(project=ProjectFactory(code="A"), deadline=datetime.date(2023, 9, 20))
    overdue = queries.overdue_problems(datetime.date(2023, 10, 20))
    assert [(p.project.code, p.overdue_days) for p in overdue] == [("A", 30)]
    assert queries.overdue_problem_count(datetime.date(2023, 10, 20)) == 1
    assert queries.overdue_problems(datetime.date(2023, 9, 20)) == []
