import pytest

from tests.api import API, anonymous_client, session_client, token_client
from tests.clusters.conftest import add_actuals
from zhaoshang.clusters.models import Indicator

pytestmark = pytest.mark.django_db


def post(client, path, data):
    return client.post(f"{API}{path}", data, content_type="application/json")


def test_clusters_status_endpoint_matches_the_cli_shape(leader, cluster):
    add_actuals(cluster, {2022: "139", 2023: "163"})

    response = token_client(leader).get(f"{API}/clusters/status")

    assert response.status_code == 200
    (line,) = response.json()
    assert (line["cluster"], line["target_wan"], line["actual_wan"], line["pipeline_wan"]) == (
        "光伏新能源产业集群",
        2000000,
        1630000,
        0,
    )


def test_clusters_need_authentication():
    assert anonymous_client().get(f"{API}/clusters").status_code == 401


def test_cluster_detail_with_includes_actuals_and_404(leader, cluster):
    add_actuals(cluster, {2023: "163"})
    client = session_client(leader)

    data = client.get(f"{API}/clusters/{cluster.pk}").json()

    assert (data["chains"], data["industries"], data["unit"]) == (
        ["new-energy"],
        ["3825"],
        "320582406",
    )
    assert data["actuals"] == [
        {
            "period": "2023",
            "value": 163,
            "unit": "亿元",
            "qualifier": "exact",
            "is_synthetic": True,
            "source": None,
        }
    ]
    assert data["targets"][0]["verdict"] == "not_reported"  # 2024 is over, no 2024 actual
    assert client.get(f"{API}/clusters/999").status_code == 404


def test_cluster_pipeline_endpoint(leader, cluster):
    response = session_client(leader).get(f"{API}/clusters/{cluster.pk}/pipeline", {"year": 2025})

    assert (response.status_code, response.json()["target_year"], response.json()["projects"]) == (
        200,
        2025,
        [],
    )


def test_record_figure_created_then_refused_then_edited_with_history(bureau_editor, definitions):
    client = session_client(bureau_editor)

    created = post(client, "/indicators/figures", {"code": "trade", "period": "2023", "value": 405})
    refused = post(client, "/indicators/figures", {"code": "trade", "period": "2023", "value": 406})
    edited = post(
        client,
        "/indicators/figures",
        {"code": "trade", "period": "2023", "value": 406, "replace": True, "reason": "海关修订"},
    )
    history = client.get(f"{API}/indicators/trade/history").json()

    assert (created.status_code, created.json()["status"]) == (201, "new")
    assert (refused.status_code, refused.json()["detail"][0]["field"]) == (422, "value")
    assert (edited.status_code, edited.json()["value"], edited.json()["status"]) == (
        200,
        406,
        "changed",
    )
    assert [(h["reason"], h["changes"].get("value")) for h in history] == [
        ("海关修订", ["405", "406"]),
        ("", [None, "405"]),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "sei_share", "period": "2023", "value": 141}, "value"),
        ({"code": "sei_output", "period": "2023", "value": "2600万元"}, "unit"),
        (
            {"code": "cluster_output", "cluster": "光伏新能源", "kind": "target", "value": 300},
            "period",
        ),
        ({"code": "above_scale_output_implied", "period": "2022", "value": 1}, "code"),
    ],
)
def test_record_figure_bad_input_is_422_and_writes_nothing(
    bureau_editor, definitions, cluster, body, field
):
    before = Indicator.objects.count()

    response = post(session_client(bureau_editor), "/indicators/figures", body)

    assert (response.status_code, [e["field"] for e in response.json()["detail"]]) == (422, [field])
    assert Indicator.objects.count() == before


def test_record_figure_leader_is_403(leader, definitions):
    response = post(
        session_client(leader),
        "/indicators/figures",
        {"code": "trade", "period": "2023", "value": 1},
    )

    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Leaders have read-only access.",
    )


def test_indicator_endpoint_gives_derived_values(leader, definitions):
    from decimal import Decimal

    for code, value, q in (("sei_output", "2400", "at_least"), ("sei_share", "41.0", "exact")):
        Indicator.objects.create(
            code=code, name=code, region_id="320582", year=2022, period="2022", kind="actual",
            value=Decimal(value), unit_of_measure="x", qualifier=q,
        )  # fmt: skip

    data = session_client(leader).get(f"{API}/indicators/above_scale_output_implied").json()

    assert [(v["period"], v["qualifier"], v["worked"]) for v in data["values"]] == [
        ("2022", "at_least", "≥2400 ÷ 41 × 100 = ≥5853.66")
    ]


def test_define_indicator_and_create_cluster(bureau_editor, definitions, chain):
    client = session_client(bureau_editor)

    defined = post(
        client,
        "/indicators",
        {
            "code": "sei_per_firm",
            "name": "X",
            "unit_of_measure": "亿元",
            "formula": "sei_output / foreign_invested_firms",
        },
    )
    cluster = post(
        client, "/clusters", {"name": "新能源产业集群", "unit": "锦丰镇", "chains": ["new-energy"]}
    )

    assert (defined.status_code, defined.json()["derived"]) == (201, True)
    assert (cluster.status_code, cluster.json()["unit"], cluster.json()["chains"]) == (
        201,
        "320582103",
        ["new-energy"],
    )
