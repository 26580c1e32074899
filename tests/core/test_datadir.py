"""The data folder: private modes, one-line errors for an unusable folder, and the checks
`zhaoshang check` runs.

Covers #13 item 8: "The SQLite database is world-readable (0644) while it holds session
keys and password hashes. A read-only data folder, or a data folder path under a file,
gives a raw traceback; `zhaoshang check` reports no problem." Before the fix the database
was created by SQLite with the umask (0644), the folder with 0755, an unusable folder
raised NotADirectoryError/PermissionError from the settings, and there were no checks.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from zhaoshang.core import checks, datadir
from zhaoshang.lib.env import DataDirError, default_data_dir


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    """The usual umask, under which files are created 0644 unless made private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def refuse_writes(monkeypatch):
    """A folder the process may not write: what a read-only mount or another owner gives
    (as root a chmod would not stop the writes, so the refusal is the system call's)."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(datadir.tempfile, "mkstemp", refuse)


def ids(messages) -> list[str]:
    return [m.id for m in messages]


# --- modes ---------------------------------------------------------------------------------


def test_datadir_new_database_is_0600_in_a_0700_folder(tmp_path, umask_022):
    db = datadir.prepare_sqlite_file(tmp_path / "data" / "zhaoshang.sqlite3")
    assert (mode(tmp_path / "data"), mode(db), db.stat().st_size) == (0o700, 0o600, 0)


def test_datadir_wal_and_shm_are_0600_like_the_database(tmp_path, umask_022):
    """SQLite gives -wal and -shm the database file's mode: a 0600 database keeps them 0600."""
    db = datadir.prepare_sqlite_file(tmp_path / "zhaoshang.sqlite3")
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        wal, shm = datadir.sqlite_side_files(db)
        assert (mode(wal), mode(shm)) == (0o600, 0o600)
    finally:
        conn.close()


def test_datadir_secret_key_is_made_once_0600(tmp_path, umask_022):
    folder = tmp_path / "data"
    key = datadir.read_or_create_secret_key(folder)
    again = datadir.read_or_create_secret_key(folder)
    assert key == again
    assert len(key) >= 50
    assert (mode(folder), mode(folder / "secret_key")) == (0o700, 0o600)


def test_datadir_world_readable_files_are_narrowed_at_the_next_start(tmp_path):
    """A folder made by an older version: database, WAL and secret key 0644."""
    db = tmp_path / "zhaoshang.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    (tmp_path / "secret_key").write_text("k" * 60)
    wal, shm = datadir.sqlite_side_files(db)
    for path in (db, wal, shm, tmp_path / "secret_key"):
        path.chmod(0o644)
    try:
        datadir.prepare_sqlite_file(db)
        assert datadir.read_or_create_secret_key(tmp_path) == "k" * 60
        assert [mode(p) for p in (db, wal, shm, tmp_path / "secret_key")] == [0o600] * 4
    finally:
        conn.close()


def test_datadir_secret_key_on_a_file_system_without_hard_links(tmp_path, monkeypatch, umask_022):
    """FAT and some network shares refuse link(); the key is then created in place, 0600."""

    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(datadir.os, "link", no_links)
    key = datadir.read_or_create_secret_key(tmp_path)
    assert (tmp_path / "secret_key").read_text() == key
    assert mode(tmp_path / "secret_key") == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no scratch left


def test_datadir_existing_folder_keeps_its_mode(tmp_path):
    """An operator's own folder (even their home) is never chmod-ed; `check` warns instead."""
    tmp_path.chmod(0o750)
    datadir.prepare_sqlite_file(tmp_path / "zhaoshang.sqlite3")
    assert mode(tmp_path) == 0o750


def test_datadir_write_private_text_never_exists_wider(tmp_path, umask_022):
    path = tmp_path / "demo_users.json"
    path.write_text("{}")  # an old 0644 file
    datadir.write_private_text(path, '{"admin": "x"}')
    assert (path.read_text(), mode(path)) == ('{"admin": "x"}', 0o600)


# --- one-line errors -----------------------------------------------------------------------


