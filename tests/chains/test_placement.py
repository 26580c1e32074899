"""Placing enterprises and projects on nodes; a person's word beats the next run."""

from __future__ import annotations

import pytest

from tests.factories import EnterpriseFactory, ProjectFactory
from zhaoshang.chains import services
from zhaoshang.chains.models import Origin, Placement, ProjectPlacement
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.projects.models import ProjectInvestor

pytestmark = pytest.mark.django_db


def placements():
    return sorted(
        (p.enterprise.name, p.node.code, str(p.confidence), p.origin, p.is_active)
        for p in Placement.objects.select_related("enterprise", "node")
    )


def test_place_enterprises_from_scope_name_and_projects(node_of):
    EnterpriseFactory(name="甲公司", business_scope="甲材料的研发、生产、销售（不含危险化学品）")
    EnterpriseFactory(name="乙贸易公司", business_scope="一般项目：乙材料销售；五金产品批发")
    investor = EnterpriseFactory(name="丙公司")
    project = ProjectFactory(name="丙公司测试器件项目", industry_id="3973")
    ProjectInvestor.objects.create(project=project, enterprise=investor)
    result = services.place_enterprises()
    assert (result.objects, result.placements) == (3, 2)
    assert placements() == [
        ("丙公司", "mid", "0.500", "auto", True),
        ("甲公司", "up-a", "0.550", "auto", True),
    ]
    evidence = Placement.objects.get(enterprise__name="甲公司").evidence
    assert evidence == {
        "keywords": [{"keyword": "甲材料", "where": "scope", "role": "make"}],
        "codes": [],
    }


def test_place_projects_from_name_and_code(node_of):
    ProjectFactory(name="年产测试应用项目", industry_id="1311")
    assert services.place_projects().placements == 1
    assert list(ProjectPlacement.objects.values_list("node__code", "confidence")) == [
        ("down", pytest.approx(0.5))
    ]


def test_a_persons_decisions_survive_the_next_run(node_of, bureau_editor):
    kept = EnterpriseFactory(name="甲公司", business_scope="甲材料制造")
    removed = EnterpriseFactory(name="乙公司", business_scope="乙材料制造")
    added = EnterpriseFactory(name="丁公司", business_scope="餐饮服务")
    services.place_enterprises()
    services.confirm_placement(user=bureau_editor, placement=Placement.objects.get(enterprise=kept))
    services.remove_placement(
        user=bureau_editor, placement=Placement.objects.get(enterprise=removed), note="只做贸易"
    )
    services.add_placement(
        user=bureau_editor, node=node_of("down"), enterprise=added, note="走访确认"
    )
    result = services.place_enterprises()
    assert result.manual_kept == 3
    assert placements() == [
        ("丁公司", "down", "1.000", "manual", True),
        ("乙公司", "up-b", "0.550", "manual", False),
        ("甲公司", "up-a", "0.550", "manual", True),
    ]
    log = history_for(Placement.objects.get(enterprise=removed)).first()
    assert log.user == bureau_editor
    assert log.reason == "只做贸易"


def test_leader_may_not_decide_placements(node_of, leader):
    EnterpriseFactory(business_scope="甲材料制造")
    services.place_enterprises()
    with pytest.raises(NotAllowed):
        services.remove_placement(user=leader, placement=Placement.objects.get())
    assert Placement.objects.get().origin == Origin.AUTO


def test_classify_rows_stores_nothing_and_checks_codes(node_of):
    rows = [
        {"name": "甲厂", "business_scope": "甲材料的生产", "industry_code": ""},
        {"name": "乙商行", "business_scope": "乙材料批发", "industry_code": "5179"},
    ]
    out = services.classify_rows(rows)
    assert [(r["name"], [n["node_code"] for n in r["nodes"]]) for r in out] == [
        ("甲厂", ["up-a"]),
        ("乙商行", []),
    ]
    assert Placement.objects.count() == 0
    from zhaoshang.core.errors import InputError

    with pytest.raises(InputError) as err:
        services.classify_rows([{"name": "x", "business_scope": "y", "industry_code": "12"}])
    assert list(err.value.fields) == ["row 1: industry_code"]
