"""Trigram indexes for the ledger's search on PostgreSQL: `name__icontains` is
`UPPER(name) LIKE UPPER('%…%')`, which no plain index serves; a GIN index of trigrams of
UPPER(name) does (Chinese included: pg_trgm hashes each three-character run). At 10^5
projects a search read every project and every investor's firm (0.6 s); now the index.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. Where
the role may not, the search still works, by reading the table, and this says so.
SQLite has no such index; its scan of 10^5 names takes about 0.1 s."""

from django.db import migrations

INDEXES = {
    "projects_project_name_trgm": "projects_project",
    "enterprises_enterprise_name_trgm": "enterprises_enterprise",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("SAVEPOINT trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT trgm")
            except Exception as exc:  # noqa: BLE001 - any refusal: keep going without it
                cursor.execute("ROLLBACK TO SAVEPOINT trgm")
                print(f"\n  pg_trgm not available ({exc}); project search reads the table")
                return
    for name, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            "USING gin (UPPER(name::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_dataversion"),
        ("projects", "0001_initial"),
        ("enterprises", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
