"""Hostile names on the server side of the charts (issue #13, reproduction 3: a chain named
`<img src=x onerror=...>`). The pages never carry the name as markup, and the chart data hands
it over exactly as stored, so the JavaScript shows it as text (escaped once, in the tooltip):
a name escaped here already would reach a tooltip as `&lt;img…` on the screen. What the
browser does with it is tests/browser/test_csp.py."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from tests.factories import JINFENG, ProjectFactory
from zhaoshang.chains.models import Chain, Node
from zhaoshang.regions.models import Region

pytestmark = pytest.mark.django_db

CHAIN = '<img src=x onerror="window.__xss=1">链'
NODE = "<svg onload=alert(1)>电芯"
PROJECT = "</script><script>alert(1)</script>项目"
UNIT = "<b onmouseover=alert(1)>锦丰</b>"


@pytest.fixture
def hostile(db):
    chain = Chain.objects.create(code="hostile", name=CHAIN, group="emerging")
    node = Node.objects.create(chain=chain, code="cell", name=NODE, position="midstream")
    Region.objects.filter(code=JINFENG).update(name=UNIT, short_name="")
    ProjectFactory(
        name=PROJECT, unit_id=JINFENG, chain=chain, total_investment_wan=Decimal("500000")
    )
    return chain, node


def _json_script(html: str, element_id: str):
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, element_id
    return json.loads(found.group(1))


def _no_markup(html: str) -> None:
    for name in (CHAIN, NODE, PROJECT, UNIT):
        assert name not in html
    assert "<img src=x" not in html and "<svg onload" not in html
    assert "<b onmouseover" not in html and "<script>alert" not in html


def test_cockpit_hands_hostile_names_to_the_charts_intact_and_never_as_markup(
    client, leader, hostile
):
    client.force_login(leader)
    html = client.get("/").content.decode()
    _no_markup(html)
    data = _json_script(html, "cockpit-data")
    assert CHAIN in data["chain"]["labels"]
    assert UNIT in data["unit"]["labels"]
    # the tables beside the charts and the top-20 list show them as text
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;链" in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;项目" in html
    assert "&lt;b onmouseover=alert(1)&gt;锦丰&lt;/b&gt;" in html


def test_cockpit_filtered_by_unit_escapes_the_unit_name(client, leader, hostile):
    """The htmx swap (HX-Request) renders the body alone: same rule."""
    client.force_login(leader)
    html = client.get(f"/?unit={JINFENG}", HTTP_HX_REQUEST="true").content.decode()
    _no_markup(html)
    assert CHAIN in _json_script(html, "cockpit-data")["chain"]["labels"]


def test_chain_map_and_node_panel_hand_hostile_names_over_intact(client, leader, hostile):
    chain, node = hostile
    client.force_login(leader)
    html = client.get(f"/chains/{chain.code}/").content.decode()
    _no_markup(html)
    tree = _json_script(html, "chain-tree")
    assert tree["name"] == CHAIN
    assert [c["name"] for c in tree["children"]] == [NODE]
    panel = client.get(f"/chains/{chain.code}/nodes/{node.code}/").content.decode()
    _no_markup(panel)
    assert "&lt;svg onload=alert(1)&gt;电芯" in panel


def test_chain_imported_from_yaml_with_a_hostile_name_is_text_everywhere(client, admin_user):
    """The reproduction's own path: the chain YAML import, by an editor, through the web."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = (
        "code: hostile-yaml\n"
        f"name: '{CHAIN}'\n"
        "group: emerging\n"
        "nodes:\n"
        "  - code: cell\n"
        f"    name: '{NODE}'\n"
        "    position: midstream\n"
    )
    client.force_login(admin_user)
    upload = SimpleUploadedFile("chain.yaml", text.encode(), content_type="application/x-yaml")
    index = client.post("/chains/import/", {"file": upload}, follow=True).content.decode()
    assert Chain.objects.get(code="hostile-yaml").name == CHAIN
    _no_markup(index)
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;链" in index
    html = client.get("/chains/hostile-yaml/").content.decode()
    _no_markup(html)
    tree = _json_script(html, "chain-tree")
    assert (tree["name"], [c["name"] for c in tree["children"]]) == (CHAIN, [NODE])
