"""Insert many rows fast, for demo and benchmark loads of 10^5 rows and more (and, on
PostgreSQL, 10^7 with `BulkInserter.copy`).

`bulk_create` builds each statement through the ORM's compiler and, on SQLite,
packs only ~16 rows of a 60-column table into one statement. Here the SQL is
built once and the rows go to the driver's `executemany`; columns the caller
does not set get their model default, prepared once. Values go through each
field's `get_db_prep_save`, so dates, aware datetimes and decimals are stored
exactly as the ORM would store them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Fields whose prepared value is the Python value itself when it has the plain type below.
PASS_THROUGH = {
    "CharField", "TextField", "SlugField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
    "BooleanField", "ForeignKey",
}  # fmt: skip
PLAIN = (str, int, bool)
# Hashable values whose prepared form depends only on the value: equal values (1.0 and 1.00, or
# one instant in two time zones) are stored alike, so each distinct value is prepared once.
MEMO = (Decimal, date, datetime)
MEMO_LIMIT = 1 << 16


class BulkInserter:
    def __init__(self, model: type[models.Model], varying: Iterable[str]):
        varying = list(varying)
        connection = self.connection = connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        # the primary key only when the caller gives it (a bulk load that links rows by id)
        self.fields = [
            f for f in meta.concrete_fields
            if not f.primary_key or f.name in varying or f.attname in varying
        ]  # fmt: skip
        names = {f.name for f in self.fields} | {f.attname for f in self.fields}
        unknown = set(varying) - names
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        self.varying = [f for f in self.fields if f.attname in varying or f.name in varying]
        self.keys = [f.attname if f.attname in varying else f.name for f in self.varying]
        self.template = [
            None if f in self.varying else f.get_db_prep_save(f.get_default(), connection)
            for f in self.fields
        ]
        self.positions = [self.fields.index(f) for f in self.varying]
        self.plain = [f.get_internal_type() in PASS_THROUGH for f in self.varying]
        self.memo: list[dict[tuple[type, Any], Any]] = [{} for _ in self.varying]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"
        self.copy_sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"

    def row(self, values: Mapping[str, Any]) -> list[Any]:
        row = list(self.template)
        fields = zip(self.positions, self.varying, self.keys, self.plain, self.memo, strict=True)
        for pos, field, key, plain, memo in fields:
            value = values.get(key)
            if value is None and key not in values:
                value = field.get_default()
            kind = type(value)
            if value is None or (plain and kind in PLAIN):
                row[pos] = value
            elif kind in MEMO:
                try:
                    row[pos] = memo[kind, value]
                except KeyError:
                    if len(memo) >= MEMO_LIMIT:
                        memo.clear()
                    row[pos] = memo[kind, value] = field.get_db_prep_save(value, self.connection)
            else:
                row[pos] = field.get_db_prep_save(value, self.connection)
        return row

    def insert(self, rows: Iterable[Mapping[str, Any]]) -> int:
        prepared = [self.row(r) for r in rows]
        if prepared:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)
        return len(prepared)

    def copy(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """PostgreSQL only: stream `rows` in one `COPY … FROM STDIN` (psycopg's copy API),
        prepared as `insert` prepares them; rows are generated while the server stores
        the ones before, nothing held in memory (5.6x `insert`'s rate into the monthly
        reports of a 10^6-project province: bench/province.py)."""
        n = 0
        with self.connection.cursor() as cursor:
            with cursor.cursor.copy(self.copy_sql) as copy:
                for values in rows:
                    copy.write_row(self.row(values))
                    n += 1
        return n


# Rows SQLite samples per index when gathering statistics: enough for the planner to
# choose between a table's indexes, and quick (about 10 ms for 10^5 projects).
SAMPLE_ROWS = 1000


def refresh_statistics(*, after_bulk_load: bool = False) -> None:
    """Give the query planner current table statistics.

    Without them SQLite reads a project's wide row for every stage date the cockpit joins,
    where a covering index holds all it needs (3x slower at 10^5 projects). On SQLite this
    samples each index (`PRAGMA analysis_limit`); PostgreSQL's autovacuum keeps its own
    statistics, so there it runs only after a bulk load, which autovacuum sees late.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA analysis_limit = {SAMPLE_ROWS}")
            cursor.execute("ANALYZE")
    elif after_bulk_load:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
