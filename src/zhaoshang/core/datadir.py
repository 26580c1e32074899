"""The data folder: created private, checked writable, its secret files kept 0600.

The settings call these while they load, before Django is set up, so this module imports
nothing from Django and its errors (`DataDirError`) carry Chinese and English side by side:
`zhaoshang` prints them as one line and exits (see `__main__.py`).

What is secret here: the SQLite database (password hashes, session keys) with its `-wal`
and `-shm` files, `secret_key`, `demo_users.json` (clear-text demo passwords) and the copies
`zhaoshang restore` keeps (`*.before-restore-*`). Each is created 0600, never created
readable and narrowed afterwards (a reader that opens a file while it is 0644 keeps its
descriptor after a chmod), and a file found wider is narrowed at the next start.

The server lock (`server.lock`) tells `zhaoshang restore` that a server is using the
folder: `serve` and `demo` hold a shared `flock` on it while they serve, `restore` takes it
exclusively. The kernel drops a lock when its process dies, so a crashed server never
blocks a restore; the file may stay behind and means nothing without a lock on it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from zhaoshang.lib.env import DataDirError

SECRET_KEY_FILE = "secret_key"
DEMO_USERS_FILE = "demo_users.json"
LOCK_FILE = "server.lock"
SQLITE_SIDE_FILES = ("-wal", "-shm")
# SQLite creates -wal and -shm with the database file's own mode, so a 0600 database
# keeps them 0600 too; they are narrowed here as well in case an older run left them wider.

HINT_DATA_DIR = "请用 --data-dir 或 ZHAOSHANG_DATA_DIR 指定一个可写的目录"
HINT_DATA_DIR_EN = "choose a writable folder with --data-dir or ZHAOSHANG_DATA_DIR"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def folder_error(folder: Path, problem_zh: str, problem_en: str, reason: str) -> DataDirError:
    """`数据目录 /x 不可写（Permission denied）；请用 … / data folder /x is not writable (…); …`"""
    return DataDirError(
        f"数据目录 {folder} {problem_zh}（{reason}）；{HINT_DATA_DIR} / "
        f"data folder {folder} {problem_en} ({reason}); {HINT_DATA_DIR_EN}"
    )


def file_error(path: Path, problem_zh: str, problem_en: str, reason: str) -> DataDirError:
    return DataDirError(
        f"文件 {path} {problem_zh}（{reason}）；请检查它的属主和权限，或用 --data-dir "
        f"另选数据目录 / file {path} {problem_en} ({reason}); check its owner and mode, "
        "or choose another data folder with --data-dir"
    )


def ensure_folder(folder: Path) -> Path:
    """Create `folder` (0700 when this call creates it) and prove it writable.

    Raises DataDirError naming the folder when it is a file, lies under a file, cannot be
    created or cannot be written (read-only mount, another owner, no permission).
    An existing folder keeps its mode: an operator may have opened it to a group on
    purpose; `zhaoshang check` warns when others can read it.
    """
    try:
        existed = folder.is_dir()
        if not existed:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # mkdir's mode passes through the umask; an unusual umask (0o277) must not
            # leave the folder without write permission for its owner.
            folder.chmod(0o700)
    except FileExistsError:
        raise folder_error(
            folder, "是一个文件，不是目录", "is a file, not a folder", "File exists"
        ) from None
    except NotADirectoryError as exc:
        raise folder_error(
            folder, "位于一个文件之下，无法创建", "is under a file and cannot be made", _reason(exc)
        ) from None
    except OSError as exc:
        raise folder_error(folder, "无法创建", "cannot be created", _reason(exc)) from None
    _probe_writable(folder)
    return folder


def _probe_writable(folder: Path) -> None:
    """Write and remove a scratch file: it meets read-only mounts, ACLs and another owner
    alike, and its error says which (`os.access` answers only yes or no)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".write-test-", dir=folder)
    except OSError as exc:
        raise folder_error(folder, "不可写", "is not writable", _reason(exc)) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)


def narrow(path: Path) -> bool:
    """Take group and other bits off an existing file; False when that is not allowed
    (another owner), which `zhaoshang check` then reports. A missing file is fine."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if not mode & 0o077:
        return True
    try:
        path.chmod(mode & 0o700)
    except OSError:
        return False
    return True


def create_private_file(path: Path, data: bytes = b"") -> bool:
    """Create `path` 0600 holding `data`, all at once: another process either sees no file
    or the whole of it (written aside, then linked into place). False if it already exists."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            # no hard links on this file system (FAT, some network shares): create in place
            return _create_exclusive(path, data)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _create_exclusive(path: Path, data: bytes) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return True


