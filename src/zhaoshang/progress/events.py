"""Batch events (集中签约, 集中开工, 集中竣工) planned ahead, and their reports.

Two figures, each computed here once and shown by the pages, the API and the command:

- `propose(kind, month)`: the projects due to start (complete, sign) in a window, each with
  what blocks it. A project is due when its annual plan's planned start (completion) month
  falls in the window, or its ledger stage date is planned there; for a signing, when the
  ledger plans its signing there and it has not signed. A project already past that stage
  before the window, or dropped, is not proposed. Blockers: 要素 not ready by the event day
  (`dossier.elements.element_blockers_many`, the checklist's one rule), a paused project,
  a completion whose project has not started. Ready projects have none.

- `event_report(event)`: after (or during) its window, each project of the event done or
  not, from its actual stage dates as of the end of the window (today while it runs), and
  the totals: projects and total investment (each investment once, `ledger_totals`) of the
  list and of those done. Nothing in a report is typed.

>>> [c.project.code for c in propose("start", "2023-09") if c.ready]
['320582-2023-0012', ...]
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.dossier.elements import element_blockers_many
from zhaoshang.progress.models import AnnualPlan
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import BatchEvent, BatchKind, Project, Stage, StageDate, Status
from zhaoshang.projects.queries import ledger_totals

# what each kind of event plans: the kind of a proposal (the command's "kind") and its stage
PROPOSAL_KINDS = {"start": Stage.STARTED, "completion": Stage.COMPLETED, "signing": Stage.SIGNED}
EVENT_KINDS = {
    BatchKind.START: ("start",),
    BatchKind.COMPLETION: ("completion",),
    BatchKind.START_AND_COMPLETION: ("start", "completion"),
    BatchKind.SIGNING: ("signing",),
}
PLANNABLE = tuple(EVENT_KINDS)
STAGES_BEFORE_SIGNING = (Stage.LEAD, Stage.NEGOTIATING)


@dataclass
class Candidate:
    """A project proposed for an event: when it is due and what blocks it."""

    project: Project
    kind: str  # "start", "completion" or "signing"
    planned_on: datetime.date
    blockers: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.blockers

    def as_json(self) -> dict:
        return {
            "project_code": self.project.code,
            "project_name": self.project.name,
            "kind": self.kind,
            "ready": self.ready,
            "blockers": self.blockers,
            "planned_month": str(Month.of(self.planned_on)),
            "unit": str(self.project.unit) if self.project.unit_id else "",
            "total_investment_wan": (
                None
                if self.project.total_investment_wan is None
                else str(self.project.total_investment_wan)
            ),
            "is_synthetic": self.project.is_synthetic,
        }


def kinds_of(event_kind: str) -> tuple[str, ...]:
    """The proposal kinds an event kind plans (集中开竣工: starts and completions)."""
    try:
        return EVENT_KINDS[event_kind]
    except KeyError:
        raise ValueError(
            _("“%(value)s” is not a kind of event that can be planned (one of %(choices)s)")
            % {"value": event_kind, "choices": "、".join(PLANNABLE)}
        ) from None


def _due(kind: str, start: datetime.date, end: datetime.date) -> dict[int, datetime.date]:
    """Project id -> the planned date in [start, end] of `kind`'s stage: the annual plan's
    month first (start and completion), else the ledger's planned stage date."""
    stage = PROPOSAL_KINDS[kind]
    due: dict[int, datetime.date] = {}
    planned = StageDate.objects.filter(stage=stage, planned_on__gte=start, planned_on__lte=end)
    for pk, on in planned.values_list("project_id", "planned_on"):
        due[pk] = on
    if kind != "signing":
        column = "planned_start" if kind == "start" else "planned_completion"
        # a plan's month is stored as its first day: a window starting mid-month still
        # holds the month it starts in
        first = start.replace(day=1)
        plans = AnnualPlan.objects.filter(
            year__in={start.year, end.year}, **{f"{column}__gte": first, f"{column}__lte": end}
        )
        for pk, on in plans.values_list("project_id", column):
            due[pk] = on
    return due


def propose(
    event_kind: str,
    month: Month | str | None = None,
    *,
    window: tuple[datetime.date, datetime.date] | None = None,
    by_day: datetime.date | None = None,
    user=None,
) -> list[Candidate]:
    """The projects an event of `event_kind` in `month` (or `window`) would hold: ready
    ones first, then by planned date and total investment. `by_day` is the day their 要素
    must be ready by (the event's date; default the window's last day)."""
    kinds = kinds_of(event_kind)
    if window is None:
        month = Month.parse(month)
        window = (month.first_day, month.last_day)
    start, end = window
    by_day = by_day or end
    visible = Project.objects.exclude(status=Status.DROPPED)
    if user is not None:
        from zhaoshang.projects.access import projects_visible_to

        visible = visible & projects_visible_to(user)
    out: list[Candidate] = []
    for kind in kinds:
        due = _due(kind, start, end)
        if not due:
            continue
        stage = PROPOSAL_KINDS[kind]
        projects = visible.filter(pk__in=list(due)).select_related("unit")
        if kind == "signing":
            projects = projects.filter(stage__in=STAGES_BEFORE_SIGNING)
        # actual dates of the stage and, for completions, of the start
        wanted = [stage, Stage.STARTED] if kind == "completion" else [stage]
        actual: dict[tuple[int, str], datetime.date] = {
            (pk, s): on
            for pk, s, on in StageDate.objects.filter(
                project_id__in=list(due), stage__in=wanted, actual_on__isnull=False
            ).values_list("project_id", "stage", "actual_on")
        }
        projects = [
            p
            for p in projects
            if (done_on := actual.get((p.pk, stage))) is None or done_on >= start
        ]  # a project past that stage before the window: nothing to plan
        # 要素 not ready by the event day (the 要素保障 checklist); a signing needs none
        elements = (
            element_blockers_many([p.pk for p in projects if (p.pk, stage) not in actual], by_day)
            if kind != "signing"
            else {}
        )
        for project in projects:
            done_on = actual.get((project.pk, stage))
            blockers: list[str] = []
            if project.status == Status.PAUSED:
                blockers.append(_("the project is paused"))
            if kind == "completion" and done_on is None:
                started = actual.get((project.pk, Stage.STARTED))
                if started is None or started > by_day:
                    blockers.append(_("not started yet"))
            blockers.extend(elements.get(project.pk, []))
            out.append(Candidate(project, kind, due[project.pk], blockers))
    out.sort(
        key=lambda c: (
            not c.ready,
            c.planned_on,
            -(c.project.total_investment_wan or 0),
            c.project.code,
        )
    )
    return out


