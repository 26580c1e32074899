"""#19 OC4IDS export: the package validates with zero errors from the official validator
(libcoveoc4ids), every organisation reference resolves, amounts are exact 元 in CNY, every
stage maps onto projectStatus; the command and the ledger download work and keep to the
user's rights; bad input gets a clear message."""

from __future__ import annotations

import csv
import datetime
import filecmp
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory
from tests.projects.oc4ids_cove import SCHEMA_DIR, problems, review
from zhaoshang.progress.models import AnnualPlan
from zhaoshang.projects import oc4ids
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Project,
    ProjectInvestor,
    Stage,
    StageDate,
)

SOLAR = "4416"  # 太阳能发电: energy.solar
TODAY = datetime.date(2023, 6, 30)


def _package(qs=None, **kwargs) -> dict:
    qs = Project.objects.all() if qs is None else qs
    return oc4ids.build_package(
        oc4ids.published_projects(qs, **kwargs), uri="https://example.org/oc4ids.json", today=TODAY
    )


def _references(project: dict) -> list[str]:
    """Every organisation reference in a project (the validator's ORG_PATHS)."""
    refs = [project["publicAuthority"]["id"]] if "publicAuthority" in project else []
    for group in project.get("budget", {}).get("budgetBreakdowns", []):
        refs += [b["sourceParty"]["id"] for b in group["budgetBreakdown"] if "sourceParty" in b]
    return refs


def _empty_anywhere(value) -> bool:
    if isinstance(value, dict):
        return not value or any(_empty_anywhere(v) for v in value.values())
    if isinstance(value, list):
        return not value or any(_empty_anywhere(v) for v in value)
    if isinstance(value, str):
        return not value.strip()
    return value is None


