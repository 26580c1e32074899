import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from openpyxl import load_workbook

from zhaoshang.demo.load import load_facts
from zhaoshang.progress import demo
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress, PlanBaseline, Problem
from zhaoshang.progress.months import Month
from zhaoshang.progress.rules import compute
from zhaoshang.projects.models import BatchEvent, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_once, db):
    """The demo, loaded once for this module (tests/conftest.py: demo_once)."""


def _counts():
    return [
        m.objects.count() for m in (Project, AnnualPlan, PlanBaseline, MonthlyProgress, Problem)
    ]


def test_kaimenhong_amounts_add_up_to_the_published_total():
    amounts = demo.kmh_amounts()
    assert (len(amounts), sum(amounts), min(amounts) > 0) == (100, Decimal("5972000"), True)


def test_demo_attaches_100_synthetic_projects_totalling_597_2_yi_to_the_seed_event(loaded):
    event = BatchEvent.objects.get(name__contains="开门红")
    projects = event.projects.all()
    assert projects.count() == 100
    assert projects.aggregate(total=Sum("total_investment_wan"))["total"] == Decimal("5972000")
    assert set(projects.values_list("is_synthetic", flat=True)) == {True}
    assert all(name.startswith("（合成）") for name in projects.values_list("name", flat=True))
    assert (event.declared_project_count, event.declared_total_wan) == (100, Decimal("5972000"))


def test_demo_plans_progress_and_problems_are_synthetic_and_give_warnings(loaded):
    assert AnnualPlan.objects.filter(year=2023).count() == 110
    assert set(AnnualPlan.objects.values_list("is_synthetic", flat=True)) == {True}
    assert set(MonthlyProgress.objects.values_list("is_synthetic", flat=True)) == {True}
    assert set(Problem.objects.values_list("is_synthetic", flat=True)) == {True}
    assert PlanBaseline.objects.filter(number=2).exists()
    levels = {w.level for w in compute(Month(2023, 6), today=datetime.date(2024, 1, 15))}
    assert levels == {"red", "amber"}


def test_demo_loading_twice_duplicates_nothing(loaded):
    before = _counts()
    demo.load_demo()
    load_facts()
    assert _counts() == before


def test_generate_progress_gives_synthetic_projects_twelve_months(loaded):
    from zhaoshang.demo.synthetic import generate

    generate(30)
    assert demo.generate_progress(30) == 30
    assert demo.generate_progress(30) == 0
    plans = AnnualPlan.objects.filter(project__code__startswith="320582-SYN-")
    assert plans.count() == 30
    reports = MonthlyProgress.objects.filter(project__code__startswith="320582-SYN-")
    assert 30 * 11 <= reports.count() <= 30 * 12


def test_report_command_writes_the_four_sheets(loaded, tmp_path):
    path = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command("report", "monthly", "--month", "2023-06", "-o", str(path), stdout=out)
    book = load_workbook(path, read_only=True)
    assert len(book.sheetnames) == 4  # the fourth: 四个一批 by month and unit (issue 17)
    projects = list(book.worksheets[1].iter_rows(min_row=5, values_only=True))
    assert len(projects) == 110
    codes = {row[1] for row in projects}
    assert "320582-2023-0009" in codes
    summary = list(book.worksheets[0].iter_rows(min_row=5, values_only=True))
    assert summary[-1][1] == 110  # the city's row counts every planned project


def test_report_command_refuses_a_future_month(tmp_path):
    with pytest.raises(Exception) as caught:
        call_command("report", "monthly", "--month", "2099-01", "-o", str(tmp_path / "r.xlsx"))
    assert "2099-01" in str(caught.value)


@pytest.mark.parametrize("by", [None, "unit", "chain", "list"])
@pytest.mark.parametrize("month", [Month(2023, 3), Month(2023, 6), Month(2023, 12)])
def test_rates_in_sql_agree_with_rates_from_the_facts(loaded, by, month):
    from zhaoshang.progress import facts, rates

    today = datetime.date(2024, 2, 1)
    rows, total = rates.compute(month, by, today=today)
    rows_py, total_py = rates.compute(
        month, by, facts=facts.load(month, with_reports=False, today=today), today=today
    )
    assert [r.as_json() for r in rows] == [r.as_json() for r in rows_py]
    assert total.as_json() == total_py.as_json()
