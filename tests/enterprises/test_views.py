import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import EnterpriseFactory, ProjectFactory
from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias
from zhaoshang.projects.models import ProjectInvestor, StageDate

pytestmark = pytest.mark.django_db


@pytest.fixture
def zf_group():
    zf = EnterpriseFactory(name="ZF Friedrichshafen AG", country="DE")
    EnterpriseAlias.objects.create(enterprise=zf, alias="采埃孚", kind="short")
    local = EnterpriseFactory(name="采埃孚(张家港)有限公司", parent=zf)
    for i, on in enumerate(
        [datetime.date(2020, 1, 1), datetime.date(2021, 4, 1), datetime.date(2022, 7, 1)]
    ):
        project = ProjectFactory(name=f"采埃孚项目{i}")
        ProjectInvestor.objects.create(project=project, enterprise=local if i else zf)
        StageDate.objects.create(project=project, stage="signed", actual_on=on)
    return zf, local


def test_enterprise_list_searches_alias_and_counts_projects(client, leader, zf_group):
    EnterpriseFactory(name="无关企业")
    client.force_login(leader)
    response = client.get(reverse("enterprises:list"), {"q": "采埃孚"})
    names = [e.name for e, _stats, _aliases in response.context["items"]]
    assert names == ["ZF Friedrichshafen AG", "采埃孚(张家港)有限公司"]
    assert [stats["n"] for _e, stats, _a in response.context["items"]] == [1, 2]


@pytest.mark.parametrize(
    ("lang", "germany", "china"), [("zh-hans", "德国", "中国"), ("en", "Germany", "China")]
)
def test_enterprise_pages_name_the_country(client, leader, zf_group, lang, germany, china):
    """The registry keeps ISO codes; the pages name the country in the reader's language."""
    _zf, local = zf_group
    client.force_login(leader)
    listing = client.get(reverse("enterprises:list"), {"q": "采埃孚"}, HTTP_ACCEPT_LANGUAGE=lang)
    cells = listing.content.decode()
    assert f"<td>{germany}</td>" in cells and f"<td>{china}</td>" in cells
    assert "<td>DE</td>" not in cells
    page = client.get(reverse("enterprises:detail", args=[local.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    assert f"({germany})" in page.content.decode()  # its ultimate parent's country


@pytest.mark.parametrize("rows", [1, 3])
def test_enterprise_list_query_count_flat(client, leader, django_assert_num_queries, rows):
    EnterpriseFactory.create_batch(rows)
    client.force_login(leader)
    # session, user, profile, count, page, project stats, aliases
    with django_assert_num_queries(7):
        client.get(reverse("enterprises:list"))


def test_enterprise_page_shows_group_projects_and_cadence(client, leader, zf_group):
    _zf, local = zf_group
    client.cookies["django_language"] = "en"
    client.force_login(leader)
    response = client.get(reverse("enterprises:detail", args=[local.pk]))
    page = response.content.decode()
    assert "ZF Friedrichshafen AG" in page  # ultimate parent
    assert "采埃孚项目0" in page and "采埃孚项目2" in page
    assert "a new project here every 15.0 months on average" in page


def test_enterprise_page_404(client, leader):
    client.force_login(leader)
    assert client.get(reverse("enterprises:detail", args=[999999])).status_code == 404


def test_editor_registers_enterprise_and_bad_code_is_refused(client, bureau_editor):
    client.force_login(bureau_editor)
    bad = client.post(
        reverse("enterprises:create"),
        {"name": "新企业", "country": "CN", "credit_code": "91320582MA1234567X"},
    )
    assert bad.status_code == 200
    assert list(bad.context["form"].errors) == ["credit_code"]
    assert 'value="91320582MA1234567X"' in bad.content.decode()
    ok = client.post(
        reverse("enterprises:create"), {"name": "新企业", "country": "de", "aliases": "新; New Co"}
    )
    created = Enterprise.objects.get(name="新企业")
    assert ok.status_code == 302
    assert created.country == "DE"
    assert sorted(created.aliases.values_list("alias", "kind")) == [
        ("New Co", "english"),
        ("新", "short"),
    ]


def test_leader_cannot_edit_enterprises(client, leader, zf_group):
    client.force_login(leader)
    response = client.get(reverse("enterprises:edit", args=[zf_group[0].pk]))
    assert response.status_code == 403


@pytest.fixture
def shenghong():
    """盛虹 306亿 and its 首期 140亿 (a phase, within the 306亿), as the demo holds them; a
    group member co-invests in the parent, which must still count once."""
    group = EnterpriseFactory(name="盛虹控股集团有限公司")
    EnterpriseAlias.objects.create(enterprise=group, alias="盛虹", kind="short")
    member = EnterpriseFactory(name="江苏盛虹储能科技有限公司", parent=group)
    parent = ProjectFactory(name="盛虹储能电池超级工厂", total_investment_wan=Decimal("3060000"))
    phase = ProjectFactory(
        name="盛虹储能电池超级工厂首期24GWh项目",
        parent=parent,
        phase_label="首期",
        total_investment_wan=Decimal("1400000"),
    )
    for project in (parent, phase):
        ProjectInvestor.objects.create(project=project, enterprise=group)
    ProjectInvestor.objects.create(project=parent, enterprise=member, role="partner")
    return group, member


@pytest.mark.parametrize(
    "language, note",
    [("zh-hans", "含分期 首期 140亿元（已计入母项目，只计一次）"),
     ("en", "includes phases 首期 CNY 14 billion (counted within their parent project, once)")],
)  # fmt: skip
def test_enterprise_page_total_is_the_ledger_total_with_the_phase_stated(
    client, leader, shenghong, language, note
):
    group, _member = shenghong
    client.cookies["django_language"] = language
    client.force_login(leader)
    ledger = client.get(reverse("projects:list"), {"q": "盛虹"}).context["total"]
    response = client.get(reverse("enterprises:detail", args=[group.pk]))
    assert (response.context["group_total"], ledger) == (Decimal("3060000"), Decimal("3060000"))
    assert response.context["group_phase_note"] == note
    assert note in response.content.decode()


def test_enterprise_list_total_counts_each_investment_once(client, leader, shenghong):
    group, member = shenghong
    client.force_login(leader)
    response = client.get(reverse("enterprises:list"), {"q": "盛虹"})
    stats = {e.pk: s for e, s, _aliases in response.context["items"]}
    assert stats[group.pk] == {
        "n": 2,
        "total": Decimal("3060000"),
        "phases": 1,
        "phases_total": Decimal("1400000"),
    }
    assert stats[member.pk] == {
        "n": 1,
        "total": Decimal("3060000"),
        "phases": 0,
        "phases_total": Decimal(0),
    }
