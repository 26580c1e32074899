"""The bulk inserter stores exactly what the ORM stores, including memoised values."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tests.factories import ProjectFactory
from zhaoshang.core import bulk
from zhaoshang.core.bulk import BulkInserter
from zhaoshang.projects.models import Project, StageDate

pytestmark = pytest.mark.django_db

FIELDS = ["project_id", "stage", "planned_on", "actual_on", "actual_precision", "recorded_at"]


def _rows(project_ids):
    """The same values twice over, with equal-but-different objects: 1.0 days, two time zones."""
    shanghai = timezone(timedelta(hours=8))
    instant = datetime(2024, 3, 1, 9, 30, tzinfo=shanghai)
    rows = []
    for i, pk in enumerate(project_ids):
        rows.append(
            {
                "project_id": pk,
                "stage": "signed" if i % 2 else "started",
                "planned_on": date(2023, 1 + i % 12, 1),
                "actual_on": None if i % 3 == 0 else date(2024, 1 + i % 12, 15),
                "actual_precision": "month",
                # the same instant written in UTC every other row
                "recorded_at": instant if i % 2 else instant.astimezone(UTC),
            }
        )
    return rows


def _stored(ids):
    return list(
        StageDate.objects.filter(project_id__in=ids)
        .order_by("project_id", "stage")
        .values_list(*[f for f in FIELDS], "planned_precision")
    )


def test_bulk_insert_matches_orm_and_memo():
    orm_projects = [ProjectFactory().pk for _ in range(6)]
    bulk_projects = [ProjectFactory().pk for _ in range(6)]
    for row in _rows(orm_projects):
        StageDate.objects.create(**row)
    inserter = BulkInserter(StageDate, FIELDS)
    assert inserter.insert(_rows(bulk_projects)) == 6
    orm = _stored(orm_projects)
    fast = _stored(bulk_projects)
    strip = [r[1:] for r in orm]
    assert strip == [r[1:] for r in fast]
    # default filled in for a column the caller did not set
    assert {r[-1] for r in fast} == {"day"}
    # the repeated dates and the instant were prepared once each
    memo_sizes = {key: len(memo) for key, memo in zip(inserter.keys, inserter.memo, strict=True)}
    assert memo_sizes["planned_on"] == 6
    assert memo_sizes["recorded_at"] == 1


def test_decimals_equal_in_value_store_alike(monkeypatch):
    monkeypatch.setattr(bulk, "MEMO_LIMIT", 2)  # the memo is cleared when full, never wrong
    inserter = BulkInserter(Project, ["code", "name", "unit_id", "industry_id", "stage",
                                      "total_investment_wan", "created_at", "updated_at"])  # fmt: skip
    values = [Decimal("1.0"), Decimal("1.00"), Decimal("2.5"), Decimal("123456.7891"),
              Decimal("1"), Decimal("2.50")]  # fmt: skip
    now = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        {"code": f"320582-2098-{i:04d}", "name": f"批量{i}", "unit_id": "320582103",
         "industry_id": "3841", "stage": "signed", "total_investment_wan": v,
         "created_at": now, "updated_at": now}
        for i, v in enumerate(values)
    ]  # fmt: skip
    inserter.insert(rows)
    stored = dict(
        Project.objects.filter(code__startswith="320582-2098-").values_list(
            "code", "total_investment_wan"
        )
    )
    assert [stored[r["code"]] for r in rows] == values
