"""Helpers for the API tests: clients that speak English so messages can be compared exactly."""

from django.test import Client

from zhaoshang.core.models import ApiToken

API = "/api/v1"


def session_client(user, **kwargs) -> Client:
    """A signed-in browser session (Django's test client skips CSRF unless asked)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    client.force_login(user)
    return client


def token_client(user) -> Client:
    _token, key = ApiToken.issue(user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")


def anonymous_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")
