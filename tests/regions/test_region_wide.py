"""What a prefecture-city installation (苏州市) does that a county one does not: project
codes per county, unit pickers over the region (a county's staff only its county), county
staff created on the users page, the 发改委's acts confined to a county's own projects, and
names and places read over the whole region."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import JINFENG, ProjectFactory, UserFactory
from tests.progress.factories import PlanFactory
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.names import Lookup
from zhaoshang.intel.services import home_gazetteer
from zhaoshang.progress import services as progress_services
from zhaoshang.progress.models import PlanStatus
from zhaoshang.projects.models import BatchEvent, ProjectList, ProjectListEntry
from zhaoshang.projects.services import create_project, next_project_code
from zhaoshang.regions import home

pytestmark = pytest.mark.django_db
ZJG, CHANGSHU = "320582", "320581"
YUSHAN = "320581001"  # 虞山街道, 常熟市


@pytest.fixture
def suzhou(settings):
    settings.ZHAOSHANG_HOME_REGION = "苏州市"
    yield
    home.clear()


@pytest.fixture
def changshu_staff():
    return UserFactory(username="changshu", role="bureau_editor", unit_code=CHANGSHU)


def test_project_codes_are_per_county(suzhou, admin_user):
    assert next_project_code(2023) == "320582-2023-0001"  # no unit: the seat county
    assert next_project_code(2023, YUSHAN) == "320581-2023-0001"
    ProjectFactory(code="320581-2023-0007", unit_id=YUSHAN)
    project = create_project(user=admin_user, data={"name": "常熟测试项目", "unit": YUSHAN})
    assert project.code == f"320581-{datetime.date.today().year}-0001"
    assert next_project_code(2023, YUSHAN) == "320581-2023-0008"
    assert next_project_code(2023, JINFENG) == "320582-2023-0001"


def test_a_county_installation_numbers_as_before():
    assert next_project_code(2023, JINFENG) == "320582-2023-0001"
    assert next_project_code(2023) == "320582-2023-0001"


def test_unit_pickers_cover_the_region_and_a_county_staff_its_county(suzhou, changshu_staff):
    everywhere = [u.code for u in home.township_units()]
    assert JINFENG in everywhere and YUSHAN in everywhere
    assert all(code.startswith("3205") for code in everywhere)
    confined = [u.code for u in home.township_units(changshu_staff)]
    assert YUSHAN in confined and JINFENG not in confined
    assert all(code.startswith(CHANGSHU) for code in confined)


def test_ledger_filter_and_form_offer_a_county_staff_its_own_towns(suzhou, client, changshu_staff):
    client.force_login(changshu_staff)
    listing = client.get(reverse("projects:list")).content.decode()
    assert f'value="{YUSHAN}"' in listing and f'value="{JINFENG}"' not in listing
    form = client.get(reverse("projects:create")).content.decode()
    assert f'value="{YUSHAN}"' in form and f'value="{JINFENG}"' not in form


def test_a_county_installation_offers_only_its_towns(client, admin_user):
    client.force_login(admin_user)
    form = client.get(reverse("projects:create")).content.decode()
    assert f'value="{JINFENG}"' in form and f'value="{YUSHAN}"' not in form


def test_admin_creates_county_staff_in_a_city_installation(suzhou, client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("user_create")).content.decode()
    assert f'value="{CHANGSHU}"' in page and f'value="{YUSHAN}"' in page
    response = client.post(
        reverse("user_create"),
        {
            "username": "cs-fgw",
            "role": "bureau_editor",
            "unit": CHANGSHU,
            "is_active": "on",
            "password": "Changshu-Fgw-2024!",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="cs-fgw")
    assert (user.profile.role, user.profile.unit_id) == ("bureau_editor", CHANGSHU)
    # a town editor still needs a township unit, not a county
    response = client.post(
        reverse("user_create"),
        {
            "username": "cs-town",
            "role": "town_editor",
            "unit": CHANGSHU,
            "is_active": "on",
            "password": "Changshu-Town-2024!",
        },
    )
    assert list(response.context["form"].errors) == ["unit"]
    assert not get_user_model().objects.filter(username="cs-town").exists()


def test_a_county_installation_offers_no_county_on_the_users_page(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("user_create")).content.decode()
    assert f'value="{JINFENG}"' in page and f'value="{ZJG}"' not in page


def _draft(code, unit):
    project = ProjectFactory(code=code, unit_id=unit, stage="signed")
    return PlanFactory(
        project=project, planned_investment_wan=Decimal(1000), status=PlanStatus.DRAFT
    )


def test_county_staff_approve_plans_of_their_county_only(suzhou, changshu_staff):
    own = _draft("320581-2023-0001", YUSHAN)
    other = _draft("320582-2023-0001", JINFENG)
    with pytest.raises(NotAllowed, match="本县"):
        progress_services.approve_plan(user=changshu_staff, plan=other)
    other.refresh_from_db()
    assert other.status == PlanStatus.DRAFT
    progress_services.approve_plan(user=changshu_staff, plan=own)
    own.refresh_from_db()
    assert own.status == PlanStatus.APPROVED


def test_county_staff_put_only_their_projects_on_lists_and_events(suzhou, changshu_staff):
    own = ProjectFactory(code="320581-2023-0002", unit_id=YUSHAN)
    other = ProjectFactory(code="320582-2023-0002", unit_id=JINFENG)
    project_list = ProjectList.objects.create(name="2023年苏州市重大项目", level="city", year=2023)
    with pytest.raises(NotAllowed):
        progress_services.set_list_member(
            user=changshu_staff, project_list=project_list, project=other
        )
    progress_services.set_list_member(user=changshu_staff, project_list=project_list, project=own)
    assert list(ProjectListEntry.objects.values_list("project__code", flat=True)) == [own.code]
    event = BatchEvent.objects.create(
        name="常熟集中开工", kind="start", date=datetime.date(2023, 3, 1)
    )
    with pytest.raises(InputError) as caught:
        progress_services.add_event_projects(
            user=changshu_staff, event=event, codes=[own.code, other.code]
        )
    assert caught.value.fields == {"projects": [f"没有编号为 {other.code} 的项目"]}
    assert event.projects.count() == 0
    assert progress_services.add_event_projects(user=changshu_staff, event=event, codes=[own.code])


def test_names_resolve_over_the_region(suzhou):
    names = Lookup()
    assert names.unit("虞山街道") == YUSHAN
    assert names.unit("锦丰镇") == JINFENG


def test_the_gazetteer_leaves_out_names_two_counties_share(suzhou):
    from zhaoshang.regions.models import Level, Region

    gazetteer = home_gazetteer()
    found = dict(gazetteer.names)
    assert found["锦丰镇"][0] == JINFENG and found["虞山街道"][0] == YUSHAN
    townships = Region.objects.filter(level=Level.TOWNSHIP, code__startswith="3205")
    by_name: dict[str, set[str]] = {}
    for code, name in townships.values_list("code", "name"):
        by_name.setdefault(name, set()).add(code[:6])
    shared = [name for name, counties in by_name.items() if len(counties) > 1]
    for name in shared:
        assert name not in found


def test_an_excel_import_numbers_each_county_on_its_own(suzhou, admin_user):
    from zhaoshang.excel.services import import_workbook

    year = datetime.date.today().year
    ProjectFactory(code=f"320581-{year}-0004", unit_id=YUSHAN)
    rows = "项目名称,建设地点,总投资（万元）\n甲项目,锦丰镇,100\n乙项目,虞山街道,200\n丙项目,虞山街道,300\n"
    result = import_workbook(user=admin_user, data=rows.encode(), filename="a.csv", commit=True)
    assert result.committed, result.errors
    from zhaoshang.projects.models import Project

    codes = dict(
        Project.objects.filter(name__in=["甲项目", "乙项目", "丙项目"]).values_list("name", "code")
    )
    assert codes == {
        "甲项目": f"320582-{year}-0001",
        "乙项目": f"320581-{year}-0005",
        "丙项目": f"320581-{year}-0006",
    }


def test_four_batches_by_town_lists_the_units_of_the_place_in_view(suzhou, changshu_staff):
    from zhaoshang.progress.batches import batches_by_town
    from zhaoshang.progress.months import Month
    from zhaoshang.projects.models import StageDate

    for code, unit in (("320581-2023-0011", YUSHAN), ("320582-2023-0011", JINFENG)):
        project = ProjectFactory(code=code, unit_id=unit, total_investment_wan=Decimal(100))
        StageDate.objects.create(
            project=project, stage="started", actual_on=datetime.date(2023, 5, 2)
        )
    whole = batches_by_town(Month(2023, 6))
    assert [code for code, _name in whole.units] == [YUSHAN, JINFENG]  # only units with batches
    county = batches_by_town(Month(2023, 6), user=changshu_staff)
    listed = [code for code, _name in county.units]
    assert YUSHAN in listed and JINFENG not in listed
    assert all(code.startswith(CHANGSHU) for code in listed) and len(listed) > 1
    assert county.year[YUSHAN]["started"] == (1, Decimal(100))
