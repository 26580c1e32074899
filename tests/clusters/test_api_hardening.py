"""The clusters and indicators API under hostile and careless input (#13, API fuzzing findings).

Each test names the reproduction of /work/briefs/fuzz_findings.md it covers.
"""

from __future__ import annotations

import pytest

from tests.api import API, token_client
from tests.intel.test_api_hardening import check_documented
from zhaoshang.api import api
from zhaoshang.clusters.models import Cluster, Indicator, IndicatorDefinition

pytestmark = pytest.mark.django_db


def post(client, path, data):
    return client.post(f"{API}{path}", data, content_type="application/json")


@pytest.mark.parametrize("year", ["500000", "-5", "1949", "2101"])
def test_pipeline_year_outside_the_ledgers_dates_is_422(leader, cluster, year):
    """Fuzz finding "5xx": GET /clusters/{id}/pipeline?year=500000 was a 500 (no date has
    that year); now 422 naming `year`, for any role. The bounds are the ledger's dates."""
    response = token_client(leader).get(f"{API}/clusters/{cluster.pk}/pipeline?year={year}")
    assert (response.status_code, response.json()["detail"][0]["field"]) == (422, "year")


@pytest.mark.parametrize("year", [1950, 2100])
def test_pipeline_years_at_the_bounds_are_answered(leader, cluster, year):
    response = token_client(leader).get(f"{API}/clusters/{cluster.pk}/pipeline?year={year}")
    assert (response.status_code, response.json()["target_year"]) == (200, year)


def test_pipeline_documents_the_year_bounds():
    params = api.get_openapi_schema()["paths"]["/api/v1/clusters/{cluster_id}/pipeline"]["get"][
        "parameters"
    ]
    (year,) = [p for p in params if p["name"] == "year"]
    bounded = next(s for s in year["schema"]["anyOf"] if s.get("type") == "integer")
    assert (bounded["minimum"], bounded["maximum"]) == (1950, 2100)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/clusters", {"name": "新集群", "unit": "锦丰镇", "colour": "red"}),
        ("patch", "/clusters/{pk}", {"name": "改名", "owner": "x"}),
        ("post", "/indicators/figures", {"code": "trade", "period": "2023", "value": 1, "y": 2}),
        ("post", "/indicators", {"code": "x_new", "name": "X", "scale": 3}),
    ],
)
def test_unknown_fields_are_refused_not_ignored(
    bureau_editor, definitions, cluster, method, path, body
):
    """The ledger's write schemas refuse unknown fields (a typo is not silently dropped);
    these did not: `{"nmae": ...}` answered 2xx and changed nothing the caller meant."""
    client = token_client(bureau_editor)
    before = (
        Cluster.objects.count(),
        Indicator.objects.count(),
        IndicatorDefinition.objects.count(),
        Cluster.objects.get(pk=cluster.pk).name,
    )
    response = getattr(client, method)(
        f"{API}{path.format(pk=cluster.pk)}", body, content_type="application/json"
    )
    after = (
        Cluster.objects.count(),
        Indicator.objects.count(),
        IndicatorDefinition.objects.count(),
        Cluster.objects.get(pk=cluster.pk).name,
    )
    (unknown,) = [k for k in body if k not in ("name", "unit", "code", "period", "value")]
    assert (response.status_code, response.json()["detail"][0]["field"], after) == (
        422,
        unknown,
        before,
    )


def test_every_clusters_operation_documents_what_it_can_answer():
    """Fuzz finding "Schema does not match the app": GET /clusters?window=430 and
    GET /clusters/{id}?window=利用外资 answered 422, and every body that is not JSON 400, but
    neither was documented."""
    assert check_documented("clusters and indicators") == []


@pytest.mark.parametrize("query", ["window=430", "window=利用外资"])
def test_window_out_of_range_is_a_documented_422(leader, cluster, query):
    response = token_client(leader).get(f"{API}/clusters?{query}")
    documented = api.get_openapi_schema()["paths"]["/api/v1/clusters"]["get"]["responses"]
    assert (response.status_code, 422 in documented) == (422, True)


def test_a_body_that_is_not_json_is_a_documented_400(bureau_editor, cluster):
    response = token_client(bureau_editor).patch(
        f"{API}/clusters/{cluster.pk}", b"\x00", content_type="application/json"
    )
    documented = api.get_openapi_schema()["paths"]["/api/v1/clusters/{cluster_id}"]["patch"][
        "responses"
    ]
    assert (response.status_code, 400 in documented) == (400, True)
