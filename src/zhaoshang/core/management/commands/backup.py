"""`zhaoshang backup [-o FILE]`: one file holding the whole database, taken while it runs.

SQLite: the online backup API copies the live database page by page inside one read
transaction (under WAL, writers go on meanwhile), into a new file created 0600; the copy
is switched to a plain rollback journal so it is a single self-contained file, then
checked with `PRAGMA integrity_check`. PostgreSQL: `pg_dump --format=custom`, run on an
exported snapshot so that the counts printed are those of the dump; the password goes to
pg_dump through PGPASSWORD, never on its command line.

Either way the backup holds `django_migrations`, the schema version that `zhaoshang
restore` compares with the code's migrations. The functions here are shared with
`restore.py`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core import datadir

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"

# The tables a backup's summary counts (every table is in the backup).
MAIN_MODELS = [
    "auth.User",
    "regions.Region",
    "enterprises.Enterprise",
    "projects.Project",
    "projects.StageDate",
    "progress.MonthlyProgress",
    "chains.Chain",
    "clusters.Cluster",
    "intel.Article",
    "core.ChangeLog",
]


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def main_tables() -> list[tuple[str, str]]:
    """(verbose name, table) of MAIN_MODELS, in that order."""
    out = []
    for label in MAIN_MODELS:
        model = apps.get_model(label)
        out.append((str(model._meta.verbose_name_plural), model._meta.db_table))
    return out


def new_private_file(path: Path) -> None:
    """Create `path` empty and 0600, refusing to overwrite anything."""
    if path.exists():
        raise CommandError(
            _("%(file)s already exists; choose another name with -o.") % {"file": path}
        )
    if not path.parent.is_dir():
        raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    try:
        if not datadir.create_private_file(path):
            raise CommandError(_("%(file)s already exists.") % {"file": path})
    except OSError as exc:
        raise CommandError(
            _("Cannot write %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
        ) from None


# --- SQLite ------------------------------------------------------------------------------


def sqlite_copy(source: sqlite3.Connection, path: Path) -> None:
    """Copy an open database into the new file `path` (0600) and check the copy.

    One `backup()` step (pages=-1) copies everything inside one read transaction: a
    consistent snapshot, however many writes the server makes meanwhile.
    """
    new_private_file(path)
    try:
        dest = sqlite3.connect(path)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            sqlite_check(dest, path)
        finally:
            dest.close()
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def sqlite_check(conn: sqlite3.Connection, path: Path) -> None:
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise CommandError(
            _("%(file)s is not a readable SQLite database: %(error)s")
            % {"file": path, "error": exc}
        ) from None
    if result != ["ok"]:
        raise CommandError(
            _("%(file)s failed SQLite's integrity check: %(problems)s")
            % {"file": path, "problems": "; ".join(result[:5])}
        )


def sqlite_counts(conn: sqlite3.Connection) -> list[tuple[str, int | None]]:
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    out: list[tuple[str, int | None]] = []
    for label, table in main_tables():
        count = (
            conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if (table in present)
            else None
        )
        out.append((label, count))
    return out


def sqlite_applied_migrations(conn: sqlite3.Connection, path: Path) -> set[tuple[str, str]]:
    try:
        return set(conn.execute("SELECT app, name FROM django_migrations"))
    except sqlite3.DatabaseError:
        raise CommandError(
            _("%(file)s holds no django_migrations table: it is not a zhaoshang database.")
            % {"file": path}
        ) from None


# --- PostgreSQL --------------------------------------------------------------------------


def pg_env(settings_dict: dict) -> dict[str, str]:
    """The connection settings as libpq's environment variables (the password never
    appears on a command line, where `ps` would show it)."""
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = settings_dict.get(key)
        if value:
            env[var] = str(value)
    return env


def pg_tool(name: str, server_major: int | None = None) -> str:
    """The path of `pg_dump` / `pg_restore`; refuses one missing or older than the server."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            _(
                "%(tool)s was not found. Install the PostgreSQL client tools "
                "(Debian: apt install postgresql-client) of the server's version or newer."
            )
            % {"tool": name}
        )
    if server_major is not None:
        version = subprocess.run(
            [path, "--version"], capture_output=True, text=True, check=False
        ).stdout
        match = re.search(r"\)\s*(\d+)", version) or re.search(r"(\d+)", version)
        major = int(match.group(1)) if match else 0
        if major < server_major:
            raise CommandError(
                _(
                    "%(tool)s is version %(tool_major)s, older than the server "
                    "(%(server_major)s); it cannot read this server. Install "
                    "postgresql-client-%(server_major)s or newer."
                )
                % {"tool": name, "tool_major": major, "server_major": server_major}
            )
    return path


