"""Figures computed once per state of the data, in each server process.

A leader's page asks for the same month's figures over and over while nobody writes;
computing them again each time reads every plan of the year. Here a computed figure is
kept, in this process's memory, under the data's *version*: a number in the database
(`core.DataVersion`) that goes up after every committed write to the data. A figure is
reused only while the version it was computed under is still the current one, so no
page ever shows a figure older than the last committed write.

How every write is seen, whichever way it is made (form, API, import, admin, command,
raw SQL through Django's connection): an execute wrapper on every database connection
looks at each statement; an INSERT, UPDATE, DELETE, REPLACE or TRUNCATE of a table of
the data (not of sessions, sign-in records or the version itself) bumps the version,
right away outside a transaction, or once the transaction commits (`on_commit`: a rolled
back transaction changes nothing and bumps nothing). Another process's writes bump the
same row, so every process sees them at its next request.

Inside a transaction that has written, the figures are computed afresh (a user reads
their own writes before they commit), and never stored.

The cached objects are shared between requests: callers treat them as read-only.
`ZHAOSHANG_FIGURE_CACHE=0` turns the cache off (every figure computed afresh);
`ZHAOSHANG_FIGURE_CACHE_ENTRIES` (64) bounds what each process keeps.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone, translation

T = TypeVar("T")

TABLE = "core_dataversion"
# bookkeeping that no figure reads: sessions, sign-in throttling, the admin's log, the
# users' own rows (last_login on every sign-in), the version itself, import jobs' progress
IGNORED = re.compile(
    r"^(django_session|django_admin_log|axes_\w+|auth_user|core_dataversion|excel_importjob)$"
)
WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|"
    r"DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?[\"`]?(\w+)",
    re.IGNORECASE,
)
TTL_SECONDS = 600  # a bound on any miss of a bump (a process killed between commit and bump)


def _enabled() -> bool:
    return settings.ZHAOSHANG_FIGURE_CACHE


def written_table(sql: str) -> str | None:
    """The table a data-changing statement writes, None for reads and for bookkeeping.

    >>> written_table('UPDATE "projects_project" SET name = %s')
    'projects_project'
    >>> written_table('SELECT 1') is None, written_table('DELETE FROM "django_session"') is None
    (True, True)
    """
    m = WRITE.match(sql)
    if m is None:
        return None
    table = m.group(1)
    if m.group(0).lstrip()[:8].upper() == "TRUNCATE":
        return table  # a flush empties many tables at once: always a change
    return None if IGNORED.match(table) else table


def bump(alias: str = "default") -> None:
    """Raise the data version by one (in its own statement, outside any transaction).
    A database without the table yet (during migrations) is left alone."""
    conn = connections[alias]
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET n = n + 1 WHERE id = 1")
    except DatabaseError:
        if conn.in_atomic_block:
            raise
    _STORE.clear_alias(alias)


def move_past(before: int | None, alias: str = "default") -> None:
    """After the data was replaced wholesale (a restore): the version goes past both the
    restored one and `before`, so no figure kept under either is reused."""
    now = version(alias)
    if now is None:
        return
    with connections[alias].cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET n = %s WHERE id = 1", [max(now, before or 0) + 1])
    _STORE.clear_alias(alias)


_BUMPERS: dict[str, Callable[[], None]] = {}


def _bumper(alias: str) -> Callable[[], None]:
    if alias not in _BUMPERS:
        _BUMPERS[alias] = lambda: bump(alias)
    return _BUMPERS[alias]


def pending(conn) -> bool:
    """Whether the connection's open transaction has written data not yet committed."""
    if not conn.in_atomic_block:
        return False
    fn = _bumper(conn.alias)
    return any(entry[1] is fn for entry in conn.run_on_commit)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and written_table(sql) is not None:
        conn = context["connection"]
        if not conn.in_atomic_block:
            bump(conn.alias)
        elif not pending(conn):
            transaction.on_commit(_bumper(conn.alias), using=conn.alias, robust=True)
    return result


def _on_connect(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """Watch every connection, those open already and those opened later."""
    connection_created.connect(_on_connect, dispatch_uid="zhaoshang-figcache")
    for conn in connections.all(initialized_only=True):
        _on_connect(None, conn)


def version(alias: str = "default") -> int | None:
    """The data version; None where there is no table yet (during migrations). The row is
    put back if something emptied the table (a test database flushed)."""
    with connections[alias].cursor() as cursor:
        try:
            cursor.execute(f"SELECT n FROM {TABLE} WHERE id = 1")
            row = cursor.fetchone()
            if row is None:
                cursor.execute(f"INSERT INTO {TABLE} (id, n) VALUES (1, 1)")
                row = (1,)
        except DatabaseError:
            return None
    return row[0]


class _Store:
    """A small LRU of (key → (version, stored at, value)), shared by the threads."""

    def __init__(self) -> None:
        self.items: OrderedDict[tuple, tuple[int, float, Any]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple, at: int) -> tuple[bool, Any]:
        with self.lock:
            found = self.items.get(key)
            if found is None or found[0] != at or time.monotonic() - found[1] > TTL_SECONDS:
                self.misses += 1
                return False, None
            self.items.move_to_end(key)
            self.hits += 1
            return True, found[2]

    def put(self, key: tuple, at: int, value: Any) -> None:
        with self.lock:
            self.items[key] = (at, time.monotonic(), value)
            self.items.move_to_end(key)
            while len(self.items) > settings.ZHAOSHANG_FIGURE_CACHE_ENTRIES:
                self.items.popitem(last=False)

    def clear_alias(self, alias: str) -> None:
        """Drop this process's entries of a database at once after its own bump (others'
        entries go stale by version at their next read)."""
        with self.lock:
            for key in [k for k in self.items if k[0] == alias]:
                del self.items[key]

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_STORE = _Store()


def clear() -> None:
    _STORE.clear()


def stats() -> dict[str, int]:
    return {"entries": len(_STORE.items), "hits": _STORE.hits, "misses": _STORE.misses}


def cached(name: str, key: Hashable, compute: Callable[[], T], *, alias: str = "default") -> T:
    """`compute()`, or the value it gave for the same `name` and `key` at the current data
    version, date (a month still running is as of today) and language. Afresh, and not kept, inside a
    transaction that has written, or when the cache is off."""
    conn = connections[alias]
    if not _enabled() or pending(conn):
        return compute()
    at = version(alias)
    if at is None:
        return compute()
    # the date (a running month is as of today) and the language (texts are formatted)
    full = (
        alias, name, key, timezone.localdate().isoformat(), translation.get_language(),
        settings.ZHAOSHANG_HOME_COUNTY,  # "local" is read against it
        getattr(settings, "ZHAOSHANG_HOME_REGION", ""),  # what "the whole" region is
    )  # fmt: skip
    hit, value = _STORE.get(full, at)
    if hit:
        return value
    value = compute()
    if not pending(conn):
        _STORE.put(full, at, value)
    return value
