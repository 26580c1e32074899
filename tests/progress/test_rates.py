import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.chains.models import Chain
from zhaoshang.progress import queries, rates
from zhaoshang.progress.amounts import from_micro, micro_sum
from zhaoshang.progress.models import MonthlyProgress
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import ProjectList, ProjectListEntry, StageDate

pytestmark = pytest.mark.django_db
JUNE = Month(2023, 6)
TODAY = datetime.date(2024, 1, 15)


def _dates(project, **stages):
    for stage, on in stages.items():
        StageDate.objects.create(project=project, stage=stage, actual_on=on)


@pytest.fixture
def city():
    chain = Chain.objects.create(code="new-energy", name="新能源", group="emerging")
    p1 = ProjectFactory(code="P1", unit_id=JINFENG, stage="completed", chain=chain)
    _dates(p1, started=datetime.date(2023, 4, 2), completed=datetime.date(2023, 5, 31))
    PlanFactory(
        project=p1,
        planned_investment_wan=Decimal("1000"),
        planned_start=datetime.date(2023, 3, 1),
        planned_completion=datetime.date(2023, 5, 1),
    )
    for m in range(1, 7):
        ReportFactory(
            project=p1, month=m, completed_wan=Decimal("100"), funds_in_place_wan=Decimal("80")
        )
    p2 = ProjectFactory(code="P2", unit_id=JINFENG, stage="signed")
    PlanFactory(
        project=p2,
        planned_investment_wan=Decimal("2000"),
        planned_start=datetime.date(2023, 5, 1),
        planned_completion=datetime.date(2023, 6, 1),
    )
    ReportFactory(project=p2, month=1, completed_wan=Decimal("300"), funds_in_place_wan=0)
    p3 = ProjectFactory(code="P3", unit_id=BAOSHUI, stage="completed")
    _dates(p3, started=datetime.date(2022, 4, 1), completed=datetime.date(2023, 5, 10))
    PlanFactory(
        project=p3,
        planned_investment_wan=Decimal("3000"),
        planned_start=datetime.date(2023, 9, 1),
        planned_completion=datetime.date(2023, 4, 1),
    )
    plist = ProjectList.objects.create(name="2023年江苏省重大项目清单", level="province", year=2023)
    ProjectListEntry.objects.create(project_list=plist, project=p1)
    ProjectListEntry.objects.create(project_list=plist, project=p3)
    return {"list": plist, "chain": chain}


def _rates(row):
    return (
        row.start_rate,
        row.completion_rate,
        row.funds_rate,
        None if row.on_time_rate is None else round(row.on_time_rate, 4),
    )


def test_four_rates_for_the_city(city):
    _rows, total = rates.compute(JUNE, today=TODAY)
    assert (total.projects, total.to_start, total.started, total.to_complete, total.on_time) == (
        3,
        2,
        1,
        3,
        1,
    )
    assert _rates(total) == (Decimal("0.5"), Decimal("0.15"), Decimal("0.08"), Decimal("0.3333"))
    assert (total.planned_wan, total.completed_wan, total.funds_wan) == (
        Decimal("6000"),
        Decimal("900"),
        Decimal("480"),
    )


def test_four_rates_by_unit_chain_and_list(city):
    by_unit, _total = rates.compute(JUNE, "unit", today=TODAY)
    assert [(r.key, r.label, _rates(r)) for r in by_unit] == [
        (JINFENG, "锦丰镇", (Decimal("0.5"), Decimal("0.3"), Decimal("0.16"), Decimal("0.5"))),
        (BAOSHUI, "保税区", (None, Decimal(0), Decimal(0), Decimal(0))),
    ]
    with translation.override("en"):  # the label of the projects on no chain, in English
        by_chain, _total = rates.compute(JUNE, "chain", today=TODAY)
    assert [(r.label, r.projects) for r in by_chain] == [("新能源", 1), ("(no chain)", 2)]
    by_list, _total = rates.compute(JUNE, "list", today=TODAY)
    assert [(r.label, r.projects, r.completion_rate) for r in by_list] == [
        ("2023年江苏省重大项目清单", 2, Decimal("0.15"))
    ]


def test_a_rate_with_nothing_to_measure_is_none_not_zero(city):
    _rows, total = rates.compute(Month(2023, 2), today=TODAY)
    assert (total.start_rate, total.on_time_rate) == (None, None)


def test_micro_sum_is_exact_where_floats_drift():
    project = ProjectFactory()
    for m in range(1, 11):
        ReportFactory(project=project, month=m, completed_wan=Decimal("0.1"))
    ReportFactory(project=project, month=11, completed_wan=Decimal("123456789.123456"))
    total = MonthlyProgress.objects.aggregate(s=micro_sum("completed_wan"))["s"]
    assert from_micro(total) == Decimal("123456790.123456")


def test_plan_vs_completed_by_month_is_cumulative(city):
    rows = queries.plan_vs_completed_by_month(2023)
    assert rows[0] == {
        "month": "2023-01",
        "planned_cumulative_wan": Decimal("500.00"),
        "completed_wan": Decimal("400"),
        "completed_cumulative_wan": Decimal("400"),
    }
    assert (rows[5]["planned_cumulative_wan"], rows[5]["completed_cumulative_wan"]) == (
        Decimal("3000.00"),
        Decimal("900"),
    )
    assert [r["completed_wan"] for r in queries.plan_vs_completed_by_month(2023, "保税区")] == [
        Decimal(0)
    ] * 12


def test_list_report_uses_the_plan_where_the_list_gives_no_figure(city):
    ProjectListEntry.objects.filter(project__code="P3").update(planned_investment_wan=500)
    report = queries.list_report(city["list"], JUNE)
    assert [
        (r["project"].code, r["planned_wan"], r["from_plan"], r["completed_wan"])
        for r in report["rows"]
    ] == [
        ("P1", Decimal("1000"), True, Decimal("600")),
        ("P3", Decimal("500"), False, Decimal("0")),
    ]
    assert (report["planned_total_wan"], report["completed_total_wan"], report["rate"]) == (
        Decimal("1500"),
        Decimal("600"),
        Decimal("0.4"),
    )
