"""Writes to the ledger. Each function checks everything first, then writes in one
transaction and records the change (who, when, before, after)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.chains.models import Chain
from zhaoshang.core.errors import ConflictError, InputError
from zhaoshang.core.history import bump_version, record, save_tracked
from zhaoshang.core.models import ChangeAction
from zhaoshang.core.names import Lookup
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Industry
from zhaoshang.lib.dates import PartialDate
from zhaoshang.lib.money import AmountError
from zhaoshang.projects import mujun, rules
from zhaoshang.projects.access import check_can_create, check_can_edit
from zhaoshang.projects.models import (
    FORWARD,
    STAGE_ORDER,
    Project,
    ProjectInvestor,
    Stage,
    StageDate,
    Status,
    stage_index,
)
from zhaoshang.projects.rules import (  # noqa: F401 - the ledger's constants, used from here by other apps
    AMOUNT_FIELDS,
    AMOUNT_TEXT_MAX,
    FOREIGN_AMOUNTS,
    NEEDS_REASON,
    TEXT_FIELDS,
)
from zhaoshang.regions.models import Region

# The keys whose change asks the 亩均 check again.
MUJUN_KEYS = {"land_area", "land_area_mu", "industry", "stage"} | {
    f"{a}{suffix}"
    for a in ("total_investment", "expected_output", "expected_revenue", "expected_tax")
    for suffix in ("", "_wan", "_qualifier")
}
KNOWN_KEYS = (
    set(TEXT_FIELDS)
    | set(AMOUNT_FIELDS)
    | {f"{a}_wan" for a in AMOUNT_FIELDS}
    | {f"{a}_qualifier" for a in AMOUNT_FIELDS}
    | {f"planned_{s}" for s in STAGE_ORDER}
    | {f"actual_{s}" for s in STAGE_ORDER}
    | {
        "code",
        "land_area",
        "land_area_mu",
        "national_code",
        "unit",
        "industry",
        "chain",
        "is_foreign",
        "publish_oc4ids",
        "nature",
        "parent",
        "stage",
        "status",
        "expected_jobs",
        "investors",
        "is_synthetic",
    }
)
_blank = rules.blank


class VersionMissing(InputError):
    """An update that does not say which version it was based on. Without it, a save could
    overwrite a change someone else saved meanwhile without anyone noticing, so every face
    refuses it: the API answers 428 Precondition Required (`status_code`), a page shows the
    message on its form."""

    status_code = 428


def version_missing(what: str) -> str:
    return _(
        "version is required: send the “version” of the %(what)s you loaded, so that a "
        "change someone else saved in the meantime is not overwritten"
    ) % {"what": what}


def version_stale(what: str, mine: int, theirs: int) -> str:
    """The one message for a save based on a version someone else has saved over."""
    return _(
        "This %(what)s was changed by someone else after you opened it "
        "(your version %(mine)s, now %(theirs)s). Reload to see their change."
    ) % {"what": what, "mine": mine, "theirs": theirs}


def require_version(version: Any, *, what: str, field: str = "version") -> int:
    """The `version` an update was based on, as an int; `VersionMissing` when absent."""
    if version is None or (isinstance(version, str) and not version.strip()):
        raise VersionMissing({field: version_missing(what)})
    if isinstance(version, bool):
        raise InputError({field: _("“%(value)s” is not a version number") % {"value": version}})
    try:
        return int(version)
    except (TypeError, ValueError):
        raise InputError(
            {field: _("“%(value)s” is not a version number") % {"value": version}}
        ) from None


def _resolved(rule, model, value: Any, names: Lookup | None):
    """The object the one name resolver finds for `value`; ValueError with its message."""
    try:
        key = rule(value, names or Lookup())
    except rules.RuleError as exc:
        raise ValueError(str(exc)) from None
    return model.objects.get(pk=key)


def resolve_unit(value: Any, names: Lookup | None = None) -> Region:
    """A township-level unit as people write it (金港镇, 保税区(金港街道), 錦豐鎮, 锦丰)."""
    return _resolved(rules.unit, Region, value, names)


def resolve_industry(value: Any, names: Lookup | None = None) -> Industry:
    """A GB/T 4754-2017 industry by code (3841, C3841) or name (锂离子电池制造)."""
    return _resolved(rules.industry, Industry, value, names)


def resolve_chain(value: Any, names: Lookup | None = None) -> Chain:
    return _resolved(rules.chain, Chain, value, names)


def resolve_enterprise(value: Any, names: Lookup | None = None) -> Enterprise | None:
    """An enterprise by id, name, credit code or alias; None when the registry lacks it."""
    pk = (names or Lookup()).enterprise(value)
    return None if pk is None else Enterprise.objects.filter(pk=pk).first()


def parse_date(value: Any) -> PartialDate:
    """A date with its precision from a date object or text (2023-03-15, 2023年3月, 2023)."""
    try:
        return rules.date(value)
    except rules.RuleError as exc:
        raise ValueError(str(exc)) from None


def _apply_amount(project: Project, name: str, data: dict[str, Any]) -> None:
    """Set one amount from text (`超100亿元`) or from a number in 万元 with a qualifier.
    A blank amount clears it (a form's or an API's empty field)."""
    raw_text = data.get(name)
    raw_wan = data.get(f"{name}_wan")
    qualifier = data.get(f"{name}_qualifier")
    if name in data and _blank(raw_text) and (raw_wan is None or f"{name}_wan" not in data):
        columns = rules.cleared_amount(name)
    elif not _blank(raw_text):
        columns = rules.amount(name, raw_text, qualifier, typed=True)
    elif raw_wan is not None:
        columns = rules.amount(name, rules.amount_number(raw_wan), qualifier)
    elif not _blank(qualifier):
        if getattr(project, f"{name}_text"):
            raise rules.RuleError(
                _("give the qualifier in the amount as written (“%(value)s”), not twice")
                % {"value": getattr(project, f"{name}_text")}
            )
        columns = {
            f"{name}_qualifier": rules.amount(name, Decimal(0), qualifier)[f"{name}_qualifier"]
        }
    else:
        return
    for column, value in columns.items():
        setattr(project, column, value)


def _apply(
    project: Project, data: dict[str, Any], *, creating: bool, names: Lookup | None = None
) -> tuple[dict[str, str], list[Enterprise | str] | None, dict[str, Any], dict[str, Any]]:
    """Apply `data` to the unsaved `project` through the ledger's rules (`projects.rules`);
    collect every error instead of stopping at one.

    Returns (errors, investors or None, planned dates by stage, actual dates by stage).
    """
    names = names or Lookup()
    errors: dict[str, str] = {}

    for key in sorted(set(data) - KNOWN_KEYS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}

    simple = [k for k in data if k in rules.TEXT_FIELDS or k in rules.NAME_RULES
              or k in rules.BOOLEAN_FIELDS
              or k in ("national_code", "nature", "status", "expected_jobs")]  # fmt: skip
    for key in simple:
        value = data[key]
        if _blank(value):
            if key in rules.NAME_RULES:
                setattr(project, rules.COLUMN_OF[key], None)
            elif key == "expected_jobs":
                project.expected_jobs = None
            elif key in rules.TEXT_FIELDS or key == "national_code":
                setattr(project, key, "")
            elif key in rules.BOOLEAN_FIELDS:
                setattr(project, key, False)
            else:
                errors[key] = rules.cell_message("choice", "", field=key)
            continue
        try:
            columns = rules.field_columns(key, value, names)
        except rules.RuleError as exc:
            errors[key] = str(exc)
            continue
        if key == "status" and columns["status"] != project.status:
            project.status_since = timezone.localdate()
        for column, column_value in columns.items():
            setattr(project, column, column_value)
    if creating and not project.name and "name" not in errors:
        errors["name"] = _("a project needs a name")

    if "code" in data and not _blank(data["code"]):
        try:
            code = rules.code(data["code"])
        except rules.RuleError as exc:
            errors["code"] = str(exc)
        else:
            if not creating and code != project.code:
                errors["code"] = _("the project code cannot change (it is “%(value)s”)") % {
                    "value": project.code
                }
            elif creating and Project.objects.filter(code=code).exists():
                errors["code"] = _("project code “%(value)s” is already used") % {"value": code}
            else:
                project.code = code

    if "stage" in data:
        if not creating:
            errors["stage"] = _("change the stage with a stage action, which records its date")
        else:
            try:
                project.stage = rules.choice("stage", data["stage"])
            except rules.RuleError as exc:
                errors["stage"] = str(exc)
    if "parent" in data:
        if _blank(data["parent"]):
            project.parent = None
        else:
            parent = Project.objects.filter(code=str(data["parent"]).strip()).first()
            if parent is None:
                errors["parent"] = _("no project with code “%(value)s”") % {"value": data["parent"]}
            elif parent.pk is not None and parent.pk == project.pk:
                errors["parent"] = _("a project cannot be a phase of itself")
            else:
                project.parent = parent

    for name in AMOUNT_FIELDS:
        try:
            _apply_amount(project, name, data)
        except (AmountError, ValueError) as exc:
            errors[name if name in data else f"{name}_wan"] = str(exc)

    for key in ("land_area", "land_area_mu"):  # text as written, or a number of 亩 (the API)
        if key in data:
            try:
                columns = (
                    rules.cleared_land_area() if _blank(data[key]) else rules.land_area(data[key])
                )
            except rules.RuleError as exc:
                errors[key] = str(exc)
            else:
                for column, value in columns.items():
                    setattr(project, column, value)

    investors: list[Enterprise | str] | None = None
    if "investors" in data:
        try:
            found = rules.investors(data["investors"] or [], names)
        except rules.RuleError as exc:
            errors["investors"] = str(exc)
        else:
            known = Enterprise.objects.in_bulk([i for i in found if isinstance(i, int)])
            investors = [known[i] if isinstance(i, int) else i for i in found]

    planned: dict[str, Any] = {}
    actual: dict[str, Any] = {}
    for stage in STAGE_ORDER:
        for prefix, target in (("planned", planned), ("actual", actual)):
            key = f"{prefix}_{stage}"
            if key not in data:
                continue
            if _blank(data[key]):
                target[stage] = None
                continue
            try:
                target[stage] = rules.date(data[key])
            except rules.RuleError as exc:
                errors[key] = str(exc)
    if not errors and MUJUN_KEYS & set(data):
        # a binding 亩均 threshold refuses a signed project's land or figures below it; a
        # threshold that is not binding only warns (projects.mujun, shown by the faces)
        for finding in mujun.refusals(project):
            errors.setdefault("land_area", finding.message)
    if "status" in data and "status" not in errors:
        missing = rules.status_reason_missing(project.status, project.status_reason)
        if missing:
            errors["status_reason"] = missing
    return errors, investors, planned, actual


def check_stage_dates(
    project: Project, planned: dict[str, Any], actual: dict[str, Any], *, creating: bool
) -> dict[str, str]:
    """`rules.check_dates` on the project's stored dates and the given ones."""
    stored = (
        {}
        if creating
        else {
            sd.stage: (sd.partial("planned"), sd.partial("actual"))
            for sd in project.stage_dates.all()
        }
    )
    given = {("planned", s): v for s, v in planned.items()} | {
        ("actual", s): v for s, v in actual.items()
    }
    issues = rules.check_dates(project.stage, stored, given, PartialDate(timezone.localdate()))
    errors: dict[str, str] = {}
    for field, _value, message in issues:
        errors.setdefault(field, message)
    return errors


