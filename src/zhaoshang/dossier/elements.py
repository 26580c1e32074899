"""要素保障: the lights of projects' approvals and inputs (`Approval`) by their deadline, and
what still blocks a project on a given day. Every face asks here: the bureau view, the
month's warnings (`progress.rules`, rule `element_due`), the `elements` command, the
batch-event planner (`element_blockers`).

An item's light as of a day D (the end of a month for a month: never today for a past one):

- green: obtained by D (`done_on` <= D; late or not), or due more than N days after D;
- amber: not obtained by D and due within N days (due today included while red starts
  after 0 days);
- red: not obtained by D and at least M days past its due date;
- "none": no due date yet (never a warning).

N and M are data: the warning rule `element_due` (amber from = N days before the due
date, red from = M days after it; defaults 14 and 1). Items marked not needed, removed
items and items of dropped projects have no light.

>>> lights = element_lights(Month(2023, 6))            # the demo, as of 2023-06-30
>>> [(x.project_code, x.item_label, x.due, x.level) for x in lights][:1]
[('320582-KMH-2023-006', '用地预审', datetime.date(2022, 7, 6), 'red')]
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.dossier.models import Approval, ApprovalItem, ApprovalStatus
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress.models import RULE_DEFAULTS, Department, Rule, WarningRule
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Status

RED, AMBER, GREEN, NONE = "red", "amber", "green", "none"
ELEMENT_LEVELS = (RED, AMBER, GREEN, NONE)
LEVEL_RANK = {RED: 0, AMBER: 1, GREEN: 2, NONE: 3}
LEVEL_LABELS = {
    RED: gettext_lazy("red"),
    AMBER: gettext_lazy("amber"),
    GREEN: gettext_lazy("green"),
    NONE: gettext_lazy("no due date"),
}


@dataclass(frozen=True, slots=True)
class ElementThresholds:
    amber_days: int  # amber from this many days before the due date
    red_days: int  # red from this many days after the due date

    def level(self, due: datetime.date | None, done: datetime.date | None, as_of) -> str:
        if done is not None and done <= as_of:
            return GREEN
        if due is None:
            return NONE
        late = (as_of - due).days
        if late >= self.red_days:
            return RED
        if -late <= self.amber_days:
            return AMBER
        return GREEN


def element_thresholds() -> ElementThresholds:
    """The `element_due` warning rule's thresholds (the defaults while it has no row).
    The lights use them whether or not the rule is enabled for the month's warnings."""
    row = WarningRule.objects.filter(code=Rule.ELEMENT_DUE).values_list("amber_from", "red_from")
    amber, red = row.first() or RULE_DEFAULTS[Rule.ELEMENT_DUE]
    return ElementThresholds(int(amber), int(red))


@dataclass(frozen=True, slots=True)
class ElementLight:
    approval_id: int
    version: int
    project_id: int
    project_code: str
    project_name: str
    unit_code: str
    item: str
    item_label: str  # the item's own name, else its kind's label
    department_id: int | None
    bureau: str
    due: datetime.date | None
    done: datetime.date | None
    status: str
    level: str
    days_late: int  # as of the day asked: past the due date (negative: days still left)
    is_synthetic: bool

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def display_name(self) -> str:
        return self.item_label

    def as_json(self) -> dict:
        """The `elements` command's shape."""
        return {
            "project_code": self.project_code,
            "project_name": self.project_name,
            "item": self.item_label,
            "bureau": self.bureau,
            "due": self.due.isoformat() if self.due else None,
            "done": self.done.isoformat() if self.done else None,
            "level": self.level,
        }


def as_of_day(when: Month | datetime.date, today: datetime.date | None = None) -> datetime.date:
    """The day a month is judged on: its last day, or today while it is running.
    ValueError for a future month or day."""
    today = today or timezone.localdate()
    if isinstance(when, Month):
        if when.is_future(today):
            raise ValueError(_("%(month)s is in the future") % {"month": when})
        return when.as_of(today)
    if when > today:
        raise ValueError(_("%(month)s is in the future") % {"month": when})
    return when


def _dates():
    seen: dict = {None: None}

    def parse(value):
        found = seen.get(value, seen)
        if found is seen:
            found = seen[value] = (
                value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
            )
        return found

    return parse


