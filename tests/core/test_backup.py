"""`zhaoshang backup` and `zhaoshang restore`, run as an operator runs them: in fresh
processes, on a file database holding the demo.

Covers #13 item 9: "No backup and restore. The operator guide documents `sqlite3 .backup`
only." (before, both commands were unknown: `zhaoshang backup` exited with "Unknown
command"). Each round trip compares the row count and a SHA-256 of the rows of every table.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader

from tests.servers import free_port, healthz_status
from zhaoshang.core.management.commands.backup import pg_env, pg_tool
from zhaoshang.lib.env import parse_database_url

# CI runs the suite twice, on SQLite and on PostgreSQL (DATABASE_URL). The SQLite round
# trips below use their own data folders whatever the run; they run in the SQLite run, the
# PostgreSQL ones in the PostgreSQL run, on a database of their own beside the suite's.
SUITE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = SUITE_URL.split(":", 1)[0].lower() in {"postgres", "postgresql", "pgsql"}
sqlite_run = pytest.mark.skipif(
    ON_POSTGRESQL, reason="the SQLite round trips run in the suite's SQLite run"
)


def _env(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env["ZHAOSHANG_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def zs(data_dir: Path, *args: str, database_url: str = "", cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", *args],
        env=_env(data_dir, database_url),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def ok(result) -> str:
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def data_version(db: Path) -> int | None:
    with sqlite3.connect(db) as conn:
        try:
            row = conn.execute("SELECT n FROM core_dataversion WHERE id = 1").fetchone()
        except sqlite3.OperationalError:  # a backup from before the table
            return None
    return row and row[0]


def _columns(conn, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def snapshot(db: Path, like: Path | None = None) -> dict[str, tuple[int, str]]:
    """Every table: (rows, sha256 of its rows in rowid order); not the data version, which
    a restore moves past every earlier one (`data_version`). `like`: only the tables and
    columns of that database (an older one: columns a migration adds, such as a creation
    time, differ from one migration run to the next)."""
    out = {}
    with sqlite3.connect(like or db) as shape:
        tables = {
            name: _columns(shape, name)
            for (name,) in shape.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name <> 'core_dataversion' ORDER BY name"
            )
        }
    with sqlite3.connect(db) as conn:
        for table, columns in tables.items():
            digest = hashlib.sha256()
            n = 0
            listed = ", ".join(f'"{c}"' for c in columns)
            for row in conn.execute(f'SELECT {listed} FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
                n += 1
            out[table] = (n, digest.hexdigest())
    return out


def change_data(db: Path) -> None:
    """What a day of careless editing might do: rows deleted, renamed and added."""
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM projects_stagedate")
        conn.execute("UPDATE projects_project SET name = name || '（改）'")
        conn.execute("UPDATE auth_user SET first_name = 'changed'")
        conn.execute("DELETE FROM core_changelog WHERE id % 2 = 0")


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    """A data folder with the demo loaded, made once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("demo") / "data"
    ok(zs(folder, "demo", "--no-serve", "--synthetic", "30"))
    return folder


