"""Figures kept by table (`figcache.cached(..., by_table=True)`): reused after a committed
write to a table they never read, computed again after a write to any table they read
(their nested figures' included), after a rolled-back write nothing changes, and a bump
that names no table (another tool, a TRUNCATE, a restore) still invalidates them all."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.factories import JINFENG, ProjectFactory, UserFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.core import figcache
from zhaoshang.core.models import Source
from zhaoshang.progress.models import MonthlyProgress
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _source(title="x"):
    return Source.objects.create(title=title, url="https://example.org/a")


def _counter(calls, name="sources"):
    def compute():
        calls.append(name)
        return Source.objects.count()

    return compute


def test_figcache_tables_read_are_recorded():
    assert figcache._tables_read(
        'SELECT COUNT(*) FROM "core_source" INNER JOIN projects_project p ON p.id = 1 '
        "WHERE x IN (SELECT 1 FROM some_view)"
    ) >= {"core_source", "projects_project", "some_view"}


def test_figcache_by_table_reused_after_a_write_elsewhere(fresh):
    calls = []
    compute = _counter(calls)
    assert figcache.cached("s", 1, compute, by_table=True) == 0
    ProjectFactory(code="FT-1")  # committed, to tables the figure did not read
    assert figcache.cached("s", 1, compute, by_table=True) == 0
    assert calls == ["sources"]
    # a figure kept by version alone is computed again after the same write
    plain = []
    figcache.cached("p", 1, _counter(plain))
    ProjectFactory(code="FT-2")
    figcache.cached("p", 1, _counter(plain))
    assert len(plain) == 2
    _source()  # a table it read: computed again, never stale
    assert figcache.cached("s", 1, compute, by_table=True) == 1
    assert calls == ["sources", "sources"]
    Source.objects.update(title="changed")
    assert figcache.cached("s", 1, compute, by_table=True) == 1
    assert len(calls) == 3


def test_figcache_by_table_sees_the_tables_of_nested_figures(fresh):
    inner_calls, outer_calls = [], []

    def outer():
        outer_calls.append(1)
        # the inner figure is kept already: its tables count as read by this one
        return figcache.cached("inner", 1, _counter(inner_calls)) + Project.objects.count()

    figcache.cached("inner", 1, _counter(inner_calls))
    assert figcache.cached("outer", 1, outer, by_table=True) == 0
    assert (len(inner_calls), len(outer_calls)) == (1, 1)
    _source()
    assert figcache.cached("outer", 1, outer, by_table=True) == 1
    assert len(outer_calls) == 2
    ProjectFactory(code="FT-3")  # its own read
    assert figcache.cached("outer", 1, outer, by_table=True) == 2
    assert len(outer_calls) == 3


def test_figcache_by_table_transactions(fresh):
    calls = []
    compute = _counter(calls)
    figcache.cached("s", 1, compute, by_table=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        _source()
        raise RuntimeError
    assert figcache.cached("s", 1, compute, by_table=True) == 0
    assert len(calls) == 1  # rolled back: nothing changed
    with transaction.atomic():
        ProjectFactory(code="FT-4")
        _source()  # two tables in one transaction: both raised at the commit
    assert figcache.cached("s", 1, compute, by_table=True) == 1
    assert len(calls) == 2


@pytest.mark.parametrize("how", ["bump", "raw", "truncate", "move_past"])
def test_figcache_by_table_a_bump_naming_no_table_invalidates_all(fresh, how):
    calls = []
    compute = _counter(calls)
    figcache.cached("s", 1, compute, by_table=True)
    ProjectFactory(code="FT-6")
    figcache.cached("s", 1, compute, by_table=True)
    assert len(calls) == 1
    if how == "bump":
        figcache.bump()
    elif how == "raw":  # another process, or a tool that knows only the version
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_dataversion SET n = n + 1 WHERE id = 1")
    elif how == "truncate":
        if connection.vendor != "postgresql":
            pytest.skip("TRUNCATE is PostgreSQL's")
        with connection.cursor() as cursor:
            cursor.execute('TRUNCATE "chains_supplylink"')
    else:
        figcache.move_past(figcache.version())
    figcache.cached("s", 1, compute, by_table=True)
    assert len(calls) == 2
    ProjectFactory(code="FT-7")  # and by table again after it
    figcache.cached("s", 1, compute, by_table=True)
    assert len(calls) == 2


def test_figcache_cockpit_keeps_the_ledger_figures_when_a_report_is_saved(fresh):
    """A clerk's report moves the cockpit's completion at once; the ledger's figures are
    not computed again for it, and move at once with a project saved."""
    UserFactory(username="leader", role="leader")
    project = ProjectFactory(code="FT-10", unit_id=JINFENG, stage="started")
    PlanFactory(
        project=project,
        year=2023,
        planned_investment_wan=Decimal("1000"),
        planned_start=datetime.date(2023, 1, 1),
    )
    report = ReportFactory(project=project, month=6, completed_wan=Decimal("100"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory._meta.model.objects.get(username="leader"))

    def read():
        r = client.get("/", {"month": "2023-06"})
        assert r.status_code == 200
        return r.context["p"].rates.completed_wan, r.context["s"]["n"]

    assert read() == (Decimal("100"), 1)
    misses = figcache.stats()["misses"]
    MonthlyProgress.objects.filter(pk=report.pk).update(completed_wan=Decimal("250"))
    assert read() == (Decimal("250"), 1)
    computed = figcache.stats()["misses"] - misses
    misses = figcache.stats()["misses"]
    figcache.bump()  # every figure afresh: more of them computed than after the report
    assert read() == (Decimal("250"), 1)
    assert figcache.stats()["misses"] - misses > computed
    ProjectFactory(code="FT-11", unit_id=JINFENG)
    assert read() == (Decimal("250"), 2)
