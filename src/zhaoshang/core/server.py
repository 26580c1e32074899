"""Serve the WSGI application with waitress: a production server in pure Python."""

from __future__ import annotations

import sys

from django.core.management import call_command


def migrate(stdout=None) -> None:
    """Apply migrations quietly; the first run also loads the reference tables."""
    call_command("migrate", interactive=False, verbosity=0, stdout=stdout)


def waitress_options() -> dict[str, object]:
    """Waitress settings besides address and threads. Behind a reverse proxy
    (`TRUSTED_PROXY`), waitress believes X-Forwarded-For and X-Forwarded-Proto from that
    proxy only, and strips them otherwise: sign-in throttling then sees each client's own
    address, not the proxy's."""
    from django.conf import settings

    options: dict[str, object] = {"ident": "zhaoshang"}
    if settings.TRUSTED_PROXY:
        options["trusted_proxy"] = settings.TRUSTED_PROXY
        options["trusted_proxy_headers"] = {"x-forwarded-for", "x-forwarded-proto"}
    return options


def serve(*, host: str, port: int, threads: int, banner: str = "") -> None:
    from waitress import create_server

    from zhaoshang.excel.jobs import fail_interrupted
    from zhaoshang.wsgi import application

    # An import job a killed server left "writing… 0%" is failed now (nothing of it was
    # written: an import commits all at once), so its page offers a retry at once.
    fail_interrupted()
    try:
        server = create_server(
            application, host=host, port=port, threads=threads, **waitress_options()
        )
    except OSError as exc:
        sys.exit(
            f"无法监听 {host}:{port}：{exc.strerror}。请用 --port 换一个端口。\n"
            f"Cannot listen on {host}:{port}: {exc.strerror}. Choose another with --port."
        )
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if banner:
        print(banner, flush=True)
    print(f"服务地址 / Serving on http://{shown}:{port}/  (Ctrl+C 停止 / to stop)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("已停止 / Stopped.")
