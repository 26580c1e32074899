"""Who answers for a chain (链长, 副链长, 牵头部门/专班) and its tasks (强链、补链、延链): the
writes (rights first, everything validated, one transaction, change history kept) and the
one read every face calls (`task_rows`, `chain_progress`, `due_tasks`).

A task's light as of a day D (for a month: its last day) uses the same rule as the
要素保障 lights (`dossier.elements.ElementThresholds.level`), with this app's thresholds
(`TaskThresholds`, defaults amber 30 days before the deadline, red from 1 day after):

- green: done by D (`done_on` <= D), or the deadline more than N days after D;
- amber: not done by D and the deadline within N days;
- red: not done by D and at least M days past the deadline;
- "none": dropped tasks (no light).

>>> rows = task_rows(month=Month(2023, 6))       # as of 2023-06-30
>>> [(r.chain_code, r.goal, r.deadline, r.level) for r in rows][:1]
[('new-energy', '引进储能电池配套企业 3 家', datetime.date(2023, 6, 30), 'amber')]
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.chains import access
from zhaoshang.chains.models import (
    Chain,
    ChainLeader,
    ChainOfficial,
    ChainTask,
    ChainTaskNote,
    OfficialRole,
    TaskKind,
    TaskStatus,
    TaskThresholds,
)
from zhaoshang.core.errors import ConflictError, InputError
from zhaoshang.core.history import bump_version, record, save_tracked
from zhaoshang.core.models import ChangeAction
from zhaoshang.dossier.elements import (
    AMBER,
    GREEN,
    LEVEL_LABELS,
    LEVEL_RANK,
    NONE,
    RED,
    ElementThresholds,
)
from zhaoshang.progress.months import Month
from zhaoshang.progress.queries import default_month as ledger_month
from zhaoshang.projects.services import require_version, version_stale

OFFICIAL_FIELDS = ("role", "name", "title", "unit", "phone")
TASK_FIELDS = ("node", "kind", "goal", "target_count", "target_unit", "achieved_count",
               "owner", "deadline")  # fmt: skip


# --------------------------------------------------------------------------- thresholds


def task_thresholds() -> ElementThresholds:
    """The `default` row of `TaskThresholds` (the model's defaults while there is none)."""
    row = TaskThresholds.objects.filter(name="default").first() or TaskThresholds()
    return ElementThresholds(int(row.amber_days), int(row.red_days))


def task_level(
    *, status: str, deadline: datetime.date, done_on: datetime.date | None, as_of, th
) -> str:
    if status == TaskStatus.DROPPED:
        return NONE
    done = done_on if status == TaskStatus.DONE else None
    return th.level(deadline, done, as_of)


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    version: int
    chain_code: str
    chain_name: str
    chain_name_en: str
    node_code: str | None
    node_name: str | None
    kind: str
    kind_label: str
    goal: str
    target_count: int | None
    target_unit: str
    achieved_count: int | None
    owner: str
    deadline: datetime.date
    status: str
    status_label: str
    done_on: datetime.date | None
    level: str
    level_label: str
    is_synthetic: bool
    notes: tuple[tuple[datetime.date, str], ...]  # newest first

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "version": self.version, "chain": self.chain_code,
            "chain_name": self.chain_name, "node": self.node_code, "node_name": self.node_name,
            "kind": self.kind, "goal": self.goal, "target_count": self.target_count,
            "target_unit": self.target_unit, "achieved_count": self.achieved_count,
            "owner": self.owner, "deadline": self.deadline.isoformat(), "status": self.status,
            "done_on": self.done_on.isoformat() if self.done_on else None, "level": self.level,
            "is_synthetic": self.is_synthetic,
            "notes": [{"on": on.isoformat(), "text": text} for on, text in self.notes],
        }  # fmt: skip


def default_month() -> Month:
    """The month the pages, API and command show without one: the ledger's latest month
    with reports (as the 要素保障 and warning views), else the current month."""
    return ledger_month()


def as_of_day(month: Month | None) -> datetime.date:
    """The day lights are judged on: a month's last day (the default month's without one)."""
    return (month or default_month()).last_day