def test_datadir_folder_under_a_file_is_a_one_line_error(tmp_path):
    afile = tmp_path / "passwd"
    afile.write_text("root:x:0:0")
    with pytest.raises(DataDirError) as caught:
        datadir.read_or_create_secret_key(afile / "x")
    message = str(caught.value)
    assert message == (
        f"数据目录 {afile / 'x'} 位于一个文件之下，无法创建（Not a directory）；请用 --data-dir "
        f"或 ZHAOSHANG_DATA_DIR 指定一个可写的目录 / data folder {afile / 'x'} is under a file "
        "and cannot be made (Not a directory); choose a writable folder with --data-dir or "
        "ZHAOSHANG_DATA_DIR"
    )


def test_datadir_folder_that_is_a_file_is_a_one_line_error(tmp_path):
    afile = tmp_path / "data"
    afile.write_text("")
    with pytest.raises(DataDirError) as caught:
        datadir.prepare_sqlite_file(afile / "zhaoshang.sqlite3")
    assert "\n" not in str(caught.value)
    assert f"data folder {afile} is a file, not a folder" in str(caught.value)


def test_datadir_folder_not_writable_is_a_one_line_error(tmp_path, refuse_writes):
    with pytest.raises(DataDirError) as caught:
        datadir.read_or_create_secret_key(tmp_path)
    assert str(caught.value) == (
        f"数据目录 {tmp_path} 不可写（Permission denied）；请用 --data-dir 或 ZHAOSHANG_DATA_DIR "
        f"指定一个可写的目录 / data folder {tmp_path} is not writable (Permission denied); "
        "choose a writable folder with --data-dir or ZHAOSHANG_DATA_DIR"
    )


def test_datadir_database_file_not_writable_is_a_one_line_error(tmp_path, monkeypatch):
    db = datadir.prepare_sqlite_file(tmp_path / "zhaoshang.sqlite3")
    monkeypatch.setattr(datadir.os, "access", lambda path, how: False)
    with pytest.raises(DataDirError) as caught:
        datadir.prepare_sqlite_file(db)
    assert "\n" not in str(caught.value)
    assert f"file {db} is not writable (Permission denied)" in str(caught.value)


def test_datadir_empty_secret_key_file_says_what_to_do(tmp_path):
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(DataDirError) as caught:
        datadir.read_or_create_secret_key(tmp_path)
    assert "delete it to make a new one" in str(caught.value)


