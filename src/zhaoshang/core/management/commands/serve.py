from django.conf import settings
from django.core.management.base import BaseCommand

from zhaoshang.core.bulk import refresh_statistics
from zhaoshang.core.datadir import holding_server_lock
from zhaoshang.core.server import migrate, serve


class Command(BaseCommand):
    help = "Serve the product (applies migrations first); behind a reverse proxy in production"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads")
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply migrations first"
        )

    def handle(self, *args, **options):
        # The lock tells `zhaoshang restore` that this folder's database is in use.
        with holding_server_lock(settings.DATA_DIR):
            if not options["no_migrate"]:
                migrate()
            refresh_statistics()
            serve(host=options["host"], port=options["port"], threads=options["threads"])
