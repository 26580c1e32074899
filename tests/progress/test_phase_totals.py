"""Plan totals count each investment once: a phase planned beside its parent project is in
the parent's figures (`projects.queries.left_out`, the ledger's rule), on every surface."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.demo.load import ensure_users, load_facts
from zhaoshang.progress import demo, facts, queries, rates, report
from zhaoshang.progress.models import AnnualPlan
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Project, ProjectList, ProjectListEntry

pytestmark = pytest.mark.django_db
DECEMBER = Month(2023, 12)
TODAY = datetime.date(2024, 1, 15)
SHENGHONG, SHENGHONG_FIRST = "320582-2023-0001", "320582-2023-0002"
XINYI, XINYI_SOLAR = "320582-2023-0003", "320582-2023-0004"


def _plan(code: str) -> Decimal:
    return AnnualPlan.objects.get(project__code=code, year=2023).planned_investment_wan


def test_demo_plans_count_shenghong_and_xinyi_phases_once(tmp_path):
    ensure_users(tmp_path)
    load_facts()
    demo.load_demo()
    # the demo's plans: 盛虹 15亿 holds its 首期 9.6亿, 信义 3亿 holds 信义光伏 2亿
    assert [_plan(c) for c in (SHENGHONG, SHENGHONG_FIRST, XINYI, XINYI_SOLAR)] == [
        Decimal("150000"),
        Decimal("96000"),
        Decimal("30000"),
        Decimal("20000"),
    ]
    every_plan = sum(
        AnnualPlan.objects.filter(year=2023).values_list("planned_investment_wan", flat=True)
    )
    _rows, total = rates.compute(DECEMBER, today=TODAY)
    assert total.planned_wan == every_plan - Decimal("116000")  # 11.6亿 counted once, not twice
    assert (total.projects, total.phases, total.phases_planned_wan) == (110, 2, Decimal("116000"))
    # the same figure however it is computed: grouped SQL, loaded facts, by unit, chain, list
    loaded = facts.load(DECEMBER, today=TODAY)
    for by in (None, "unit", "chain", "list"):
        rows, by_total = rates.compute(DECEMBER, by, today=TODAY)
        from_facts, facts_total = rates.compute(DECEMBER, by, today=TODAY, facts=loaded)
        assert (by_total.planned, by_total.completed, by_total.funds) == (
            total.planned,
            total.completed,
            total.funds,
        )
        assert [(r.key, r.planned, r.completed, r.phases) for r in rows] == [
            (r.key, r.planned, r.completed, r.phases) for r in from_facts
        ]
        assert (facts_total.planned, facts_total.completed) == (total.planned, total.completed)
    # the cockpit's planned pace ends the year at the same annual plan
    assert queries.plan_vs_completed_by_month(2023)[-1]["planned_cumulative_wan"] == (
        total.planned_wan
    )
    assert total.as_json()["phases_counted_in_parent"] == 2
    # the monthly report's city row
    path = tmp_path / "report.xlsx"
    report.write_monthly(path, DECEMBER, today=TODAY)
    summary = list(load_workbook(path, read_only=True).worksheets[0].values)
    assert summary[2][0] == total.phase_note
    assert summary[-1][2] == float(total.planned_wan)


@pytest.fixture
def phased():
    """A parent planned at 1000 in 锦丰镇 holding its phase's 400; the phase reports 100 a
    month and the parent (its own and the phase's work) 300."""
    parent = ProjectFactory(code="PARENT", unit_id=JINFENG)
    phase = ProjectFactory(code="PHASE", unit_id=JINFENG, parent=parent, phase_label="首期")
    PlanFactory(project=parent, planned_investment_wan=Decimal("1000"))
    PlanFactory(project=phase, planned_investment_wan=Decimal("400"))
    other = ProjectFactory(code="OTHER", unit_id=BAOSHUI)
    PlanFactory(project=other, planned_investment_wan=Decimal("500"))
    for m in (1, 2):
        ReportFactory(project=parent, month=m, completed_wan=Decimal("300"))
        ReportFactory(project=phase, month=m, completed_wan=Decimal("100"))
        ReportFactory(project=other, month=m, completed_wan=Decimal("50"))
    return parent, phase, other


def test_rates_leave_a_phase_s_amounts_to_its_parent_but_count_the_project(phased):
    _rows, total = rates.compute(Month(2023, 2), today=TODAY)
    assert (total.projects, total.planned_wan, total.completed_wan, total.phases) == (
        3,
        Decimal("1500"),
        Decimal("700"),
        1,
    )
    assert total.completion_rate == Decimal("700") / Decimal("1500")


def test_a_phase_counts_in_full_where_its_parent_is_not_in_the_set(phased):
    _parent, phase, _other = phased
    phase.unit_id = BAOSHUI  # the phase built in another unit: its unit's row holds it
    phase.save()
    rows, total = rates.compute(Month(2023, 2), "unit", today=TODAY)
    assert [(r.key, r.planned_wan, r.phases) for r in rows] == [
        (JINFENG, Decimal("1000"), 0),
        (BAOSHUI, Decimal("900"), 0),
    ]
    assert (total.planned_wan, total.phases) == (Decimal("1500"), 1)  # the city: once
    alone = facts.Scope(project_ids={phase.pk})
    _rows, only = rates.compute(Month(2023, 2), None, alone, today=TODAY)
    assert (only.planned_wan, only.phases) == (Decimal("400"), 0)


def test_plan_vs_completed_counts_the_phase_s_reports_once(phased):
    rows = queries.plan_vs_completed_by_month(2023, month=Month(2023, 2))
    assert (rows[1]["completed_cumulative_wan"], rows[-1]["planned_cumulative_wan"]) == (
        Decimal("700"),
        Decimal("1500.00"),
    )


@pytest.mark.parametrize(
    "members, planned_total, in_parent, note",
    [
        (["PARENT", "PHASE", "OTHER"], Decimal("1500"), ["PHASE"],
         "includes 1 phase of CNY 4 million counted within its parent project, once"),
        (["PHASE", "OTHER"], Decimal("900"), [], ""),  # the list holds the phase alone
    ],
)  # fmt: skip
def test_list_report_counts_a_phase_once_when_its_parent_is_listed(
    phased, members, planned_total, in_parent, note
):
    plist = ProjectList.objects.create(name="2023年苏州市重大项目", level="city", year=2023)
    for code in members:
        ProjectListEntry.objects.create(project_list=plist, project=Project.objects.get(code=code))
    from django.utils import translation

    with translation.override("en"):
        found = queries.list_report(plist, Month(2023, 2))
    assert found["planned_total_wan"] == planned_total
    assert [r["project"].code for r in found["rows"] if r["in_parent"]] == in_parent
    assert found["phase_note"] == note


def test_monthly_report_city_row_counts_the_phase_once(phased, tmp_path):
    path = tmp_path / "report.xlsx"
    report.write_monthly(path, Month(2023, 2), today=TODAY)
    summary = list(
        load_workbook(io.BytesIO(path.read_bytes()), read_only=True).worksheets[0].values
    )
    city = summary[-1]
    assert (city[1], city[2], city[3], city[4]) == (3, 1500.0, 350.0, 700.0)
