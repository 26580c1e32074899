"""Starting a real `zhaoshang` server in a test: a free port, and waiting for /healthz."""

from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthz_status(port: int, *, within: float = 60) -> int | None:
    """The status /healthz answers on `port` once it answers 200, or the last one seen
    (None if nothing answered) when `within` seconds have passed."""
    deadline = time.monotonic() + within
    status = None
    while time.monotonic() < deadline and status != 200:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                status = r.status
        except OSError:
            time.sleep(0.2)
    return status
