"""The chains API under hostile and careless input (#13, API fuzzing findings).

Each test names the reproduction of /work/briefs/fuzz_findings.md it covers.
"""

from __future__ import annotations

import pytest
import yaml

from tests.api import API, token_client
from tests.intel.test_api_hardening import check_documented
from zhaoshang.api import api

pytestmark = pytest.mark.django_db


def test_export_is_documented_as_the_yaml_it_answers(leader, small_chain):
    """Fuzz finding "Schema does not match the app": GET /chains/{code}/export answered YAML
    while the schema said JSON (a JSON string). Now the schema declares application/yaml for
    200, and only that, and the body is the chain file."""
    response = token_client(leader).get(f"{API}/chains/test-chain/export")
    ok = api.get_openapi_schema()["paths"]["/api/v1/chains/{code}/export"]["get"]["responses"][200]
    assert (
        response.status_code,
        response["Content-Type"].split(";")[0],
        list(ok["content"]),
        yaml.safe_load(response.content.decode())["code"],
        response["Content-Disposition"],
    ) == (
        200,
        "application/yaml",
        ["application/yaml"],
        "test-chain",
        'attachment; filename="test-chain.yaml"',
    )


def test_exported_chain_file_matches_the_documented_schema(leader, small_chain):
    """What a client generated from the schema expects is what the YAML holds (the fuzzing's
    response check parses the YAML and validates it against this schema)."""
    import jsonschema  # comes with schemathesis, the API fuzzing's test dependency

    response = token_client(leader).get(f"{API}/chains/test-chain/export")
    ok = api.get_openapi_schema()["paths"]["/api/v1/chains/{code}/export"]["get"]["responses"][200]
    document = yaml.safe_load(response.content.decode())
    jsonschema.validate(document, ok["content"]["application/yaml"]["schema"])
    assert [n["code"] for n in document["nodes"]] == ["up", "up-a", "up-b", "mid", "down"]


def test_export_errors_stay_json(leader, small_chain):
    response = token_client(leader).get(f"{API}/chains/no-such-chain/export")
    assert (response.status_code, response["Content-Type"], response.json()) == (
        404,
        "application/json; charset=utf-8",
        {"detail": "No chain “no-such-chain”."},
    )


def test_every_chains_operation_documents_what_it_can_answer():
    """Fuzz finding "Schema does not match the app": 400 for a body that is not JSON and
    422 for a path or query value were answered but not documented."""
    assert check_documented("chains") == []


def test_a_body_that_is_not_json_is_a_documented_400(bureau_editor, small_chain):
    response = token_client(bureau_editor).post(
        f"{API}/chains/classify", b"\x00", content_type="application/json"
    )
    documented = api.get_openapi_schema()["paths"]["/api/v1/chains/classify"]["post"]["responses"]
    assert (response.status_code, 400 in documented) == (400, True)


def test_an_enterprise_id_that_is_not_a_number_is_a_documented_422(leader):
    response = token_client(leader).get(f"{API}/enterprises/null,null/cadence")
    documented = api.get_openapi_schema()["paths"]["/api/v1/enterprises/{enterprise_id}/cadence"][
        "get"
    ]["responses"]
    assert (response.status_code, 422 in documented) == (422, True)


def test_an_account_without_a_role_is_a_documented_403(small_chain):
    from tests.factories import UserFactory
    from zhaoshang.core.models import UserProfile

    user = UserFactory(username="norole")
    UserProfile.objects.filter(user=user).delete()
    response = token_client(user).get(f"{API}/chains")
    documented = api.get_openapi_schema()["paths"]["/api/v1/chains"]["get"]["responses"]
    assert (response.status_code, 403 in documented) == (403, True)


@pytest.mark.parametrize("text", ["1: a\nb: c", "?", "code: x\nnodes:\n  - 1: a\n    b: c"])
def test_chain_yaml_with_keys_that_are_not_text_is_a_422_naming_them(bureau_editor, text):
    """Fuzzing found a 500: YAML keys of mixed types (a number beside a string, or null)
    could not be sorted into the error list."""
    response = token_client(bureau_editor).post(
        f"{API}/chains/import", {"yaml": text}, content_type="application/json"
    )
    assert response.status_code == 422
    assert all(isinstance(error["field"], str) for error in response.json()["detail"])
