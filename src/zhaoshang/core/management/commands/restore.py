"""`zhaoshang restore FILE [--yes]`: put a backup from `zhaoshang backup` back in place.

In order, each step refusing with a message before anything is changed:

1. no server holds this data folder's server lock (`serve` and `demo` hold it while they
   serve; the lock is taken exclusively here for the whole restore, so none starts either);
2. the file is an SQLite database (or, on PostgreSQL, a pg_dump custom archive whose table
   of contents reads), passes `PRAGMA integrity_check` and holds `django_migrations`;
3. none of its migrations is unknown to this code (a backup from a newer version is
   refused, naming the app and migration: upgrade zhaoshang first);
4. the operator confirms (or gave --yes).

Then the current database is kept as `<name>.before-restore-<timestamp>` (0600), the
backup is copied in, and `migrate` brings a backup from an older version up to date.

SQLite: the backup is copied into the live file through SQLite's backup API, which takes
SQLite's own locks, so the database file, its -wal and its mode (0600) stay as they are.
PostgreSQL: `pg_restore --clean --if-exists --single-transaction` (all or nothing); tables
of the current schema that the backup does not have (made by newer migrations) are dropped
first so that `migrate` can create them again.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from zhaoshang.core import datadir, figcache
from zhaoshang.core.management.commands.backup import (
    PG_CUSTOM_HEADER,
    SQLITE_HEADER,
    describe,
    pg_applied_migrations,
    pg_check,
    pg_dump,
    pg_env,
    pg_tool,
    run_tool,
    schema_version,
    sqlite_applied_migrations,
    sqlite_copy,
    sqlite_counts,
    stamp,
)
from zhaoshang.lib.env import DataDirError


def newer_migrations(applied: set[tuple[str, str]]) -> list[str]:
    """`app.migration` names the backup has applied and this code does not know.

    A migration the code once had and has since squashed is known: it is in the
    `replaces` list of the squashed one.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    return sorted(f"{app}.{name}" for app, name in applied - known)


def _pending(connection) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


