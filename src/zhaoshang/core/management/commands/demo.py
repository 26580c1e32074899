import os
import sys
import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.bulk import refresh_statistics
from zhaoshang.core.datadir import holding_server_lock
from zhaoshang.core.server import migrate, serve


def app_demo_hooks(name: str):
    """`<app>.demo.<name>` of every zhaoshang app that has one, in INSTALLED_APPS order.

    An app adds its demo data by defining `load_demo()` (facts, idempotent) and
    `generate_synthetic(n)` (deterministic, marked synthetic) in its `demo.py`.
    """
    for config in apps.get_app_configs():
        module = f"{config.name}.demo"
        if config.name.startswith("zhaoshang.") and find_spec(module) is not None:
            hook = getattr(import_module(module), name, None)
            if hook is not None:
                yield hook


class Command(BaseCommand):
    help = "Create or reuse the local database, load the demo and serve it on 127.0.0.1:8000"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument(
            "--synthetic",
            type=int,
            default=0,
            metavar="N",
            help="also make sure N generated projects exist (marked synthetic)",
        )
        parser.add_argument(
            "--region",
            default="",
            metavar="REGION",
            help="serve a prefecture city or province (苏州市, 3205, 江苏省): generated "
            "projects for each of its counties, rolled up in the cockpit (sets "
            "ZHAOSHANG_HOME_REGION for this run)",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="load the demo, print the logins and stop"
        )
        parser.add_argument("--threads", type=int, default=8, help="worker threads")

    def handle(self, *args, **options):
        # The lock (which also creates the data folder, 0700, for demo_users.json) tells
        # `zhaoshang restore` that this folder's database is in use.
        with holding_server_lock(settings.DATA_DIR):
            self._demo(**options)

    def _demo(self, **options):
        from zhaoshang.demo.load import ensure_users, load_facts
        from zhaoshang.demo.region import demo_users, generate_region
        from zhaoshang.demo.synthetic import generate
        from zhaoshang.regions import home

        started = time.monotonic()
        db = settings.DATABASES["default"]
        where = db["NAME"] if "sqlite" in db["ENGINE"] else f"PostgreSQL {db['HOST']}/{db['NAME']}"
        self.stdout.write(f"数据库 / Database: {where}")
        migrate()
        if options["region"]:
            # configuration for this process: the pages it serves read it (regions.home)
            settings.ZHAOSHANG_HOME_REGION = os.environ["ZHAOSHANG_HOME_REGION"] = options["region"]
        try:
            region = home.home_region()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        users = ensure_users(settings.DATA_DIR, extra=demo_users(region))
        load_facts()
        for hook in app_demo_hooks("load_demo"):
            hook()
        if options["synthetic"]:
            n = options["synthetic"]
            t0 = time.monotonic()

            def progress(done: int, total: int) -> None:
                rate = done / max(time.monotonic() - t0, 1e-6)
                sys.stdout.write(f"\r合成项目 / synthetic projects: {done}/{total} ({rate:,.0f}/s)")
                sys.stdout.flush()

            created = generate(n, progress=progress)
            if created:
                sys.stdout.write("\n")
            for hook in app_demo_hooks("generate_synthetic"):
                hook(n)
            in_all = n
            if region.level < 3:  # a prefecture city or a province: its other counties too

                def county_progress(county: str, done: int, total: int) -> None:
                    end = "\n" if done == total else ""
                    sys.stdout.write(
                        f"\r合成项目 / synthetic projects {county}: {done}/{total}{end}"
                    )
                    sys.stdout.flush()

                more = generate_region(region, n, progress=county_progress)
                created += sum(more.values())
                in_all = n * (len(more) + 1)
                self.stdout.write(
                    f"{region.name}：{len(more) + 1} 个县级单位 / counties, "
                    f"{sum(more.values())} projects created outside 张家港市"
                )
            refresh_statistics(after_bulk_load=bool(created))
            self.stdout.write(
                f"合成项目：新增 {created} 个，共 {in_all} 个（{time.monotonic() - t0:.1f} 秒） / "
                f"synthetic projects: {created} created, {in_all} in all "
                f"({time.monotonic() - t0:.1f} s)"
            )
        else:
            refresh_statistics()
        lines = ["", "演示账号 / Demo logins:"]
        for username, password, label in users:
            lines.append(f"  {username:<8} {password:<16} {label}")
        lines.append(f"(密码保存在 / passwords kept in {settings.DATA_DIR / 'demo_users.json'})")
        lines.append(f"准备用时 / ready in {time.monotonic() - started:.1f} s")
        self.stdout.write("\n".join(lines))
        if not options["no_serve"]:
            serve(host=options["host"], port=options["port"], threads=options["threads"])