def test_the_schema_copy_is_the_reference_schema():
    """tests/data/oc4ids is the official schema unchanged (when shared/ is beside the repo)."""
    reference = Path(__file__).resolve().parents[3] / "shared" / "reference" / "oc4ids"
    if not reference.is_dir():
        pytest.skip("shared/reference/oc4ids is not beside the repository")
    names = ["project-package-schema.json", "project-schema.json", "LICENSE"]
    names += [f"codelists/{p.name}" for p in (reference / "codelists").iterdir()]
    match, mismatch, errors = filecmp.cmpfiles(reference, SCHEMA_DIR, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert len(match) == len(names)


def test_every_stage_maps_onto_a_project_status():
    codes = {
        row["Code"] for row in csv.DictReader((SCHEMA_DIR / "codelists/projectStatus.csv").open())
    }
    assert set(oc4ids.STAGE_STATUS) == set(Stage.values)
    assert set(oc4ids.STAGE_STATUS.values()) <= codes
    assert [oc4ids.STAGE_STATUS[s] for s in STAGE_ORDER] == [
        "identification", "identification", "preparation", "preparation",
        "implementation", "completion", "completion", "completion",
    ]  # fmt: skip
    assert set(oc4ids.STAGE_MILESTONE) == set(Stage.values)


def test_every_sector_in_the_table_is_in_the_codelist():
    codes = {
        row["Code"] for row in csv.DictReader((SCHEMA_DIR / "codelists/projectSector.csv").open())
    }
    assert {s for s in oc4ids.SECTORS.values() if s} <= codes


@pytest.mark.parametrize(
    ("wan", "expected"),
    [
        (Decimal("1"), 10000),
        (Decimal("306000"), 3060000000),
        (Decimal("0.000123"), 1.23),
        (Decimal("12345678.123456"), 123456781234.56),
        (Decimal("0.5"), 5000),
        (Decimal("0"), 0),
    ],
)
def test_yuan_is_exact(wan, expected):
    value = oc4ids.yuan(wan)
    assert value == expected
    assert Decimal(repr(value)) == wan * 10000


def test_an_amount_without_an_exact_json_number_is_refused_not_rounded():
    with pytest.raises(oc4ids.OC4IDSError, match="cannot be written exactly"):
        oc4ids.yuan(Decimal("123456789012345.678901"))


@pytest.mark.django_db
def test_projects_with_every_stage_validate_with_zero_errors_and_resolve_every_party():
    investors = [
        EnterpriseFactory(name=n) for n in ("信义光能控股有限公司", "采埃孚（中国）投资有限公司")
    ]
    for i, stage in enumerate(STAGE_ORDER):
        project = ProjectFactory(
            code=f"320582-2023-{i:04d}",
            name=f"光伏电站项目（{stage}）",
            industry_id=SOLAR,
            stage=stage,
            total_investment_wan=None if i % 3 == 0 else Decimal("12345.6789"),
            total_investment_text="" if i % 3 == 0 else "约1.23亿元",
            address="锦丰镇沙洲路1号" if i % 2 else "",
            national_code="2023-320582-44-03-512345" if i == 4 else "",
        )
        for link, enterprise in enumerate(investors[: i % 3]):
            ProjectInvestor.objects.create(
                project=project, enterprise=enterprise, role="lead" if link == 0 else "partner"
            )
        for done in STAGE_ORDER[2 : STAGE_ORDER.index(stage) + 1]:
            StageDate.objects.create(
                project=project,
                stage=done,
                actual_on=datetime.date(2022, 1 + STAGE_ORDER.index(done), 15),
                actual_precision="month" if done == "signed" else "day",
            )
        StageDate.objects.get_or_create(
            project=project, stage="completed", defaults={"planned_on": datetime.date(2024, 12, 1)}
        )
        AnnualPlan.objects.create(
            project=project, year=2023, planned_investment_wan=Decimal("2000.5")
        )

    package = _package()

    assert problems(package) == []
    assert review(package)["validation_errors_count"] == 0
    assert not _empty_anywhere(package)
    assert len(package["projects"]) == len(STAGE_ORDER)
    by_id = {p["id"]: p for p in package["projects"]}
    assert {p["status"] for p in package["projects"]} == set(oc4ids.STAGE_STATUS.values())
    for project in package["projects"]:
        party_ids = {party["id"] for party in project["parties"]}
        assert set(_references(project)) <= party_ids
        assert project["sector"] == ["energy", "energy.solar"]
    several = by_id["oc4ids-320582-320582-2023-0002"]
    assert [p["name"] for p in several["parties"] if "funder" in p["roles"]] == [
        "信义光能控股有限公司",
        "采埃孚（中国）投资有限公司",
    ]
    assert (
        "budget" not in by_id["oc4ids-320582-320582-2023-0000"]
        or "amount" not in (by_id["oc4ids-320582-320582-2023-0000"]["budget"])
    )
    priced = by_id["oc4ids-320582-320582-2023-0001"]["budget"]
    assert priced["amount"] == {"amount": 123456789, "currency": "CNY"}
    assert priced["budgetBreakdowns"][0]["budgetBreakdown"][0]["amount"] == {
        "amount": 20005000,
        "currency": "CNY",
    }
    started = by_id["oc4ids-320582-320582-2023-0004"]
    assert started["identifiers"][1] == {
        "id": "2023-320582-44-03-512345",
        "scheme": "全国投资项目在线审批监管平台项目代码",
    }
    assert [(m["id"], m["status"]) for m in started["milestones"]] == [
        ("signed", "met"),
        ("registered", "met"),
        ("started", "met"),
        ("completed", "scheduled"),
    ]
    assert started["milestones"][0]["description"] == "实际日期精确到月 (month)"


@pytest.mark.django_db
def test_only_public_infrastructure_and_flagged_projects_are_published():
    ProjectFactory(code="P-FACTORY", industry_id="3841")  # manufacturing
    ProjectFactory(code="P-FLAGGED", industry_id="3841", publish_oc4ids=True)
    ProjectFactory(code="P-ROAD", industry_id="4812")
    ProjectFactory(code="P-SCHOOL", industry_id="8321")
    ProjectFactory(code="P-PARK", industry_id="3841", category="三、基础设施项目")
    ProjectFactory(code="P-SYN", industry_id="4812", is_synthetic=True, name="合成道路")

    def codes(**kw):
        published = oc4ids.published_projects(Project.objects.all(), **kw)
        return sorted(published.values_list("code", flat=True))

    assert codes() == ["P-FLAGGED", "P-PARK", "P-ROAD", "P-SCHOOL"]
    assert codes(synthetic=True) == ["P-FLAGGED", "P-PARK", "P-ROAD", "P-SCHOOL", "P-SYN"]
    package = _package(synthetic=True)
    assert problems(package) == []
    synthetic = next(p for p in package["projects"] if p["id"].endswith("P-SYN"))
    assert synthetic["title"] == "（合成）合成道路"
    assert synthetic["description"].startswith("合成演示数据，并非真实项目。")
    road = next(p for p in package["projects"] if p["id"].endswith("P-ROAD"))
    assert road["sector"] == ["transport", "transport.road"]
    school = next(p for p in package["projects"] if p["id"].endswith("P-SCHOOL"))
    assert school["sector"] == ["education"]
    factory = next(p for p in package["projects"] if p["id"].endswith("P-FLAGGED"))
    assert "sector" not in factory


@pytest.mark.django_db
def test_a_dropped_project_is_cancelled_and_package_metadata_is_complete(settings):
    settings.ZHAOSHANG_OC4IDS_PREFIX = "oc4ids-abc123-"
    ProjectFactory(code="P-1", industry_id="4812", status="dropped", status_reason="用地未落实")

    package = _package()

    assert problems(package) == []
    assert package["projects"][0]["status"] == "cancelled"
    assert package["projects"][0]["id"] == "oc4ids-abc123-P-1"
    assert package["version"] == "0.9"
    assert package["publisher"] == {"name": "张家港市"}
    assert package["license"] == oc4ids.DEFAULT_LICENSE
    assert package["uri"] == "https://example.org/oc4ids.json"
    assert package["publishedDate"].endswith("+08:00")


@pytest.mark.django_db
def test_a_bad_prefix_setting_is_named(settings):
    settings.ZHAOSHANG_OC4IDS_PREFIX = "zjg-"
    ProjectFactory(industry_id="4812")
    with pytest.raises(oc4ids.OC4IDSError, match="ZHAOSHANG_OC4IDS_PREFIX='zjg-'"):
        _package()


@pytest.mark.django_db
def test_an_empty_selection_is_a_clear_error_not_an_invalid_package():
    ProjectFactory(industry_id="3841")
    with pytest.raises(oc4ids.OC4IDSError, match="no project to publish"):
        _package()


# --------------------------------------------------------------------------- command


@pytest.mark.django_db
def test_command_writes_a_valid_package(tmp_path):
    ProjectFactory(code="P-ROAD", industry_id="4812", name="沙洲路改造工程")
    ProjectFactory(code="P-FACTORY", industry_id="3841")
    out = io.StringIO()

    call_command("export", "oc4ids", "-o", str(tmp_path / "projects.json"), stdout=out)

    package = json.loads((tmp_path / "projects.json").read_text(encoding="utf-8"))
    assert [p["title"] for p in package["projects"]] == ["沙洲路改造工程"]
    assert package["uri"] == (tmp_path / "projects.json").as_uri()
    assert problems(package) == []
    assert "1 个项目 projects (OC4IDS, json)" in out.getvalue()


@pytest.mark.django_db
def test_command_takes_the_ledger_filters(tmp_path):
    ProjectFactory(code="P-A", industry_id="4812", stage="started")
    ProjectFactory(code="P-B", industry_id="4812", stage="signed")

    call_command(
        "export",
        "oc4ids",
        "--stage",
        "started",
        "-o",
        str(tmp_path / "p.json"),
        stdout=io.StringIO(),
    )

    package = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert [p["identifiers"][0]["id"] for p in package["projects"]] == ["P-A"]


@pytest.mark.django_db
def test_command_writes_the_flattened_xlsx_and_csv(tmp_path):
    project = ProjectFactory(code="P-ROAD", industry_id="4812", name="沙洲路改造工程")
    ProjectInvestor.objects.create(
        project=project, enterprise=EnterpriseFactory(name="港城建设有限公司")
    )

    call_command(
        "export", "oc4ids", "--format", "xlsx", "-o", str(tmp_path / "p.xlsx"), stdout=io.StringIO()
    )
    call_command(
        "export", "oc4ids", "--format", "csv", "-o", str(tmp_path / "p.zip"), stdout=io.StringIO()
    )

    book = openpyxl.load_workbook(tmp_path / "p.xlsx", read_only=True)
    assert book.sheetnames[0] == "projects"
    rows = list(book["projects"].iter_rows(values_only=True))
    assert rows[0][0] == "id"
    assert rows[1][0] == "oc4ids-320582-P-ROAD"
    header = rows[0]
    assert rows[1][header.index("title")] == "沙洲路改造工程"
    assert rows[1][header.index("budget/amount/amount")] == 1000000000
    assert rows[1][header.index("budget/amount/currency")] == "CNY"
    parties = list(book["parties"].iter_rows(values_only=True))
    name = parties[0].index("parties/0/name")
    assert {(row[0], row[name]) for row in parties[1:]} == {
        ("oc4ids-320582-P-ROAD", "张家港市"),
        ("oc4ids-320582-P-ROAD", "锦丰镇"),
        ("oc4ids-320582-P-ROAD", "港城建设有限公司"),
    }
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        names = archive.namelist()
        main = archive.read("projects.csv").decode("utf-8")
    assert "parties.csv" in names
    assert "沙洲路改造工程" in main


@pytest.mark.django_db
def test_command_bad_input_gets_a_clear_message(tmp_path):
    ProjectFactory(industry_id="4812")
    with pytest.raises(CommandError, match="invalid choice: 'pdf'"):
        call_command("export", "oc4ids", "--format", "pdf")
    with pytest.raises(CommandError, match=r"cannot write .*nowhere/p\.json"):
        call_command("export", "oc4ids", "-o", str(tmp_path / "nowhere" / "p.json"))
    with pytest.raises(CommandError, match="is a folder"):
        call_command("export", "oc4ids", "-o", str(tmp_path))
    with pytest.raises(CommandError, match="--stage: 未知值 unknown value “begun”"):
        call_command("export", "oc4ids", "--stage", "begun", "-o", str(tmp_path / "p.json"))
    with pytest.raises(CommandError, match="apply to `export oc4ids` only"):
        call_command("export", "--format", "json")


@pytest.mark.django_db
def test_command_with_nothing_to_publish_says_so(tmp_path):
    ProjectFactory(industry_id="3841")
    with pytest.raises(CommandError, match="no project to publish"):
        call_command("export", "oc4ids", "-o", str(tmp_path / "p.json"))
    assert not (tmp_path / "p.json").exists()


# --------------------------------------------------------------------------- ledger


@pytest.mark.django_db
def test_ledger_download_honours_the_filters(client, leader):
    ProjectFactory(code="P-A", industry_id="4812", stage="started", name="沙洲路改造工程")
    ProjectFactory(code="P-B", industry_id="4812", stage="signed")
    ProjectFactory(code="P-C", industry_id="3841", stage="started")
    client.force_login(leader)

    response = client.get(reverse("projects:oc4ids"), {"stage": "started", "format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="oc4ids-')
    package = json.loads(response.content)
    assert [p["title"] for p in package["projects"]] == ["沙洲路改造工程"]
    assert package["uri"].startswith("http://testserver/projects/oc4ids/?")
    assert problems(package) == []


@pytest.mark.django_db
def test_ledger_download_xlsx(client, leader):
    ProjectFactory(code="P-A", industry_id="4812")
    client.force_login(leader)

    response = client.get(reverse("projects:oc4ids"), {"format": "xlsx"})

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames[0] == "projects"


@pytest.mark.django_db
def test_ledger_shows_the_download_links_with_the_filters(client, leader):
    client.force_login(leader)
    page = client.get(reverse("projects:list"), {"stage": "started"}).content.decode()
    assert 'href="/projects/oc4ids/?stage=started&amp;format=json"' in page
    assert 'href="/projects/oc4ids/?stage=started&amp;format=xlsx"' in page


@pytest.mark.django_db
def test_ledger_download_keeps_to_the_users_rights(client, town_editor, user_model):
    """The download reads `projects_visible_to(user)`, the rule of every ledger face: a user
    without a role gets nothing (a message, not a file); a town editor gets what its ledger
    shows; synthetic projects only when the Data filter asks for them."""
    from zhaoshang.projects.access import projects_visible_to

    ProjectFactory(code="P-A", industry_id="4812")
    ProjectFactory(code="P-SYN", industry_id="4812", is_synthetic=True)
    nobody = user_model.objects.create_user("norole", password="x")  # no profile, no role
    client.force_login(nobody)
    response = client.get(reverse("projects:oc4ids"))
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "没有项目可作为开放数据发布" in follow

    client.force_login(town_editor)
    package = json.loads(client.get(reverse("projects:oc4ids")).content)
    visible = set(
        oc4ids.published_projects(projects_visible_to(town_editor)).values_list("code", flat=True)
    )
    assert {p["identifiers"][0]["id"] for p in package["projects"]} == visible == {"P-A"}
    package = json.loads(client.get(reverse("projects:oc4ids"), {"synthetic": "synthetic"}).content)
    assert [p["identifiers"][0]["id"] for p in package["projects"]] == ["P-SYN"]


@pytest.mark.django_db
def test_ledger_download_bad_format_is_a_clear_400(client, leader):
    client.force_login(leader)
    response = client.get(reverse("projects:oc4ids"), {"format": "pdf"})
    assert response.status_code == 400
    assert "pdf" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("projects:oc4ids"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_a_project_without_a_unit_belongs_to_the_home_county(settings):
    settings.ZHAOSHANG_OC4IDS_PUBLISHER = "张家港市发展和改革委员会"
    ProjectFactory(code="P-1", industry_id="4812", unit_id=None, address="")

    package = _package()

    assert problems(package) == []
    project = package["projects"][0]
    assert project["publicAuthority"] == {"id": "region-320582", "name": "张家港市"}
    assert [p["id"] for p in project["parties"]] == ["region-320582"]
    assert "locations" not in project
    assert package["publisher"] == {"name": "张家港市发展和改革委员会"}


@pytest.mark.django_db
def test_the_package_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    """No query per project: 1 and 6 projects (investors, dates, plans) read alike."""

    def make(n: int, start: int) -> None:
        for i in range(start, start + n):
            project = ProjectFactory(code=f"P-{i}", industry_id="4812")
            ProjectInvestor.objects.create(project=project, enterprise=EnterpriseFactory())
            StageDate.objects.create(project=project, stage="signed", actual_on=TODAY)
            AnnualPlan.objects.create(project=project, year=2023, planned_investment_wan=1)

    make(1, 0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        _package()
    make(5, 1)
    with django_assert_max_num_queries(len(one)):
        assert len(_package()["projects"]) == 6


@pytest.mark.django_db
def test_a_county_users_download_holds_their_county_only(client, settings):
    """In a 苏州市 deployment 常熟市 staff download 常熟市's projects only; each project's
    public authority is its own county."""
    from zhaoshang.regions import home

    settings.ZHAOSHANG_HOME_REGION = "苏州市"
    try:
        ProjectFactory(code="320582-2023-0101", industry_id="4812")  # 锦丰镇, 张家港市
        ProjectFactory(code="320581-2023-0001", industry_id="4812", unit_id="320581001")  # 虞山街道
        staff = UserFactory(username="changshu", role="bureau_editor", unit_code="320581")
        client.force_login(staff)

        package = json.loads(client.get(reverse("projects:oc4ids")).content)

        assert [p["identifiers"][0]["id"] for p in package["projects"]] == ["320581-2023-0001"]
        assert package["projects"][0]["publicAuthority"] == {
            "id": "region-320581",
            "name": "常熟市",
        }
        assert problems(package) == []
    finally:
        home.clear()
