"""亩均 (issue 17): land area as written, per-亩 figures with Decimals, thresholds as data,
the check shown on the form, the project page, the ledger list, the API and the Excel export."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from tests.api import API, token_client
from tests.factories import ProjectFactory
from zhaoshang.core.errors import InputError
from zhaoshang.excel import layouts
from zhaoshang.projects import mujun, rules
from zhaoshang.projects.models import MujunThreshold, Project
from zhaoshang.projects.services import create_project, update_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def thresholds(db):
    """Our own thresholds instead of the seeded reference row."""
    MujunThreshold.objects.all().delete()
    general = MujunThreshold.objects.create(
        name="一般工业",
        min_investment_per_mu_wan=Decimal("500"),
        min_tax_per_mu_wan=Decimal("50"),
        source_title="测试",
    )
    batteries = MujunThreshold.objects.create(
        name="电池制造",
        industry_prefix="384",
        min_investment_per_mu_wan=Decimal("800"),
        min_output_per_mu_wan=Decimal("1000"),
    )
    return general, batteries


# --------------------------------------------------------------------------- land area rule


@pytest.mark.parametrize(
    "written, mu, qualifier, text",
    [
        ("120亩", Decimal("120"), "exact", "120亩"),
        ("约120亩", Decimal("120"), "approx", "约120亩"),
        ("超50亩", Decimal("50"), "at_least", "超50亩"),
        ("120亩左右", Decimal("120"), "approx", "120亩左右"),
        ("8公顷", Decimal("120"), "exact", "8公顷"),
        ("2000平方米", Decimal("3"), "exact", "2000平方米"),
        ("1,200.5 亩", Decimal("1200.5"), "exact", "1,200.5 亩"),
        ("120", Decimal("120"), "exact", ""),
        (Decimal("66.666667"), Decimal("66.666667"), "exact", ""),
    ],
)
def test_land_area_rule_reads_what_is_written(written, mu, qualifier, text):
    assert rules.land_area(written) == {
        "land_area_mu": mu,
        "land_area_qualifier": qualifier,
        "land_area_text": text,
    }


@pytest.mark.parametrize(
    "written, message",
    [
        ("很大", "land area “很大” is not an area (write 120亩, 约120亩 or 8公顷)"),
        ("120吨", "land area “120吨” is not an area (write 120亩, 约120亩 or 8公顷)"),
        ("0亩", "land area “0亩” is out of range"),
        ("1.0000001亩", "land area “1.0000001亩” is finer than a millionth of a mu"),
    ],
)
def test_land_area_rule_refuses_with_the_value(written, message):
    with translation.override("en"), pytest.raises(rules.RuleError) as exc:
        rules.land_area(written)
    assert str(exc.value) == message


def test_land_area_is_saved_as_written_and_bad_input_changes_nothing(admin_user):
    project = create_project(
        user=admin_user, data={"name": "亩均项目", "unit": "锦丰镇", "land_area": "约120亩"}
    )
    assert (project.land_area_mu, project.land_area_qualifier, project.land_area_text) == (
        Decimal("120"),
        "approx",
        "约120亩",
    )
    with pytest.raises(InputError) as exc:
        update_project(
            user=admin_user,
            project=project,
            data={"land_area": "一大片", "name": "改名"},
            expected_version=project.version,
        )
    assert "land_area" in exc.value.fields
    project.refresh_from_db()
    assert (project.name, project.land_area_mu) == ("亩均项目", Decimal("120"))


# --------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    "amount_q, area_q, expected",
    [
        ("exact", "exact", "exact"),
        ("at_least", "exact", "at_least"),
        ("exact", "at_most", "at_least"),
        ("at_most", "exact", "at_most"),
        ("exact", "at_least", "at_most"),
        ("at_least", "at_least", "approx"),
        ("approx", "exact", "approx"),
        ("exact", "approx", "approx"),
    ],
)
def test_per_mu_qualifier_follows_both_inputs(amount_q, area_q, expected):
    value, qualifier = mujun.per_mu(Decimal("100000"), amount_q, Decimal("120"), area_q)
    assert value == Decimal("833.3333333333333333333333333")
    assert qualifier == expected


def test_investment_per_mu_is_exact_decimal_division():
    project = ProjectFactory.build(
        industry_id="3360",
        total_investment_wan=Decimal("60000"),
        land_area_mu=Decimal("120"),
    )
    finding = mujun.mujun_check(project)[0]
    assert (finding.metric, finding.per_mu_wan, finding.level) == (
        "investment",
        Decimal("500"),
        "meets",
    )
    assert finding.threshold == "一般工业"


def test_thresholds_pick_the_longest_industry_prefix_per_figure(thresholds):
    project = ProjectFactory.build(
        industry_id="3841",
        total_investment_wan=Decimal("60000"),  # 500 per 亩: meets 一般 (500), below 电池 (800)
        expected_revenue_wan=Decimal("96000"),  # 800 per 亩 of sales: below 1000
        expected_tax_wan=Decimal("7200"),  # 60 per 亩: only 一般 sets tax
        land_area_mu=Decimal("120"),
    )
    found = {f.metric: (f.level, f.threshold, f.basis) for f in mujun.mujun_check(project)}
    assert found == {
        "investment": ("below", "电池制造", "total_investment"),
        "output": ("below", "电池制造", "expected_revenue"),
        "tax": ("meets", "一般工业", "expected_tax"),
    }


@pytest.mark.parametrize(
    "total, qualifier, level",
    [
        ("50000", "exact", "below"),  # 416.67 < 500
        ("50000", "at_least", "uncertain"),  # 超: might reach 500
        ("50000", "approx", "below"),  # 约 is judged as written
        ("70000", "at_most", "uncertain"),  # 不超过583: might be below
        ("70000", "exact", "meets"),
    ],
)
def test_qualified_amounts_are_judged_honestly(total, qualifier, level):
    project = ProjectFactory.build(
        industry_id="3360",
        total_investment_wan=Decimal(total),
        total_investment_qualifier=qualifier,
        land_area_mu=Decimal("120"),
    )
    assert mujun.mujun_check(project)[0].level == level


def test_missing_area_figure_or_threshold_is_said():
    no_area = ProjectFactory.build(industry_id="3360", land_area_mu=None)
    assert [f.level for f in mujun.mujun_check(no_area)] == ["no_area"] * 3
    no_figures = ProjectFactory.build(
        industry_id="3360", total_investment_wan=None, land_area_mu=Decimal("10")
    )
    assert [f.level for f in mujun.mujun_check(no_figures)] == ["no_figure"] * 3
    no_output_threshold = ProjectFactory.build(
        industry_id="3360", expected_output_wan=Decimal("1"), land_area_mu=Decimal("10")
    )
    assert mujun.mujun_check(no_output_threshold)[1].level == "no_threshold"


def test_inactive_thresholds_are_not_used(thresholds):
    MujunThreshold.objects.update(active=False)
    project = ProjectFactory.build(total_investment_wan=Decimal("1"), land_area_mu=Decimal("10"))
    assert mujun.mujun_check(project)[0].level == "no_threshold"


def test_a_binding_threshold_refuses_a_signed_project_below_it(admin_user, thresholds):
    general, _batteries = thresholds
    general.binding = True
    general.save()
    project = ProjectFactory(industry_id="3360", stage="signed", total_investment_wan=50000)
    with translation.override("en"), pytest.raises(InputError) as exc:
        update_project(
            user=admin_user,
            project=project,
            data={"land_area": "120亩"},
            expected_version=project.version,
        )
    assert exc.value.fields["land_area"][0].startswith("Investment per mu at signing is")
    project.refresh_from_db()
    assert project.land_area_mu is None
    lead = ProjectFactory(industry_id="3360", stage="lead", total_investment_wan=50000)
    lead = update_project(
        user=admin_user, project=lead, data={"land_area": "120亩"}, expected_version=lead.version
    )
    assert lead.land_area_mu == Decimal("120")  # a lead is warned on the page, not refused


def test_seeded_reference_threshold_names_its_source(django_db_blocker):
    # the migration's row (deleted by the autouse fixture here, so re-run its seed)
    from importlib import import_module

    from django.apps import apps

    migration = import_module("zhaoshang.projects.migrations.0008_mujun_land_area_and_thresholds")
    migration.seed(apps, None)
    row = MujunThreshold.objects.get(name__startswith="参照：太仓市")
    assert (row.min_investment_per_mu_wan, row.min_tax_per_mu_wan, row.binding) == (
        Decimal("500"),
        Decimal("50"),
        False,
    )
    assert "500万元/亩" in row.source_note and row.source_url.startswith("https://")


# --------------------------------------------------------------------------- faces


def _below(**kwargs) -> Project:
    return ProjectFactory(
        code="P-MJ",
        name="亩均不足项目",
        industry_id="3360",
        stage="signed",
        total_investment_wan=Decimal("50000"),
        land_area_mu=Decimal("120"),
        land_area_qualifier="approx",
        land_area_text="约120亩",
        **kwargs,
    )


def test_project_page_shows_the_mujun_box(client, leader):
    project = _below()
    client.cookies["django_language"] = "en"
    client.force_login(leader)
    page = client.get(f"/projects/{project.code}/").content.decode()
    assert 'id="mujun"' in page
    assert "about 416.67 (10k CNY/mu)" in page
    assert "below the threshold" in page
    assert "约120亩" in page


def test_form_save_of_a_signed_project_warns_below_threshold(client, admin_user):
    project = ProjectFactory(industry_id="3360", stage="signed", total_investment_wan=50000)
    client.cookies["django_language"] = "en"
    client.force_login(admin_user)
    edit = client.get(f"/projects/{project.code}/edit/")
    data = {k: ("" if v is None else v) for k, v in edit.context["form"].initial.items()}
    data.update(land_area="120亩", is_foreign="", chain="")
    response = client.post(f"/projects/{project.code}/edit/", data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown[-1] == (
        "Investment per mu at signing is 416.67 (10k CNY/mu) against 500.00 (10k CNY/mu) "
        "(一般工业): below the threshold"
    )
    project.refresh_from_db()
    assert project.land_area_text == "120亩"


def test_ledger_list_shows_investment_per_mu(client, leader):
    _below()
    client.force_login(leader)
    page = client.get("/projects/").content.decode()
    assert "约416.67万元/亩" in page


def test_api_detail_has_land_area_and_findings(admin_user):
    project = _below()
    body = token_client(admin_user).get(f"{API}/projects/{project.code}").json()
    assert (body["land_area_mu"], body["land_area_qualifier"], body["land_area_text"]) == (
        120,
        "approx",
        "约120亩",
    )
    investment = body["mujun"][0]
    assert {k: investment[k] for k in ("metric", "level", "threshold_wan", "threshold")} == {
        "metric": "investment",
        "level": "below",
        "threshold_wan": 500,
        "threshold": "一般工业",
    }
    assert investment["per_mu_wan"] == pytest.approx(416.6666666666667)


def test_api_patch_sets_land_area(admin_user):
    project = ProjectFactory()
    client = token_client(admin_user)
    response = client.patch(
        f"{API}/projects/{project.code}",
        json.dumps({"land_area": "8公顷", "version": project.version}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["land_area_mu"], response.json()["land_area_text"]) == (120, "8公顷")


def test_excel_ledger_export_has_the_mujun_columns():
    _below()
    out = io.BytesIO()
    layouts.export(Project.objects.all(), "ledger", out)
    rows = [list(r) for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    header = next(r for r in rows if r and "土地面积（亩）" in [str(c) for c in r])
    data = next(r for r in rows if r and "P-MJ" in r)
    at = header.index("土地面积（亩）")
    assert data[at] == "约120亩"
    assert Decimal(str(data[at + 1])) == Decimal("416.666667")
    assert data[at + 2].startswith("签约时亩均投资")


@pytest.mark.parametrize("rows", [1, 3])
def test_ledger_list_reads_thresholds_once(client, leader, django_assert_num_queries, rows):
    client.force_login(leader)
    ProjectFactory.create_batch(rows, land_area_mu=Decimal("100"))
    # the ledger's 9 queries (tests/projects/test_views.py) and the thresholds once
    with django_assert_num_queries(10):
        client.get("/projects/", {"stage": "signed", "amount_min": "1亿"})


def test_synthetic_demo_land_areas_are_whole_mu_for_signed_projects():
    from zhaoshang.demo import synthetic

    assert synthetic._land_area_mu(1, Decimal("20000"), 0) is None  # a lead has no land yet
    areas = [synthetic._land_area_mu(i, Decimal("60000"), 5) for i in range(1, 200)]
    given = [a for a in areas if a is not None]
    assert 100 < len(given) < 199
    assert all(a == a.to_integral_value() and 60 <= a <= 300 for a in given)


def test_ledger_filter_below_is_the_same_decision_as_the_check(client, leader):
    cases = [
        ("B-1", "3360", "50000", "exact", "120", "exact"),  # 416.67 < 500: below
        ("B-2", "3360", "70000", "exact", "120", "exact"),  # 583: meets
        ("B-3", "3841", "70000", "exact", "120", "exact"),  # 583 < 800 (电池): below
        ("B-4", "3360", "50000", "at_least", "120", "exact"),  # 超: not below
        ("B-5", "3360", "50000", "exact", "120", "at_most"),  # area ≤: quotient 超, not below
        ("B-6", "3360", "50000", "approx", "120", "exact"),  # 约: below
        ("B-7", None, "50000", "exact", "120", "exact"),  # no industry: 一般: below
        ("B-8", "3360", "60000", "exact", "120", "exact"),  # exactly 500: meets
    ]
    for code, industry, total, tq, area, aq in cases:
        ProjectFactory(
            code=code,
            industry_id=industry,
            total_investment_wan=Decimal(total),
            total_investment_qualifier=tq,
            land_area_mu=Decimal(area),
            land_area_qualifier=aq,
        )
    ProjectFactory(code="B-9", land_area_mu=None)
    expected = sorted(
        p.code
        for p in Project.objects.all()
        if mujun.mujun_check(p)[0].level in ("below", "refused")
    )
    assert expected == ["B-1", "B-3", "B-6", "B-7"]
    filtered = sorted(
        Project.objects.filter(mujun.investment_below_q()).values_list("code", flat=True)
    )
    assert filtered == expected
    client.force_login(leader)
    shown = [p.code for p in client.get("/projects/", {"mujun": "below"}).context["page"]]
    assert sorted(shown) == expected
    no_area = [p.code for p in client.get("/projects/", {"mujun": "no_area"}).context["page"]]
    assert no_area == ["B-9"]