def write_private_text(path: Path, text: str) -> None:
    """Replace `path` with `text`, 0600 from its first byte (for demo_users.json)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_or_create_secret_key(data_dir: Path) -> str:
    """The key in `<data_dir>/secret_key`, generated (0600) on the first start."""
    ensure_folder(data_dir)
    path = data_dir / SECRET_KEY_FILE
    try:
        if not path.exists():
            create_private_file(path, secrets.token_urlsafe(50).encode())
        narrow(path)
        key = path.read_text().strip()
    except OSError as exc:
        raise file_error(path, "无法读写", "cannot be read or written", _reason(exc)) from None
    if not key:
        raise file_error(
            path, "是空的，删除它即可重新生成", "is empty; delete it to make a new one", "empty"
        )
    return key


def prepare_sqlite_file(path: Path) -> Path:
    """Make sure the SQLite database file exists, 0600, in a writable folder.

    Created empty (a valid empty database) before Django first connects, so SQLite never
    creates it with the umask's 0644; an existing database and its -wal/-shm are narrowed.
    """
    ensure_folder(path.parent)
    try:
        if not path.exists():
            create_private_file(path)
    except OSError as exc:
        raise file_error(path, "无法创建", "cannot be created", _reason(exc)) from None
    if path.is_dir():
        raise file_error(path, "是一个目录", "is a folder, not a database", "Is a directory")
    if not os.access(path, os.R_OK | os.W_OK):
        raise file_error(path, "不可写", "is not writable", os.strerror(errno.EACCES))
    for p in (path, *sqlite_side_files(path)):
        narrow(p)
    return path


def sqlite_side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES]


def secret_files(data_dir: Path, sqlite_path: Path | None) -> list[Path]:
    """Every existing file that must stay readable by its owner only."""
    found = [data_dir / SECRET_KEY_FILE, data_dir / DEMO_USERS_FILE]
    if sqlite_path is not None:
        found += [sqlite_path, *sqlite_side_files(sqlite_path)]
        found += sorted(sqlite_path.parent.glob(f"{sqlite_path.name}.before-restore-*"))
    if data_dir.is_dir():
        found += sorted(data_dir.glob("*.before-restore-*"))
    unique = dict.fromkeys(p for p in found if p.is_file())
    return list(unique)


def others_can_read(path: Path) -> bool:
    try:
        return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)
    except OSError:
        return False


class ServerRunning(Exception):
    """Another process holds the server lock in a way that excludes this one; the message
    is the pid written in the lock file (informative: the lock itself is the truth)."""


@contextlib.contextmanager
def server_lock(data_dir: Path, *, exclusive: bool = False) -> Iterator[Path]:
    """Hold `<data_dir>/server.lock`: shared for a server (several may serve one folder,
    e.g. on PostgreSQL), exclusive for a restore. Never waits: raises ServerRunning at once.

    The last holder removes the file on the way out, while it still holds the lock
    exclusively; a process that opened the file just before that finds, once it holds its
    lock, that the path no longer names the file it locked, and opens it afresh.
    """
    import fcntl  # POSIX only; imported here so that loading the settings never needs it

    ensure_folder(data_dir)
    path = data_dir / LOCK_FILE
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ServerRunning(_holder(path) or "?") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another server still holds it: the file stays
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)
        os.close(fd)


@contextlib.contextmanager
def holding_server_lock(data_dir: Path) -> Iterator[Path]:
    """`server_lock` for `serve` and `demo`, its refusals as one-line command errors."""
    # Imported here: the settings load this module before Django is set up.
    from django.core.management.base import CommandError
    from django.utils.translation import gettext as _

    try:
        with server_lock(data_dir) as path:
            yield path
    except ServerRunning as exc:
        raise CommandError(
            _("A restore is running on the data folder %(folder)s (pid %(pid)s); wait for it.")
            % {"folder": data_dir, "pid": exc}
        ) from None
    except DataDirError as exc:
        raise CommandError(str(exc)) from None


def _holder(path: Path) -> str:
    try:
        return " ".join(path.read_text().split())
    except OSError:
        return ""
