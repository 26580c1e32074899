from decimal import Decimal

import pytest

from tests.factories import EnterpriseFactory, ProjectFactory
from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects.models import Project, ProjectInvestor
from zhaoshang.projects.queries import filter_projects, ledger_totals

pytestmark = pytest.mark.django_db


def test_ledger_totals_count_a_phase_once():
    parent = ProjectFactory(total_investment_wan=Decimal("3060000"))
    ProjectFactory(parent=parent, total_investment_wan=Decimal("1400000"))
    ProjectFactory(total_investment_wan=Decimal("900000"))
    assert ledger_totals(Project.objects.all()) == {"count": 3, "total": Decimal("3960000")}
    phases_only = Project.objects.filter(parent__isnull=False)
    assert ledger_totals(phases_only) == {"count": 1, "total": Decimal("1400000")}


@pytest.mark.parametrize(
    "industry, expected",
    [("C", 2), ("38", 1), ("384", 1), ("3841", 1), ("36", 1), ("3670", 1), ("I", 0), ("39", 0)],
)
def test_filter_projects_industry_by_section_or_prefix(industry, expected):
    ProjectFactory(industry_id="3841")
    ProjectFactory(industry_id="3670")
    assert filter_projects(Project.objects.all(), industry=industry).count() == expected


def test_filter_projects_search_finds_investor_alias():
    zf = EnterpriseFactory(name="ZF Friedrichshafen AG")
    EnterpriseAlias.objects.create(enterprise=zf, alias="采埃孚", kind="short")
    project = ProjectFactory(name="底盘零部件系统项目")
    ProjectInvestor.objects.create(project=project, enterprise=zf)
    ProjectFactory(name="其他项目")
    for q in ("采埃孚", "friedrichshafen", "底盘"):
        assert list(filter_projects(Project.objects.all(), q=q)) == [project]
