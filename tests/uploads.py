"""A signed-in browser for the upload tests: CSRF enforced as a real browser session meets it."""

from __future__ import annotations

from django.test import Client

TOKEN = "k" * 32  # an unmasked CSRF secret, as the cookie and the form field carry it


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = TOKEN
    return client