def task_rows(
    *, chain: Chain | None = None, month: Month | None = None, due_only: bool = False
) -> list[TaskRow]:
    """The tasks (removed ones left out) of one chain or all, with their lights as of the
    month's end; `due_only`: those the month answers for — the deadline falls in the
    month, or fell before it and the task was still not done (nor dropped) at its start.
    Sorted red, amber, green, none, then by deadline."""
    month = month or default_month()
    as_of = as_of_day(month)
    th = task_thresholds()
    qs = ChainTask.objects.filter(removed_at__isnull=True).select_related("chain", "node")
    if chain is not None:
        qs = qs.filter(chain=chain)
    if due_only:
        start = month.first_day
        still_open = (
            models.Q(deadline__lt=start)
            & ~models.Q(status=TaskStatus.DROPPED)
            & (~models.Q(status=TaskStatus.DONE) | models.Q(done_on__gte=start))
        )
        qs = qs.filter(models.Q(deadline__gte=start, deadline__lte=as_of) | still_open)
    tasks = list(qs.order_by("deadline", "id"))
    notes: dict[int, list[tuple[datetime.date, str]]] = {}
    for task_id, on, text in ChainTaskNote.objects.filter(
        task_id__in=[t.pk for t in tasks]
    ).values_list("task_id", "on", "text"):
        notes.setdefault(task_id, []).append((on, text))
    rows = []
    for t in tasks:
        level = task_level(status=t.status, deadline=t.deadline, done_on=t.done_on,
                           as_of=as_of, th=th)  # fmt: skip
        mine = sorted(notes.get(t.pk, []), key=lambda n: n[0], reverse=True)
        rows.append(
            TaskRow(
                id=t.pk, version=t.version, chain_code=t.chain.code, chain_name=t.chain.name,
                chain_name_en=t.chain.name_en, node_code=t.node.code if t.node_id else None,
                node_name=t.node.name if t.node_id else None, kind=t.kind,
                kind_label=str(t.get_kind_display()), goal=t.goal, target_count=t.target_count,
                target_unit=t.target_unit, achieved_count=t.achieved_count, owner=t.owner,
                deadline=t.deadline, status=t.status, status_label=str(t.get_status_display()),
                done_on=t.done_on, level=level, level_label=str(LEVEL_LABELS[level]),
                is_synthetic=t.is_synthetic, notes=tuple(mine),
            )
        )  # fmt: skip
    rows.sort(key=lambda r: (LEVEL_RANK[r.level], r.deadline, r.id))
    return rows


def officials_of(chain: Chain) -> list[ChainOfficial]:
    order = {r.value: i for i, r in enumerate(OfficialRole)}
    rows = list(ChainOfficial.objects.filter(chain=chain, removed_at__isnull=True))
    return sorted(rows, key=lambda o: (order.get(o.role, 9), o.pk))


def level_counts(rows: list[TaskRow]) -> dict[str, int]:
    return {level: sum(1 for r in rows if r.level == level) for level in (RED, AMBER, GREEN, NONE)}


def chain_progress(chain: Chain, month: Month | None = None) -> dict[str, Any]:
    """What the chain's progress view shows: its 链长/副链长/专班, its 链主, its tasks with
    lights as of the month's end, counts by light and by status."""
    month = month or default_month()
    rows = task_rows(chain=chain, month=month)
    return {
        "chain": chain,
        "as_of": as_of_day(month),
        "officials": officials_of(chain),
        "leaders": list(
            ChainLeader.objects.filter(chain=chain).select_related("enterprise", "node")
        ),
        "tasks": rows,
        "lights": level_counts(rows),
        "done": sum(1 for r in rows if r.status == TaskStatus.DONE),
        "open": sum(1 for r in rows if r.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)),
    }


# --------------------------------------------------------------------------- parsing


def _user(user):
    return user if user is not None and user.is_authenticated else None


def parse_date(value: Any, *, field: str) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            {field: _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}}
        ) from None