# --------------------------------------------------------------------------- reports


def event_window(event: BatchEvent) -> tuple[datetime.date, datetime.date] | None:
    """The days the event's projects are due in: its window when planned, else the day,
    month or year of its date as precise as the date is; None without a date."""
    if event.window_start and event.window_end:
        return event.window_start, event.window_end
    day = event.date
    if day is None:
        return None
    if event.date_precision == "year":
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    if event.date_precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return day, day


@dataclass
class ReportRow:
    project: Project
    stage: str  # the stage the event expected
    done_on: datetime.date | None  # its actual date, when reached by the report's day

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)


@dataclass
class EventReport:
    event: BatchEvent
    as_of: datetime.date | None  # the end of the window, or today while it runs
    running: bool  # the window has not ended yet
    started: bool  # the window has begun (before it, nothing is reported)
    rows: list[ReportRow]
    count: int  # projects of the event
    total_wan: Decimal | None  # their total investment, each investment once
    done_count: int  # projects that reached their stage by `as_of`
    done_total_wan: Decimal | None

    @property
    def done_rate(self) -> Decimal | None:
        return None if not self.count else Decimal(self.done_count) / Decimal(self.count)

    def as_json(self) -> dict:
        return {
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "running": self.running,
            "count": self.count,
            "total_wan": _plain(self.total_wan),
            "done_count": self.done_count,
            "done_total_wan": _plain(self.done_total_wan),
            "done_rate": None if self.done_rate is None else float(round(self.done_rate, 6)),
            "projects": [
                {
                    "project_code": r.project.code,
                    "project_name": r.project.name,
                    "stage": r.stage,
                    "done": r.done,
                    "done_on": None if r.done_on is None else r.done_on.isoformat(),
                    "total_investment_wan": _plain(r.project.total_investment_wan),
                    "is_synthetic": r.project.is_synthetic,
                }
                for r in self.rows
            ],
        }


def _plain(value) -> str | None:
    return None if value is None else str(value)


def _expected_stage(event_kind: str, started_on, window_start) -> str | None:
    """The stage a project of the event is expected to reach. In a 集中开竣工 a project that
    started before the window is there to complete; any other, to start."""
    if event_kind == BatchKind.START_AND_COMPLETION:
        if started_on is not None and window_start is not None and started_on < window_start:
            return Stage.COMPLETED
        return Stage.STARTED
    kinds = EVENT_KINDS.get(event_kind)
    return None if kinds is None else PROPOSAL_KINDS[kinds[0]]


def event_report(event: BatchEvent, *, today: datetime.date | None = None) -> EventReport:
    """The event's report as of the end of its window (today while the window runs): each
    project done (its expected stage's actual date on or before that day) or not, and the
    count and total investment of all and of those done. Four queries whatever the size."""
    today = today or timezone.localdate()
    window = event_window(event)
    qs = event.projects.all()
    if window is None:
        as_of, running, begun = None, False, False
    else:
        as_of = min(window[1], today)
        running, begun = today < window[1], today >= window[0]
    projects = list(qs.select_related("unit").order_by("-total_investment_wan", "code"))
    ids = [p.pk for p in projects]
    dates: dict[tuple[int, str], datetime.date] = {}
    if ids:
        dates = {
            (pk, s): on
            for pk, s, on in StageDate.objects.filter(
                project_id__in=ids, actual_on__isnull=False
            ).values_list("project_id", "stage", "actual_on")
        }
    rows: list[ReportRow] = []
    done_ids: list[int] = []
    for p in projects:
        stage = _expected_stage(
            event.kind, dates.get((p.pk, Stage.STARTED)), window[0] if window else None
        )
        if stage is None:
            continue
        on = dates.get((p.pk, stage))
        reached = on if (on is not None and as_of is not None and on <= as_of) else None
        rows.append(ReportRow(p, stage, reached))
        if reached is not None:
            done_ids.append(p.pk)
    all_totals = ledger_totals(qs)
    done_totals = (
        ledger_totals(qs.filter(pk__in=done_ids)) if done_ids else {"count": 0, "total": None}
    )
    rows.sort(key=lambda r: (r.done, -(r.project.total_investment_wan or 0), r.project.code))
    return EventReport(
        event=event,
        as_of=as_of,
        running=running,
        started=begun,
        rows=rows,
        count=all_totals["count"],
        total_wan=all_totals["total"],
        done_count=done_totals["count"],
        done_total_wan=done_totals["total"],
    )