class Command(BaseCommand):
    help = (
        "Restore a backup from `zhaoshang backup` (refused while a server runs; "
        "the current database is kept aside)"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        path: Path = options["file"].absolute()
        try:
            with path.open("rb") as f:
                header = f.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from None
        connection = connections["default"]
        try:
            with datadir.server_lock(settings.DATA_DIR, exclusive=True):
                before = figcache.version()
                if connection.vendor == "sqlite":
                    self._sqlite(connection, path, header, options["yes"])
                elif connection.vendor == "postgresql":
                    self._postgresql(connection, path, header, options["yes"])
                else:
                    raise CommandError(
                        _("Restores are made for SQLite and PostgreSQL only, not %(vendor)s.")
                        % {"vendor": connection.vendor}
                    )
                # the restored data is a new state: past any version a server saw before
                figcache.move_past(before)
        except datadir.ServerRunning as exc:
            raise CommandError(
                _(
                    "A zhaoshang server is running on the data folder %(folder)s (pid "
                    "%(pid)s). Stop it first; nothing was changed."
                )
                % {"folder": settings.DATA_DIR, "pid": exc}
            ) from None
        except DataDirError as exc:
            raise CommandError(str(exc)) from None

    # -- shared steps ---------------------------------------------------------------------

    def _refuse_newer(self, applied: set[tuple[str, str]], path: Path) -> None:
        newer = newer_migrations(applied)
        if newer:
            raise CommandError(
                _(
                    "%(file)s comes from a newer version of zhaoshang: it has migrations this "
                    "code does not know (%(names)s). Upgrade zhaoshang first; nothing was "
                    "changed."
                )
                % {"file": path, "names": ", ".join(newer)}
            )

    def _confirm(self, current: str, path: Path, counts, applied, yes: bool) -> None:
        self.stdout.write(_("Backup: %(file)s") % {"file": path})
        if any(n is not None for _label, n in counts):
            self.stdout.write("  " + _("Rows: %(counts)s") % {"counts": describe(counts)})
        self.stdout.write("  " + _("Schema: %(version)s") % {"version": schema_version(applied)})
        self.stdout.write(_("It replaces the database %(db)s.") % {"db": current})
        if yes:
            return
        if not sys.stdin.isatty():
            raise CommandError(_("Add --yes to restore without a question; nothing was changed."))
        answer = input(_("Type yes to restore: "))
        if answer.strip().lower() not in {"yes", "y", "是"}:
            raise CommandError(_("Not restored; nothing was changed."))

    def _migrate(self, connection) -> None:
        connection.close()
        pending = _pending(connection)
        if pending:
            call_command("migrate", interactive=False, verbosity=0, stdout=StringIO())
            self.stdout.write(
                _("The backup was older than this version; applied %(count)s migrations: %(names)s")
                % {"count": len(pending), "names": ", ".join(pending)}
            )

    # -- SQLite ---------------------------------------------------------------------------

    def _sqlite(self, connection, path: Path, header: bytes, yes: bool) -> None:
        if header.startswith(PG_CUSTOM_HEADER):
            raise CommandError(
                _(
                    "%(file)s is a PostgreSQL dump, not an SQLite database: set DATABASE_URL "
                    "to restore it into PostgreSQL."
                )
                % {"file": path}
            )
        if header != SQLITE_HEADER:
            raise CommandError(_("%(file)s is not an SQLite database.") % {"file": path})
        live = Path(connection.settings_dict["NAME"])
        if not live.is_file():
            raise CommandError(
                _("The database %(db)s is not a file; nothing to restore into.") % {"db": live}
            )
        # Check a private copy in the database's own folder: the backup file itself is
        # never opened for writing, and the copy is what goes in.
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=live.parent) as tmp:
            staged = Path(tmp) / "staged.sqlite3"
            try:
                with contextlib.closing(
                    sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
                ) as src:
                    sqlite_copy(src, staged)  # checks the copy's integrity
            except sqlite3.DatabaseError as exc:
                raise CommandError(
                    _("%(file)s is not a readable SQLite database: %(error)s")
                    % {"file": path, "error": exc}
                ) from None
            with contextlib.closing(sqlite3.connect(staged)) as conn:
                applied = sqlite_applied_migrations(conn, path)
                counts = sqlite_counts(conn)
            self._refuse_newer(applied, path)
            self._confirm(str(live), path, counts, applied, yes)

            connection.close()
            connection.ensure_connection()
            kept = live.with_name(f"{live.name}.before-restore-{stamp()}")
            try:
                sqlite_copy(connection.connection, kept)
            except (CommandError, sqlite3.DatabaseError) as exc:
                raise CommandError(
                    _(
                        "The current database cannot be copied aside (%(error)s). Stop every "
                        "zhaoshang process, move %(db)s and its -wal and -shm files elsewhere "
                        "by hand, and run restore again; nothing was changed."
                    )
                    % {"error": exc, "db": live}
                ) from None
            self.stdout.write(_("Current database kept as %(file)s") % {"file": kept})
            with contextlib.closing(sqlite3.connect(staged)) as src:
                try:
                    src.backup(connection.connection)
                except sqlite3.DatabaseError as exc:
                    raise CommandError(
                        _(
                            "Restore failed (%(error)s); the database is unchanged, its copy "
                            "is %(file)s."
                        )
                        % {"error": exc, "file": kept}
                    ) from None
        self._migrate(connection)
        connection.ensure_connection()
        self.stdout.write(
            _("Restored. Rows now: %(counts)s")
            % {"counts": describe(sqlite_counts(connection.connection))}
        )

    # -- PostgreSQL -----------------------------------------------------------------------

    def _postgresql(self, connection, path: Path, header: bytes, yes: bool) -> None:
        if header == SQLITE_HEADER:
            raise CommandError(
                _(
                    "%(file)s is an SQLite database, not a pg_dump archive: unset "
                    "DATABASE_URL to restore it into SQLite."
                )
                % {"file": path}
            )
        if not header.startswith(PG_CUSTOM_HEADER):
            raise CommandError(
                _("%(file)s is not a pg_dump custom-format archive.") % {"file": path}
            )
        connection.ensure_connection()
        env = pg_env(connection.settings_dict)
        pg_tool("pg_restore", connection.pg_version // 10000)
        listing = pg_check(path, env)
        applied = pg_applied_migrations(path, env)
        self._refuse_newer(applied, path)
        tables_in_dump = {
            parts[5]
            for line in listing.splitlines()
            if (parts := line.split())
            and len(parts) > 5
            and parts[3:5] == ["TABLE", "public"]
            and not line.startswith(";")
        }
        counts: list[tuple[str, int | None]] = []  # a dump's rows are not counted before
        db = connection.settings_dict
        self._confirm(f"PostgreSQL {db['HOST']}/{db['NAME']}", path, counts, applied, yes)

        folder = datadir.ensure_folder(Path(settings.DATA_DIR))
        kept = folder / f"{db['NAME']}.before-restore-{stamp()}.dump"
        pg_dump(connection, kept)
        self.stdout.write(_("Current database kept as %(file)s") % {"file": kept})
        with connection.cursor() as cursor:
            current = set(connection.introspection.table_names(cursor))
            ours = set(connection.introspection.django_table_names(only_existing=True))
            for table in sorted((current & ours) - tables_in_dump):
                cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        connection.close()
        try:
            run_tool(
                [
                    pg_tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={db['NAME']}",
                    str(path),
                ],
                env,
            )
        except CommandError as exc:
            raise CommandError(
                _("%(error)s The previous database is kept in %(file)s.")
                % {"error": exc, "file": kept}
            ) from None
        self._migrate(connection)
        self.stdout.write(_("Restored from %(file)s.") % {"file": path})