def parse_count(value: Any, *, field: str) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) > 9:
        raise InputError(
            {field: _("“%(value)s” is not a whole number of 0 or more.") % {"value": text}}
        )
    return int(text)


def _choice(value: Any, choices, *, field: str) -> str:
    text = str(value or "").strip()
    if text not in choices.values:
        allowed = "、".join(f"{c.value}（{c.label}）" for c in choices)
        raise InputError(
            {
                field: _("“%(value)s” is not one of: %(allowed)s")
                % {"value": text, "allowed": allowed}
            }
        )
    return text


def _text(value: Any, *, field: str, max_length: int, required: bool) -> str:
    text = str(value if value is not None else "").strip()
    if "\x00" in text:  # PostgreSQL cannot store it; refused, not a server error
        raise InputError({field: _("The text contains a NUL character.")})
    if required and not text:
        raise InputError({field: _("This field is required.")})
    if len(text) > max_length:
        raise InputError(
            {field: _("At most %(n)s characters (%(got)s given).")
             % {"n": max_length, "got": len(text)}}
        )  # fmt: skip
    return text


def _collect(checks: dict[str, Any]) -> dict[str, Any]:
    """Run every field's check and raise all refusals at once (field by field)."""
    out, errors = {}, {}
    for key, check in checks.items():
        try:
            out[key] = check()
        except InputError as exc:
            errors.update(exc.fields)
    if errors:
        raise InputError(errors)
    return out


def clean_official(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(OFFICIAL_FIELDS))
    if unknown:
        raise InputError({k: _("unknown field “%(value)s”") % {"value": k} for k in unknown})
    return _collect({
        "role": lambda: _choice(data.get("role"), OfficialRole, field="role"),
        "name": lambda: _text(data.get("name"), field="name", max_length=60, required=True),
        "title": lambda: _text(data.get("title"), field="title", max_length=100, required=False),
        "unit": lambda: _text(data.get("unit"), field="unit", max_length=100, required=False),
        "phone": lambda: _text(data.get("phone"), field="phone", max_length=40, required=False),
    })  # fmt: skip


def clean_task(chain: Chain, data: dict[str, Any]) -> dict[str, Any]:
    """A task's fields from a form, the API or the demo: strings or typed values in, clean
    values out, or InputError naming each refused field and value."""
    unknown = sorted(set(data) - set(TASK_FIELDS))
    if unknown:
        raise InputError({k: _("unknown field “%(value)s”") % {"value": k} for k in unknown})

    def node():
        code = _text(data.get("node"), field="node", max_length=60, required=False)
        if not code:
            return None
        found = chain.nodes.filter(code=code).first()
        if found is None:
            raise InputError(
                {
                    "node": _("No node “%(node)s” in %(chain)s.")
                    % {"node": code, "chain": chain.name}
                }
            )
        return found

    def deadline():
        day = parse_date(data.get("deadline"), field="deadline")
        if day is None:
            raise InputError({"deadline": _("Give the deadline (YYYY-MM-DD).")})
        return day

    cleaned = _collect({
        "node": node,
        "kind": lambda: _choice(data.get("kind"), TaskKind, field="kind"),
        "goal": lambda: _text(data.get("goal"), field="goal", max_length=300, required=True),
        "target_count": lambda: parse_count(data.get("target_count"), field="target_count"),
        "target_unit": lambda: _text(data.get("target_unit"), field="target_unit",
                                     max_length=20, required=False),
        "achieved_count": lambda: parse_count(data.get("achieved_count"), field="achieved_count"),
        "owner": lambda: _text(data.get("owner"), field="owner", max_length=100, required=True),
        "deadline": deadline,
    })  # fmt: skip
    if cleaned["achieved_count"] is not None and cleaned["target_count"] is None:
        raise InputError(
            {"achieved_count": _("An achieved count needs a target count to compare with.")}
        )
    return cleaned


# --------------------------------------------------------------------------- writes


def _locked(model, obj, expected_version: Any):
    what = str(model._meta.verbose_name)
    expected = require_version(expected_version, what=what)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if locked.version != expected or locked.removed_at is not None:
        raise ConflictError(
            version_stale(what, expected, locked.version), current_version=locked.version
        )
    return locked


