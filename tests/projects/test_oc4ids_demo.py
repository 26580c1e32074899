"""#19 OC4IDS on the demo: the seed's real projects and the demo's synthetic ones (marked)
validate with zero errors from the official validator."""

from __future__ import annotations

import pytest

from tests.projects.oc4ids_cove import problems
from zhaoshang.projects import oc4ids
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.usefixtures("demo_once")


def _package(*, synthetic: bool) -> dict:
    qs = oc4ids.published_projects(Project.objects.all(), synthetic=synthetic)
    return oc4ids.build_package(qs, uri="https://example.org/oc4ids.json")


@pytest.mark.django_db
def test_demo_real_projects_validate_with_zero_errors():
    package = _package(synthetic=False)
    assert problems(package) == []
    titles = [p["title"] for p in package["projects"]]
    assert "港城智能智造产业园" in titles  # 互联网数据服务: digital infrastructure
    assert not any(t.startswith(oc4ids.SYNTHETIC_MARK) for t in titles)


@pytest.mark.django_db
def test_demo_with_synthetic_projects_validates_and_marks_them():
    real = {p["id"] for p in _package(synthetic=False)["projects"]}
    package = _package(synthetic=True)
    assert problems(package) == []
    added = [p for p in package["projects"] if p["id"] not in real]
    assert added
    assert all(p["title"].startswith(oc4ids.SYNTHETIC_MARK) for p in added)
    assert all(p["description"].startswith(oc4ids.SYNTHETIC_NOTE) for p in added)
    for project in package["projects"]:
        party_ids = {party["id"] for party in project["parties"]}
        assert project["publicAuthority"]["id"] in party_ids