def run_tool(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise CommandError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(args[0]).name, "error": " / ".join(detail[-3:]) or result.returncode}
        )
    return result


def pg_dump(connection, path: Path) -> list[tuple[str, int | None]]:
    """Dump the database into the new file `path` (0600); returns the main tables' counts
    in the very snapshot that was dumped."""
    tool = pg_tool("pg_dump", connection.pg_version // 10000)
    env = pg_env(connection.settings_dict)
    new_private_file(path)
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            existing = set(connection.introspection.table_names(cursor))
            counts: list[tuple[str, int | None]] = []
            for label, table in main_tables():
                if table in existing:
                    cursor.execute(f'SELECT count(*) FROM "{table}"')
                    counts.append((label, cursor.fetchone()[0]))
                else:
                    counts.append((label, None))
            run_tool([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"], env)
        pg_check(path, env)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return counts


def pg_listing(path: Path, env: dict[str, str]) -> str:
    """`pg_restore --list`: reading the whole table of contents is the archive's check."""
    return run_tool([pg_tool("pg_restore"), "--list", str(path)], env).stdout


def pg_check(path: Path, env: dict[str, str]) -> str:
    listing = pg_listing(path, env)
    if not re.search(r"TABLE DATA \S+ django_migrations ", listing):
        raise CommandError(
            _("%(file)s holds no django_migrations table: it is not a zhaoshang database.")
            % {"file": path}
        )
    return listing


def pg_applied_migrations(path: Path, env: dict[str, str]) -> set[tuple[str, str]]:
    """The rows of django_migrations inside a custom-format dump (its COPY block)."""
    sql = run_tool(
        [pg_tool("pg_restore"), "--data-only", "--table=django_migrations", "--file=-", str(path)],
        env,
    ).stdout
    applied: set[tuple[str, str]] = set()
    inside = False
    for line in sql.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            inside = True
            columns = line[line.index("(") + 1 : line.index(")")].split(", ")
            app_at, name_at = columns.index("app"), columns.index("name")
            continue
        if inside:
            if line == "\\.":
                break
            fields = line.split("\t")
            applied.add((fields[app_at], fields[name_at]))
    return applied


# --- the command -------------------------------------------------------------------------


def schema_version(applied: set[tuple[str, str]]) -> str:
    """`chains 0006, clusters 0004, …`: the latest applied migration of each app."""
    latest: dict[str, str] = {}
    for app, name in applied:
        if name > latest.get(app, ""):
            latest[app] = name
    return ", ".join(f"{app} {name.split('_', 1)[0]}" for app, name in sorted(latest.items()))


def describe(counts: list[tuple[str, int | None]]) -> str:
    return ", ".join(f"{label} {n}" for label, n in counts if n is not None)


class Command(BaseCommand):
    help = (
        "Back up the database into one file while the server runs "
        "(SQLite: online backup; PostgreSQL: pg_dump)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="the backup file (default: zhaoshang-YYYYMMDD-HHMMSS.sqlite3, or .dump on "
            "PostgreSQL, in the current folder); never overwritten",
        )

    def handle(self, *args, **options):
        connection = connections["default"]
        if connection.vendor == "sqlite":
            path = (options["output"] or Path(f"zhaoshang-{stamp()}.sqlite3")).absolute()
            connection.ensure_connection()
            sqlite_copy(connection.connection, path)
            with contextlib.closing(sqlite3.connect(path)) as copy:
                counts = sqlite_counts(copy)
                applied = sqlite_applied_migrations(copy, path)
        elif connection.vendor == "postgresql":
            path = (options["output"] or Path(f"zhaoshang-{stamp()}.dump")).absolute()
            counts = pg_dump(connection, path)
            applied = pg_applied_migrations(path, pg_env(connection.settings_dict))
        else:
            raise CommandError(
                _("Backups are made for SQLite and PostgreSQL only, not %(vendor)s.")
                % {"vendor": connection.vendor}
            )
        size = path.stat().st_size
        self.stdout.write(_("Backup written: %(file)s") % {"file": path})
        self.stdout.write(
            _("Size: %(mb).1f MB (%(bytes)s bytes); integrity checked")
            % {"mb": size / 1e6, "bytes": size}
        )
        self.stdout.write(_("Rows: %(counts)s") % {"counts": describe(counts)})
        self.stdout.write(_("Schema: %(version)s") % {"version": schema_version(applied)})
        self.stdout.write(
            _(
                "Keep the data folder's secret_key with it (unless SECRET_KEY is set): "
                "without it everyone must sign in again."
            )
        )
