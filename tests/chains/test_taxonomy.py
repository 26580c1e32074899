"""Chain taxonomies: the bundled YAML files, import, export, bad files."""

from __future__ import annotations

import pytest
import yaml

from tests.chains.conftest import SMALL_CHAIN
from zhaoshang.chains import services, taxonomy
from zhaoshang.chains.models import Chain, Node, Placement
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.demo.facts import CHAINS
from zhaoshang.industries.models import Industry

pytestmark = pytest.mark.django_db


def test_bundled_files_cover_the_twelve_chains_with_15_nodes_each():
    found = {}
    for path in taxonomy.bundled_files():
        data, errors = taxonomy.parse_chain(path.read_text(encoding="utf-8"))
        assert errors == {}, path.name
        found[data["code"]] = len(data["nodes"])
    assert sorted(found) == sorted(code for code, *_rest in CHAINS)
    assert min(found.values()) >= 15


def test_bundled_industry_codes_are_gbt4754_classes():
    classes = set(Industry.objects.filter(level=3).values_list("code", flat=True))
    bad = {}
    for path in taxonomy.bundled_files():
        _data, errors = taxonomy.parse_chain(path.read_text(encoding="utf-8"), class_codes=classes)
        if errors:
            bad[path.name] = errors
    assert bad == {}


def test_bundled_nodes_each_have_a_description_and_keywords_or_children():
    missing = []
    for path in taxonomy.bundled_files():
        data, _errors = taxonomy.parse_chain(path.read_text(encoding="utf-8"))
        parents = {n["parent"] for n in data["nodes"]}
        for n in data["nodes"]:
            if not n["description"] or not (n["keywords"] or n["code"] in parents):
                missing.append(f"{data['code']}/{n['code']}")
    assert missing == []


def test_import_creates_chain_and_tree(small_chain):
    assert small_chain.name == "测试链"
    tree = {n.code: (n.parent.code if n.parent else None) for n in small_chain.nodes.all()}
    assert tree == {"up": None, "up-a": "up", "up-b": "up", "mid": None, "down": None}


def test_export_reads_back_unchanged(small_chain):
    text = taxonomy.chain_to_yaml(small_chain)
    again, errors = taxonomy.parse_chain(text)
    original, _e = taxonomy.parse_chain(SMALL_CHAIN)
    assert errors == {}
    assert again == original


def test_import_again_updates_and_drops_nodes_left_out(small_chain):
    data = yaml.safe_load(SMALL_CHAIN)
    data["nodes"] = [n for n in data["nodes"] if n["code"] != "down"]
    data["nodes"][0]["name"] = "上游"
    services.import_chain(
        user=None, text=yaml.safe_dump(data, allow_unicode=True), check_rights=False
    )
    assert sorted(Node.objects.filter(chain=small_chain).values_list("code", flat=True)) == [
        "mid", "up", "up-a", "up-b",
    ]  # fmt: skip
    assert Node.objects.get(chain=small_chain, code="up").name == "上游"


def test_import_refuses_to_drop_a_node_a_person_placed_on(small_chain, node_of, admin_user):
    from tests.factories import EnterpriseFactory

    services.add_placement(user=admin_user, node=node_of("down"), enterprise=EnterpriseFactory())
    data = yaml.safe_load(SMALL_CHAIN)
    data["nodes"] = [n for n in data["nodes"] if n["code"] != "down"]
    with pytest.raises(InputError) as err:
        services.import_chain(
            user=None, text=yaml.safe_dump(data, allow_unicode=True), check_rights=False
        )
    assert "下游应用" in err.value.fields["nodes"][0]
    assert Node.objects.filter(chain=small_chain, code="down").exists()
    assert Placement.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"position": "sideways"}, "nodes[0].position"),
        ({"parent": "nowhere"}, "nodes[0].parent"),
        ({"code": "Bad Code"}, "nodes[0].code"),
        ({"industry_codes": ["9999"]}, "nodes[0].industry_codes"),
        ({"keywords": "not a list"}, "nodes[0].keywords"),
        ({"colour": "red"}, "nodes[0].colour"),
    ],
)
def test_import_bad_node_names_the_field_and_writes_nothing(change, field):
    data = yaml.safe_load(SMALL_CHAIN)
    data["nodes"][0].update(change)
    with pytest.raises(InputError) as err:
        services.import_chain(
            user=None, text=yaml.safe_dump(data, allow_unicode=True), check_rights=False
        )
    assert field in err.value.fields
    assert not Chain.objects.filter(code="test-chain").exists()


def test_import_parent_loop_is_refused():
    data = yaml.safe_load(SMALL_CHAIN)
    data["nodes"][0]["parent"] = "up-a"
    _out, errors = taxonomy.parse_chain(yaml.safe_dump(data, allow_unicode=True))
    assert "nodes[0].parent" in errors


def test_import_not_yaml_is_refused():
    with pytest.raises(InputError) as err:
        services.import_chain(user=None, text="code: [unclosed", check_rights=False)
    assert list(err.value.fields) == ["yaml"]


def test_import_needs_a_bureau_editor(town_editor, leader, bureau_editor):
    for user in (town_editor, leader):
        with pytest.raises(NotAllowed):
            services.import_chain(user=user, text=SMALL_CHAIN)
    assert services.import_chain(user=bureau_editor, text=SMALL_CHAIN).code == "test-chain"
