"""#13 item 5: behind nginx, waitress must hand Django the client's address (else sign-in
throttling per address sees one address, the proxy's, for everyone)."""

from __future__ import annotations

import threading
import urllib.request

import pytest
from django.test import override_settings
from waitress import create_server

from zhaoshang.core.server import waitress_options


def _remote_addr_seen(headers: dict[str, str]) -> tuple[str, str]:
    seen = {}

    def app(environ, start_response):
        seen["addr"] = environ.get("REMOTE_ADDR", "")
        seen["scheme"] = environ.get("wsgi.url_scheme", "")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = create_server(app, host="127.0.0.1", port=0, threads=1, **waitress_options())

    def run():
        try:
            server.run()
        except (OSError, ValueError):  # the loop notices the socket closed under it
            pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        port = server.effective_port
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.read() == b"ok"
    finally:
        server.close()
    return seen["addr"], seen["scheme"]


@pytest.mark.parametrize(
    ("proxy", "expected"),
    [("127.0.0.1", ("203.0.113.7", "https")), ("", ("127.0.0.1", "http"))],
)
def test_forwarded_client_address_is_believed_only_from_the_trusted_proxy(proxy, expected):
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    with override_settings(TRUSTED_PROXY=proxy):
        assert _remote_addr_seen(forwarded) == expected
