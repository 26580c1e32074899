"""The `zhaoshang` command as a user runs it: in a fresh process, on a fresh data folder."""

import io
import os
import re
import sqlite3
import subprocess
import sys
import urllib.request

import pytest
from django.core.management import call_command

from tests.servers import free_port, healthz_status
from zhaoshang.core.models import ApiToken


def _env(data_dir):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env["ZHAOSHANG_DATA_DIR"] = str(data_dir)
    return env


def _run(args, data_dir, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", *args],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_cli_help_lists_every_command_with_one_line(tmp_path):
    result = _run(["--help"], tmp_path)
    assert result.returncode == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("  ")}
    for name in ("demo", "serve", "token", "migrate"):
        assert name in lines
        assert len(lines[name].split()) > 2


def test_cli_demo_twice_reuses_the_database(tmp_path):
    data = tmp_path / "data"
    first = _run(["--data-dir", str(data), "demo", "--no-serve", "--synthetic", "20"], tmp_path)
    assert first.returncode == 0, first.stderr
    db = data / "zhaoshang.sqlite3"
    assert db.exists()
    counts_sql = "SELECT (SELECT count(*) FROM projects_project), (SELECT count(*) FROM auth_user)"
    with sqlite3.connect(db) as conn:
        counts = conn.execute(counts_sql).fetchone()
    second = _run(["demo", "--no-serve", "--synthetic", "20", f"--data-dir={data}"], tmp_path)
    assert second.returncode == 0, second.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute(counts_sql).fetchone() == counts
        real = conn.execute(
            "SELECT count(*) FROM projects_project WHERE NOT is_synthetic"
        ).fetchone()
        synthetic = conn.execute(
            "SELECT count(*) FROM projects_project WHERE code LIKE '320582-SYN-%'"
        ).fetchone()
    assert (real, synthetic, counts[1]) == ((12,), (20,), 4)  # the seed article's 12 projects
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    logins = [line.split()[:2] for line in first.stdout.splitlines() if line.startswith("  ")]
    assert [u for u, _p in logins] == ["admin", "fgw", "jinfeng", "leader"]
    assert logins == [
        line.split()[:2] for line in second.stdout.splitlines() if line.startswith("  ")
    ]


def test_cli_demo_serves_and_healthz_answers(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "zhaoshang", "demo", "--port", str(port)],
        env=_env(tmp_path / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert healthz_status(port) == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
            assert r.status == 200
            assert "登录" in r.read().decode()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
    assert "admin" in out


def test_cli_bad_setting_fails_loudly(tmp_path):
    env = _env(tmp_path)
    env["DEBUG"] = "maybe"
    result = subprocess.run(
        [sys.executable, "-m", "zhaoshang", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DEBUG='maybe'" in result.stderr


@pytest.mark.django_db
def test_cli_token_create_prints_token_alone_on_last_line(admin_user):
    out = io.StringIO()
    call_command("token", "create", "admin", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith("zs_") and " " not in key
    assert ApiToken.authenticate(key) == admin_user


# --- the data folder (#13 item 8) -----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["check"], ["migrate"], ["demo", "--no-serve"], ["serve"], ["backup"]],
    ids=lambda c: c[0],
)
def test_cli_data_dir_under_a_file_is_one_line_for_every_command(tmp_path, command):
    """#13 item 8: `--data-dir /etc/passwd/x` gave a NotADirectoryError traceback."""
    afile = tmp_path / "passwd"
    afile.write_text("root:x:0:0")
    result = _run(["--data-dir", str(afile / "x"), *command], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"zhaoshang: 数据目录 {afile / 'x'} 位于一个文件之下，无法创建（Not a directory）；"
        "请用 --data-dir 或 ZHAOSHANG_DATA_DIR 指定一个可写的目录 / data folder "
        f"{afile / 'x'} is under a file and cannot be made (Not a directory); choose a "
        "writable folder with --data-dir or ZHAOSHANG_DATA_DIR"
    ]


def test_cli_migrate_keeps_the_data_folder_private(tmp_path):
    """#13 item 8: the database was created 0644 in a 0755 folder, readable by every user
    of the machine while it holds password hashes and session keys."""
    old_umask = os.umask(0o022)
    try:
        data = tmp_path / "data"
        assert _run(["--data-dir", str(data), "migrate"], tmp_path).returncode == 0
        db = data / "zhaoshang.sqlite3"
        modes = {p.name: oct(p.stat().st_mode & 0o777) for p in (data, db, data / "secret_key")}
        assert modes == {"data": "0o700", "zhaoshang.sqlite3": "0o600", "secret_key": "0o600"}
        db.chmod(0o644)  # as an older version left it
        check = _run(["--data-dir", str(data), "check"], tmp_path)
        assert check.returncode == 0, check.stderr
        assert "System check identified no issues" in check.stdout
        assert oct(db.stat().st_mode & 0o777) == "0o600"
    finally:
        os.umask(old_umask)


def test_cli_check_reports_an_open_folder_debug_and_a_weak_key(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    env = _env(data)
    env.update(DEBUG="1", SECRET_KEY="changeme")
    result = subprocess.run(
        [sys.executable, "-m", "zhaoshang", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    found = sorted(set(re.findall(r"zhaoshang\.[EW]\d{3}", result.stderr)))
    assert found == ["zhaoshang.W002", "zhaoshang.W005", "zhaoshang.W006"]


def test_cli_output_cut_short_by_its_reader_ends_quietly(tmp_path):
    """`zhaoshang estimates | head`: the reader closing the pipe ends the command without a
    traceback (exit 141, as a shell reports SIGPIPE). The command here prints 10^5 lines, more
    than a pipe holds, so the write fails after the reader has gone."""
    script = (
        "import sys, django.core.management as m\n"
        "def many(argv):\n"
        "    for i in range(100_000):\n"
        "        print('line', i)\n"
        "m.execute_from_command_line = many\n"
        "from zhaoshang.__main__ import main\n"
        "main(['check'])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline() == b"line 0\n"
    proc.stdout.close()  # what `head -1` does once it has its line
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 141
    assert b"Traceback" not in err and b"BrokenPipe" not in err
