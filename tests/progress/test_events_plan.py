"""Batch events planned ahead (progress.events, progress.event_services): proposals with
their blockers, draft → published → reported with history, and the computed report."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import BAOSHUI, ProjectFactory
from tests.progress.factories import DepartmentFactory, PlanFactory
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.dossier.models import Approval, ApprovalStatus
from zhaoshang.progress import event_services
from zhaoshang.progress.events import event_report, event_window, propose
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import BatchEvent, StageDate

pytestmark = pytest.mark.django_db
D = datetime.date


def _dated(project, stage, actual=None, planned=None):
    StageDate.objects.update_or_create(
        project=project, stage=stage, defaults={"actual_on": actual, "planned_on": planned}
    )
    return project


@pytest.fixture
def planned():
    """September 2023: three planned starts (one blocked by 环评, one paused), one
    completion of a project not started, one start already done in August (not proposed),
    one planned in October; a signing planned in the ledger."""
    ready = ProjectFactory(code="P-READY", name="就绪", stage="signed")
    PlanFactory(project=ready, planned_start=D(2023, 9, 1))
    eia = ProjectFactory(code="P-EIA", name="环评未批", stage="signed")
    PlanFactory(project=eia, planned_start=D(2023, 9, 1))
    Approval.objects.create(
        project=eia,
        item="eia",
        department=DepartmentFactory(name="苏州市张家港生态环境局", short_name="生态环境局"),
        planned_on=D(2023, 8, 15),
        status=ApprovalStatus.IN_PROGRESS,
    )
    # an item due after the month does not block
    Approval.objects.create(project=ready, item="utilities", planned_on=D(2023, 11, 1))
    paused = ProjectFactory(code="P-PAUSED", name="暂停", status="paused", unit_id=BAOSHUI)
    PlanFactory(project=paused, planned_start=D(2023, 9, 1))
    unstarted = ProjectFactory(code="P-DONE-LATE", name="未开工待竣工", stage="signed")
    PlanFactory(project=unstarted, planned_completion=D(2023, 9, 1))
    early = ProjectFactory(code="P-EARLY", name="八月已开工", stage="started")
    PlanFactory(project=early, planned_start=D(2023, 9, 1))
    _dated(early, "started", actual=D(2023, 8, 20))
    october = ProjectFactory(code="P-OCT", name="十月开工")
    PlanFactory(project=october, planned_start=D(2023, 10, 1))
    dropped = ProjectFactory(code="P-DROPPED", status="dropped")
    PlanFactory(project=dropped, planned_start=D(2023, 9, 1))
    # the ledger's planned stage date, no plan
    ledger_only = ProjectFactory(code="P-LEDGER", name="台账计划", total_investment_wan=5)
    _dated(ledger_only, "started", planned=D(2023, 9, 20))
    lead = ProjectFactory(code="P-SIGN", name="待签约", stage="negotiating")
    _dated(lead, "signed", planned=D(2023, 9, 10))


def _codes(found):
    return [(c.project.code, c.kind, c.ready) for c in found]


def test_events_plan_proposes_starts_with_blockers(planned):
    found = propose("start", "2023-09")
    assert _codes(found) == [
        ("P-READY", "start", True),
        ("P-LEDGER", "start", True),
        ("P-EIA", "start", False),
        ("P-PAUSED", "start", False),
    ]
    by_code = {c.project.code: c for c in found}
    assert by_code["P-READY"].blockers == []
    assert by_code["P-PAUSED"].blockers == ["项目已暂停"]
    [eia] = by_code["P-EIA"].blockers
    assert "环评" in eia and "生态环境局" in eia and "2023-08-15" in eia
    assert by_code["P-LEDGER"].planned_on == D(2023, 9, 20)


def test_events_plan_completion_needs_a_start_and_kinds_combine(planned):
    [c] = propose("completion", "2023-09")
    assert (c.project.code, c.ready, c.blockers) == ("P-DONE-LATE", False, ["尚未开工"])
    both = propose("start_completion", Month(2023, 9))
    assert {(x.project.code, x.kind) for x in both} == {
        ("P-READY", "start"), ("P-LEDGER", "start"), ("P-EIA", "start"),
        ("P-PAUSED", "start"), ("P-DONE-LATE", "completion"),
    }  # fmt: skip
    [s] = propose("signing", "2023-09")
    assert (s.project.code, s.kind, s.ready) == ("P-SIGN", "signing", True)


def test_events_plan_item_done_unblocks(planned):
    Approval.objects.filter(project__code="P-EIA").update(
        status=ApprovalStatus.DONE, done_on=D(2023, 8, 30)
    )
    assert [c.ready for c in propose("start", "2023-09") if c.project.code == "P-EIA"] == [True]


def test_events_plan_bad_kind_is_refused(planned):
    with pytest.raises(ValueError, match="promotion"):
        propose("promotion", "2023-09")


def test_events_plan_create_publish_history(planned, bureau_editor):
    event = event_services.plan_event(
        user=bureau_editor,
        kind="start",
        month="2023-09",
        name="2023年9月重大项目集中开工",
        date="2023-09-15",
        place="张家港保税区",
        codes=["P-READY", "P-LEDGER"],
    )
    assert (event.status, event.window_start, event.window_end) == (
        "draft", D(2023, 9, 1), D(2023, 9, 30),
    )  # fmt: skip
    assert (event.date, event.date_precision, event.created_by) == (
        D(2023, 9, 15), "day", bureau_editor,
    )  # fmt: skip
    assert sorted(event.projects.values_list("code", flat=True)) == ["P-LEDGER", "P-READY"]
    event = event_services.publish_event(user=bureau_editor, event=event, expected_version=1)
    assert event.status == "published" and event.published_at is not None
    assert event.version == 2
    logs = list(history_for(event))
    assert len(logs) == 3  # created, projects, published
    with pytest.raises(InputError) as exc:
        event_services.publish_event(user=bureau_editor, event=event)
    assert "status" in exc.value.fields


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("name", {"name": "  "}),
        ("name", {"name": "x" * 201}),
        ("month", {"month": "2023-13"}),
        ("date", {"date": "2023-10-01"}),
        ("date", {"date": "2023-09"}),
        ("date", {"date": "某天"}),
        ("kind", {"kind": "promotion"}),
        ("projects", {"codes": ["P-READY", "NO-SUCH"]}),
    ],
)
def test_events_plan_bad_input_names_field_and_writes_nothing(
    planned, bureau_editor, field, kwargs
):
    args = {"kind": "start", "month": "2023-09", "name": "九月开工", "codes": ["P-READY"]}
    args.update(kwargs)
    with pytest.raises(InputError) as exc:
        event_services.plan_event(user=bureau_editor, **args)
    assert list(exc.value.fields) == [field]
    assert not BatchEvent.objects.exists()


def test_events_plan_error_names_the_value(planned, bureau_editor):
    with pytest.raises(InputError) as exc:
        event_services.plan_event(
            user=bureau_editor, kind="start", month="2023-09", name="九月", codes=["NO-SUCH"]
        )
    assert "NO-SUCH" in exc.value.fields["projects"][0]
    event_services.plan_event(user=bureau_editor, kind="start", month="2023-09", name="九月")
    with pytest.raises(InputError) as exc:  # the same name on the same day
        event_services.plan_event(user=bureau_editor, kind="start", month="2023-09", name="九月")
    assert "九月" in exc.value.fields["name"][0]


@pytest.mark.parametrize("who", ["leader", "town_editor"])
def test_events_plan_rights_leaders_and_towns_read(planned, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        event_services.plan_event(user=user, kind="start", month="2023-09", name="九月")
    assert not BatchEvent.objects.exists()
    assert len(propose("start", "2023-09", user=user)) == 4  # they read the proposals


def test_events_plan_publish_needs_projects_and_current_version(planned, bureau_editor):
    empty = event_services.plan_event(user=bureau_editor, kind="start", month="2023-09", name="空")
    with pytest.raises(InputError) as exc:
        event_services.publish_event(user=bureau_editor, event=empty)
    assert list(exc.value.fields) == ["projects"]
    event = event_services.plan_event(
        user=bureau_editor, kind="start", month="2023-09", name="九月", codes=["P-READY"]
    )
    with pytest.raises(ConflictError):
        event_services.publish_event(user=bureau_editor, event=event, expected_version=7)
    assert BatchEvent.objects.get(pk=event.pk).status == "draft"


def test_events_plan_report_from_stage_dates(planned, bureau_editor):
    event = event_services.plan_event(
        user=bureau_editor,
        kind="start",
        month="2023-09",
        name="九月开工",
        codes=["P-READY", "P-LEDGER", "P-EIA"],
    )
    event_services.publish_event(user=bureau_editor, event=event)
    before = event_report(event, today=D(2023, 8, 31))
    assert not before.started and before.done_count == 0
    _dated(ProjectFactory._meta.model.objects.get(code="P-READY"), "started", D(2023, 9, 15))
    _dated(ProjectFactory._meta.model.objects.get(code="P-EIA"), "started", D(2023, 10, 3))
    running = event_report(event, today=D(2023, 9, 20))
    assert running.running and running.as_of == D(2023, 9, 20)
    assert (running.done_count, running.count) == (1, 3)
    after = event_report(event, today=D(2024, 1, 10))
    assert not after.running and after.as_of == D(2023, 9, 30)  # the window's end
    assert [(r.project.code, r.done, r.done_on) for r in after.rows] == [
        ("P-EIA", False, None),  # started in October: after the window
        ("P-LEDGER", False, None),
        ("P-READY", True, D(2023, 9, 15)),
    ]
    assert (after.count, after.total_wan) == (3, Decimal("200005"))
    assert (after.done_count, after.done_total_wan) == (1, Decimal("100000"))
    assert after.done_rate == Decimal(1) / Decimal(3)
    # marking it reported: only after the window, and the history keeps the figures
    with pytest.raises(InputError) as exc:
        event_services.mark_reported(user=bureau_editor, event=event, today=D(2023, 9, 30))
    assert list(exc.value.fields) == ["date"]
    event = event_services.mark_reported(user=bureau_editor, event=event, today=D(2023, 10, 1))
    assert event.status == "reported" and event.reported_at is not None
    last = history_for(event).order_by("-id")[0]
    assert last.changes["report"] == [None, "1/3, 100000"]


def test_events_plan_report_counts_a_phase_once(bureau_editor):
    parent = ProjectFactory(code="P-PARENT", total_investment_wan=Decimal("3060000"))
    phase = ProjectFactory(code="P-PHASE", parent=parent, total_investment_wan=Decimal("1400000"))
    for p in (parent, phase):
        PlanFactory(project=p, planned_start=D(2023, 9, 1))
        _dated(p, "started", D(2023, 9, 5))
    event = event_services.plan_event(
        user=bureau_editor,
        kind="start",
        month="2023-09",
        name="九月",
        codes=["P-PARENT", "P-PHASE"],
    )
    report = event_report(event, today=D(2023, 12, 1))
    assert (report.count, report.total_wan) == (2, Decimal("3060000"))
    assert (report.done_count, report.done_total_wan) == (2, Decimal("3060000"))


def test_events_plan_start_and_completion_expects_each_projects_stage(db):
    builder = ProjectFactory(code="P-BUILD", stage="started")
    _dated(builder, "started", D(2022, 5, 1))
    _dated(builder, "completed", D(2023, 2, 10))
    newcomer = ProjectFactory(code="P-NEW", stage="started")
    _dated(newcomer, "started", D(2023, 4, 2))  # after the first quarter
    event = BatchEvent.objects.create(
        name="开门红",
        kind="start_completion",
        date=D(2023, 1, 1),
        date_precision="month",
        window_start=D(2023, 1, 1),
        window_end=D(2023, 3, 31),
    )
    event.projects.add(builder, newcomer)
    report = event_report(event, today=D(2023, 12, 31))
    assert [(r.project.code, r.stage, r.done) for r in report.rows] == [
        ("P-NEW", "started", False),
        ("P-BUILD", "completed", True),
    ]


@pytest.mark.parametrize(
    "precision, window",
    [
        ("day", (D(2023, 9, 15), D(2023, 9, 15))),
        ("month", (D(2023, 9, 1), D(2023, 9, 30))),
        ("year", (D(2023, 1, 1), D(2023, 12, 31))),
    ],
)
def test_events_plan_window_of_a_recorded_event(db, precision, window):
    event = BatchEvent(name="x", kind="start", date=D(2023, 9, 15), date_precision=precision)
    assert event_window(event) == window
    assert event_window(BatchEvent(name="y", kind="start")) is None


def test_events_plan_proposal_query_count(planned, django_assert_num_queries):
    # ledger dates, plans, the projects, their stage dates, 要素 and departments: the same
    # for more projects
    with django_assert_num_queries(6):
        propose("start", "2023-09")
    for _i in range(5):
        PlanFactory(project=ProjectFactory(), planned_start=D(2023, 9, 1))
    with django_assert_num_queries(6):
        assert len(propose("start", "2023-09")) == 9
