"""Figures are reused only while the data they were computed from stands: every committed
write, whichever way it is made, raises the data version; a rolled-back one does not."""

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.factories import ProjectFactory, UserFactory
from zhaoshang.core import figcache
from zhaoshang.core.models import Source


@pytest.mark.parametrize(
    "sql, table",
    [
        ('INSERT INTO "projects_project" ("code") VALUES (%s)', "projects_project"),
        ("insert or replace into progress_monthlyprogress values (1)", "progress_monthlyprogress"),
        ('UPDATE "progress_annualplan" SET "year" = 2023', "progress_annualplan"),
        ('  DELETE FROM "chains_placement" WHERE id = 1', "chains_placement"),
        ('TRUNCATE "auth_user", "projects_project" CASCADE', "auth_user"),
        ("SELECT * FROM projects_project", None),
        ('UPDATE "django_session" SET "expire_date" = %s', None),
        ('UPDATE "auth_user" SET "last_login" = %s', None),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', None),
        ("UPDATE core_dataversion SET n = n + 1 WHERE id = 1", None),
    ],
)
def test_figcache_written_table(sql, table):
    assert figcache.written_table(sql) == table


def _source(title="x"):
    return Source.objects.create(title=title, url="https://example.org/a")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_figcache_commit_bumps_rollback_does_not(fresh):
    start = figcache.version()
    _source()  # autocommit: raised at once
    assert figcache.version() == start + 1
    with transaction.atomic():
        _source()
        _source()
        assert figcache.pending(connection)
        assert figcache.version() == start + 1  # not before the commit
    assert figcache.version() == start + 2  # once per transaction
    assert not figcache.pending(connection)
    with pytest.raises(RuntimeError), transaction.atomic():
        _source()
        raise RuntimeError
    assert figcache.version() == start + 2  # rolled back: nothing changed, nothing raised
    # a savepoint rolled back after an earlier write keeps the transaction's bump
    with transaction.atomic():
        _source()
        with pytest.raises(RuntimeError), transaction.atomic():
            _source()
            raise RuntimeError
    assert figcache.version() == start + 3
    # a savepoint rolled back with the only write: its later write is still seen
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            _source()
            raise RuntimeError
        assert not figcache.pending(connection)
        _source()
    assert figcache.version() == start + 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_figcache_reuses_until_a_write(fresh):
    calls = []

    def compute():
        calls.append(1)
        return Source.objects.count()

    assert figcache.cached("t", 1, compute) == 0
    assert figcache.cached("t", 1, compute) == 0
    assert len(calls) == 1
    _source()
    assert figcache.cached("t", 1, compute) == 1
    assert len(calls) == 2
    # inside a transaction that has written: afresh each time (read your own writes), never kept
    with transaction.atomic():
        _source()
        assert figcache.cached("t", 1, compute) == 2
        assert figcache.cached("t", 1, compute) == 2
        assert len(calls) == 4
        transaction.set_rollback(True)
    assert figcache.cached("t", 1, compute) == 1
    assert len(calls) == 4  # rolled back: the data stands as it was, the figure too
    # a write by another process raises the shared version: seen at the next read
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_dataversion SET n = n + 1 WHERE id = 1")
    figcache.cached("t", 1, compute)
    assert len(calls) == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_figcache_off(fresh, settings):
    settings.ZHAOSHANG_FIGURE_CACHE = False
    calls = []
    for _ in range(3):
        figcache.cached("t", 1, lambda: calls.append(1))
    assert len(calls) == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_figcache_cockpit_shows_a_new_project_at_once(fresh):
    """The cockpit's count is cached between reads and moves with the first write after."""
    UserFactory(username="leader", role="leader")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory._meta.model.objects.get(username="leader"))

    def count():
        r = client.get("/")
        assert r.status_code == 200
        return r.context["s"]["n"]

    before = count()
    assert count() == before
    hits = figcache.stats()["hits"]
    count()
    assert figcache.stats()["hits"] > hits  # the second read reused the figures
    ProjectFactory(code="FC-1", name="缓存测试项目")
    assert count() == before + 1
    Source.objects.filter(title="nothing").update(title="still nothing")  # no row: same data
    ProjectFactory._meta.model.objects.filter(code="FC-1").delete()
    assert count() == before
