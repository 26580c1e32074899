"""The demo's batch events: the seed's 开门红 first-quarter batch reported (100 projects,
597.2亿元, a true fact), and a December 2023 集中竣工 planned (synthetic, marked)."""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.progress.demo import KMH_EVENT
from zhaoshang.progress.event_demo import PLANNED_NAME, load_events
from zhaoshang.progress.events import event_report, propose
from zhaoshang.projects.models import BatchEvent

pytestmark = pytest.mark.django_db


def test_events_plan_demo_kaimenhong_is_reported_with_its_totals(demo_once):
    event = BatchEvent.objects.get(name=KMH_EVENT)
    assert (event.status, event.window_start, event.window_end) == (
        "reported",
        datetime.date(2023, 1, 1),
        datetime.date(2023, 3, 31),
    )
    report = event_report(event)
    assert (report.count, report.total_wan) == (100, Decimal("5972000"))
    assert (report.done_count, report.done_total_wan) == (100, Decimal("5972000"))
    assert event.declared_total_wan == report.total_wan  # the published figure
    assert not event.is_synthetic  # the event is a fact; its projects are marked


def test_events_plan_demo_planned_event(demo_once):
    event = BatchEvent.objects.get(name=PLANNED_NAME)
    assert (event.status, event.kind, event.is_synthetic) == ("published", "completion", True)
    assert "（合成）" in event.name
    codes = set(event.projects.values_list("code", flat=True))
    proposed = {c.project.code for c in propose("completion", "2023-12")}
    assert codes and codes <= proposed
    load_events()  # idempotent
    assert BatchEvent.objects.filter(name=PLANNED_NAME).count() == 1
    assert set(event.projects.values_list("code", flat=True)) == codes