def _remove(obj, user, reason: str = "") -> None:
    obj.removed_at = timezone.now()
    type(obj).objects.filter(pk=obj.pk).update(removed_at=obj.removed_at)
    bump_version(obj)
    record(obj, user=user, action=ChangeAction.DELETE,
           changes={"removed_at": [None, obj.removed_at.isoformat()]}, reason=reason)  # fmt: skip


@transaction.atomic
def add_official(
    *, user, chain: Chain, data: dict[str, Any], is_synthetic: bool = False,
    check_rights: bool = True,
) -> ChainOfficial:  # fmt: skip
    if check_rights:
        access.check_can_edit_accountability(user)
    official = ChainOfficial(chain=chain, created_by=_user(user), is_synthetic=is_synthetic,
                             **clean_official(data))  # fmt: skip
    save_tracked(official, user=user)
    return official


@transaction.atomic
def remove_official(*, user, official: ChainOfficial, expected_version: Any) -> None:
    access.check_can_edit_accountability(user)
    _remove(_locked(ChainOfficial, official, expected_version), user)


@transaction.atomic
def add_task(
    *, user, chain: Chain, data: dict[str, Any], is_synthetic: bool = False,
    check_rights: bool = True,
) -> ChainTask:  # fmt: skip
    if check_rights:
        access.check_can_edit_accountability(user)
    task = ChainTask(chain=chain, created_by=_user(user), is_synthetic=is_synthetic,
                     **clean_task(chain, data))  # fmt: skip
    save_tracked(task, user=user)
    return task


@transaction.atomic
def record_progress(
    *,
    user,
    task: ChainTask,
    expected_version: Any,
    text: str,
    on: Any = None,
    status: Any = None,
    achieved_count: Any = None,
    done_on: Any = None,
    check_rights: bool = True,
    is_synthetic: bool = False,
) -> ChainTask:
    """A dated progress note on a task, with its new status and achieved count when given:
    one transaction, the task's change recorded. Done needs the day it was done (default
    the note's day); no date in the future."""
    if check_rights:
        access.check_can_edit_accountability(user)
    task = _locked(ChainTask, task, expected_version)
    today = timezone.localdate()

    def day():
        value = parse_date(on, field="on") or today
        if value > today:
            raise InputError(
                {"on": _("%(value)s is in the future.") % {"value": value.isoformat()}}
            )
        return value

    cleaned = _collect({
        "on": day,
        "text": lambda: _text(text, field="text", max_length=500, required=True),
        "status": lambda: (_choice(status, TaskStatus, field="status")
                           if status not in (None, "") else task.status),
        "achieved_count": lambda: (parse_count(achieved_count, field="achieved_count")
                                   if achieved_count not in (None, "") else task.achieved_count),
        "done_on": lambda: parse_date(done_on, field="done_on"),
    })  # fmt: skip
    if cleaned["achieved_count"] is not None and task.target_count is None:
        raise InputError(
            {"achieved_count": _("An achieved count needs a target count to compare with.")}
        )
    if cleaned["status"] == TaskStatus.DONE:
        finished = cleaned["done_on"] or task.done_on or cleaned["on"]
        if finished > today:
            raise InputError(
                {"done_on": _("%(value)s is in the future.") % {"value": finished.isoformat()}}
            )
        task.done_on = finished
    elif cleaned["done_on"] is not None:
        raise InputError({"done_on": _("A day done is given: set the status to done.")})
    else:
        task.done_on = None
    task.status = cleaned["status"]
    task.achieved_count = cleaned["achieved_count"]
    if save_tracked(task, user=user, reason=cleaned["text"][:200]) is None:
        bump_version(task)  # a note alone is a change others' forms must not overwrite
    ChainTaskNote.objects.create(task=task, on=cleaned["on"], text=cleaned["text"],
                                 created_by=_user(user), is_synthetic=is_synthetic)  # fmt: skip
    return task
