import pytest
from django.test import Client

from tests.api import API, anonymous_client, session_client, token_client
from tests.factories import ProjectFactory
from zhaoshang.core.models import ApiToken
from zhaoshang.projects.models import Project

UNAUTHORIZED = {"detail": "Sign in, or send an API token as “Authorization: Bearer <token>”."}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/projects"),
        ("get", "/projects/320582-2099-0001"),
        ("get", "/projects/320582-2099-0001/history"),
        ("post", "/projects"),
        ("patch", "/projects/320582-2099-0001"),
        ("post", "/projects/320582-2099-0001/stage"),
        ("post", "/projects/320582-2099-0001/status"),
        ("get", "/enterprises"),
        ("get", "/enterprises/1"),
    ],
)
def test_api_anonymous_gets_401_with_json_message(method, path):
    ProjectFactory(code="320582-2099-0001")

    response = getattr(anonymous_client(), method)(
        API + path, {"name": "x"} if method != "get" else None, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_api_anonymous_post_with_csrf_checks_gets_401_not_403():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(f"{API}/projects", {"name": "x"}, content_type="application/json")

    assert response.status_code == 401


@pytest.mark.django_db
def test_api_bearer_token_reads_projects(leader):
    ProjectFactory(code="320582-2099-0001")

    response = token_client(leader).get(f"{API}/projects")

    assert response.status_code == 200
    assert [p["code"] for p in response.json()["items"]] == ["320582-2099-0001"]


@pytest.mark.django_db
def test_api_bearer_token_writes_without_csrf_token(bureau_editor):
    client = token_client(bureau_editor)
    client.handler.enforce_csrf_checks = True

    response = client.post(
        f"{API}/projects",
        {"code": "T-1", "name": "令牌项目", "unit": "锦丰镇"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Project.objects.get(code="T-1").created_by == bureau_editor


@pytest.mark.django_db
def test_api_bearer_token_revoked_gets_401(leader):
    token, key = ApiToken.issue(leader)
    token.revoked = True
    token.save()

    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en").get(
        f"{API}/projects"
    )

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


@pytest.mark.django_db
def test_api_bearer_token_unknown_gets_401():
    response = Client(HTTP_AUTHORIZATION="Bearer zs_nope", HTTP_ACCEPT_LANGUAGE="en").get(
        f"{API}/projects"
    )

    assert response.status_code == 401


@pytest.mark.django_db
def test_api_session_write_without_csrf_token_gets_403(bureau_editor):
    client = session_client(bureau_editor, enforce_csrf_checks=True)

    response = client.post(
        f"{API}/projects", {"name": "无令牌", "unit": "锦丰镇"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken "
        "header, or use an API token."
    }
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_api_session_write_with_csrf_token_succeeds(bureau_editor):
    client = session_client(bureau_editor, enforce_csrf_checks=True)
    client.get(f"{API}/docs")  # the docs page sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        f"{API}/projects",
        {"code": "S-1", "name": "会话项目", "unit": "锦丰镇"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert response.status_code == 201
    assert response.json()["code"] == "S-1"


@pytest.mark.django_db
def test_api_session_read_needs_no_csrf_token(leader):
    response = session_client(leader, enforce_csrf_checks=True).get(f"{API}/projects")

    assert response.status_code == 200


@pytest.mark.django_db
def test_api_openapi_schema_lists_the_endpoints():
    response = anonymous_client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    ledger_paths = {
        "/api/v1/enterprises",
        "/api/v1/enterprises/{enterprise_id}",
        "/api/v1/projects",
        "/api/v1/projects/{code}",
        "/api/v1/projects/{code}/history",
        "/api/v1/projects/{code}/stage",
        "/api/v1/projects/{code}/status",
    }
    # other apps add their own routers; the ledger's endpoints must all be there
    assert ledger_paths <= set(response.json()["paths"])


@pytest.mark.django_db
def test_api_docs_page_is_served():
    response = anonymous_client().get(f"{API}/docs")

    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "accept, language", [("en", "en"), ("zh-CN,zh;q=0.9", "zh-hans"), ("", "zh-hans")]
)
def test_api_response_language_follows_accept_language(leader, accept, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=accept)
    client.force_login(leader)

    response = client.get(f"{API}/projects")

    assert response["Content-Language"] == language
