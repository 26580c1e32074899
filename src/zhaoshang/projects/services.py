"""Writes to the ledger. Each function checks everything first, then writes in one
transaction and records the change (who, when, before, after)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.chains.models import Chain
from zhaoshang.core.errors import ConflictError, InputError
from zhaoshang.core.history import bump_version, record, save_tracked
from zhaoshang.core.models import ChangeAction
from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias
from zhaoshang.industries.models import Industry
from zhaoshang.lib.dates import DateError, PartialDate, parse_date_text
from zhaoshang.lib.money import AmountError, parse_amount
from zhaoshang.projects.access import check_can_create, check_can_edit
from zhaoshang.projects.models import (
    FORWARD,
    STAGE_ORDER,
    Nature,
    Project,
    ProjectInvestor,
    Stage,
    StageDate,
    Status,
    stage_index,
    validate_national_code,
)
from zhaoshang.projects.queries import find_unit
from zhaoshang.regions.models import Region

# Amounts a project carries; the ones with a currency keep the original too.
AMOUNT_FIELDS = (
    "total_investment",
    "signed_amount",
    "registered_capital",
    "foreign_investment",
    "expected_revenue",
    "expected_tax",
    "expected_output",
)
FOREIGN_AMOUNTS = {"registered_capital", "foreign_investment"}
NEEDS_REASON = {Status.DELAYED, Status.PAUSED, Status.DROPPED}  # a status that must say why
AMOUNT_TEXT_MAX = 200
TEXT_FIELDS = {
    "name": 300,
    "description": 100_000,
    "category": 100,
    "address": 300,
    "phase_label": 50,
    "capacity": 200,
    "status_reason": 10_000,
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
        "national_code",
        "unit",
        "industry",
        "chain",
        "is_foreign",
        "nature",
        "parent",
        "stage",
        "status",
        "expected_jobs",
        "investors",
        "is_synthetic",
    }
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def resolve_unit(value: Any) -> Region:
    """A township-level unit by code, name, short name or alias (金港镇 → 金港街道)."""
    text = str(value).strip()
    found = find_unit(text)
    if found is None:
        raise ValueError(_("unknown township unit “%(value)s”") % {"value": text})
    return found


def resolve_industry(value: Any) -> Industry:
    text = str(value).strip().upper()
    found = Industry.objects.filter(code=text).first()
    if found is None:
        raise ValueError(
            _("unknown GB/T 4754-2017 industry code “%(value)s”") % {"value": str(value).strip()}
        )
    return found


def resolve_chain(value: Any) -> Chain:
    text = str(value).strip()
    found = Chain.objects.filter(Q(code=text) | Q(name=text)).first()
    if found is None:
        raise ValueError(_("unknown industrial chain “%(value)s”") % {"value": text})
    return found


def resolve_enterprise(value: Any) -> Enterprise | None:
    """An enterprise by id, name, credit code or alias; None when the registry lacks it."""
    if isinstance(value, int):
        return Enterprise.objects.filter(pk=value).first()
    text = str(value).strip()
    return (
        Enterprise.objects.filter(Q(name=text) | Q(credit_code=text.upper())).first()
        or Enterprise.objects.filter(
            pk__in=EnterpriseAlias.objects.filter(alias=text).values("enterprise_id")
        ).first()
    )


def parse_date(value: Any) -> PartialDate:
    """A date with its precision from a date object or text (2023-03-15, 2023年3月, 2023)."""
    if isinstance(value, datetime.datetime):
        return PartialDate(value.date(), "day")
    if isinstance(value, datetime.date):
        return PartialDate(value, "day")
    try:
        return PartialDate(*parse_date_text(str(value)))
    except DateError as exc:
        raise ValueError(str(exc)) from None


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "是", "外资", "y"}:
        return True
    if text in {"0", "false", "no", "否", "内资", "n", ""}:
        return False
    raise ValueError(_("“%(value)s” is neither yes nor no") % {"value": value})


def _apply_amount(project: Project, name: str, data: dict[str, Any]) -> None:
    """Set one amount from text (`超100亿元`) or from a number in 万元 with a qualifier."""
    raw_text = data.get(name)
    raw_wan = data.get(f"{name}_wan")
    qualifier = data.get(f"{name}_qualifier")
    if name in data and _blank(raw_text) and (raw_wan is None or f"{name}_wan" not in data):
        setattr(project, f"{name}_wan", None)
        setattr(project, f"{name}_text", "")
        setattr(project, f"{name}_qualifier", "exact")
        if name in FOREIGN_AMOUNTS:
            setattr(project, f"{name}_currency", "CNY")
            setattr(project, f"{name}_original", None)
            setattr(project, f"{name}_rate", None)
        return
    if not _blank(raw_text):
        amount = parse_amount(str(raw_text))
        value, text = amount.value_wan, amount.text
        qualifier = amount.qualifier.value
        currency, original, rate = amount.currency, amount.original, amount.rate
    elif raw_wan is not None:
        try:
            value = Decimal(str(raw_wan))
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number") % {"value": raw_wan}) from None
        if not value.is_finite():
            raise ValueError(_("“%(value)s” is not a number") % {"value": raw_wan})
        if value < 0:
            raise ValueError(_("An amount cannot be negative: %(value)s") % {"value": raw_wan})
        text, currency, original, rate = "", "CNY", value, None
        qualifier = qualifier or "exact"
    elif qualifier is not None:
        setattr(project, f"{name}_qualifier", qualifier)
        return
    else:
        return
    if qualifier not in {"exact", "at_least", "approx", "at_most"}:
        raise ValueError(_("unknown qualifier “%(value)s”") % {"value": qualifier})
    if value.as_tuple().exponent < -6:  # type: ignore[operator]
        raise ValueError(
            _("%(value)s has more than 6 decimals in 万元 (below 0.01 yuan)") % {"value": raw_wan}
        )
    setattr(project, f"{name}_wan", value)
    setattr(project, f"{name}_qualifier", qualifier)
    if len(text) > AMOUNT_TEXT_MAX:
        raise ValueError(
            _("the amount as written is longer than %(limit)s characters: “%(value)s”")
            % {"limit": AMOUNT_TEXT_MAX, "value": text}
        )
    setattr(project, f"{name}_text", text)
    if name in FOREIGN_AMOUNTS:
        setattr(project, f"{name}_currency", currency)
        setattr(project, f"{name}_original", original)
        setattr(project, f"{name}_rate", rate)


def _apply(
    project: Project, data: dict[str, Any], *, creating: bool
) -> tuple[dict[str, str], list[Enterprise | str] | None, dict[str, Any], dict[str, Any]]:
    """Apply `data` to the unsaved `project`; collect every error instead of stopping at one.

    Returns (errors, investors or None, planned dates by stage, actual dates by stage).
    """
    errors: dict[str, str] = {}

    def fail(field: str, exc: Exception) -> None:
        errors[field] = str(exc.messages[0] if hasattr(exc, "messages") else exc)

    for key in sorted(set(data) - KNOWN_KEYS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}

    for field, limit in TEXT_FIELDS.items():
        if field in data:
            text = "" if data[field] is None else " ".join(str(data[field]).split())
            if field == "description":
                text = str(data[field] or "").strip()
            if len(text) > limit:
                errors[field] = _("longer than %(limit)s characters") % {"limit": limit}
            else:
                setattr(project, field, text)
    if creating and not project.name:
        errors["name"] = _("a project needs a name")

    if "code" in data and not _blank(data["code"]):
        code = str(data["code"]).strip()
        if not creating and code != project.code:
            errors["code"] = _("the project code cannot change (it is “%(value)s”)") % {
                "value": project.code
            }
        elif creating and Project.objects.filter(code=code).exists():
            errors["code"] = _("project code “%(value)s” is already used") % {"value": code}
        else:
            project.code = code
    if "national_code" in data:
        value = "" if _blank(data["national_code"]) else str(data["national_code"]).strip()
        try:
            validate_national_code(value)
            project.national_code = value
        except Exception as exc:  # ValidationError
            fail("national_code", exc)

    lookups = {"unit": resolve_unit, "industry": resolve_industry, "chain": resolve_chain}
    for field, resolve in lookups.items():
        if field not in data:
            continue
        if _blank(data[field]):
            setattr(project, field, None)
            continue
        try:
            setattr(project, field, resolve(data[field]))
        except ValueError as exc:
            fail(field, exc)

    if "is_foreign" in data:
        try:
            project.is_foreign = _parse_bool(data["is_foreign"])
        except ValueError as exc:
            fail("is_foreign", exc)
    if "is_synthetic" in data:
        project.is_synthetic = bool(data["is_synthetic"])
    choices = {"nature": Nature, "stage": Stage, "status": Status}
    for field, enum in choices.items():
        if field not in data:
            continue
        if field == "stage" and not creating:
            errors["stage"] = _("change the stage with a stage action, which records its date")
            continue
        if data[field] not in enum.values:
            errors[field] = _("“%(value)s” is not one of %(choices)s") % {
                "value": data[field],
                "choices": ", ".join(enum.values),
            }
        else:
            if field == "status" and data[field] != project.status:
                project.status_since = timezone.localdate()
            setattr(project, field, data[field])
    if "expected_jobs" in data:
        raw = data["expected_jobs"]
        if _blank(raw):
            project.expected_jobs = None
        else:
            try:
                jobs = int(str(raw).strip())
                if jobs < 0 or str(jobs) != str(raw).strip().lstrip("+"):
                    raise ValueError
                project.expected_jobs = jobs
            except ValueError:
                errors["expected_jobs"] = _("“%(value)s” is not a whole number of jobs") % {
                    "value": raw
                }
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
            fail(name if name in data else f"{name}_wan", exc)

    investors: list[Enterprise | str] | None = None
    if "investors" in data:
        raw_list = data["investors"] or []
        if isinstance(raw_list, str):
            raw_list = [p for p in raw_list.replace("；", ";").replace("、", ";").split(";")]
        investors = []
        for raw in raw_list:
            if _blank(raw):
                continue
            investors.append(resolve_enterprise(raw) or str(raw).strip())

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
                target[stage] = parse_date(data[key])
            except ValueError as exc:
                fail(key, exc)
    if "status" in data and data["status"] in NEEDS_REASON:
        if not project.status_reason.strip():
            errors["status_reason"] = _("a %(status)s project needs a reason") % {
                "status": Status(data["status"]).label
            }
    return errors, investors, planned, actual


def check_stage_dates(
    project: Project, planned: dict[str, Any], actual: dict[str, Any], *, creating: bool
) -> dict[str, str]:
    """Stage dates must not go backwards: no completion before start, planned or actual."""
    stored = {} if creating else {sd.stage: sd for sd in project.stage_dates.all()}
    errors: dict[str, str] = {}
    today = PartialDate(timezone.localdate())
    for prefix, given in (("planned", planned), ("actual", actual)):
        merged: dict[str, PartialDate | None] = {s: sd.partial(prefix) for s, sd in stored.items()}
        merged.update(given)
        last_stage, last = None, None
        for stage in STAGE_ORDER:
            value = merged.get(stage)
            if value is None:
                continue
            if prefix == "actual":
                if stage_index(stage) > stage_index(project.stage):
                    errors[f"actual_{stage}"] = _(
                        "%(stage)s has an actual date %(date)s but the project is only at "
                        "stage %(current)s"
                    ) % {
                        "stage": Stage(stage).label,
                        "date": value,
                        "current": project.get_stage_display(),
                    }
                    continue
                if today.is_before(value):
                    errors[f"actual_{stage}"] = _(
                        "actual date %(date)s of %(stage)s is in the future"
                    ) % {"date": value, "stage": Stage(stage).label}
                    continue
            if last is not None and value.is_before(last):
                errors[f"{prefix}_{stage}"] = _(
                    "%(stage)s date %(date)s is before %(previous)s date %(previous_date)s"
                ) % {
                    "stage": Stage(stage).label,
                    "date": value,
                    "previous": Stage(last_stage).label,
                    "previous_date": last,
                }
            else:
                last_stage, last = stage, value
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
            enterprise = Enterprise.objects.create(name=item[:200])
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


def next_project_code(year: int | None = None) -> str:
    """`<county code>-<year>-<serial>`, e.g. 320582-2023-0007: readable, unique in a province."""
    from django.conf import settings

    year = year or timezone.localdate().year
    prefix = f"{settings.ZHAOSHANG_HOME_COUNTY}-{year}-"
    codes = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    serial = max((int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{serial + 1:04d}"


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
        project.code = next_project_code()
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
    check_can_edit(user, project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _(
                "This project was changed by someone else after you opened it "
                "(your version %(mine)s, now %(theirs)s). Reload to see their change."
            )
            % {"mine": expected_version, "theirs": locked.version},
            current_version=locked.version,
        )
    project = locked
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
    if status != Status.ON_TRACK and not reason.strip():
        raise InputError(
            {"reason": _("a %(status)s project needs a reason") % {"status": Status(status).label}}
        )
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.status = status
    project.status_reason = reason.strip()
    project.status_since = on or timezone.localdate()
    save_tracked(project, user=user, reason=reason)
    return project
