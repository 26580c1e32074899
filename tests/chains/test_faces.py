"""The chain pages, API and CLI: thin faces over the services, rights and errors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import BAOSHUI, EnterpriseFactory
from zhaoshang.chains import services
from zhaoshang.chains.models import Placement
from zhaoshang.enterprises.models import Lead

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("chains", *args, stdout=out)
    return out.getvalue()


def test_cli_gaps_json_one_row_per_node(small_chain):
    rows = json.loads(run("gaps", "--chain", "测试链", "--format", "json"))
    assert [(r["node"], r["position"], r["class"], r["enterprises"], r["projects"]) for r in rows] == [
        ("上游材料", "upstream", "missing", 0, 0), ("甲材料", "upstream", "missing", 0, 0),
        ("乙材料", "upstream", "missing", 0, 0), ("中游器件", "midstream", "missing", 0, 0),
        ("下游应用", "downstream", "missing", 0, 0),
    ]  # fmt: skip


def test_cli_gaps_unknown_chain_is_an_error(small_chain):
    with pytest.raises(CommandError, match="no chain"):
        run("gaps", "--chain", "无此链")


def test_cli_classify_csv_prints_nodes_per_row(small_chain, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "name,business_scope,industry_code\n甲厂,甲材料的生产（不含危险化学品）,\n乙商行,乙材料销售,\n",
        encoding="utf-8-sig",
    )
    rows = json.loads(run("classify", str(path), "--format", "json"))
    assert [
        (r["name"], [(n["chain"], n["node"], n["confidence"]) for n in r["nodes"]]) for r in rows
    ] == [
        ("甲厂", [("测试链", "甲材料", 0.55)]),
        ("乙商行", []),
    ]
    assert rows[0]["nodes"][0]["evidence"]["keywords"][0]["role"] == "make"
    assert Placement.objects.count() == 0


def test_cli_classify_reads_gb18030_and_names_missing_columns(small_chain, tmp_path):
    good = tmp_path / "gbk.csv"
    good.write_bytes("name,business_scope\n甲厂,甲材料制造\n".encode("gb18030"))
    assert (
        json.loads(run("classify", str(good), "--format", "json"))[0]["nodes"][0]["node"]
        == "甲材料"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("公司,范围\n甲,乙\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns name, business_scope"):
        run("classify", str(bad))


def test_cli_targets_and_place(small_chain, node_of):
    EnterpriseFactory(name="甲厂", business_scope="甲材料制造", region_id=BAOSHUI)
    assert "甲厂" not in run("targets", "test-chain/up-a")
    run("place")
    data = json.loads(
        run(
            "targets",
            "甲材料",
            "--format",
            "json",
            "--weights",
            "fit=100,size=0,expansion=0,relationship=0,links=0",
        )
    )
    assert [(t["name"], t["score"]) for t in data["targets"]] == [("甲厂", 55.0)]
    with pytest.raises(CommandError, match="unknown part"):
        run("targets", "甲材料", "--weights", "luck=5")


def test_cli_export_then_import_round_trip(small_chain, tmp_path):
    path = tmp_path / "chain.yaml"
    run("export", "test-chain", "-o", str(path))
    assert "test-chain" in run("import", str(path))


def test_api_gaps_and_chains(client, small_chain, leader):
    assert client.get("/api/v1/gaps").status_code == 401
    client.force_login(leader)
    rows = client.get("/api/v1/gaps", {"chain": "test-chain", "class": "missing"}).json()
    assert len(rows) == 5 and rows[0]["class"] == "missing"
    assert client.get("/api/v1/gaps", {"class": "bad"}).status_code == 422
    assert client.get("/api/v1/gaps", {"chain": "无此链"}).status_code == 404
    chains = client.get("/api/v1/chains").json()
    assert [(c["code"], c["nodes"], c["missing"]) for c in chains] == [("test-chain", 5, 5)]


def test_api_targets_and_lead(client, small_chain, node_of, bureau_editor, leader):
    firm = EnterpriseFactory(name="目标厂", business_scope="测试器件制造")
    services.place_enterprises()
    client.force_login(leader)
    data = client.get("/api/v1/chains/test-chain/nodes/mid/targets", {"size": 0}).json()
    assert data["weights"]["size"] == 0
    assert [t["name"] for t in data["targets"]] == ["目标厂"]
    assert set(data["targets"][0]["parts"]) == {"fit", "size", "expansion", "relationship", "links"}
    refused = client.post(
        "/api/v1/chains/test-chain/nodes/mid/leads", {"enterprise_id": firm.pk},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 403
    client.force_login(bureau_editor)
    made = client.post(
        "/api/v1/chains/test-chain/nodes/mid/leads",
        {"enterprise_id": firm.pk, "next_follow_up": "2024-07-01"},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["origin_note"] == "测试链 / 中游器件"
    assert client.get("/api/v1/chains/test-chain/nodes/nowhere/targets").status_code == 404


def test_api_placement_decision_and_classify(client, small_chain, bureau_editor):
    EnterpriseFactory(business_scope="测试器件制造")
    services.place_enterprises()
    placement = Placement.objects.get()
    client.force_login(bureau_editor)
    r = client.post(
        f"/api/v1/chain-placements/{placement.pk}", {"action": "remove", "note": "不对"},
        content_type="application/json",
    )  # fmt: skip
    assert (r.status_code, r.json()["origin"], r.json()["is_active"]) == (200, "manual", False)
    r = client.post(
        "/api/v1/chains/classify",
        {"rows": [{"name": "x", "business_scope": "甲材料制造"}]},
        content_type="application/json",
    )
    assert r.json()[0]["nodes"][0]["node_code"] == "up-a"


def test_page_map_node_and_targets(client, small_chain, bureau_editor):
    EnterpriseFactory(name="页面厂", business_scope="测试器件制造")
    services.place_enterprises()
    client.force_login(bureau_editor)
    assert client.get("/chains/").status_code == 200
    page = client.get("/chains/test-chain/")
    assert page.status_code == 200 and "chain-tree" in page.content.decode()
    panel = client.get("/chains/test-chain/nodes/mid/", headers={"HX-Request": "true"})
    assert "页面厂" in panel.content.decode() and "<html" not in panel.content.decode()
    assert "页面厂" in client.get("/chains/test-chain/nodes/mid/targets/?fit=10").content.decode()


def test_page_make_lead_in_one_click(client, small_chain, town_editor):
    firm = EnterpriseFactory(name="一键厂")
    client.force_login(town_editor)
    r = client.post(
        "/chains/test-chain/nodes/mid/lead/",
        {"enterprise_id": firm.pk, "owner": town_editor.pk, "next_follow_up": "2024-07-01"},
    )
    assert r.status_code == 302
    lead = Lead.objects.get()
    assert (lead.owner, str(lead.next_follow_up), lead.origin) == (
        town_editor,
        "2024-07-01",
        "chain_target",
    )


def test_page_gaps_xlsx(client, small_chain, leader):
    client.force_login(leader)
    r = client.get("/chains/gaps/?format=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(r.content)).active
    assert [c.value for c in sheet[2]][:4] == ["测试链", "上游材料", "上游", "缺失"]


@pytest.mark.parametrize("chains", [1, 3])
def test_page_gaps_query_count_does_not_grow(client, leader, chains, django_assert_max_num_queries):
    from tests.chains.conftest import SMALL_CHAIN

    for i in range(chains):
        services.import_chain(
            user=None, check_rights=False,
            text=SMALL_CHAIN.replace("test-chain", f"test-chain-{i}").replace("测试链", f"测试链{i}"),
        )  # fmt: skip
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        assert client.get("/chains/gaps/").status_code == 200


def test_enterprise_panel_renders_cadence_and_placements(small_chain):
    from django.template.loader import render_to_string

    firm = EnterpriseFactory(name="面板厂", business_scope="测试器件制造")
    services.place_enterprises()
    html = render_to_string("chains/_enterprise_panel.html", {"enterprise": firm})
    assert "中游器件" in html and "测试器件" in html
