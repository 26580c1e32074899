"""The month's reports as the facts hold them: on time or late, and the local day a late
one came (read in the one query of the month's reports, on SQLite and PostgreSQL)."""

import datetime

import pytest

from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.progress import facts
from zhaoshang.progress.months import Month

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_a_late_report_keeps_the_local_day_it_came_and_an_on_time_one_none():
    on_time, late, last_minute = (PlanFactory().project for _ in range(3))
    ReportFactory(project=on_time, month=5, reported_at=_at(2023, 6, 3, 9))
    # due by 10 June (the default due day): the 11th in Shanghai is late, though still
    # the 10th in UTC; the last minute of the 10th is on time
    ReportFactory(project=late, month=5, reported_at=_at(2023, 6, 11, 0, 30))
    ReportFactory(project=last_minute, month=5, reported_at=_at(2023, 6, 10, 23, 59))

    found = facts.load(Month(2023, 5))

    reports = {pk: found[pk].report for pk in (on_time.pk, late.pk, last_minute.pk)}
    assert [(r.on_time, r.reported_on) for r in reports.values()] == [
        (True, None),
        (False, datetime.date(2023, 6, 11)),
        (True, None),
    ]
