"""Browser tests: Playwright driving Debian's /usr/bin/chromium against a real
`zhaoshang demo` server on a fresh data folder (its own SQLite database, the demo
users and facts). Without chromium they skip with the reason, except under CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test (`-m "not browser"` leaves them out): they
    drive a `zhaoshang demo` server on its own SQLite database, whatever DATABASE_URL says."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = "chromium not installed: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def running_demo(data_dir: Path, *args: str, within: float = 300):
    """`zhaoshang demo ARGS` on `data_dir` (its own SQLite database, whatever DATABASE_URL or
    ZHAOSHANG_HOME_REGION say); yields (base URL, {user: password}, data folder) once
    /healthz answers, `within` seconds at most (a loaded 2-core machine is slow to start)."""
    port = free_port()
    drop = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ZHAOSHANG_HOME_REGION")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    log = open(data_dir / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "zhaoshang", "--data-dir", str(data_dir), "demo", *args,
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.close()
            pytest.fail("demo server did not start:\n" + (data_dir / "server.log").read_text())
        time.sleep(0.3)
    passwords = json.loads((data_dir / "demo_users.json").read_text())
    try:
        yield base, passwords, data_dir
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """`zhaoshang demo` on a fresh data folder; yields (base URL, {user: password}, data folder)."""
    _require_chromium()
    with running_demo(tmp_path_factory.mktemp("browser-demo")) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Not for the session: Playwright's sync API leaves its
    event loop set as the thread's running loop until it stops, and Django then refuses
    database access (SynchronousOnlyOperation) in tests that run after the browser ones."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


ARTIFACTS = Path(
    os.environ.get("ZHAOSHANG_ARTIFACTS") or Path(__file__).resolve().parents[2] / "artifacts"
)
SIZES = {"1440": (1440, 900), "390": (390, 844)}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder the journeys' screenshots go to (CI keeps it as an artifact)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shoot(screenshots):
    """`shoot(page, "cockpit-zh")` writes the page as a person sees it at 1440×900 and at
    390×844 (a phone), as `cockpit-zh-1440.png` and `cockpit-zh-390.png`, and puts the
    page back to its own size. Returns the two paths."""

    def _shoot(page, name: str, *, sizes=("1440", "390")) -> list[Path]:
        before = page.viewport_size
        paths = []
        for key in sizes:
            width, height = SIZES[key]
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(150)  # charts resize on the window's resize event
            path = screenshots / f"{name}-{key}.png"
            page.screenshot(path=str(path))
            paths.append(path)
        if before:
            page.set_viewport_size(before)
        return paths

    return _shoot


@contextmanager
def signing_in(browser, server, *, locale="en-US", viewport=(1366, 768), timeout=15_000):
    """Yields `login(username)` → a page signed in as that user of `server` (a
    `running_demo`); the pages' browser contexts are closed at the end."""
    base, passwords, data_dir = server
    contexts = []
    default_locale, default_viewport = locale, viewport

    def _login(username: str, *, locale: str = default_locale, viewport=default_viewport):
        context = browser.new_context(
            locale=locale, viewport={"width": viewport[0], "height": viewport[1]}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(timeout)
        page.goto(base + "/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", passwords[username])
        page.click("main button[type=submit]")
        page.wait_for_url(base + "/")
        page.base = base
        page.db = data_dir / "zhaoshang.sqlite3"
        return page

    try:
        yield _login
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def login(browser, demo_server):
    """`login("jinfeng")` → a page signed in as that demo user (English unless told)."""
    with signing_in(browser, demo_server) as _login:
        yield _login
