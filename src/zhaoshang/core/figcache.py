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

By table (`cached(..., by_table=True)`): each commit also raises one counter per table it
wrote (rows of the same table, keyed by a hash of the table's name), and a figure keeps
the tables its computation read (every SELECT run while it is computed, nested figures'
tables included). Such a figure is reused after a write to tables it never read: the
cockpit's ledger figures stand while a clerk saves a month's report. A bump that names no
table (a TRUNCATE, a restore, `bump()` from a command or another tool) changes the
count of unexplained bumps and so still invalidates every figure. A caller opts in only
where everything the computation depends on is read inside it or is in its key.

The cached objects are shared between requests: callers treat them as read-only.
`ZHAOSHANG_FIGURE_CACHE=0` turns the cache off (every figure computed afresh);
`ZHAOSHANG_FIGURE_CACHE_ENTRIES` (64) bounds what each process keeps.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

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
GLOBAL = 1  # the row of the data version: raised by every bump
EXPLAINED = 2  # the row counting the bumps that named their tables
ANY_TABLE = "*"  # written: a statement that may change any table (TRUNCATE)
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
AFTER_FROM = re.compile(r"\b(?:FROM|JOIN)\s+[\"`]?(\w+)", re.IGNORECASE)


def _enabled() -> bool:
    return settings.ZHAOSHANG_FIGURE_CACHE


def keeps(alias: str = "default") -> bool:
    """Whether a figure computed now would be kept: the cache is on and the connection's
    transaction has not written (else `cached` computes afresh every time)."""
    return _enabled() and not pending(connections[alias])


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


def table_id(table: str) -> int:
    """The row of `table`'s counter (a hash of its name, above the two fixed rows; two
    tables sharing one only make each other's figures recomputed more often)."""
    return 16 + (zlib.crc32(table.encode()) & 0x3FFFFFFF)


def bump(alias: str = "default", tables: set[str] | None = None) -> None:
    """Raise the data version by one (in its own statement, outside any transaction), and
    with `tables` (those a commit wrote) their counters and the explained count with it.
    Without `tables` every figure is recomputed. A database without the table yet (during
    migrations) is left alone."""
    conn = connections[alias]
    named = bool(tables) and ANY_TABLE not in tables
    try:
        with conn.cursor() as cursor:
            if named:
                ids = sorted({EXPLAINED, *(table_id(t) for t in tables)})
                rows = ", ".join(["(%s, 0)"] * len(ids))
                if conn.vendor == "sqlite":
                    insert = f"INSERT OR IGNORE INTO {TABLE} (id, n) VALUES {rows}"
                else:
                    insert = (
                        f"INSERT INTO {TABLE} (id, n) VALUES {rows} ON CONFLICT (id) DO NOTHING"
                    )
                cursor.execute(insert, ids)
                # one statement: a reader sees the version and the tables' counters move together
                marks = ", ".join(["%s"] * (len(ids) + 1))
                cursor.execute(
                    f"UPDATE {TABLE} SET n = n + 1 WHERE id IN ({marks})", [GLOBAL, *ids]
                )
            else:
                cursor.execute(f"UPDATE {TABLE} SET n = n + 1 WHERE id = 1")
    except DatabaseError:
        if conn.in_atomic_block:
            raise
    if not named:
        _STORE.clear_alias(alias)


def move_past(before: int | None, alias: str = "default") -> None:
    """After the data was replaced wholesale (a restore): the version goes past both the
    restored one and `before`, so no figure kept under either is reused."""
    now = version(alias)
    if now is None:
        return
    with connections[alias].cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET n = %s WHERE id = 1", [max(now, before or 0) + 1])
        # the count of unexplained bumps (version - explained) goes past every earlier one,
        # whatever counters the restored data brought: no figure kept by table is reused
        cursor.execute(f"UPDATE {TABLE} SET n = 0 WHERE id = {EXPLAINED}")
    _STORE.clear_alias(alias)


_BUMPERS: dict[str, Callable[[], None]] = {}


def _bumper(alias: str) -> Callable[[], None]:
    if alias not in _BUMPERS:
        _BUMPERS[alias] = lambda: bump(alias, _take_written(connections[alias]))
    return _BUMPERS[alias]


def _take_written(conn) -> set[str]:
    """The tables the connection's transaction wrote, forgotten once taken (a rolled back
    transaction's leave some behind: the next commit then raises them too, harmlessly)."""
    written = conn.__dict__.pop("_figcache_written", None)
    return written or {ANY_TABLE}


def pending(conn) -> bool:
    """Whether the connection's open transaction has written data not yet committed."""
    if not conn.in_atomic_block:
        return False
    fn = _bumper(conn.alias)
    return any(entry[1] is fn for entry in conn.run_on_commit)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not isinstance(sql, str):
        return result
    table = written_table(sql)
    if table is not None:
        conn = context["connection"]
        if sql.lstrip()[:8].upper() == "TRUNCATE":
            table = ANY_TABLE
        if not conn.in_atomic_block:
            bump(conn.alias, {table})
        else:
            conn.__dict__.setdefault("_figcache_written", set()).add(table)
            if not pending(conn):
                transaction.on_commit(_bumper(conn.alias), using=conn.alias, robust=True)
    elif _RECORDING.stack:
        found = _tables_read(sql)
        for tables in _RECORDING.stack:
            tables |= found
    return result


_NAMES: frozenset[str] | None = None


def _table_names() -> frozenset[str]:
    global _NAMES
    if _NAMES is None:
        from django.apps import apps

        _NAMES = frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    return _NAMES


def _tables_read(sql: str) -> set[str]:
    """The tables a statement may read: every word that is a model's table, and whatever
    follows FROM or JOIN (a table of no model). More than it reads costs only reuse."""
    names = _table_names()
    found = {w for w in WORD.findall(sql) if w in names}
    found.update(AFTER_FROM.findall(sql))
    return found


class _Recording(threading.local):
    def __init__(self) -> None:
        self.stack: list[set[str]] = []


_RECORDING = _Recording()


def _on_connect(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """Watch every connection, those open already and those opened later."""
    connection_created.connect(_on_connect, dispatch_uid="zhaoshang-figcache")
    for conn in connections.all(initialized_only=True):
        _on_connect(None, conn)


def _versions(alias: str) -> dict[int, int] | None:
    """Every counter (the version, the explained count, each written table's), in one
    statement; None where there is no table yet. The version's row is put back if
    something emptied the table (a test database flushed)."""
    with connections[alias].cursor() as cursor:
        try:
            cursor.execute(f"SELECT id, n FROM {TABLE}")
            found = dict(cursor.fetchall())
            if GLOBAL not in found:
                cursor.execute(f"INSERT INTO {TABLE} (id, n) VALUES (1, 1)")
                found = {GLOBAL: 1}
        except DatabaseError:
            return None
    return found


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


class _Entry:
    """A kept figure: the version it was computed under, the count of unexplained bumps
    then, and (by table) the counters of the tables it read; None: reused only under the
    same version."""

    __slots__ = ("at", "deps", "stored", "tables", "unexplained", "value")

    def __init__(self, at, unexplained, deps: dict[int, int] | None, tables: frozenset, value):
        self.at, self.unexplained, self.deps, self.value = at, unexplained, deps, value
        self.tables = tables  # what it read, for the figures computed from it
        self.stored = time.monotonic()

    def valid(self, versions: dict[int, int]) -> bool:
        if time.monotonic() - self.stored > TTL_SECONDS:
            return False
        at = versions[GLOBAL]
        if self.at == at:
            return True
        if self.deps is None or self.unexplained != at - versions.get(EXPLAINED, 0):
            return False
        if any(versions.get(row, 0) != n for row, n in self.deps.items()):
            return False
        self.at = at  # nothing it read has changed: the next check is the quick one
        return True


class _Store:
    """A small LRU of (key → _Entry), shared by the threads."""

    def __init__(self) -> None:
        self.items: OrderedDict[tuple, _Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple, versions: dict[int, int]) -> _Entry | None:
        with self.lock:
            found = self.items.get(key)
            if found is None or not found.valid(versions):
                self.misses += 1
                return None
            self.items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple, entry: _Entry) -> None:
        with self.lock:
            self.items[key] = entry
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


def cached(
    name: str,
    key: Hashable,
    compute: Callable[[], T],
    *,
    alias: str = "default",
    by_table: bool = False,
) -> T:
    """`compute()`, or the value it gave for the same `name` and `key` at the current data
    version, date (a month still running is as of today) and language. Afresh, and not kept,
    inside a transaction that has written, or when the cache is off.

    `by_table`: also reused after writes to tables the computation did not read (see the
    module's docstring); only where all it depends on is read inside `compute` or is in
    `key`."""
    conn = connections[alias]
    if not _enabled() or pending(conn):
        return compute()
    versions = _versions(alias)
    if versions is None:
        return compute()
    # the date (a running month is as of today) and the language (texts are formatted)
    full = (
        alias, name, key, timezone.localdate().isoformat(), translation.get_language(),
        settings.ZHAOSHANG_HOME_COUNTY,  # "local" is read against it
        getattr(settings, "ZHAOSHANG_HOME_REGION", ""),  # what "the whole" region is
    )  # fmt: skip
    found = _STORE.get(full, versions)
    if found is not None:
        for tables in _RECORDING.stack:  # a figure computed from this one read its tables
            tables |= found.tables
        return found.value
    read: set[str] = set()
    _RECORDING.stack.append(read)
    try:
        value = compute()
    finally:
        _RECORDING.stack.pop()
    for tables in _RECORDING.stack:
        tables |= read
    if not pending(conn):
        at = versions[GLOBAL]
        deps = None
        if by_table:
            deps = {row: versions.get(row, 0) for row in {table_id(t) for t in read}}
        _STORE.put(full, _Entry(at, at - versions.get(EXPLAINED, 0), deps, frozenset(read), value))
    return value
