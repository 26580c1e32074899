"""Indexes the pages at 10^5 projects rely on are present and chosen."""

import pytest
from django.db import connection

from zhaoshang.projects.models import Project
from zhaoshang.projects.queries import order_ledger

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL-only index")
def test_ledger_first_page_can_be_read_in_index_order():
    qs = order_ledger(Project.objects.select_related("unit", "industry"))[:50]  # default order
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # tiny test tables: make a sort look dear
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "project_ledger_order_idx" in plan, plan
