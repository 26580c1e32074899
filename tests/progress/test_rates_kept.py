"""The rates page's rows are kept by table (`rates.compute_kept`): reused while nothing
they read is written, and moved at once by a committed monthly report or a new plan."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import JINFENG, ProjectFactory, UserFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.core import figcache
from zhaoshang.core.models import Source
from zhaoshang.progress.models import MonthlyProgress

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _planned(code: str, done: str):
    project = ProjectFactory(code=code, unit_id=JINFENG, stage="started")
    PlanFactory(
        project=project,
        planned_investment_wan=Decimal("1000"),
        planned_start=datetime.date(2023, 1, 1),
    )
    return ReportFactory(project=project, month=6, completed_wan=Decimal(done))


def test_rates_page_is_kept_until_a_table_it_reads_is_written(fresh):
    report = _planned("RK-1", "100")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(username="leader", role="leader"))

    def read():
        total = client.get("/progress/rates/", {"month": "2023-06"}).context["total"]
        return total.projects, total.completed_wan

    assert read() == (1, Decimal("100"))
    kept = [key for key in figcache._STORE.items if key[1] == "progress.rates"]
    assert len(kept) == 1
    before = figcache.stats()
    Source.objects.create(title="x", url="https://example.org/a")  # a table it never read
    assert read() == (1, Decimal("100"))
    after = figcache.stats()
    assert (after["misses"], after["hits"] > before["hits"]) == (before["misses"], True)
    MonthlyProgress.objects.filter(pk=report.pk).update(completed_wan=Decimal("250"))
    assert read() == (1, Decimal("250"))
    _planned("RK-2", "50")
    assert read() == (2, Decimal("300"))
