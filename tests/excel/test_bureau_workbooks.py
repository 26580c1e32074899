"""Bureau ledgers as towns, parks and bureaus really lay them out, imported through the real
path (dry run, then commit) and compared with what the clerk meant.

The workbooks and their ``*.expected.json`` are built by tests/data/workbooks/make.py; the
expectations there are written by hand, not taken from the importer.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.factories import UserFactory
from zhaoshang.excel.services import import_workbook
from zhaoshang.lib.money import parse_amount
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
WORKBOOKS = Path(__file__).resolve().parent.parent / "data" / "workbooks"


def expected_of(name: str) -> dict[str, Any]:
    path = WORKBOOKS / f"{Path(name).stem}.expected.json"
    return json.loads(path.read_text(encoding="utf-8"))


def workbook_names(*, refused: bool) -> list[str]:
    names = sorted(p.name.removesuffix(".expected.json") for p in WORKBOOKS.glob("*.expected.json"))
    out = []
    for stem in names:
        found = [p.name for p in WORKBOOKS.iterdir() if p.stem == stem and p.suffix != ".json"]
        (name,) = found
        if bool(expected_of(name).get("errors")) == refused:
            out.append(name)
    return out


def importer(expected: dict[str, Any]):
    who = expected["importer"]
    return UserFactory(username="importer", role=who["role"], unit_code=who.get("unit"))


def plain(value: Decimal | None) -> str | None:
    if value is None:
        return None
    value = value.normalize()
    return format(value, "f") if value == value.to_integral() else str(value)


def amount_of(project: Project, field: str, want: dict[str, str]) -> dict[str, Any]:
    """The stored amount in the shape of `want`: 万元 and qualifier, or for an amount in a
    foreign currency its currency and original figure (from its own columns, or from the
    text as written where the ledger keeps the field in 万元 CNY only)."""
    wan = getattr(project, f"{field}_wan")
    qualifier = getattr(project, f"{field}_qualifier")
    if "currency" not in want:
        return {"wan": plain(wan), "qualifier": qualifier}
    if hasattr(project, f"{field}_currency"):
        currency = getattr(project, f"{field}_currency")
        original = getattr(project, f"{field}_original")
    else:
        text = getattr(project, f"{field}_text")
        parsed = parse_amount(text) if text else None
        currency = parsed.currency if parsed else "CNY"
        original = parsed.original if parsed else wan
    return {"currency": currency, "original": plain(original), "qualifier": qualifier}


def described(project: Project, want: dict[str, Any]) -> dict[str, Any]:
    """The stored project in the shape of its expectation (the keys it states)."""
    got: dict[str, Any] = {}
    for key, value in want.items():
        if key == "unit":
            got[key] = project.unit_id
        elif key == "dates":
            got[key] = {
                f"{prefix}_{sd.stage}": str(sd.partial(prefix))
                for sd in project.stage_dates.all()
                for prefix in ("planned", "actual")
                if sd.partial(prefix) is not None
            }
        elif key == "investors":
            got[key] = list(
                project.investor_links.order_by("pk").values_list("enterprise__name", flat=True)
            )
        elif isinstance(value, dict):
            got[key] = amount_of(project, key, value)
        else:
            got[key] = getattr(project, key)
    return got


@pytest.mark.parametrize("name", workbook_names(refused=False))
def test_bureau_workbook_imports_as_the_clerk_meant(name):
    expected = expected_of(name)
    user = importer(expected)
    data = (WORKBOOKS / name).read_bytes()

    dry = import_workbook(user=user, data=data, filename=name)
    assert dry.errors == [], f"{name}: the dry run refused cells a clerk wrote: {dry.errors}"
    assert dry.counts == {"created": len(expected["projects"]), "updated": 0, "unchanged": 0}, (
        f"{name}: rows taken as projects (skipped: {dry.skipped()})"
    )
    warned = [{k: w[k] for k in ("sheet", "row", "field", "value")} for w in dry.warnings()]
    assert warned == expected.get("warnings", []), f"{name}: {dry.warnings()}"
    assert Project.objects.count() == 0
    done = import_workbook(user=user, data=data, filename=name, commit=True)
    assert (done.committed, done.errors) == (True, [])

    stored = {p.name: p for p in Project.objects.all()}
    assert sorted(stored) == sorted(p["name"] for p in expected["projects"]), name
    for want in expected["projects"]:
        got = described(stored[want["name"]], want)
        assert got == want, f"{name}: {want['name']}: stored {got}, the clerk meant {want}"


@pytest.mark.parametrize("name", workbook_names(refused=True))
def test_bureau_workbook_refusal_names_row_field_and_value_and_writes_nothing(name):
    expected = expected_of(name)
    user = importer(expected)

    result = import_workbook(
        user=user, data=(WORKBOOKS / name).read_bytes(), filename=name, commit=True
    )

    refused = [{k: e[k] for k in ("sheet", "row", "field", "value")} for e in result.errors]
    assert refused == expected["errors"]
    assert all(e["message"] for e in result.errors)
    assert (result.committed, Project.objects.count()) == (False, 0)


def test_mapping_page_keeps_a_unit_column_as_the_unit_of_its_amount(
    client, bureau_editor, settings
):
    """The 金额 | 单位 and 年 | 月 columns of a merged header show as parts of their field,
    and sending the mapping form back unchanged saves nothing that would undo that."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from zhaoshang.excel.models import HeaderMapping, ImportJob

    settings.ZHAOSHANG_EXCEL_INLINE = True
    client.force_login(bureau_editor)
    name = "01_yejin_jinfeng.xlsx"
    data = (WORKBOOKS / name).read_bytes()
    client.post(reverse("excel:import"), {"file": SimpleUploadedFile(name, data)})
    job = ImportJob.objects.get()
    page = client.get(reverse("excel:job", args=[job.pk])).content.decode()
    assert '<option value="total_investment#unit" selected>总投资：每行金额的单位</option>' in page
    assert '<option value="planned_started#month" selected>计划日期: 开工：月</option>' in page
    columns = job.report["columns"]
    form = {"key": [c["key"] for c in columns]}
    for c in columns:
        form[f"field:{c['key']}"] = c["target"]
        form[f"header:{c['key']}"] = c["header"]
        form[f"unit:{c['key']}"] = c["unit"] if c["is_amount"] else ""

    client.post(reverse("excel:mapping", args=[job.pk]), form)

    assert HeaderMapping.objects.count() == 0
    job.refresh_from_db()
    assert [c["target"] for c in job.report["columns"]] == [c["target"] for c in columns]
