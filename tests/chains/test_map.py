"""The chain map's layout data (chains.views.map_layout) and what the map page hands over:
three columns 上游 | 中游 | 下游 from each node's position, a branch's children on its level
in their own columns, class colours, 链主 marked on the node they work on, positions in
the reader's language."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from tests.factories import BAOSHUI, EnterpriseFactory
from zhaoshang.chains import gaps, services
from zhaoshang.chains.models import ChainLeader
from zhaoshang.chains.services import import_chain
from zhaoshang.chains.views import COLOURS, map_layout

pytestmark = pytest.mark.django_db

MAP_CHAIN = """
code: map-chain
name: 地图链
group: emerging
nodes:
  - {code: pv, name: 光伏, position: midstream}
  - {code: silicon, name: 硅料, position: upstream, parent: pv}
  - {code: wafer, name: 硅片, position: upstream, parent: pv}
  - {code: cell, name: 电池片, position: midstream, parent: pv}
  - {code: plant, name: 电站, position: downstream, parent: pv}
  - {code: steel, name: 钢材, position: upstream}
  - {code: wind, name: 风电, position: midstream}
  - {code: farm, name: 风电场, position: downstream, parent: wind}
"""


@pytest.fixture
def chain(db, admin_user):
    chain = import_chain(user=None, text=MAP_CHAIN, check_rights=False)
    node = {n.code: n for n in chain.nodes.all()}
    # 链主 甲 recorded on 硅片 (nothing here yet); 链主 乙 without a node, located here and
    # placed on 电池片 with two other local makers: 电池片 strong, so 光伏 too (roll-up)
    leader_a = EnterpriseFactory(name="链主甲有限公司")
    leader_b = EnterpriseFactory(name="链主乙有限公司", region_id=BAOSHUI)
    ChainLeader.objects.create(chain=chain, enterprise=leader_a, node=node["wafer"])
    ChainLeader.objects.create(chain=chain, enterprise=leader_b)
    for firm in (
        leader_b,
        EnterpriseFactory(region_id=BAOSHUI),
        EnterpriseFactory(region_id=BAOSHUI),
    ):
        services.add_placement(user=admin_user, node=node["cell"], enterprise=firm)
    return chain


def flat(layout: dict) -> dict[str, dict]:
    out = {}

    def walk(items):
        for item in items:
            out[item["code"]] = item
            walk(item["children"])

    walk(layout["children"])
    return out


def layout_of(chain) -> dict:
    return map_layout(gaps.node_stats([chain.pk]), chain)


def test_nodes_sit_in_the_column_of_their_position_children_on_their_level(chain):
    nodes = flat(layout_of(chain))
    assert {code: (n["column"], n["row"]) for code, n in nodes.items()} == {
        # the 光伏 branch starts on row 0 in all three columns it touches
        "pv": (1, 0), "cell": (1, 1),          # 中游: the node, then its child
        "silicon": (0, 0), "wafer": (0, 1),    # 上游: its children on its level
        "plant": (2, 0),                       # 下游
        # 钢材 (上游 only) goes under the 光伏 branch's 上游 nodes, a gap of 0.6 row between
        "steel": (0, 2.6),
        # 风电 starts below what its columns (中游, 下游) already hold
        "wind": (1, 2.6), "farm": (2, 2.6),
    }  # fmt: skip
    assert [n["position"] for n in nodes.values()] == [
        "midstream", "upstream", "upstream", "midstream", "downstream", "upstream",
        "midstream", "downstream",
    ]  # fmt: skip
    assert {code: n["depth"] for code, n in nodes.items() if n["depth"]} == {
        "silicon": 1, "wafer": 1, "cell": 1, "plant": 1, "farm": 1,
    }  # fmt: skip


def test_the_tree_keeps_its_shape_and_the_height_in_rows(chain):
    layout = layout_of(chain)
    assert layout["name"] == "地图链"
    assert [n["name"] for n in layout["children"]] == ["光伏", "钢材", "风电"]
    assert [c["code"] for c in layout["children"][0]["children"]] == [
        "silicon",
        "wafer",
        "cell",
        "plant",
    ]
    assert layout["rows"] == pytest.approx(3.6)  # the last row starts at 2.6


def test_class_and_colour_of_every_node(chain):
    nodes = flat(layout_of(chain))
    assert {code: (n["klass"], n["colour"], n["enterprises"]) for code, n in nodes.items()} == {
        "pv": ("strong", "#2e7d32", 3), "cell": ("strong", "#2e7d32", 3),
        "wafer": ("weak", "#f9a825", 0),  # a chain leader with nothing here yet
        "silicon": ("missing", "#c62828", 0), "plant": ("missing", "#c62828", 0),
        "steel": ("missing", "#c62828", 0), "wind": ("missing", "#c62828", 0),
        "farm": ("missing", "#c62828", 0),
    }  # fmt: skip
    assert COLOURS == {"strong": "#2e7d32", "weak": "#f9a825", "missing": "#c62828"}


def test_a_chain_leader_is_marked_on_the_node_it_works_on_not_on_the_nodes_above(chain):
    nodes = flat(layout_of(chain))
    assert {code: n["leaders"] for code, n in nodes.items() if n["leaders"]} == {
        "wafer": ["链主甲有限公司"],  # the node recorded with it
        "cell": ["链主乙有限公司"],  # no node recorded: where it is placed
    }
    # 光伏 counts both below it (gap rule) but carries no badge of its own
    pv = next(s for s in gaps.node_stats([chain.pk]) if s.code == "pv")
    assert pv.leaders == ["链主乙有限公司", "链主甲有限公司"]


def test_positions_and_labels_in_the_readers_language(chain):
    with translation.override("zh-hans"):
        layout = layout_of(chain)
        assert layout["columns"] == ["上游", "中游", "下游"]
        assert flat(layout)["steel"]["position_label"] == "上游"
        assert flat(layout)["silicon"]["label"] == "缺失"
    with translation.override("en"):
        layout = layout_of(chain)
        assert layout["columns"] == ["Upstream", "Midstream", "Downstream"]
        assert (flat(layout)["plant"]["position_label"], flat(layout)["cell"]["label"]) == (
            "Downstream",
            "strong",
        )
        assert layout["labels"]["leader"] == "Chain leader"


def _json_script(html: str, element_id: str):
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, element_id
    return json.loads(found.group(1))


def test_map_page_heads_three_columns_and_lists_positions_translated(client, leader, chain):
    client.force_login(leader)
    html = client.get("/chains/map-chain/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.findall(r'<h2 class="chain-col-head">(.*?)</h2>', html) == ["上游", "中游", "下游"]
    assert flat(_json_script(html, "chain-tree"))["wafer"]["leaders"] == ["链主甲有限公司"]
    table = html[html.index('<table class="nodes') :]
    assert "upstream" not in table and "midstream" not in table
    assert re.findall(r'data-label="位置">(.*?)</td>', table)[:3] == ["中游", "上游", "上游"]
    client.cookies["django_language"] = "en"
    english = client.get("/chains/map-chain/").content.decode()
    assert re.findall(r'<h2 class="chain-col-head">(.*?)</h2>', english) == [
        "Upstream",
        "Midstream",
        "Downstream",
    ]


def test_gap_list_shows_positions_in_chinese(client, leader, chain):
    client.force_login(leader)
    html = client.get("/chains/gaps/?chain=map-chain", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    html = html.decode()
    rows = re.findall(
        r'<td class="card-title"><a [^>]*>(.*?)</a></td><td data-label="位置">(.*?)</td>', html
    )
    assert rows[:3] == [("硅料", "上游"), ("硅片", "上游"), ("电站", "下游")]
    assert "upstream" not in html.split("<table", 1)[1]


def test_a_bad_weight_is_named_by_its_label_not_its_code(client, leader, chain):
    client.force_login(leader)
    url = "/chains/map-chain/nodes/cell/targets/?fit=abc&size=300"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    error = re.search(r'<span class="error">(.*?)</span>', html).group(1)
    assert error.startswith("与环节匹配度: ") and "规模: " in error, error
    assert not re.search(r"\b(fit|size)\b", error)