def element_lights(
    when: Month | datetime.date,
    scope: facts_mod.Scope | None = None,
    *,
    department_id: int | None = None,
    levels: set[str] | None = None,
    due_in_month: bool = False,
    project_ids=None,
    today: datetime.date | None = None,
    thresholds: ElementThresholds | None = None,
) -> list[ElementLight]:
    """The lights of every needed item in `scope` (units, chain, list, projects) as of the
    end of `when` (a month) or on `when` (a day), worst first, then by due date.

    `levels` keeps only those lights (asking for red/amber only reads only the candidates);
    `due_in_month` keeps the items due in the month asked about plus those red or amber
    then, and those obtained in the month (the bureau's "due this month, overdue or due
    soon").
    """
    as_of = as_of_day(when, today)
    th = thresholds or element_thresholds()
    qs = Approval.objects.filter(removed_at__isnull=True).exclude(status=ApprovalStatus.NOT_NEEDED)
    qs = qs.exclude(project__status=Status.DROPPED)
    if scope is not None:
        qs = scope.narrow(qs, "project")
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if levels is not None and not (levels & {GREEN, NONE}):
        # red or amber: not obtained by then, due by the end of the amber window
        qs = qs.filter(Q(done_on__isnull=True) | Q(done_on__gt=as_of)).filter(
            planned_on__lte=as_of + datetime.timedelta(days=th.amber_days)
        )
    if due_in_month:
        month = when if isinstance(when, Month) else Month.of(when)
        qs = qs.filter(
            Q(planned_on__gte=month.first_day, planned_on__lte=month.last_day)
            | Q(done_on__gte=month.first_day, done_on__lte=as_of)
            | (
                (Q(done_on__isnull=True) | Q(done_on__gt=as_of))
                & Q(planned_on__lte=as_of + datetime.timedelta(days=th.amber_days))
            )
        )
    rows = qs.values_list(
        "id", "version", "project_id", "project__code", "project__name", "project__unit_id",
        "item", "name", "department_id", "planned_on", "done_on", "status", "is_synthetic",
        "project__is_synthetic",
    )  # fmt: skip
    labels = {value: str(label) for value, label in ApprovalItem.choices}
    bureaus = {d.pk: str(d) for d in Department.objects.all()}
    date = _dates()
    out: list[ElementLight] = []
    for (pk, version, pid, code, pname, unit, item, name, dep, due, done, status, syn,
         psyn) in rows:  # fmt: skip
        due, done = date(due), date(done)
        level = th.level(due, done, as_of)
        if levels is not None and level not in levels:
            continue
        out.append(
            ElementLight(
                approval_id=pk,
                version=version,
                project_id=pid,
                project_code=code,
                project_name=pname,
                unit_code=unit or "",
                item=item,
                item_label=name or labels.get(item, item),
                department_id=dep,
                bureau=bureaus.get(dep, ""),
                due=due,
                done=done,
                status=status,
                level=level,
                days_late=(as_of - due).days if due is not None else 0,
                is_synthetic=syn or psyn,
            )
        )
    far = datetime.date.max
    out.sort(key=lambda x: (LEVEL_RANK[x.level], x.due or far, x.project_code, x.approval_id))
    return out


def element_blockers_many(project_ids, by_day: datetime.date) -> dict[int, list[str]]:
    """project id -> what blocks it on `by_day`, for many projects in one query
    (`element_blockers` for each; projects with nothing blocking are left out)."""
    qs = (
        Approval.objects.filter(project_id__in=project_ids, removed_at__isnull=True)
        .exclude(status=ApprovalStatus.NOT_NEEDED)
        .filter(Q(done_on__isnull=True) | Q(done_on__gt=by_day))
        .filter(Q(planned_on__isnull=True) | Q(planned_on__lte=by_day))
        .order_by("project_id", F("planned_on").asc(nulls_last=True), "id")
        .values_list("project_id", "item", "name", "department_id", "planned_on")
    )
    labels = {value: str(label) for value, label in ApprovalItem.choices}
    bureaus = {d.pk: str(d) for d in Department.objects.all()}
    dated = _("%(item)s (%(bureau)s): due %(due)s, not obtained")
    undated = _("%(item)s (%(bureau)s): no due date, not obtained")
    out: dict[int, list[str]] = {}
    for pid, item, name, dep, due in qs:
        values = {"item": name or labels.get(item, item), "bureau": bureaus.get(dep, "—")}
        if due is not None:
            values["due"] = due
        out.setdefault(pid, []).append((dated if due is not None else undated) % values)
    return out


def element_blockers(project, by_day: datetime.date) -> list[str]:
    """What keeps `project` (a Project or its id) from being ready on `by_day`: each needed
    approval or input not obtained by that day whose due date is on or before it (or that
    has no due date yet), as "环评批复（生态环境局）：计划 2023-08-15 前取得，尚未取得".
    Items due later (e.g. utilities after the start) do not block. Empty: ready (a project
    without a checklist has nothing blocking it)."""
    pid = getattr(project, "pk", project)
    return element_blockers_many([pid], by_day).get(pid, [])


def find_department(text) -> Department:
    """The department named `text` (its id, full name or short name); InputError naming
    the value otherwise. The bureau view and the `elements` command both ask here."""
    from zhaoshang.core.errors import InputError

    value = str(text or "").strip()
    found = None
    if value.isdigit():
        found = Department.objects.filter(pk=int(value)).first()
    if found is None and value:
        found = Department.objects.filter(Q(name=value) | Q(short_name=value)).first()
    if found is None:
        raise InputError({"department": _("unknown department “%(value)s”") % {"value": value}})
    return found
