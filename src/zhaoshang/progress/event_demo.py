"""Demo batch events (issue 17): the seed's 开门红 meeting as a reported event, and one
planned event built by the planner the way a user builds it.

- The January 2023 开门红 meeting (a true fact: 100 first-quarter start and completion
  projects, 597.2亿元) gets its window, the first quarter, and is marked reported; its
  report is computed from its (synthetic, marked) projects' stage dates like any other.
- 2023年12月重大项目集中竣工（合成）: an invented event, marked synthetic, holding the
  projects the planner proposed as ready to complete in December 2023 when the demo was
  loaded (before the 要素 checklists' demo: the planner page shows today's blockers),
  published. The
  demo's data ends with December 2023 (`demo.facts.LATEST_MONTH`), so it is the latest
  month an event can be planned for without inventing dates past it.

`load_events()` is idempotent: it changes nothing once the events are there.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from zhaoshang.demo.facts import LATEST_MONTH
from zhaoshang.progress.events import propose
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import BatchEvent, BatchKind, EventStatus
from zhaoshang.regions.home import home_county_code

KMH_WINDOW = (datetime.date(2023, 1, 1), datetime.date(2023, 3, 31))  # 一季度
PLANNED_MONTH = Month(*LATEST_MONTH)
PLANNED_NAME = f"{PLANNED_MONTH.year}年{PLANNED_MONTH.month}月重大项目集中竣工（合成）"
PLANNED_PLACE = "（合成）张家港经济技术开发区"


@transaction.atomic
def load_events() -> None:
    from zhaoshang.progress.demo import KMH_EVENT

    kmh = BatchEvent.objects.filter(name=KMH_EVENT).first()
    if kmh is not None and kmh.window_start is None:
        kmh.window_start, kmh.window_end = KMH_WINDOW
        kmh.status = EventStatus.REPORTED
        kmh.reported_at = timezone.make_aware(datetime.datetime(2023, 4, 10, 10))
        kmh.save(update_fields=["window_start", "window_end", "status", "reported_at"])
    if BatchEvent.objects.filter(name=PLANNED_NAME).exists():
        return
    ready = [c.project.pk for c in propose(BatchKind.COMPLETION, PLANNED_MONTH) if c.ready]
    if not ready:
        return
    event = BatchEvent.objects.create(
        name=PLANNED_NAME,
        kind=BatchKind.COMPLETION,
        date=datetime.date(PLANNED_MONTH.year, PLANNED_MONTH.month, 18),
        date_precision="day",
        place=PLANNED_PLACE,
        unit_id=home_county_code(),  # the article's events are Zhangjiagang's
        status=EventStatus.PUBLISHED,
        window_start=PLANNED_MONTH.first_day,
        window_end=PLANNED_MONTH.last_day,
        is_synthetic=True,
        published_at=timezone.make_aware(datetime.datetime(2023, 11, 20, 10)),
    )
    event.projects.add(*ready)
