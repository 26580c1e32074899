"""四个一批 (progress.batches.four_batches): exact counts and amounts, phases counted once,
as of the end of the month, per scope, and the same projects the ledger lists."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from zhaoshang.chains.models import Chain
from zhaoshang.progress.batches import four_batches
from zhaoshang.progress.facts import Scope
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Project, StageDate
from zhaoshang.projects.queries import ledger_queryset, ledger_totals

pytestmark = pytest.mark.django_db
D = datetime.date


def _dated(project, stage, on):
    StageDate.objects.create(project=project, stage=stage, actual_on=on)
    return project


@pytest.fixture
def ledger():
    chain = Chain.objects.create(code="test-chain", name="测试链", group="emerging")
    parent = ProjectFactory(name="母项目", total_investment_wan=Decimal("3060000"))
    phase = ProjectFactory(name="首期", parent=parent, total_investment_wan=Decimal("1400000"))
    late_phase = ProjectFactory(
        name="二期", parent=parent, total_investment_wan=Decimal("500000"), unit_id=BAOSHUI
    )
    _dated(parent, "signed", D(2023, 6, 3))
    _dated(phase, "signed", D(2023, 6, 20))  # with its parent: left out of the amount
    _dated(late_phase, "signed", D(2023, 7, 2))  # parent signed in June: in full in July
    a = ProjectFactory(name="甲", total_investment_wan=Decimal("20000"), chain=chain)
    _dated(a, "signed", D(2023, 2, 1))
    _dated(a, "started", D(2023, 6, 30))
    b = ProjectFactory(name="乙", total_investment_wan=None, unit_id=BAOSHUI, chain=chain)
    _dated(b, "started", D(2023, 6, 1))
    _dated(b, "completed", D(2023, 7, 1))  # after June: not in June's figures
    c = ProjectFactory(name="丙", total_investment_wan=Decimal("7500.5"), unit_id=BAOSHUI)
    _dated(c, "full_production", D(2023, 1, 15))
    _dated(c, "completed", D(2022, 12, 31))  # last year: in no 2023 batch
    return chain


def _figures(result):
    return [(b.stage, b.month_n, b.month_wan, b.year_n, b.year_wan) for b in result.rows]


def test_four_batches_month_and_year_to_date(ledger):
    result = four_batches(Month(2023, 6))
    assert result.as_of == D(2023, 6, 30) and not result.running
    assert _figures(result) == [
        ("signed", 2, Decimal("3060000"), 3, Decimal("3080000")),
        ("started", 2, Decimal("20000"), 2, Decimal("20000")),
        ("completed", 0, Decimal("0"), 0, Decimal("0")),
        ("full_production", 0, Decimal("0"), 1, Decimal("7500.5")),
    ]
    july = four_batches("2023-07")
    assert _figures(july)[0] == ("signed", 1, Decimal("500000"), 4, Decimal("3080000"))
    assert _figures(july)[2] == ("completed", 1, Decimal("0"), 1, Decimal("0"))


def test_four_batches_per_scope(ledger):
    town = four_batches(Month(2023, 6), scope=Scope(units={BAOSHUI}))
    assert _figures(town) == [
        ("signed", 0, Decimal("0"), 0, Decimal("0")),
        ("started", 1, Decimal("0"), 1, Decimal("0")),
        ("completed", 0, Decimal("0"), 0, Decimal("0")),
        ("full_production", 0, Decimal("0"), 1, Decimal("7500.5")),
    ]
    # the phase signed in July is in full in its town: its parent is elsewhere
    assert _figures(four_batches("2023-07", scope=Scope(units={BAOSHUI})))[0] == (
        "signed", 1, Decimal("500000"), 1, Decimal("500000"),
    )  # fmt: skip
    chain = four_batches(Month(2023, 6), scope=Scope(chain_id=ledger.pk))
    assert [(b.month_n, b.year_n) for b in chain.rows] == [(0, 1), (2, 2), (0, 0), (0, 0)]


def test_four_batches_as_of_today_while_the_month_runs(ledger):
    running = four_batches(Month(2023, 6), today=D(2023, 6, 10))
    assert running.running and running.as_of == D(2023, 6, 10)
    # only the parent's signing (3 June) and 乙's start (1 June) had happened by then
    assert [(b.month_n, b.month_wan) for b in running.rows[:2]] == [
        (1, Decimal("3060000")),
        (1, Decimal("0")),
    ]
    future = four_batches(Month(2023, 6), today=D(2022, 12, 1))
    assert all(b.year_n == 0 for b in future.rows)


def test_four_batches_agree_with_the_ledger_behind_them(ledger, leader):
    result = four_batches(Month(2023, 6), user=leader)
    for batch in result.rows:
        for frm, n, wan in (("2023-06", batch.month_n, batch.month_wan), ("2023", batch.year_n, batch.year_wan)):  # fmt: skip
            to = "2023-06"
            qs, params = ledger_queryset(
                Project.objects.all(),
                {"date_stage": batch.stage, "date_from": frm, "date_to": to},
            )
            assert not params.errors
            totals = ledger_totals(qs)
            assert (totals["count"], totals["total"] or Decimal(0)) == (n, wan), batch.stage


def test_four_batches_follow_the_projects_given(ledger):
    only = Project.objects.filter(unit_id=JINFENG, is_synthetic=False)
    result = four_batches(Month(2023, 6), projects=only)
    assert result.get("signed").month_n == 2
    assert result.get("full_production").year_n == 0


def test_batches_by_month_agree_with_four_batches(ledger):
    from zhaoshang.progress.batches import batches_by_month

    series = batches_by_month(Month(2023, 7), 3, stages=("signed", "started"))
    assert [str(m) for m, _cells in series] == ["2023-05", "2023-06", "2023-07"]
    assert [cells["signed"] for _m, cells in series] == [
        (0, Decimal("0")),
        (2, Decimal("3060000")),
        (1, Decimal("500000")),
    ]
    for m, cells in series:
        batches = four_batches(m)
        for stage, (n, wan) in cells.items():
            assert (batches.get(stage).month_n, batches.get(stage).month_wan) == (n, wan)


def test_batches_with_months_is_four_batches_and_the_series(ledger):
    from zhaoshang.progress.batches import batches_by_month, batches_with_months

    both, series = batches_with_months(Month(2023, 7), 3)
    assert _figures(both) == _figures(four_batches(Month(2023, 7)))
    assert series == batches_by_month(Month(2023, 7), 3)
