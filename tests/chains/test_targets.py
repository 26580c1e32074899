"""Target scores: each part on its own, then a ranking that explains itself; leads."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.factories import BAOSHUI, EnterpriseFactory, ProjectFactory
from zhaoshang.chains import services, targets
from zhaoshang.chains.models import EnterpriseProfile, Placement, SupplyLink
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.enterprises.models import Lead, Visit
from zhaoshang.projects.models import ProjectInvestor, StageDate

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 6, 1)
WEIGHTS = {"fit": 35, "size": 20, "expansion": 20, "relationship": 15, "links": 10}


@pytest.mark.parametrize(
    ("flags", "invested", "expected"),
    [
        ({}, None, 0.0),
        ({"fortune500": True}, None, 1.0),
        ({"listed": True}, None, 0.7),
        ({"high_tech": True}, None, 0.4),
        ({"specialised": True}, None, 0.4),
        ({}, Decimal(10_000), 0.5),  # 1亿元
        ({}, Decimal(1_000_000), 1.0),  # 100亿元
        ({}, Decimal(100), 0.0),  # 100万元
        ({"listed": True}, Decimal(1_000_000), 1.0),
    ],
)
def test_size_part(flags, invested, expected):
    args = {"fortune500": False, "listed": False, "specialised": False, "high_tech": False}
    args.update(flags)
    value, _why = targets.size_part(**args, invested_wan=invested)
    assert value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("recent", "cadence", "expected"),
    [
        (0, None, 0.0),
        (1, None, 1 / 3),
        (3, None, 1.0),
        (5, None, 1.0),
        (0, Decimal(12), 1.0),
        (0, Decimal(15), 0.9166667),
        (0, Decimal(48), 0.0),
        (1, Decimal(40), 1 / 3),
    ],
)
def test_expansion_part(recent, cadence, expected):
    assert targets.expansion_part(recent, cadence)[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("here", "visits", "expected"),
    [(0, 0, 0.0), (1, 0, 0.6), (3, 0, 0.6), (0, 1, 0.2), (1, 2, 1.0), (1, 5, 1.0)],
)
def test_relationship_part(here, visits, expected):
    assert targets.relationship_part(here, visits)[0] == pytest.approx(expected)


@pytest.mark.parametrize(("names", "expected"), [([], 0.0), (["甲"], 0.5), (["甲", "乙"], 1.0)])
def test_links_part(names, expected):
    assert targets.links_part(names)[0] == expected


def _place(node, enterprise, confidence="0.600"):
    return Placement.objects.create(
        node=node, enterprise=enterprise, confidence=Decimal(confidence),
        evidence={"keywords": [{"keyword": "甲材料", "where": "scope", "role": "make"}], "codes": []},
    )  # fmt: skip


def _parts(target):
    return {p.key: round(p.value, 3) for p in target.parts}


def test_rank_targets_parts_each_from_its_own_facts(node_of, admin_user):
    node = node_of("up")
    plain = EnterpriseFactory(name="外地普通公司")
    _place(node_of("up-a"), plain)
    big = EnterpriseFactory(name="外地上市公司", is_listed=True)
    _place(node, big, "0.900")
    investor = EnterpriseFactory(name="本地投资公司")
    _place(node, investor)
    for code, on in (("320582-2099-7001", datetime.date(2022, 1, 10)),
                     ("320582-2099-7002", datetime.date(2023, 1, 10))):  # fmt: skip
        project = ProjectFactory(code=code, total_investment_wan=Decimal(10_000))
        ProjectInvestor.objects.create(project=project, enterprise=investor)
        StageDate.objects.create(project=project, stage="signed", actual_on=on)
    Visit.objects.create(enterprise=investor, visited_on=datetime.date(2024, 1, 5))
    linked = EnterpriseFactory(name="有本地客户的公司")
    _place(node, linked)
    SupplyLink.objects.create(
        supplier=linked, customer=EnterpriseFactory(name="本地客户", region_id=BAOSHUI)
    )
    ranked = targets.rank_targets(node, weights=WEIGHTS, today=TODAY)
    by_name = {t.name: t for t in ranked}
    assert _parts(by_name["外地普通公司"]) == {
        "fit": 0.6, "size": 0.0, "expansion": 0.0, "relationship": 0.0, "links": 0.0,
    }  # fmt: skip
    assert _parts(by_name["外地上市公司"]) == {
        "fit": 0.9, "size": 0.7, "expansion": 0.0, "relationship": 0.0, "links": 0.0,
    }  # fmt: skip
    # two projects of 1亿元 (2亿 in all), 12 months apart, a visit: here already
    assert _parts(by_name["本地投资公司"]) == {
        "fit": 0.6, "size": 0.575, "expansion": 1.0, "relationship": 0.8, "links": 0.0,
    }  # fmt: skip
    assert by_name["本地投资公司"].is_local is True
    assert _parts(by_name["有本地客户的公司"])["links"] == 0.5
    assert by_name["外地上市公司"].score == pytest.approx((0.9 * 35 + 0.7 * 20) / 100 * 100)
    assert next(t.name for t in ranked) == "本地投资公司"


def test_rank_targets_weights_change_the_order(node_of):
    node = node_of("mid")
    _place(node, EnterpriseFactory(name="匹配好"), "0.950")
    _place(node, EnterpriseFactory(name="规模大", is_fortune500=True), "0.400")
    by_fit = targets.rank_targets(node, weights={**WEIGHTS, "size": 0}, today=TODAY)
    by_size = targets.rank_targets(node, weights={**WEIGHTS, "fit": 0}, today=TODAY)
    assert [t.name for t in by_fit] == ["匹配好", "规模大"]
    assert [t.name for t in by_size] == ["规模大", "匹配好"]


def test_rank_targets_person_placed_fit_is_one(node_of, admin_user):
    firm = EnterpriseFactory(name="人工确认")
    services.add_placement(user=admin_user, node=node_of("down"), enterprise=firm)
    [target] = targets.rank_targets(node_of("down"), weights=WEIGHTS, today=TODAY)
    assert _parts(target)["fit"] == 1.0


def test_rank_targets_stated_cadence_counts_when_the_ledger_has_too_few_dates(node_of):
    firm = EnterpriseFactory(name="采埃孚样例")
    _place(node_of("mid"), firm)
    EnterpriseProfile.objects.create(enterprise=firm, stated_cadence_months=Decimal(15))
    [target] = targets.rank_targets(node_of("mid"), weights=WEIGHTS, today=TODAY)
    assert _parts(target)["expansion"] == pytest.approx(0.917)


def test_rank_targets_zero_weights_refused(node_of):
    with pytest.raises(ValueError):
        targets.rank_targets(node_of("mid"), weights=dict.fromkeys(WEIGHTS, 0))


def test_make_lead_from_a_target(node_of, bureau_editor, town_editor):
    firm = EnterpriseFactory(name="目标公司")
    lead = services.make_lead(
        user=bureau_editor, node=node_of("up-a"), enterprise=firm, owner=town_editor,
        next_follow_up="2024-07-01", score=Decimal("71.5"),
    )  # fmt: skip
    assert (lead.origin, lead.origin_note, lead.owner, lead.next_follow_up, lead.chain.code) == (
        "chain_target", "测试链 / 甲材料", town_editor, datetime.date(2024, 7, 1), "test-chain",
    )  # fmt: skip
    with pytest.raises(InputError):
        services.make_lead(user=bureau_editor, node=node_of("up-a"), enterprise=firm)
    assert Lead.objects.count() == 1


def test_make_lead_refused_to_a_leader(node_of, leader):
    with pytest.raises(NotAllowed):
        services.make_lead(user=leader, node=node_of("up-a"), enterprise=EnterpriseFactory())
    assert Lead.objects.count() == 0


def test_parse_weights_names_the_bad_value():
    with pytest.raises(InputError) as err:
        services.parse_weights({"fit": "abc", "size": "150", "links": "5"})
    assert sorted(err.value.fields) == ["fit", "size"]
