"""Impact at full production (`projects.impact`): the multiplier table, the GVA rule,
roll-ups, and the pages showing them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command

from tests.factories import ProjectFactory
from zhaoshang.projects import estimates as est
from zhaoshang.projects import impact
from zhaoshang.projects.models import StageDate

NO_LABELS = {"node": {}, "chain": {}, "industry": {}}


@pytest.fixture(autouse=True)
def _english():
    """The messages below are asserted in English (their message ids)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _table(**changes) -> dict:
    with open(impact.DEFAULT_TABLE, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data.update(changes)
    return data


def test_packaged_table_is_complete_and_says_its_source():
    assert impact.check_table(_table()) == []
    table = impact.read_table(impact.DEFAULT_TABLE)
    assert table.years == (2019, 2020, 2021, 2022, 2023)
    assert table.assumption is True and "assumptions" in table.source["en"]
    assert set(impact.SECTIONS) <= set(table.sectors)


def test_the_source_is_told_in_the_page_language():
    """A Chinese page reads the Chinese source (no English data text, tests/test_words.py);
    a table written in one language shows it on every page; a table without one is refused."""
    from django.utils import translation

    table = impact.read_table(impact.DEFAULT_TABLE)
    with translation.override("zh-hans"):
        assert "假设值" in table.source_text() and "assumptions" not in table.source_text()
    with translation.override("en"):
        assert table.source_text().startswith("zhaoshang team assumptions")
    assert impact._sources("某研究院投入产出表") == {"zh": "某研究院投入产出表"}
    refused = "the table does not say where its figures come from (source)"
    assert refused in impact.check_table(_table(source={"en": "x"}))
    assert refused in impact.check_table(_table(source=" "))


def test_missing_sector_and_year_are_named():
    data = _table()
    del data["sectors"]["Q"]
    del data["sectors"]["C"]
    del data["sectors"]["26"]["gva"][2021]
    data["sectors"]["38"]["gva"][2030] = 0.4
    data["sectors"]["17"]["intensity"] = "both"
    assert impact.check_table(data) == [
        "missing sectors (GB/T 4754 sections): C, Q",
        "sector 17: intensity “both” is neither capital nor labour",
        "sector 26: no multiplier for 2021",
        "sector 38: year 2030 is not one of the table's years",
    ]


def test_a_table_with_gaps_is_refused_by_the_check_command(tmp_path):
    data = _table()
    del data["sectors"]["T"]
    data["sectors"]["A"]["gva"] = {2019: 1}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(impact.TableError) as caught:
        impact.read_table(path)
    assert caught.value.messages == [
        "missing sectors (GB/T 4754 sections): T",
        "sector A: no multiplier for 2020, 2021, 2022, 2023",
    ]
    with pytest.raises(CommandError, match="sector A: no multiplier for 2020"):
        call_command("estimates", "--check-table", str(path))


def test_check_command_accepts_the_packaged_table(capsys):
    call_command("estimates", "--check-table", str(impact.DEFAULT_TABLE))
    assert "51 sectors, years 2019–2023, no problem found" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x", "sector 38, 2019: multiplier “x” is not a positive number"),
        (-1, "sector 38, 2019: multiplier “-1” is not a positive number"),
    ],
)
def test_bad_multipliers_are_named(value, message):
    data = _table()
    data["sectors"]["38"]["gva"][2019] = value
    assert impact.check_table(data) == [message]


def test_a_configured_table_with_gaps_fails_loudly(tmp_path, settings):
    data = _table()
    del data["sectors"]["B"]
    path = tmp_path / "gaps.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings.ZHAOSHANG_IMPACT_TABLE = str(path)
    with pytest.raises(impact.TableError, match="missing sectors"):
        impact.load_table()


def _figs(row: est.Row, estimate_from: list[est.Row] | None = None) -> est.ProjectFigures:
    ledger = est.compute([row, *(estimate_from or [])], 3, NO_LABELS)
    return ledger.by_pk[row.pk]


TABLE = impact.read_table(impact.DEFAULT_TABLE)


def test_capital_intensive_sector_gva_is_multiplier_times_investment():
    row = est.Row(pk=1, industry="3841", section="C", capex=10000.0, production_year=2025)
    imp = impact.project_impact(_figs(row), TABLE, include_estimates=True)
    # 38 is capital-intensive; 2025 is after the table: its last year (2023) is used
    assert (imp.sector.code, imp.year, imp.gva) == ("38", 2023, 0.375 * 10000)
    assert imp.tax == pytest.approx(0.375 * 10000 * 0.18)
    assert (imp.gva_estimated, imp.tax_disclosed) == (False, False)


