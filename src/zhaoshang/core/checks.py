"""System checks for an installation, shown by `zhaoshang check` (Django's check command).

zhaoshang.E001  the data folder is a file or lies under one
zhaoshang.E002  the data folder cannot be written
zhaoshang.W001  the data folder does not exist yet
zhaoshang.W002  others may list or open the data folder
zhaoshang.W003  a secret file (database, secret_key, demo passwords, saved copies) is
                readable by others and could not be narrowed (another owner)
zhaoshang.W004  SQLite is not in WAL mode (needs the database: `check --database default`,
                which `zhaoshang check` adds)
zhaoshang.W005  DEBUG is on
zhaoshang.W006  SECRET_KEY is weak
zhaoshang.E003  the database cannot be reached (needs the database)

Unapplied migrations are not a check: Django's `migrate` runs the database checks too, and
would warn about the very migrations it is about to apply; `zhaoshang migrate --check` (or
`showmigrations`) answers that question.
"""

from __future__ import annotations

import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.db import DatabaseError, connections
from django.utils.translation import gettext as _

from zhaoshang.core import datadir
from zhaoshang.lib.env import DataDirError


def _sqlite_path(db: dict | None = None) -> Path | None:
    """The SQLite database file, None for PostgreSQL or an in-memory database (tests)."""
    db = settings.DATABASES["default"] if db is None else db
    if "sqlite" not in db["ENGINE"]:
        return None
    name = str(db["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


@register()
def check_data_folder(app_configs=None, **kwargs):
    folder = Path(settings.DATA_DIR)
    if not folder.exists():
        if any(p.is_file() for p in folder.parents):
            return [
                Error(
                    _("The data folder %(folder)s lies under a file.") % {"folder": folder},
                    hint=_("Choose another folder with --data-dir or ZHAOSHANG_DATA_DIR."),
                    id="zhaoshang.E001",
                )
            ]
        return [
            Warning(
                _("The data folder %(folder)s does not exist yet.") % {"folder": folder},
                hint=_("It is created, readable by its owner only, when the server starts."),
                id="zhaoshang.W001",
            )
        ]
    if not folder.is_dir():
        return [
            Error(
                _("The data folder %(folder)s is a file, not a folder.") % {"folder": folder},
                hint=_("Choose another folder with --data-dir or ZHAOSHANG_DATA_DIR."),
                id="zhaoshang.E001",
            )
        ]
    try:
        datadir.ensure_folder(folder)
    except DataDirError as exc:
        return [
            Error(
                _("The data folder %(folder)s cannot be written.") % {"folder": folder},
                hint=str(exc),
                id="zhaoshang.E002",
            )
        ]
    if datadir.others_can_read(folder):
        mode = stat.S_IMODE(folder.stat().st_mode)
        return [
            Warning(
                _("Others may open the data folder %(folder)s (mode %(mode)s).")
                % {"folder": folder, "mode": f"{mode:o}"},
                hint=_("Run: chmod 700 %(folder)s") % {"folder": folder},
                id="zhaoshang.W002",
            )
        ]
    return []


@register()
def check_secret_files(app_configs=None, **kwargs):
    """Files found readable by others even after the start tried to narrow them: the
    service user does not own them (copied in by root, say)."""
    messages = []
    for path in datadir.secret_files(Path(settings.DATA_DIR), _sqlite_path()):
        if datadir.others_can_read(path) and not datadir.narrow(path):
            mode = stat.S_IMODE(path.stat().st_mode)
            messages.append(
                Warning(
                    _("%(file)s is readable by others (mode %(mode)s) and could not be narrowed.")
                    % {"file": path, "mode": f"{mode:o}"},
                    hint=_(
                        "It holds password hashes, sessions or keys. As its owner run: "
                        "chmod 600 %(file)s"
                    )
                    % {"file": path},
                    id="zhaoshang.W003",
                )
            )
    return messages


@register()
def check_debug_and_secret_key(app_configs=None, **kwargs):
    messages = []
    if settings.DEBUG:
        messages.append(
            Warning(
                _("DEBUG is on: errors show stack traces and settings to anyone."),
                hint=_("Unset DEBUG (or set DEBUG=0) outside development."),
                id="zhaoshang.W005",
            )
        )
    key = str(settings.SECRET_KEY)
    if (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        messages.append(
            Warning(
                _(
                    "SECRET_KEY is weak: fewer than %(length)s characters, fewer than "
                    "%(unique)s different ones, or Django's insecure example key."
                )
                % {"length": SECRET_KEY_MIN_LENGTH, "unique": SECRET_KEY_MIN_UNIQUE_CHARACTERS},
                hint=_(
                    "Unset SECRET_KEY to use the one generated in the data folder, or set "
                    "a long random one."
                ),
                id="zhaoshang.W006",
            )
        )
    return messages


@register(Tags.database)
def check_database(app_configs=None, databases=None, **kwargs):
    """The database answers, and SQLite is in WAL mode; Django runs these only when asked for a
    database (`check --database default`; `zhaoshang check` asks)."""
    if not databases or "default" not in databases:
        return []
    connection = connections["default"]
    messages = []
    try:
        if connection.vendor == "sqlite" and _sqlite_path(connection.settings_dict) is not None:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                mode = cursor.fetchone()[0]
            if mode.lower() != "wal":
                messages.append(
                    Warning(
                        _("SQLite is in %(mode)s mode, not WAL: readers wait for writers.")
                        % {"mode": mode},
                        hint=_(
                            "Keep the database on a local disk (WAL needs shared memory) "
                            "and make sure no other program holds it open."
                        ),
                        id="zhaoshang.W004",
                    )
                )
        else:
            connection.ensure_connection()
    except DatabaseError as exc:
        return [
            Error(
                _("The database cannot be reached: %(error)s") % {"error": exc},
                hint=_("Check DATABASE_URL, or the data folder for SQLite."),
                id="zhaoshang.E003",
            )
        ]
    return messages
