"""四个一批 per month and per township unit (progress.batches.batches_by_town): each cell
counted as four_batches counts the city, phases once within their unit, as of month ends."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from zhaoshang.progress.batches import batches_by_town, four_batches
from zhaoshang.progress.facts import Scope
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import StageDate

pytestmark = pytest.mark.django_db
D = datetime.date
Z = Decimal(0)


def _dated(project, stage, on):
    StageDate.objects.create(project=project, stage=stage, actual_on=on)
    return project


@pytest.fixture
def ledger():
    parent = ProjectFactory(name="母项目", total_investment_wan=Decimal("3060000"))
    phase = ProjectFactory(name="首期", parent=parent, total_investment_wan=Decimal("1400000"))
    other_town_phase = ProjectFactory(
        name="二期", parent=parent, total_investment_wan=Decimal("500000"), unit_id=BAOSHUI
    )
    _dated(parent, "signed", D(2023, 6, 3))
    _dated(phase, "signed", D(2023, 6, 20))  # same town, same batch: inside its parent
    _dated(other_town_phase, "signed", D(2023, 6, 25))  # parent elsewhere: in full here
    a = ProjectFactory(name="甲", total_investment_wan=Decimal("20000"))
    _dated(a, "started", D(2023, 2, 1))
    b = ProjectFactory(name="乙", total_investment_wan=Decimal("7500.5"), unit_id=BAOSHUI)
    _dated(b, "started", D(2023, 6, 1))
    _dated(b, "completed", D(2023, 7, 1))  # after June: not in June's table
    no_unit = ProjectFactory(name="未定", total_investment_wan=Decimal("100"), unit_id=None)
    _dated(no_unit, "signed", D(2023, 3, 5))


def test_batches_town_cells_month_by_unit(ledger):
    table = batches_by_town(Month(2023, 6))
    assert table.months == [Month(2023, m) for m in range(1, 7)]
    assert table.as_of == D(2023, 6, 30) and not table.running
    june = Month(2023, 6)
    assert table.cells[(june, JINFENG)]["signed"] == (2, Decimal("3060000"))
    assert table.cells[(june, BAOSHUI)]["signed"] == (1, Decimal("500000"))
    assert table.cells[(june, BAOSHUI)]["started"] == (1, Decimal("7500.5"))
    assert table.cells[(june, BAOSHUI)]["completed"] == (0, Z)
    assert table.cells[(Month(2023, 2), JINFENG)]["started"] == (1, Decimal("20000"))
    assert table.cells[(Month(2023, 3), None)]["signed"] == (1, Decimal("100"))
    # the city's month total is four_batches' month figure
    city = four_batches(june)
    for batch in city.rows:
        assert table.totals[june][batch.stage] == (batch.month_n, batch.month_wan)
        assert table.year_total[batch.stage] == (batch.year_n, batch.year_wan)


def test_batches_town_year_to_date_and_units(ledger):
    table = batches_by_town("2023-06")
    assert table.year[JINFENG] == {
        "signed": (2, Decimal("3060000")),
        "started": (1, Decimal("20000")),
        "completed": (0, Z),
        "full_production": (0, Z),
    }
    assert table.year[None]["signed"] == (1, Decimal("100"))
    codes = [code for code, _name in table.units]
    assert JINFENG in codes and BAOSHUI in codes
    assert codes[-1] is None  # projects without a unit: the last row
    assert str(table.units[-1][1]) in ("尚无区镇", "No township unit yet")
    # every unit's row is a town's own four_batches
    for code in (JINFENG, BAOSHUI):
        own = four_batches("2023-06", scope=Scope(units={code}))
        assert {b.stage: (b.year_n, b.year_wan) for b in own.rows} == table.year[code]


def test_batches_town_as_of_month_end_and_running_month(ledger):
    june = batches_by_town("2023-06", today=D(2023, 6, 10))
    assert june.running and june.as_of == D(2023, 6, 10)
    # the phase signed on 20 June and 25 June are not there yet on the 10th
    assert june.cells[(Month(2023, 6), JINFENG)]["signed"] == (1, Decimal("3060000"))
    assert june.cells[(Month(2023, 6), BAOSHUI)]["signed"] == (0, Z)
    july = batches_by_town("2023-07")
    assert july.cells[(Month(2023, 7), BAOSHUI)]["completed"] == (1, Decimal("7500.5"))
    # June stays as it was at its end
    assert july.cells[(Month(2023, 6), BAOSHUI)]["started"] == (1, Decimal("7500.5"))


def test_batches_town_scope_keeps_its_rows(ledger):
    table = batches_by_town("2023-06", scope=Scope(units={BAOSHUI}))
    assert [code for code, _n in table.units] == [BAOSHUI]
    assert table.year[BAOSHUI]["signed"] == (1, Decimal("500000"))


def test_batches_town_query_count(ledger, django_assert_num_queries):
    # units, the events by unit, then the phases: ids, amounts and units, dates, parents
    # in the set, their dates; the same with more projects, months and units
    with django_assert_num_queries(7):
        batches_by_town("2023-06")
    for i in range(5):
        _dated(ProjectFactory(unit_id=BAOSHUI), "started", D(2023, 1 + i, 3))
    with django_assert_num_queries(7):
        batches_by_town("2023-12")


def test_batches_town_before_the_year_is_empty(db):
    table = batches_by_town("2023-01", today=D(2022, 12, 1))
    assert table.cells == {} and table.year_total["signed"] == (0, Z)


def test_batches_town_sheet_in_the_monthly_report(ledger, tmp_path):
    from openpyxl import load_workbook

    from zhaoshang.progress.report import write_monthly

    path = tmp_path / "r.xlsx"
    written = write_monthly(path, Month(2023, 6), today=D(2023, 7, 15))
    book = load_workbook(path, read_only=True)
    assert book.sheetnames[3] == "四个一批"
    rows = list(book.worksheets[3].iter_rows(min_row=5, values_only=True))
    assert written["batches"] == len(rows)
    table = batches_by_town("2023-06", today=D(2023, 7, 15))
    units = len(table.units)
    assert len(rows) == 6 * (units + 1) + units + 1  # months × (units + city), then the year
    june_jinfeng = next(r for r in rows if r[0] == "2023-06" and r[1] == "锦丰镇")
    assert june_jinfeng[2:4] == (2, 3060000)  # signed: projects, 万元
    june_city = next(r for r in rows if r[0] == "2023-06" and r[1] == "全市合计")
    assert june_city[2:6] == (3, 3060000, 1, 7500.5)  # the phases inside their parent
    year_city = rows[-1]
    assert year_city[1] == "全市合计" and year_city[2:6] == (4, 3060100, 2, 27500.5)


def test_batches_town_panel_on_the_cockpit(client, leader, ledger):
    client.force_login(leader)
    page = client.get("/", {"month": "2023-06"}).content.decode()
    assert 'data-testid="batches-by-town"' in page
    assert "分区镇四个一批，2023-06" in page
    assert "尚无区镇" in page  # the project without a unit has its own row
