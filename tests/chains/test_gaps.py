"""Node strength on a small hand-built chain: strong, weak, missing, with the roll-up."""

from __future__ import annotations

import pytest

from tests.factories import BAOSHUI, EnterpriseFactory, ProjectFactory
from zhaoshang.chains import gaps, services
from zhaoshang.chains.models import ChainLeader
from zhaoshang.projects.models import ProjectInvestor

pytestmark = pytest.mark.django_db


def classes(chain):
    return {s.code: (s.klass, s.enterprises, s.projects) for s in gaps.node_stats([chain.pk])}


@pytest.mark.parametrize(
    ("enterprises", "projects", "leaders", "expected"),
    [
        (0, 0, 0, "missing"),
        (0, 1, 0, "weak"),
        (1, 0, 0, "weak"),
        (2, 3, 0, "weak"),
        (3, 0, 0, "strong"),
        (3, 0, 1, "strong"),
        (0, 0, 1, "weak"),
        (2, 0, 1, "weak"),
        (0, 5, 3, "weak"),
    ],
)
def test_classify_node_rule(enterprises, projects, leaders, expected):
    assert gaps.classify_node(enterprises, projects, leaders) == expected


def test_empty_chain_is_all_missing(small_chain):
    assert classes(small_chain) == {
        "up": ("missing", 0, 0), "up-a": ("missing", 0, 0), "up-b": ("missing", 0, 0),
        "mid": ("missing", 0, 0), "down": ("missing", 0, 0),
    }  # fmt: skip


def test_local_enterprises_make_a_node_weak_then_strong_and_roll_up(
    small_chain, node_of, admin_user
):
    for _i in range(3):
        services.add_placement(
            user=admin_user, node=node_of("up-a"), enterprise=EnterpriseFactory(region_id=BAOSHUI)
        )
    services.add_placement(
        user=admin_user, node=node_of("up-b"), enterprise=EnterpriseFactory(region_id=BAOSHUI)
    )
    # not here: no location in the county, no project here
    services.add_placement(user=admin_user, node=node_of("mid"), enterprise=EnterpriseFactory())
    assert classes(small_chain) == {
        "up": ("strong", 4, 0), "up-a": ("strong", 3, 0), "up-b": ("weak", 1, 0),
        "mid": ("missing", 0, 0), "down": ("missing", 0, 0),
    }  # fmt: skip


def test_a_project_in_the_pipeline_makes_a_node_weak(small_chain, node_of, admin_user):
    project = ProjectFactory(stage="negotiating")
    services.add_placement(user=admin_user, node=node_of("down"), project=project)
    stats = {s.code: s for s in gaps.node_stats([small_chain.pk])}
    assert (stats["down"].klass, stats["down"].projects, dict(stats["down"].by_stage)) == (
        "weak", 1, {"negotiating": 1},
    )  # fmt: skip


def test_investor_in_a_signed_project_here_is_local(small_chain, node_of, admin_user):
    firm = EnterpriseFactory()
    ProjectInvestor.objects.create(project=ProjectFactory(stage="signed"), enterprise=firm)
    services.add_placement(user=admin_user, node=node_of("mid"), enterprise=firm)
    assert classes(small_chain)["mid"] == ("weak", 1, 0)


def test_a_chain_leader_with_nothing_here_leaves_its_node_weak(small_chain, node_of, admin_user):
    # no location in the county, no project here: a name on the node, no local production
    firm = EnterpriseFactory(name="链主公司")
    ChainLeader.objects.create(chain=small_chain, enterprise=firm, node=node_of("mid"))
    services.add_placement(user=admin_user, node=node_of("down"), enterprise=firm)
    stats = {s.code: s for s in gaps.node_stats([small_chain.pk])}
    assert [(stats[c].klass, stats[c].enterprises, stats[c].leaders) for c in ("mid", "down")] == [
        ("weak", 0, ["链主公司"]),
        ("weak", 0, ["链主公司"]),
    ]


def test_a_node_is_strong_by_three_local_makers_a_located_leader_among_them(
    small_chain, node_of, admin_user
):
    leader = EnterpriseFactory(name="链主公司", region_id=BAOSHUI)
    ChainLeader.objects.create(chain=small_chain, enterprise=leader, node=node_of("mid"))
    services.add_placement(user=admin_user, node=node_of("mid"), enterprise=leader)
    makers = [EnterpriseFactory(region_id=BAOSHUI) for _i in range(2)]
    for firm in makers:
        services.add_placement(user=admin_user, node=node_of("mid"), enterprise=firm)
    assert classes(small_chain)["mid"] == ("strong", 3, 0)


def test_dropped_projects_do_not_count(small_chain, node_of, admin_user):
    project = ProjectFactory(status="dropped", status_reason="放弃")
    services.add_placement(user=admin_user, node=node_of("down"), project=project)
    assert classes(small_chain)["down"] == ("missing", 0, 0)


def test_gap_json_has_the_issue_keys(small_chain):
    row = gaps.node_stats([small_chain.pk])[0].as_json()
    assert {k: row[k] for k in ("chain", "node", "position", "class", "enterprises", "projects")} == {
        "chain": "测试链", "node": "上游材料", "position": "upstream", "class": "missing",
        "enterprises": 0, "projects": 0,
    }  # fmt: skip
