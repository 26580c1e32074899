"""`zhaoshang demo --region 苏州市 --synthetic N`: generated, marked projects with plans for
every other county of the region; Zhangjiagang's own generated projects unchanged."""

import pytest

from zhaoshang.demo.region import COUNTY_USER, counties_of, demo_users, generate_region
from zhaoshang.demo.synthetic import Generator, generate
from zhaoshang.progress.models import AnnualPlan
from zhaoshang.projects.models import Project
from zhaoshang.regions.models import Region

pytestmark = pytest.mark.django_db
SUZHOU_COUNTIES = [
    "320505", "320506", "320507", "320508", "320509", "320576", "320581", "320582",
    "320583", "320585",
]  # fmt: skip


def test_suzhou_has_its_ten_counties_and_a_county_user():
    suzhou = Region.objects.get(code="3205")
    assert counties_of(suzhou) == SUZHOU_COUNTIES
    assert demo_users(suzhou) == [COUNTY_USER]
    assert demo_users(Region.objects.get(code="320582")) == []


def test_other_counties_get_marked_projects_with_plans_and_zhangjiagang_is_untouched():
    generate(4)
    before = list(
        Project.objects.filter(code__startswith="320582")
        .order_by("code")
        .values_list("code", "name", "unit_id", "total_investment_wan")
    )
    created = generate_region(Region.objects.get(code="3205"), 4)
    assert created == {c: 4 for c in SUZHOU_COUNTIES if c != "320582"}
    changshu = list(Project.objects.filter(code__startswith="320581-SYN-").order_by("code"))
    assert [p.code for p in changshu] == [f"320581-SYN-00000{i}" for i in range(1, 5)]
    assert all(p.is_synthetic and p.name.startswith("（合成）") for p in changshu)
    assert all(p.unit_id.startswith("320581") and len(p.unit_id) == 9 for p in changshu)
    assert AnnualPlan.objects.filter(project__in=changshu, is_synthetic=True).count() == 4
    after = list(
        Project.objects.filter(code__startswith="320582")
        .order_by("code")
        .values_list("code", "name", "unit_id", "total_investment_wan")
    )
    assert after == before
    assert generate_region(Region.objects.get(code="3205"), 4) == dict.fromkeys(created, 0)


def test_another_countys_project_is_its_own_not_a_copy_of_zhangjiagangs():
    gen = Generator(pool_size=50)
    home, _d, _i = gen.project(1)
    other, _d, _i = gen.project(1, "320583")
    assert (home["code"], other["code"]) == ("320582-SYN-000001", "320583-SYN-000001")
    assert home["unit_id"].startswith("320582") and other["unit_id"].startswith("320583")