def _save_dates(
    project: Project, planned: dict[str, Any], actual: dict[str, Any], *, user
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    now = timezone.now()
    for stage in sorted(set(planned) | set(actual), key=stage_index):
        sd, _created = StageDate.objects.get_or_create(project=project, stage=stage)
        for prefix, given in (("planned", planned), ("actual", actual)):
            if stage not in given:
                continue
            before, after = sd.partial(prefix), given[stage]
            if before == after:
                continue
            changes[f"{prefix}_{stage}"] = [
                None if before is None else str(before),
                None if after is None else str(after),
            ]
            setattr(sd, f"{prefix}_on", None if after is None else after.date)
            setattr(sd, f"{prefix}_precision", "day" if after is None else after.precision)
            if prefix == "actual":
                sd.recorded_by = user if getattr(user, "is_authenticated", False) else None
                sd.recorded_at = now
        sd.save()
    return changes


def _link_investors(project: Project, investors: list[Enterprise | str], *, user) -> list[str]:
    names: list[str] = []
    wanted: list[Enterprise] = []
    for item in investors:
        if isinstance(item, str):
            enterprise = Enterprise.objects.create(name=item)  # within NAME_MAX: rules.investors
            save_tracked_create_note = _("registered as a new investor of project %(code)s") % {
                "code": project.code
            }
            record(
                enterprise,
                user=user,
                action=ChangeAction.CREATE,
                changes={"name": [None, enterprise.name]},
                reason=save_tracked_create_note,
            )
            item = enterprise
        wanted.append(item)
        names.append(item.name)
    ProjectInvestor.objects.filter(project=project).exclude(enterprise__in=wanted).delete()
    for i, enterprise in enumerate(wanted):
        ProjectInvestor.objects.get_or_create(
            project=project,
            enterprise=enterprise,
            defaults={"role": "lead" if i == 0 else "partner"},
        )
    return names


def project_code_prefix(year: int, unit_code: str | None = None) -> str:
    """`<county code>-<year>-`: the county is the project's (`regions.home.county_of` its
    unit: 常熟市's projects in a 苏州市 installation are 320581-…), the home county for a
    project without a unit."""
    from zhaoshang.regions.home import county_of

    return f"{county_of(unit_code)}-{year}-"


def last_code_serial(prefix: str) -> int:
    """The highest serial given under `prefix` so far (0 for none)."""
    codes = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    return max((int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()), default=0)


def next_project_code(year: int | None = None, unit_code: str | None = None) -> str:
    """`<county code>-<year>-<serial>`, e.g. 320582-2023-0007: readable, unique in a province."""
    prefix = project_code_prefix(year or timezone.localdate().year, unit_code)
    return f"{prefix}{last_code_serial(prefix) + 1:04d}"


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InputError(errors)


@transaction.atomic
def create_project(*, user, data: dict[str, Any], reason: str = "") -> Project:
    """Create a project from user input (text amounts, unit names, ISO dates).

    >>> create_project(user=u, data={"name": "X项目", "unit": "锦丰镇", "total_investment": "超10亿元"})
    """
    project = Project(created_by=user if getattr(user, "is_authenticated", False) else None)
    errors, investors, planned, actual = _apply(project, data, creating=True)
    if "unit" not in errors:
        check_can_create(user, project.unit_id)
    errors.update(check_stage_dates(project, planned, actual, creating=True))
    _raise_if(errors)
    if not project.code:
        project.code = next_project_code(unit_code=project.unit_id)
    project.full_clean(exclude=["code"])
    log = save_tracked(project, user=user, reason=reason)
    extra: dict[str, list[Any]] = {}
    if investors:
        extra["investors"] = [None, _link_investors(project, investors, user=user)]
    if planned or actual:
        extra.update(_save_dates(project, planned, actual, user=user))
    if extra and log is not None:
        log.changes = {**log.changes, **extra}
        log.save(update_fields=["changes"])
    return project


def lock_for_edit(*, user, project: Project, expected_version: int | None) -> Project:
    """The project locked for this transaction, once `user` may edit it and, with
    `expected_version`, nobody has saved it since that version (ConflictError otherwise)."""
    check_can_edit(user, project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            version_stale(_("project"), expected_version, locked.version),
            current_version=locked.version,
        )
    return locked


@transaction.atomic
def update_project(
    *,
    user,
    project: Project,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> Project:
    """Change fields of a project. With `expected_version`, refuse if someone saved since."""
    project = lock_for_edit(user=user, project=project, expected_version=expected_version)
    errors, investors, planned, actual = _apply(project, data, creating=False)
    if "unit" in data and "unit" not in errors:
        try:
            check_can_edit(user, project)
        except Exception as exc:
            errors["unit"] = str(exc)
    errors.update(check_stage_dates(project, planned, actual, creating=False))
    _raise_if(errors)
    try:
        project.full_clean(exclude=["code"])
    except Exception as exc:
        raise InputError(exc.message_dict) from None  # type: ignore[attr-defined]
    log = save_tracked(project, user=user, reason=reason)
    extra: dict[str, list[Any]] = {}
    if investors is not None:
        before = list(
            project.investors.order_by("project_links__id").values_list("name", flat=True)
        )
        after = _link_investors(project, investors, user=user)
        if before != after:
            extra["investors"] = [before, after]
    if planned or actual:
        extra.update(_save_dates(project, planned, actual, user=user))
    if log is None and extra:
        log = record(project, user=user, action=ChangeAction.UPDATE, changes={}, reason=reason)
        bump_version(project)
    if log is not None and extra:
        log.changes = {**log.changes, **extra}
        log.save(update_fields=["changes"])
    project.refresh_from_db()
    return project


@transaction.atomic
def change_stage(
    *, user, project: Project, to: str, on: datetime.date | str, reason: str = ""
) -> Project:
    """Move a project to another stage on a date.

    Forward moves follow `FORWARD` and record the stage's actual date and who.
    Going back needs a reason and clears the actual dates of the stages left.
    """
    check_can_edit(user, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    errors: dict[str, str] = {}
    if to not in Stage.values:
        raise InputError({"stage": _("“%(value)s” is not a stage") % {"value": to}})
    try:
        on_date = parse_date(on)
    except ValueError as exc:
        raise InputError({"on": str(exc)}) from None
    current = project.stage
    going_back = stage_index(to) < stage_index(current)
    if to == current:
        errors["stage"] = _("the project is already at stage %(stage)s") % {
            "stage": Stage(to).label
        }
    elif going_back:
        if not reason.strip():
            errors["reason"] = _("going back a stage needs a reason")
    elif to not in FORWARD[current]:
        errors["stage"] = _(
            "a project at stage %(current)s cannot move to %(to)s; next: %(next)s"
        ) % {
            "current": Stage(current).label,
            "to": Stage(to).label,
            "next": ", ".join(str(Stage(s).label) for s in STAGE_ORDER if s in FORWARD[current])
            or "—",
        }
    _raise_if(errors)
    changes: dict[str, list[Any]] = {"stage": [current, to]}
    if going_back:
        cleared = StageDate.objects.filter(
            project=project, stage__in=STAGE_ORDER[stage_index(to) + 1 :], actual_on__isnull=False
        )
        for sd in cleared:
            changes[f"actual_{sd.stage}"] = [str(sd.partial("actual")), None]
        cleared.update(actual_on=None, recorded_by=None, recorded_at=None)
        project.stage = to
    else:
        project.stage = to
        date_errors = check_stage_dates(project, {}, {to: on_date}, creating=False)
        if date_errors:
            raise InputError({"on": next(iter(date_errors.values()))})
        changes.update(_save_dates(project, {}, {to: on_date}, user=user))
    project.version += 1
    project.save(update_fields=["stage", "version", "updated_at"])
    record(project, user=user, action=ChangeAction.STAGE, changes=changes, reason=reason)
    return project


@transaction.atomic
def set_status(
    *, user, project: Project, status: str, reason: str = "", on: datetime.date | None = None
) -> Project:
    """Mark a project on track, delayed, paused or dropped; all but on-track need a reason."""
    check_can_edit(user, project)
    if status not in Status.values:
        raise InputError({"status": _("“%(value)s” is not a status") % {"value": status}})
    if on is not None:
        try:
            on = rules.date(on).date
        except rules.RuleError as exc:
            raise InputError({"on": str(exc)}) from None
    try:  # the reason is stored on the project: the ledger's one text rule, as on every path
        reason = rules.text("status_reason", reason)
    except rules.RuleError as exc:
        raise InputError({"reason": str(exc)}) from None
    if status != Status.ON_TRACK and not reason:
        raise InputError(
            {"reason": _("a %(status)s project needs a reason") % {"status": Status(status).label}}
        )
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.status = status
    project.status_reason = reason
    project.status_since = on or timezone.localdate()
    save_tracked(project, user=user, reason=reason)
    return project