def test_labour_intensive_sector_gva_is_multiplier_times_jobs():
    row = est.Row(pk=1, industry="1711", section="C", jobs=100.0, production_year=2020)
    imp = impact.project_impact(_figs(row), TABLE, include_estimates=True)
    assert (imp.sector.code, imp.sector.intensity, imp.year) == ("17", "labour", 2020)
    assert imp.gva == pytest.approx(float(TABLE.sectors["17"].gva[2020]) * 100)


def test_section_is_used_when_the_division_is_not_listed_and_tax_disclosed_wins():
    row = est.Row(pk=1, industry="6450", section="I", jobs=10.0, tax=Decimal(7))
    imp = impact.project_impact(_figs(row), TABLE, include_estimates=True)
    assert (imp.sector.code, imp.year, imp.tax, imp.tax_disclosed) == ("I", 2023, 7.0, True)


def test_gva_from_an_estimate_is_flagged_and_left_out_without_estimates():
    peers = [est.Row(pk=10 + i, node_id=1, nature="new", capex=1000.0) for i in range(3)]
    row = est.Row(pk=1, node_id=1, nature="new", industry="3841", section="C")
    figs = _figs(row, peers)
    with_est = impact.project_impact(figs, TABLE, include_estimates=True)
    assert (with_est.gva, with_est.gva_estimated, with_est.tax_estimated) == (375.0, True, True)
    without = impact.project_impact(figs, TABLE, include_estimates=False)
    assert (without.gva, without.tax, without.reason) == (None, None, "no_input")


def test_no_industry_gives_no_value_added_and_says_why():
    imp = impact.project_impact(_figs(est.Row(pk=1, capex=5.0)), TABLE, include_estimates=True)
    assert (imp.gva, imp.reason) == (None, "no_industry")
    assert "no industry code" in impact.project_texts(imp, TABLE)["gva"]


# --- roll-ups on the database ----------------------------------------------------------


def test_totals_leave_out_dropped_projects_and_phases_of_a_counted_project(db):
    parent = ProjectFactory(total_investment_wan=Decimal(30000))
    ProjectFactory(total_investment_wan=Decimal(10000), parent=parent)  # its phase
    ProjectFactory(total_investment_wan=Decimal(5000), status="dropped", status_reason="x")
    other = ProjectFactory(total_investment_wan=Decimal(2000))
    t = impact.totals(include_estimates=False)
    assert (t.projects, t.gva) == (2, pytest.approx(0.375 * 32000))
    assert "Σ over 2 of 2 projects" in t.texts["gva"]
    only = impact.totals([other.pk], include_estimates=False)
    assert (only.projects, only.gva) == (1, pytest.approx(0.375 * 2000))


def test_rollup_by_town_and_chain(db):
    ProjectFactory(total_investment_wan=Decimal(1000), unit_id="320582406")
    ProjectFactory(total_investment_wan=Decimal(3000), unit_id="320582103")
    towns = impact.rollup("town", include_estimates=True)
    assert [(k, round(t.gva)) for k, _n, t in towns] == [("320582103", 1125), ("320582406", 375)]
    chains = impact.rollup("chain", include_estimates=True)
    assert [(k, t.projects) for k, _n, t in chains] == [(None, 2)]


def test_production_year_picks_the_multiplier_year(db):
    p = ProjectFactory(industry_id="1711", expected_jobs=10, total_investment_wan=None)
    StageDate.objects.create(
        project=p, stage="full_production", planned_on=datetime.date(2019, 5, 1)
    )
    imp = impact.ledger_impact(False).by_pk[p.pk]
    assert (imp.year, imp.gva) == (2019, pytest.approx(float(TABLE.sectors["17"].gva[2019]) * 10))


def test_command_rolls_up_by_town_as_json(db, capsys):
    import json

    ProjectFactory(total_investment_wan=Decimal(1000), unit_id="320582406")
    call_command("estimates", "--by", "town", "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert [(i["key"], i["gva_wan"], i["projects"]) for i in out["items"]] == [
        ("320582406", 375, 1)
    ]
    assert "total investment" in out["items"][0]["formulas"]["gva"]
