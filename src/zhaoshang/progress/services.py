"""Writes: plans and their baselines, monthly reports, problems, list members, batch-event
projects, warning thresholds. Each function checks everything first, then writes in one
transaction and keeps the change (who, when, before, after, why)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.core.access import narrow_to_region
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.history import record, save_tracked
from zhaoshang.core.models import ChangeAction
from zhaoshang.progress import access
from zhaoshang.progress.amounts import from_micro, micro_sum, parse_wan
from zhaoshang.progress.models import (
    CLOSED_STATUSES,
    TWO_SIDED_RULES,
    AnnualPlan,
    Department,
    MonthlyProgress,
    PlanBaseline,
    PlanStatus,
    Problem,
    ProblemStatus,
    ProgressSettings,
    WarningRule,
)
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import BatchEvent, Project, ProjectList, ProjectListEntry
from zhaoshang.projects.rules import RuleError, characters, too_long
from zhaoshang.projects.services import (
    VersionMissing,
    parse_date,
    require_version,
    version_missing,
    version_stale,
)

TEXT_LIMIT = 4000
AMOUNTS = ("completed", "funds_in_place", "counted")
AMOUNT_LABELS = {
    "completed": gettext_lazy("investment completed"),
    "funds_in_place": gettext_lazy("funds in place"),
    "counted": gettext_lazy("investment counted in statistics (入统)"),
}


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InputError(errors)


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


def _field_label(key: str) -> str:
    for model in (MonthlyProgress, Problem, AnnualPlan):
        try:
            return str(model._meta.get_field(key).verbose_name)
        except Exception:  # FieldDoesNotExist: another model's field
            continue
    return key


def _text(
    data: dict, key: str, errors: dict, limit: int = TEXT_LIMIT, *, lines: bool = True
) -> str | None:
    """A text as kept, through the ledger's character rule (`projects.rules.characters`:
    no control or bidi characters, zero-width ones dropped), within `limit`."""
    if key not in data:
        return None
    try:
        text = characters(key, str(data[key] or ""), _field_label(key), lines=lines).strip()
    except RuleError as exc:
        errors[key] = str(exc)
        return ""
    if len(text) > limit:
        errors[key] = too_long(len(text), limit)
    return text


def _month_start(value: Any, key: str, errors: dict) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return Month.parse(value).first_day
    except ValueError:
        try:
            return Month.of(parse_date(value).date).first_day
        except ValueError:
            errors[key] = _("“%(value)s” is not a month (write it as 2023-06)") % {"value": value}
            return None


def _year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise InputError({"year": _("“%(value)s” is not a year") % {"value": value}}) from None
    if not 2000 <= year <= 2100:
        raise InputError({"year": _("%(value)s is not a plausible year") % {"value": value}})
    return year


# --------------------------------------------------------------------------- plans

PLAN_KEYS = {"planned_investment_wan", "planned_start", "planned_completion", "milestones"}


@transaction.atomic
def save_plan(
    *,
    user,
    project: Project,
    year: int | str,
    data: dict[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> AnnualPlan:
    """Create or change the plan of `project` for `year`.

    `data`: `planned_investment_wan` (万元, or text such as `2亿元`), `planned_start` and
    `planned_completion` (months: `2023-03`), `milestones` (text). A draft may be changed
    by whoever edits the project. An approved plan may be changed only by the 发改委's side,
    with a reason; the change becomes the next baseline and the earlier ones are kept.
    Changing a plan that exists needs `expected_version` (`VersionMissing` without it,
    `ConflictError` when someone saved since); creating one does not.
    """
    access.check_project(user, project)
    year = _year(year)
    plan = AnnualPlan.objects.select_for_update().filter(project=project, year=year).first()
    creating = plan is None
    approved = not creating and plan.status == PlanStatus.APPROVED
    if approved:  # who may change it, before whether the change is well made
        refusal = access.office_refusal(user)
        if refusal:
            raise NotAllowed(
                _("This plan is approved; changing it is for the 发改委. %(why)s")
                % {"why": refusal}
            )
    if creating:
        plan = AnnualPlan(project=project, year=year, created_by=_user_or_none(user))
    elif (expected_version := require_version(expected_version, what=_("plan"))) != plan.version:
        raise ConflictError(
            version_stale(_("plan"), expected_version, plan.version),
            current_version=plan.version,
        )
    errors: dict[str, str] = {}
    for key in sorted(set(data) - PLAN_KEYS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    if "planned_investment_wan" in data:
        try:
            plan.planned_investment_wan = parse_wan(data["planned_investment_wan"])
        except ValueError as exc:
            errors["planned_investment_wan"] = str(exc)
    for key in ("planned_start", "planned_completion"):
        if key in data:
            setattr(plan, key, _month_start(data[key], key, errors))
    milestones = _text(data, "milestones", errors)
    if milestones is not None:
        plan.milestones = milestones
    if (
        plan.planned_start
        and plan.planned_completion
        and "planned_start" not in errors
        and "planned_completion" not in errors
        and plan.planned_completion < plan.planned_start
    ):
        errors["planned_completion"] = _(
            "planned completion %(completion)s is before the planned start %(start)s"
        ) % {
            "completion": Month.of(plan.planned_completion),
            "start": Month.of(plan.planned_start),
        }
    if approved:
        if not reason.strip():
            errors["reason"] = _("changing an approved plan needs a reason")
    _raise_if(errors)
    log = save_tracked(plan, user=user, reason=reason)  # counts the version
    if log is None and not creating:
        return plan
    if approved:
        _baseline(plan, user=user, reason=reason)
    return plan


def _baseline(plan: AnnualPlan, *, user, reason: str) -> PlanBaseline:
    now = timezone.now()
    baseline = PlanBaseline.objects.create(
        plan=plan,
        number=plan.baseline_count + 1,
        planned_investment_wan=plan.planned_investment_wan,
        planned_start=plan.planned_start,
        planned_completion=plan.planned_completion,
        milestones=plan.milestones,
        reason=reason.strip(),
        approved_by=_user_or_none(user),
        approved_at=now,
    )
    AnnualPlan.objects.filter(pk=plan.pk).update(
        baseline_count=baseline.number, approved_at=now, status=PlanStatus.APPROVED
    )
    plan.baseline_count, plan.approved_at, plan.status = baseline.number, now, PlanStatus.APPROVED
    return baseline


@transaction.atomic
def approve_plan(*, user, plan: AnnualPlan, reason: str = "") -> AnnualPlan:
    """Approve a draft plan: its figures become baseline 1 (the 发改委's act)."""
    access.check_office_project(user, plan.project)
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.APPROVED:
        raise InputError({"status": _("the plan is already approved")})
    if plan.planned_investment_wan is None:
        raise InputError(
            {"planned_investment_wan": _("a plan needs its planned investment to be approved")}
        )
    plan.status = PlanStatus.APPROVED
    save_tracked(plan, user=user, reason=reason or _("approved"))
    _baseline(plan, user=user, reason=reason)
    return plan


# --------------------------------------------------------------------------- progress

PROGRESS_KEYS = (
    {f"{a}_wan" for a in AMOUNTS}
    | {f"{a}_ytd_wan" for a in AMOUNTS}
    | {"physical_progress", "problems_raised", "version"}
)


def _label(name: str) -> str:
    return str(AMOUNT_LABELS[name])


class _Row:
    """One report being checked: the values to write, or the errors found."""

    def __init__(self, project: Project, data: dict[str, Any]):
        self.project = project
        self.data = data
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self.version_missing = False


def _check_row(
    row: _Row, month: Month, before: dict[str, Decimal], existing: MonthlyProgress | None
) -> None:
    """Fill `row.values` from `row.data`, or `row.errors`. `before`: sums of January to the
    month before, per amount, for checking cumulative figures."""
    data = row.data
    for key in sorted(set(data) - PROGRESS_KEYS):
        row.errors[key] = _("unknown field “%(value)s”") % {"value": key}
    blank = True
    for name in AMOUNTS:
        month_key, ytd_key = f"{name}_wan", f"{name}_ytd_wan"
        try:
            value = parse_wan(data.get(month_key))
        except ValueError as exc:
            row.errors[month_key] = f"{_label(name)}: {exc}"
            continue
        try:
            ytd = parse_wan(data.get(ytd_key))
        except ValueError as exc:
            row.errors[ytd_key] = f"{_label(name)}: {exc}"
            continue
        if ytd is not None:
            previous = before.get(name, Decimal(0))
            if ytd < previous:
                row.errors[ytd_key] = _(
                    "%(label)s: the cumulative figure %(value)s would go down: January to "
                    "the month before already total %(previous)s"
                ) % {"label": _label(name), "value": ytd, "previous": previous}
                continue
            derived = ytd - previous
            if value is not None and value != derived:
                row.errors[month_key] = _(
                    "%(label)s: this month %(value)s does not match the cumulative %(ytd)s "
                    "(which gives %(derived)s)"
                ) % {"label": _label(name), "value": value, "ytd": ytd, "derived": derived}
                continue
            value = derived
        if value is not None:
            blank = False
            row.values[month_key] = value
    for key in ("physical_progress", "problems_raised"):
        text = _text(data, key, row.errors)
        if text is not None:
            if text and key not in row.errors:
                blank = False
            row.values[key] = text
    if existing is not None and data.get("version") is None:
        # editing a report needs the version it was based on: without it a save could
        # silently replace figures someone else saved meanwhile
        row.errors["version"] = version_missing(_("monthly report"))
        row.version_missing = True
    elif existing is not None and str(data["version"]).strip() == "":
        # the entry grid's empty version: there was no report when the page was opened
        row.errors["version"] = _(
            "someone else reported this month after you opened the page (now version "
            "%(theirs)s); reload to see their figures"
        ) % {"theirs": existing.version}
    elif existing is not None:
        try:
            version = int(str(data["version"]).strip())
        except (TypeError, ValueError):
            version = -1
        if version != existing.version:
            row.errors["version"] = _(
                "someone else changed this report after you opened it (your version "
                "%(mine)s, now %(theirs)s); reload to see their change"
            ) % {"mine": data["version"], "theirs": existing.version}
    if blank and not row.errors:
        row.values = {}
        if existing is not None and any(
            k in data for k in ("completed_wan", "funds_in_place_wan", "counted_wan")
        ):
            row.errors["completed_wan"] = _(
                "a submitted report cannot be emptied; enter 0 for a month with no progress"
            )


def _month_of(value: Any) -> Month:
    try:
        month = Month.parse(value)
    except ValueError as exc:
        raise InputError({"month": str(exc)}) from None
    if month.is_future():
        raise InputError(
            {
                "month": _("%(month)s is in the future; report a month once it has begun")
                % {"month": month}
            }
        )
    return month


def _sums_before(project_ids, month: Month) -> dict[int, dict[str, Decimal]]:
    """project id -> sums of January to the month before, per amount (exact)."""
    rows = (
        MonthlyProgress.objects.filter(
            project_id__in=project_ids, year=month.year, month__lt=month.month
        )
        .order_by()
        .values("project_id")
        .annotate(
            completed=micro_sum("completed_wan"),
            funds_in_place=micro_sum("funds_in_place_wan"),
            counted=micro_sum("counted_wan"),
        )
    )
    return {r["project_id"]: {name: from_micro(r[name]) for name in AMOUNTS} for r in rows}


def _write(row: _Row, month: Month, existing: MonthlyProgress | None, *, user, reason: str):
    """Create or edit the report; None when nothing changed."""
    if existing is None:
        report = MonthlyProgress(
            project=row.project,
            year=month.year,
            month=month.month,
            reported_by=_user_or_none(user),
            is_synthetic=False,
            **row.values,
        )
        save_tracked(report, user=user, reason=reason)
        return report
    changed = {k: v for k, v in row.values.items() if getattr(existing, k) != v}
    if not changed:
        return None
    for key, value in changed.items():
        setattr(existing, key, value)
    save_tracked(existing, user=user, reason=reason or _("report edited"))
    return existing


@transaction.atomic
def record_progress(
    *, user, project: Project, month: Any, data: dict[str, Any], reason: str = ""
) -> MonthlyProgress:
    """Report one project's month: amounts for the month (`completed_wan`,
    `funds_in_place_wan`, `counted_wan`) or the year's cumulative figures (`completed_ytd_wan`
    …), `physical_progress`, `problems_raised`. A second report for the same month edits the
    first (kept in the history) and needs the `version` it was based on: `VersionMissing`
    without it, an error on `version` when someone saved since.
    """
    access.check_project(user, project)
    month = _month_of(month)
    existing = (
        MonthlyProgress.objects.select_for_update()
        .filter(project=project, year=month.year, month=month.month)
        .first()
    )
    row = _Row(project, data)
    _check_row(row, month, _sums_before([project.pk], month).get(project.pk, {}), existing)
    if row.version_missing:
        raise VersionMissing({"version": row.errors["version"]})
    if not row.errors and not row.values:
        row.errors["completed_wan"] = _("the report is empty")
    _raise_if(row.errors)
    return _write(row, month, existing, user=user, reason=reason) or existing


@transaction.atomic
def record_unit_month(
    *, user, unit_code: str, month: Any, rows: dict[str, dict[str, Any]], reason: str = ""
) -> dict[str, int]:
    """Save a township unit's reports for a month at once: `rows` maps project codes to
    the fields of `record_progress`. All rows are checked first; one bad row writes
    nothing, and the errors name row and field (`"320582-2023-0001.completed_wan"`).
    A row editing a report needs the report's `version`: rows without it are refused first
    (`VersionMissing`, naming them), and a row someone saved since (a stale version) is
    refused by name like any other bad row, so a save lands whole or not at all.
    An empty row is skipped. Returns `{"created": n, "updated": n, "unchanged": n}`.
    """
    reason_refused = access.unit_refusal(user, unit_code)
    if reason_refused:
        raise NotAllowed(reason_refused)
    month = _month_of(month)
    projects = {
        p.code: p for p in Project.objects.filter(code__in=list(rows)).select_related("unit")
    }
    errors: dict[str, str] = {}
    for code in rows:
        project = projects.get(code)
        if project is None:
            errors[f"{code}.project"] = _("no project with code “%(value)s”") % {"value": code}
        elif project.unit_id != unit_code:
            errors[f"{code}.project"] = _("project %(code)s is not in this unit") % {"code": code}
    _raise_if(errors)
    ids = [p.pk for p in projects.values()]
    existing = {
        r.project_id: r
        for r in MonthlyProgress.objects.select_for_update().filter(
            project_id__in=ids, year=month.year, month=month.month
        )
    }
    before = _sums_before(ids, month)
    checked = []
    missing: dict[str, str] = {}
    for number, (code, data) in enumerate(rows.items(), start=1):
        project = projects[code]
        row = _Row(project, data)
        _check_row(row, month, before.get(project.pk, {}), existing.get(project.pk))
        for field, message in row.errors.items():
            errors[f"{code}.{field}"] = _("row %(n)s (%(name)s): %(message)s") % {
                "n": number,
                "name": project.name,
                "message": message,
            }
        if row.version_missing:
            missing[f"{code}.version"] = errors[f"{code}.version"]
        checked.append(row)
    if missing:
        raise VersionMissing(missing)
    _raise_if(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in checked:
        if not row.values:
            continue
        current = existing.get(row.project.pk)
        written = _write(row, month, current, user=user, reason=reason)
        if written is None:
            counts["unchanged"] += 1
        else:
            counts["created" if current is None else "updated"] += 1
    return counts


# --------------------------------------------------------------------------- problems

PROBLEM_KEYS = {"title", "description", "department", "leader", "raised_on", "deadline"}


def resolve_department(value: Any) -> Department:
    text = str(value or "").strip()
    found = Department.objects.filter(name=text).first() or (
        Department.objects.filter(short_name=text).first() if text else None
    )
    if found is None:
        known = "、".join(Department.objects.values_list("name", flat=True)[:30])
        raise ValueError(
            _("unknown department “%(value)s” (known: %(known)s)")
            % {"value": text, "known": known or "—"}
        )
    return found


def _day(value: Any, key: str, errors: dict) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        parsed = parse_date(value)
    except ValueError as exc:
        errors[key] = str(exc)
        return None
    if parsed.precision != "day":
        errors[key] = _("“%(value)s”: give the day (2023-06-30)") % {"value": value}
        return None
    return parsed.date


def _apply_problem(problem: Problem, data: dict[str, Any], errors: dict[str, str]) -> None:
    for key in ("title", "leader"):
        text = _text(data, key, errors, 200 if key == "title" else 100, lines=False)
        if text is not None:
            setattr(problem, key, text)
    description = _text(data, "description", errors)
    if description is not None:
        problem.description = description
    if "department" in data:
        try:
            problem.department = resolve_department(data["department"])
        except ValueError as exc:
            errors["department"] = str(exc)
    for key in ("raised_on", "deadline"):
        if key in data:
            on = _day(data[key], key, errors)
            if on is not None:
                setattr(problem, key, on)
            elif key not in errors:
                errors[key] = _("This field is required.")
    if not problem.title:
        errors.setdefault("title", _("a problem needs a short title"))
    if problem.department_id is None and "department" not in errors:
        errors["department"] = _("a problem needs a responsible department")
    if problem.deadline is None and "deadline" not in errors:
        errors["deadline"] = _("a problem needs a deadline")
    today = timezone.localdate()
    if problem.raised_on and problem.raised_on > today and "raised_on" not in errors:
        errors["raised_on"] = _("%(date)s is in the future") % {"date": problem.raised_on}
    if (
        problem.deadline
        and problem.raised_on
        and problem.deadline < problem.raised_on
        and "deadline" not in errors
    ):
        errors["deadline"] = _(
            "the deadline %(deadline)s is before the problem was raised (%(raised)s)"
        ) % {
            "deadline": problem.deadline,
            "raised": problem.raised_on,
        }


@transaction.atomic
def create_problem(*, user, project: Project, data: dict[str, Any], reason: str = "") -> Problem:
    """Raise a problem for a project: title, department (name), leader, deadline, …"""
    access.check_project(user, project)
    problem = Problem(project=project, created_by=_user_or_none(user))
    errors: dict[str, str] = {}
    for key in sorted(set(data) - PROBLEM_KEYS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    _apply_problem(problem, data, errors)
    _raise_if(errors)
    save_tracked(problem, user=user, reason=reason)
    return problem


@transaction.atomic
def update_problem(
    *,
    user,
    problem: Problem,
    data: dict[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> Problem:
    """Change a problem; `status` moves it (open, in_progress, solved, cannot_solve).

    Closing (solved, cannot_solve) needs a `resolution` and records `closed_on` (today
    unless given); reopening needs a reason and clears it. `expected_version` (the version
    the change was based on) is required: `VersionMissing` without it, `ConflictError`
    when someone saved since.
    """
    access.check_project(user, problem.project)
    expected_version = require_version(expected_version, what=_("problem"))
    problem = Problem.objects.select_for_update().select_related("project").get(pk=problem.pk)
    if problem.version != expected_version:
        raise ConflictError(
            version_stale(_("problem"), expected_version, problem.version),
            current_version=problem.version,
        )
    errors: dict[str, str] = {}
    allowed = PROBLEM_KEYS | {"status", "resolution", "closed_on"}
    for key in sorted(set(data) - allowed):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    _apply_problem(problem, data, errors)
    resolution = _text(data, "resolution", errors)
    if resolution is not None:
        problem.resolution = resolution
    was_closed = problem.status in CLOSED_STATUSES
    if "status" in data:
        status = data["status"]
        if status not in ProblemStatus.values:
            errors["status"] = _("“%(value)s” is not one of %(choices)s") % {
                "value": status,
                "choices": ", ".join(ProblemStatus.values),
            }
        else:
            problem.status = status
    closing = problem.status in CLOSED_STATUSES
    if closing:
        if not problem.resolution.strip() and "resolution" not in errors:
            errors["resolution"] = _("closing a problem needs the resolution")
        given = _day(data["closed_on"], "closed_on", errors) if "closed_on" in data else None
        if given is not None:
            problem.closed_on = given
        elif not was_closed or problem.closed_on is None:
            problem.closed_on = timezone.localdate()
        if problem.closed_on and "closed_on" not in errors:
            if problem.closed_on > timezone.localdate():
                errors["closed_on"] = _("%(date)s is in the future") % {"date": problem.closed_on}
            elif problem.raised_on and problem.closed_on < problem.raised_on:
                errors["closed_on"] = _(
                    "closed on %(closed)s, before the problem was raised (%(raised)s)"
                ) % {"closed": problem.closed_on, "raised": problem.raised_on}
    else:
        if was_closed:
            if not reason.strip():
                errors["reason"] = _("reopening a problem needs a reason")
            problem.closed_on = None
    _raise_if(errors)
    save_tracked(problem, user=user, reason=reason)  # counts the version when changed
    return problem


# --------------------------------------------------------------------------- lists, events


@transaction.atomic
def set_list_member(
    *, user, project_list: ProjectList, project: Project, planned_investment_wan: Any = None
) -> ProjectListEntry:
    """Put a project on a list (or change its planned investment there)."""
    access.check_office_project(user, project)
    try:
        planned = parse_wan(planned_investment_wan)
    except ValueError as exc:
        raise InputError({"planned_investment_wan": str(exc)}) from None
    entry = ProjectListEntry.objects.filter(project_list=project_list, project=project).first()
    on_list = str(_("on the list"))
    if entry is None:
        entry = ProjectListEntry(project_list=project_list, project=project)
        before = None
    elif entry.planned_investment_wan == planned:
        return entry
    else:
        before = (
            on_list if entry.planned_investment_wan is None else str(entry.planned_investment_wan)
        )
    entry.planned_investment_wan = planned
    entry.save()
    record(
        project_list,
        user=user,
        action=ChangeAction.UPDATE,
        changes={project.code: [before, on_list if planned is None else str(planned)]},
    )
    return entry


@transaction.atomic
def remove_list_member(*, user, project_list: ProjectList, project: Project, reason: str = ""):
    access.check_office_project(user, project)
    deleted, _n = ProjectListEntry.objects.filter(
        project_list=project_list, project=project
    ).delete()
    if not deleted:
        raise InputError({"project": _("%(code)s is not on this list") % {"code": project.code}})
    record(
        project_list,
        user=user,
        action=ChangeAction.UPDATE,
        changes={project.code: [str(_("on the list")), None]},
        reason=reason,
    )


@transaction.atomic
def add_event_projects(*, user, event: BatchEvent, codes: list[str]) -> int:
    """Attach projects (by code) to a batch event; unknown codes are refused by name."""
    access.check_office(user)
    codes = [c.strip() for c in codes if c and c.strip()]
    # a county's staff finds only its county's projects (`core.access.narrow_to_region`)
    visible = narrow_to_region(user, Project.objects.filter(code__in=codes))
    found = dict(visible.values_list("code", "pk"))
    missing = [c for c in codes if c not in found]
    if missing:
        raise InputError(
            {"projects": _("no project with code %(codes)s") % {"codes": "、".join(missing)}}
        )
    have = set(event.projects.values_list("pk", flat=True))
    new = [pk for pk in found.values() if pk not in have]
    if new:
        event.projects.add(*new)
        record(
            event,
            user=user,
            action=ChangeAction.UPDATE,
            changes={"projects": [len(have), len(have) + len(new)]},
        )
    return len(new)


@transaction.atomic
def remove_event_project(*, user, event: BatchEvent, project: Project) -> None:
    access.check_office_project(user, project)
    if not event.projects.filter(pk=project.pk).exists():
        raise InputError({"project": _("%(code)s is not in this event") % {"code": project.code}})
    event.projects.remove(project)
    record(
        event,
        user=user,
        action=ChangeAction.UPDATE,
        changes={project.code: [str(_("in the event")), None]},
    )


# --------------------------------------------------------------------------- rules


@transaction.atomic
def update_rule(*, user, rule: WarningRule, data: dict[str, Any], reason: str = "") -> WarningRule:
    """Change a rule's thresholds (`amber_from`, `red_from`) or `enabled`."""
    access.check_admin(user)
    rule = WarningRule.objects.select_for_update().get(pk=rule.pk)
    errors: dict[str, str] = {}
    for key in ("amber_from", "red_from"):
        if key in data:
            try:
                value = parse_wan(data[key])
            except ValueError as exc:
                errors[key] = str(exc)
                continue
            if value is None:
                errors[key] = _("This field is required.")
            elif value.as_tuple().exponent < -2:  # type: ignore[operator]
                errors[key] = _("at most 2 decimals: %(value)s") % {"value": data[key]}
            elif value >= 10**6:
                errors[key] = _("must be at most %(limit)s") % {"limit": 999999}
            else:
                setattr(rule, key, value)
    if "enabled" in data:
        rule.enabled = bool(data["enabled"]) and data["enabled"] not in ("0", "false", "off")
    # a two-sided rule's thresholds count different things (要素: days before / after)
    if not errors and rule.code not in TWO_SIDED_RULES and rule.red_from < rule.amber_from:
        errors["red_from"] = _("red from %(red)s is below amber from %(amber)s") % {
            "red": rule.red_from,
            "amber": rule.amber_from,
        }
    _raise_if(errors)
    save_tracked(rule, user=user, reason=reason)
    return rule


@transaction.atomic
def update_settings(*, user, report_due_day: Any, reason: str = "") -> ProgressSettings:
    access.check_admin(user)
    try:
        day = int(str(report_due_day).strip())
    except ValueError:
        day = 0
    if not 1 <= day <= 28:
        raise InputError(
            {
                "report_due_day": _("“%(value)s” is not a day from 1 to 28")
                % {"value": report_due_day}
            }
        )
    settings_row = ProgressSettings.current()
    settings_row.report_due_day = day
    save_tracked(settings_row, user=user, reason=reason)
    return settings_row