def test_datadir_symlink_loop_is_a_data_folder_error(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(DataDirError) as caught:
        default_data_dir({"ZHAOSHANG_DATA_DIR": str(tmp_path / "a" / "x")})
    assert f"data folder {tmp_path / 'a' / 'x'} cannot be found" in str(caught.value)


# --- the server lock -----------------------------------------------------------------------


def test_datadir_servers_share_the_lock_and_a_restore_is_refused(tmp_path):
    with datadir.server_lock(tmp_path), datadir.server_lock(tmp_path):
        with pytest.raises(datadir.ServerRunning) as caught:
            with datadir.server_lock(tmp_path, exclusive=True):
                pass
        assert str(caught.value) == str(os.getpid())
    assert not (tmp_path / "server.lock").exists()  # the last holder removed it
    with datadir.server_lock(tmp_path, exclusive=True):
        with pytest.raises(datadir.ServerRunning):
            with datadir.server_lock(tmp_path):
                pass


def test_datadir_a_stale_lock_file_blocks_nothing(tmp_path):
    """A crashed server leaves the file but not the lock (the kernel drops it)."""
    (tmp_path / "server.lock").write_text("99999\n")
    with datadir.server_lock(tmp_path, exclusive=True) as path:
        assert path.read_text() == f"{os.getpid()}\n"


# --- checks --------------------------------------------------------------------------------


def test_check_private_data_folder_passes(tmp_path, settings):
    tmp_path.chmod(0o700)
    settings.DATA_DIR = tmp_path
    assert checks.check_data_folder() == []


def test_check_data_folder_open_to_others_warns(tmp_path, settings):
    tmp_path.chmod(0o755)
    settings.DATA_DIR = tmp_path
    assert ids(checks.check_data_folder()) == ["zhaoshang.W002"]


def test_check_missing_data_folder_warns(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "not-yet"
    assert ids(checks.check_data_folder()) == ["zhaoshang.W001"]


@pytest.mark.parametrize("where", ["is-a-file", "under-a-file"])
def test_check_data_folder_that_is_or_lies_under_a_file_is_an_error(tmp_path, settings, where):
    afile = tmp_path / "afile"
    afile.write_text("")
    settings.DATA_DIR = afile if where == "is-a-file" else afile / "data"
    assert ids(checks.check_data_folder()) == ["zhaoshang.E001"]


def test_check_data_folder_not_writable_is_an_error(tmp_path, settings, refuse_writes):
    tmp_path.chmod(0o700)
    settings.DATA_DIR = tmp_path
    messages = checks.check_data_folder()
    assert ids(messages) == ["zhaoshang.E002"]
    assert "Permission denied" in messages[0].hint


def test_check_secret_file_readable_by_others_is_narrowed(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    for name in ("secret_key", "demo_users.json", "zhaoshang.sqlite3.before-restore-20260101-0000"):
        (tmp_path / name).write_text("x")
        (tmp_path / name).chmod(0o644)
    assert checks.check_secret_files() == []
    assert sorted(mode(p) for p in tmp_path.iterdir()) == [0o600] * 3


def test_check_secret_file_that_cannot_be_narrowed_warns(tmp_path, settings, monkeypatch):
    """Owned by another user: chmod is refused, so the operator is told what to run."""
    settings.DATA_DIR = tmp_path
    (tmp_path / "demo_users.json").write_text("{}")
    (tmp_path / "demo_users.json").chmod(0o644)

    def refuse(self, mode):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "chmod", refuse)
    messages = checks.check_secret_files()
    assert ids(messages) == ["zhaoshang.W003"]
    assert "chmod 600" in messages[0].hint
    assert str(tmp_path / "demo_users.json") in messages[0].hint


def test_check_debug_and_weak_secret_key_warn(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = "django-insecure-" + "x" * 60
    assert ids(checks.check_debug_and_secret_key()) == ["zhaoshang.W005", "zhaoshang.W006"]


@pytest.mark.parametrize("key", ["short-key-1234", "a" * 80])
def test_check_short_or_repetitive_secret_key_warns(settings, key):
    settings.DEBUG = False
    settings.SECRET_KEY = key
    assert ids(checks.check_debug_and_secret_key()) == ["zhaoshang.W006"]


def test_check_generated_secret_key_and_no_debug_pass(tmp_path, settings):
    settings.DEBUG = False
    settings.SECRET_KEY = datadir.read_or_create_secret_key(tmp_path)
    assert checks.check_debug_and_secret_key() == []


def _sqlite_handler(path: Path, *, wal: bool) -> ConnectionHandler:
    options = {"init_command": "PRAGMA journal_mode=WAL;"} if wal else {}
    return ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": options}}
    )


@pytest.mark.parametrize(("wal", "expected"), [(True, []), (False, ["zhaoshang.W004"])])
def test_check_database_sqlite_journal_mode(
    tmp_path, monkeypatch, django_db_blocker, wal, expected
):
    handler = _sqlite_handler(tmp_path / "db.sqlite3", wal=wal)
    monkeypatch.setattr(checks, "connections", handler)
    try:
        with django_db_blocker.unblock():
            assert ids(checks.check_database(databases=["default"])) == expected
    finally:
        handler.close_all()


def test_check_database_unreachable_is_an_error(monkeypatch, django_db_blocker):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "zs_nowhere",
                "USER": "nobody",
                "HOST": "127.0.0.1",
                "PORT": "1",  # nothing listens on port 1
            }
        }
    )
    monkeypatch.setattr(checks, "connections", handler)
    with django_db_blocker.unblock():
        assert ids(checks.check_database(databases=["default"])) == ["zhaoshang.E003"]


def test_check_database_runs_only_when_asked():
    """Django runs database checks only for `check --database`; `zhaoshang check` adds it."""
    assert checks.check_database(databases=None) == []
