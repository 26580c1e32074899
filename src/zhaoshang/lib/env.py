"""Read settings from environment variables, failing loudly on bad values.

A typo in a deployment's environment must stop the process at start-up with a
message naming the variable and the value, never fall back silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class EnvError(RuntimeError):
    """A bad value in an environment variable."""


class DataDirError(EnvError):
    """The data folder (or a file in it) cannot be used: its message is one line for the
    operator, Chinese then English, naming the path and what to do. It is raised while the
    settings load, before Django's translations exist, hence the two languages side by side.
    """


def env_str(name: str, default: str = "", environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(name, default)


def env_bool(name: str, default: bool = False, environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if name not in env:
        return default
    raw = env[name].strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise EnvError(f"{name}={env[name]!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: dict[str, str] | None = None,
) -> int:
    env = os.environ if environ is None else environ
    if name not in env:
        return default
    try:
        value = int(env[name].strip())
    except ValueError:
        raise EnvError(f"{name}={env[name]!r}: expected a whole number") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name}={env[name]!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str], environ: dict[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    if name not in env:
        return default
    return [part.strip() for part in env[name].split(",") if part.strip()]


def default_data_dir(environ: dict[str, str] | None = None) -> Path:
    """`ZHAOSHANG_DATA_DIR`, else `$XDG_DATA_HOME/zhaoshang`, else `~/.local/share/zhaoshang`.

    Raises DataDirError when the path cannot be made absolute: no home folder to expand
    `~` in (a service user without HOME or a passwd entry), or a symlink loop.
    """
    env = os.environ if environ is None else environ
    raw = env.get("ZHAOSHANG_DATA_DIR") or ""
    try:
        if raw:
            return Path(raw).expanduser().resolve()
        base = env.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
        return (Path(base) / "zhaoshang").resolve()
    except (RuntimeError, OSError) as exc:
        shown = raw or "~/.local/share/zhaoshang"
        raise DataDirError(
            f"数据目录 {shown} 无法确定（{exc}）；请用 --data-dir 或 ZHAOSHANG_DATA_DIR "
            f"指定一个绝对路径 / data folder {shown} cannot be found ({exc}); "
            "give an absolute path with --data-dir or ZHAOSHANG_DATA_DIR"
        ) from None


@dataclass(frozen=True)
class DatabaseUrl:
    engine: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""


def parse_database_url(url: str) -> DatabaseUrl:
    """Parse `postgresql://user:pass@host:5432/db` or `sqlite:////abs/path.sqlite3`.

    >>> parse_database_url("postgres://u@127.0.0.1:5432/test").name
    'test'
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise EnvError(f"DATABASE_URL={url!r}: no database name after the host")
        try:
            port = str(parts.port or "")
        except ValueError:
            raise EnvError(f"DATABASE_URL={url!r}: the port is not a number") from None
        return DatabaseUrl(
            engine="postgresql",
            name=name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=port,
        )
    if scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:
            raise EnvError(f"DATABASE_URL={url!r}: write sqlite:////absolute/path (four slashes)")
        if not path or path == "/":
            raise EnvError(f"DATABASE_URL={url!r}: no file name")
        return DatabaseUrl(engine="sqlite", name=path)
    raise EnvError(f"DATABASE_URL={url!r}: only postgresql:// and sqlite:// are supported")
