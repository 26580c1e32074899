from decimal import Decimal

import pytest

from tests.api import API, session_client
from tests.factories import EnterpriseFactory, ProjectFactory
from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects.models import ProjectInvestor


@pytest.fixture
def zf_group(db):
    """采埃孚: a German group with a Chinese subsidiary investing here."""
    group = EnterpriseFactory(name="ZF Friedrichshafen AG", country="DE", is_fortune500=True)
    EnterpriseAlias.objects.create(enterprise=group, alias="采埃孚", kind="short")
    china = EnterpriseFactory(name="采埃孚(中国)投资有限公司", country="CN", parent=group)
    local = EnterpriseFactory(name="采埃孚汽车零部件(张家港)有限公司", country="CN", parent=china)
    EnterpriseAlias.objects.create(enterprise=local, alias="ZF张家港", kind="short")
    return group, china, local


def names(response) -> list[str]:
    return [e["name"] for e in response.json()["items"]]


@pytest.mark.django_db
def test_enterprises_list_q_searches_name_and_alias(leader, zf_group):
    EnterpriseFactory(name="信义光伏(苏州)有限公司")

    by_alias = session_client(leader).get(f"{API}/enterprises", {"q": "ZF张家港"})
    by_name = session_client(leader).get(f"{API}/enterprises", {"q": "Friedrichshafen"})
    by_part = session_client(leader).get(f"{API}/enterprises", {"q": "采埃孚"})

    assert names(by_alias) == ["采埃孚汽车零部件(张家港)有限公司"]
    assert names(by_name) == ["ZF Friedrichshafen AG"]
    assert names(by_part) == [
        "ZF Friedrichshafen AG",
        "采埃孚(中国)投资有限公司",
        "采埃孚汽车零部件(张家港)有限公司",
    ]


@pytest.mark.django_db
def test_enterprises_list_paginates(leader):
    for i in range(5):
        EnterpriseFactory(name=f"企业{i}")

    response = session_client(leader).get(f"{API}/enterprises", {"page": 3, "page_size": 2})

    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (5, 3, 2)
    assert names(response) == ["企业4"]


@pytest.mark.django_db
def test_enterprises_list_item_shape(leader):
    enterprise = EnterpriseFactory(name="信义光伏(苏州)有限公司", is_listed=True)

    response = session_client(leader).get(f"{API}/enterprises")

    assert response.json()["items"] == [
        {
            "id": enterprise.pk,
            "name": "信义光伏(苏州)有限公司",
            "credit_code": "",
            "country": "CN",
            "is_fortune500": False,
            "is_listed": True,
            "is_specialised": False,
            "is_high_tech": False,
            "is_synthetic": False,
        }
    ]


@pytest.mark.django_db
def test_enterprises_detail_shows_group_aliases_and_projects(leader, zf_group):
    group, china, local = zf_group
    first = ProjectFactory(
        code="P-1", name="采埃孚新能源汽车核心零部件", total_investment_wan=Decimal(100000)
    )
    second = ProjectFactory(code="P-2", name="采埃孚二期", total_investment_wan=None)
    ProjectInvestor.objects.create(project=first, enterprise=local)
    ProjectInvestor.objects.create(project=second, enterprise=local, role="partner")
    ProjectFactory(code="P-OTHER")

    response = session_client(leader).get(f"{API}/enterprises/{local.pk}")

    body = response.json()
    assert response.status_code == 200
    assert body["parent"] == {"id": china.pk, "name": "采埃孚(中国)投资有限公司"}
    assert body["ultimate_parent"] == {"id": group.pk, "name": "ZF Friedrichshafen AG"}
    assert body["is_foreign"] is True
    assert body["aliases"] == [{"alias": "ZF张家港", "kind": "short"}]
    assert [(p["code"], p["role"], p["total_investment_wan"]) for p in body["projects"]] == [
        ("P-1", "lead", 100000),
        ("P-2", "partner", None),
    ]


@pytest.mark.django_db
def test_enterprises_detail_of_a_top_group_is_its_own_ultimate_parent(leader, zf_group):
    group, _china, _local = zf_group

    body = session_client(leader).get(f"{API}/enterprises/{group.pk}").json()

    assert (body["parent"], body["ultimate_parent"]) == (
        None,
        {"id": group.pk, "name": "ZF Friedrichshafen AG"},
    )
    assert (body["is_fortune500"], body["country"], body["projects"]) == (True, "DE", [])


@pytest.mark.django_db
def test_enterprises_detail_unknown_id_is_404(leader):
    response = session_client(leader).get(f"{API}/enterprises/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "No enterprise with id 999999."}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_enterprises_have_no_write_endpoints(bureau_editor, method):
    enterprise = EnterpriseFactory()
    client = session_client(bureau_editor)

    collection = getattr(client, method)(f"{API}/enterprises", {}, content_type="application/json")
    item = getattr(client, method)(
        f"{API}/enterprises/{enterprise.pk}", {}, content_type="application/json"
    )

    assert (collection.status_code, item.status_code) == (405, 405)


@pytest.mark.django_db
def test_enterprises_detail_id_not_a_number_is_422(leader):
    response = session_client(leader).get(f"{API}/enterprises/abc")

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "enterprise_id", "message": "“abc” is not a number"}]
    }