@pytest.fixture
def data(demo_folder, tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(demo_folder, folder)
    return folder


@sqlite_run
def test_backup_restore_round_trip_sqlite(data, tmp_path):
    db = data / "zhaoshang.sqlite3"
    original = snapshot(db)
    backup = tmp_path / "b.sqlite3"

    out = ok(zs(data, "backup", "-o", str(backup)))

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert str(backup) in out
    assert f"{backup.stat().st_size}" in out
    assert "projects 0" in out  # the schema version line names each app's latest migration
    assert snapshot(backup) == original
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    change_data(db)
    changed = snapshot(db)
    assert changed != original

    out = ok(zs(data, "restore", str(backup), "--yes"))

    assert snapshot(db) == original
    assert original["projects_project"][0] > 40 and original["projects_stagedate"][0] > 0
    (kept,) = data.glob("zhaoshang.sqlite3.before-restore-*")
    assert str(kept) in out
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert snapshot(kept) == changed
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@sqlite_run
def test_backup_default_name_in_the_current_folder(data, tmp_path):
    out = ok(zs(data, "backup", cwd=tmp_path))
    (made,) = tmp_path.glob("zhaoshang-*.sqlite3")
    assert len(made.name) == len("zhaoshang-20261207-093000.sqlite3")
    assert str(made) in out


@sqlite_run
def test_backup_never_overwrites(data, tmp_path):
    target = tmp_path / "b.sqlite3"
    target.write_text("keep me")
    result = zs(data, "backup", "-o", str(target))
    assert result.returncode != 0
    assert str(target) in result.stderr
    assert target.read_text() == "keep me"


def _chains_leaf_and_parent() -> tuple[str, str]:
    """The code's latest chains migration and the one before it."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (leaf,) = [node for node in graph.leaf_nodes() if node[0] == "chains"]
    parents = [p for p in graph.node_map[leaf].parents if p.key[0] == "chains"]
    return leaf[1], parents[0].key[1]


@sqlite_run
def test_restore_older_backup_is_migrated(data, tmp_path):
    """A backup taken before the latest chains migration: restored, then migrated."""
    latest, previous = _chains_leaf_and_parent()
    ok(zs(data, "migrate", "chains", previous))
    old = tmp_path / "old.sqlite3"
    ok(zs(data, "backup", "-o", str(old)))
    ok(zs(data, "migrate"))
    change_data(data / "zhaoshang.sqlite3")
    before = data_version(data / "zhaoshang.sqlite3")

    out = ok(zs(data, "restore", str(old), "--yes"))
    # figures kept under an earlier version are never reused for the restored data
    assert data_version(data / "zhaoshang.sqlite3") > max(before, data_version(old) or 0)

    assert f"chains.{latest}" in out
    # every row of the backup is back, as the same migrations make it from the backup itself
    migrated = tmp_path / "migrated"
    migrated.mkdir()
    shutil.copy(old, migrated / "zhaoshang.sqlite3")
    shutil.copy(data / "secret_key", migrated / "secret_key")
    ok(zs(migrated, "migrate"))
    restored = snapshot(data / "zhaoshang.sqlite3", like=old)
    from_backup = snapshot(migrated / "zhaoshang.sqlite3", like=old)
    del restored["django_migrations"], from_backup["django_migrations"]
    assert restored == from_backup
    with sqlite3.connect(data / "zhaoshang.sqlite3") as conn:
        applied = conn.execute(
            "SELECT count(*) FROM django_migrations WHERE app = 'chains' AND name = ?", (latest,)
        ).fetchone()
    assert applied == (1,)
    assert "[ ]" not in ok(zs(data, "showmigrations", "chains"))


@sqlite_run
def test_restore_refuses_a_backup_from_a_newer_version(data, tmp_path):
    backup = tmp_path / "new.sqlite3"
    ok(zs(data, "backup", "-o", str(backup)))
    with sqlite3.connect(backup) as conn:
        conn.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('projects', '9999_from_the_future', '2030-01-01')"
        )
    before = snapshot(data / "zhaoshang.sqlite3")

    result = zs(data, "restore", str(backup), "--yes")

    assert result.returncode != 0
    assert "projects.9999_from_the_future" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(data / "zhaoshang.sqlite3") == before
    assert not list(data.glob("*.before-restore-*"))


@sqlite_run
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,amount\n", "bad.sqlite3"),
        (b"PGDMP\x01\x0e\x00", "DATABASE_URL"),  # "a PostgreSQL dump: set DATABASE_URL …"
        (b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\xff" * 4000, "not a database"),
    ],
    ids=["csv", "pg-dump", "corrupt"],
)
def test_restore_refuses_what_is_not_a_good_backup(data, tmp_path, content, message):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    before = snapshot(data / "zhaoshang.sqlite3")

    result = zs(data, "restore", str(bad), "--yes")

    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(data / "zhaoshang.sqlite3") == before


@sqlite_run
def test_restore_refuses_a_database_without_migrations(data, tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = zs(data, "restore", str(other), "--yes")
    assert result.returncode != 0
    assert str(other) in result.stderr
    assert "django_migrations" in result.stderr


@sqlite_run
def test_restore_asks_unless_yes(data, tmp_path):
    backup = tmp_path / "b.sqlite3"
    ok(zs(data, "backup", "-o", str(backup)))
    result = zs(data, "restore", str(backup))  # stdin is not a terminal here
    assert result.returncode != 0
    assert "--yes" in result.stderr


@sqlite_run
def test_restore_refused_while_the_server_runs_and_backup_works_meanwhile(data, tmp_path):
    """A running `zhaoshang serve` holds the lock: restore refuses and changes nothing; the
    online backup works while it serves; a server killed outright blocks nothing."""
    backup = tmp_path / "b.sqlite3"
    ok(zs(data, "backup", "-o", str(backup)))
    change_data(data / "zhaoshang.sqlite3")
    changed = snapshot(data / "zhaoshang.sqlite3")
    port = free_port()
    server = subprocess.Popen(
        # --no-migrate: the data stay exactly as snapshotted
        [sys.executable, "-m", "zhaoshang", "serve", "--no-migrate", "--port", str(port)],
        env=_env(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert healthz_status(port) == 200

        refused = zs(data, "restore", str(backup), "--yes")
        assert refused.returncode != 0
        assert str(server.pid) in refused.stderr
        assert str(data) in refused.stderr
        assert "Traceback" not in refused.stderr
        assert snapshot(data / "zhaoshang.sqlite3") == changed

        during = tmp_path / "during.sqlite3"
        ok(zs(data, "backup", "-o", str(during)))
        assert snapshot(during) == changed
    finally:
        server.send_signal(signal.SIGKILL)  # a crash: no clean-up runs
        server.wait(timeout=20)
    assert (data / "server.lock").exists()
    ok(zs(data, "restore", str(backup), "--yes"))
    assert snapshot(data / "zhaoshang.sqlite3") == snapshot(backup)


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg() -> tuple[str, dict[str, str], str]:
    """(DATABASE_URL for the round trips' own database, libpq environment, why not)."""
    if not ON_POSTGRESQL:
        return (
            "",
            {},
            (
                "the suite runs on SQLite; the PostgreSQL round trip runs in its PostgreSQL run "
                "(DATABASE_URL=postgresql://…)"
            ),
        )
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            return "", {}, f"{tool} is not installed (Debian: apt install postgresql-client)"
    db = parse_database_url(SUITE_URL)
    name = f"{db.name}_restore"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for var, value in (
        ("PGHOST", db.host),
        ("PGPORT", db.port),
        ("PGUSER", db.user),
        ("PGPASSWORD", db.password or os.environ.get("PGPASSWORD", "")),
    ):
        if value:
            env[var] = value
    credentials = db.user + (f":{quote(db.password, safe='')}" if db.password else "")
    url = f"postgresql://{credentials}@{db.host}:{db.port or 5432}/{name}"
    return url, env, ""


PG_URL, PG_ENV, PG_SKIP = _pg()
PG_NAME = PG_URL.rsplit("/", 1)[-1]


def psql(sql: str, db: str = "") -> str:
    result = subprocess.run(
        ["psql", "-d", db or PG_NAME, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
        env=PG_ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def pg_snapshot() -> dict[str, str]:
    """Every table of the public schema: 'rows|md5 of its rows in text order'; not the data
    version, which a restore moves past every earlier one (as `snapshot` for SQLite)."""
    tables = psql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'core_dataversion' ORDER BY tablename"
    ).split()
    return {
        t: psql(
            f"SELECT count(*) || '|' || coalesce(md5(string_agg(x::text, E'\\n' "
            f"ORDER BY x::text)), '') FROM \"{t}\" x"
        ).strip()
        for t in tables
    }


@pytest.fixture(scope="module")
def pg_demo(tmp_path_factory):
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    psql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)", db="postgres")
    psql(f"CREATE DATABASE {PG_NAME}", db="postgres")
    folder = tmp_path_factory.mktemp("pg") / "data"
    ok(zs(folder, "demo", "--no-serve", database_url=PG_URL))
    yield folder
    psql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)", db="postgres")


def test_backup_restore_round_trip_postgresql(pg_demo, tmp_path):
    original = pg_snapshot()
    dump = tmp_path / "b.dump"

    out = ok(zs(pg_demo, "backup", "-o", str(dump), database_url=PG_URL))

    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert dump.read_bytes()[:5] == b"PGDMP"
    assert "projects 0" in out
    psql("DELETE FROM projects_stagedate; UPDATE projects_project SET name = name || 'x'")
    assert pg_snapshot() != original
    version = int(psql("SELECT n FROM core_dataversion WHERE id = 1"))

    out = ok(zs(pg_demo, "restore", str(dump), "--yes", database_url=PG_URL))

    assert pg_snapshot() == original
    # the restored data is a new state: figures computed before it are not reused
    assert int(psql("SELECT n FROM core_dataversion WHERE id = 1")) > version
    (kept,) = pg_demo.glob(f"{PG_NAME}.before-restore-*.dump")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_restore_older_backup_is_migrated_postgresql(pg_demo, tmp_path):
    """A backup from before the latest chains migration and before the intel app existed:
    the intel tables the current schema has and the backup lacks are dropped before
    pg_restore, then made again by migrate (else: 'relation intel_article already exists')."""
    latest, previous = _chains_leaf_and_parent()
    ok(zs(pg_demo, "migrate", "chains", previous, database_url=PG_URL))
    ok(zs(pg_demo, "migrate", "intel", "zero", database_url=PG_URL))
    old = tmp_path / "old.dump"
    ok(zs(pg_demo, "backup", "-o", str(old), database_url=PG_URL))
    ok(zs(pg_demo, "migrate", database_url=PG_URL))
    before = pg_snapshot()
    psql("DELETE FROM projects_stagedate")

    out = ok(zs(pg_demo, "restore", str(old), "--yes", database_url=PG_URL))

    assert f"chains.{latest}" in out
    assert "intel.0001_initial" in out
    after = pg_snapshot()
    assert {t: v for t, v in after.items() if t != "django_migrations"} == {
        t: v for t, v in before.items() if t != "django_migrations"
    }
    shown = ok(zs(pg_demo, "showmigrations", "chains", "intel", database_url=PG_URL))
    assert "[ ]" not in shown


def test_restore_refuses_an_sqlite_file_on_postgresql(pg_demo, tmp_path):
    other = tmp_path / "x.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = zs(pg_demo, "restore", str(other), "--yes", database_url=PG_URL)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


# --- the PostgreSQL tools, without a server ------------------------------------------------


def _fake_tool(folder: Path, name: str, version_line: str) -> None:
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{version_line}'\n")
    tool.chmod(0o755)


def test_backup_pg_tool_missing_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError) as caught:
        pg_tool("pg_dump", 15)
    assert "pg_dump" in str(caught.value)
    assert "apt install postgresql-client" in str(caught.value)


def test_backup_pg_tool_older_than_the_server_is_refused(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "pg_dump", "pg_dump (PostgreSQL) 13.14 (Debian 13.14-0+deb11u1)")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError) as caught:
        pg_tool("pg_dump", 15)
    assert "postgresql-client-15" in str(caught.value)
    assert " 13" in str(caught.value)
    assert pg_tool("pg_dump", 13) == str(tmp_path / "pg_dump")
    assert pg_tool("pg_dump", 12) == str(tmp_path / "pg_dump")


def test_backup_pg_password_goes_through_the_environment():
    env = pg_env(
        {"NAME": "zs", "USER": "u", "PASSWORD": "s3cret", "HOST": "db.example", "PORT": "5433"}
    )
    assert (env["PGPASSWORD"], env["PGUSER"], env["PGHOST"], env["PGPORT"], env["PGDATABASE"]) == (
        "s3cret",
        "u",
        "db.example",
        "5433",
        "zs",
    )
