"""Writes to leads: validated first, one transaction, every change kept in the history.

Public functions (the pages call them; the API, the `zhaoshang leads` command and the digest
build on them too):

- `create_lead(user=, **fields)`, `update_lead(user=, lead=, data=)`
- `advance_lead(user=, lead=, to_stage=, on=)` -- refused with `rules.missing_to_advance`
- `set_lead_status(user=, lead=, status=, reason=, on=)` -- lost/paused need a reason
- `refer_lead(user=, lead=, to_owner=, to_team=, note=)` -- hand-over with history
- `add_interaction(user=, lead=, data=)` -- a visit, meeting, call or message;
  `update_interaction(user=, visit=, data=)`, `remove_interaction(user=, visit=)` (soft)
- `add_lead_document(user=, lead=, data=, name=, title=)` -- bounded, content-sniffed;
  `rename_lead_document(user=, document=, title=)`, `remove_lead_document(user=, document=)`
- `convert_lead(user=, lead=, data=)` -- a signed lead becomes a ledger project, once

Bad input raises `InputError` naming each field and the value, before anything is written.
Rights raise `NotAllowed` (`leads.access`).

Every write to an existing lead, interaction or document takes `expected_version=` (the
`version` the page or caller loaded; None: unchecked, for callers that hold the row already):
saved since by someone else, it is refused with `ConflictError` (the ledger's one message,
`projects.services.version_stale`) and nothing is written.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core.access import role_of, unit_codes_of
from zhaoshang.core.errors import ConflictError, InputError
from zhaoshang.core.history import bump_version, record, save_tracked
from zhaoshang.core.models import ChangeAction, Role
from zhaoshang.enterprises.models import (
    LEAD_STAGE_ORDER,
    InteractionKind,
    Lead,
    LeadOrigin,
    LeadStage,
    LeadStatus,
    Visit,
)
from zhaoshang.leads import access, rules, sla
from zhaoshang.leads.models import LeadDocument, Referral, StageChange, Team
from zhaoshang.projects import rules as ledger_rules
from zhaoshang.projects.services import require_version, version_stale

# What a form, the API or a caller may give for a lead, and the column each sets.
LEAD_FIELDS = {
    "title", "enterprise", "description", "estimated_investment", "estimated_investment_wan",
    "estimated_investment_qualifier", "chain", "node", "unit", "origin", "origin_note",
    "origin_event", "source", "owner", "team", "next_action", "next_follow_up",
    "expected_signing_on", "is_synthetic",
}  # fmt: skip
TEXTS = {"title": False, "description": True, "origin_note": False, "next_action": False}
DATES = ("next_follow_up", "expected_signing_on")
INTERACTION_FIELDS = {
    "kind", "date", "place", "our_participants", "their_participants", "notes", "outcome",
    "next_step", "next_step_on", "is_synthetic",
}  # fmt: skip


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _shown(value: Any) -> str:
    return str(value)[:80]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(model, key: str, value: Any, *, lines: bool = False) -> str:
    field = model._meta.get_field(key)
    text = ledger_rules.characters(key, "" if value is None else value, field.verbose_name,
                                   lines=lines).strip()  # fmt: skip
    if field.max_length is not None and len(text) > field.max_length:
        raise ledger_rules.RuleError(
            f"{field.verbose_name}: {ledger_rules.too_long(len(text), field.max_length)}"
        )
    return text


def _date(label: str, value: Any) -> datetime.date:
    try:
        return ledger_rules.date(value).date
    except ledger_rules.RuleError as exc:
        raise ledger_rules.RuleError(f"{label}: {exc}") from None


def _not_found(label: str, value: Any) -> str:
    return _("%(field)s: no “%(value)s” here") % {"field": label, "value": _shown(value)}


# --------------------------------------------------------------------------- resolvers


def resolve_team(value: Any) -> Team | None:
    """A team by object, id or name."""
    if isinstance(value, Team):
        return value
    text = str(value).strip()
    if text.isdigit():
        return Team.objects.filter(pk=int(text)).first()
    return Team.objects.filter(name=text).first()


def resolve_user(value: Any):
    """A user by object, id or user name."""
    User = get_user_model()
    if isinstance(value, User):
        return value
    text = str(value).strip()
    if text.isdigit():
        return User.objects.filter(pk=int(text), is_active=True).first()
    return User.objects.filter(username=text, is_active=True).first()


def resolve_node(value: Any):
    """A chain node by object, id or `chain-code/node-code`."""
    from zhaoshang.chains.models import Node

    if isinstance(value, Node):
        return value
    text = str(value).strip()
    if text.isdigit():
        return Node.objects.filter(pk=int(text)).select_related("chain").first()
    if "/" in text:
        chain, code = text.split("/", 1)
        return Node.objects.filter(chain__code=chain, code=code).select_related("chain").first()
    return None


def _resolve(key: str, value: Any):
    """The object `value` names for foreign-key field `key`, or None."""
    from zhaoshang.core.models import Source
    from zhaoshang.projects.models import BatchEvent
    from zhaoshang.projects.services import resolve_chain, resolve_enterprise, resolve_unit

    if key == "team":
        return resolve_team(value)
    if key == "owner":
        return resolve_user(value)
    if key == "node":
        return resolve_node(value)
    if key in ("unit", "chain"):
        if hasattr(value, "pk"):
            return value
        try:
            return (resolve_unit if key == "unit" else resolve_chain)(value)
        except ValueError as exc:
            raise ledger_rules.RuleError(str(exc)) from None
    if key == "enterprise":
        return value if hasattr(value, "pk") else resolve_enterprise(value)
    model = {"origin_event": BatchEvent, "source": Source}[key]
    if isinstance(value, model):
        return value
    text = str(value).strip()
    return model.objects.filter(pk=int(text)).first() if text.isdigit() else None


# --------------------------------------------------------------------------- the lead


def _apply(lead: Lead, data: dict[str, Any], *, creating: bool) -> dict[str, str]:
    """Apply `data` to `lead` through the rules; every error collected, nothing saved."""
    errors: dict[str, str] = {}
    for key in sorted(set(data) - LEAD_FIELDS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    for key, lines in TEXTS.items():
        if key in data:
            try:
                setattr(lead, key, _text(Lead, key, data[key], lines=lines))
            except ledger_rules.RuleError as exc:
                errors[key] = str(exc)
    if (creating or "title" in data) and not lead.title and "title" not in errors:
        errors["title"] = _("a lead needs a title")
    if "origin" in data:
        origin = str(data["origin"] or LeadOrigin.MANUAL)
        if origin not in LeadOrigin.values:
            errors["origin"] = _("%(field)s: “%(value)s” is not one of %(choices)s") % {
                "field": _label(Lead, "origin"),
                "value": _shown(origin),
                "choices": "、".join(str(label) for label in LeadOrigin.labels),
            }
        else:
            lead.origin = origin
    for key in ("enterprise", "chain", "node", "unit", "team", "owner", "origin_event", "source"):
        if key not in data:
            continue
        if _blank(data[key]):
            setattr(lead, key, None)
            continue
        try:
            found = _resolve(key, data[key])
        except ledger_rules.RuleError as exc:
            errors[key] = f"{_label(Lead, key)}: {exc}"
            continue
        if found is None:
            errors[key] = _not_found(_label(Lead, key), data[key])
        else:
            setattr(lead, key, found)
    if lead.node_id is not None and "node" in data and "node" not in errors:
        if lead.chain_id is None or "chain" not in data:
            lead.chain = lead.node.chain
        elif lead.chain_id != lead.node.chain_id:
            errors["node"] = _("%(field)s: “%(value)s” is not a node of %(chain)s") % {
                "field": _label(Lead, "node"),
                "value": lead.node.name,
                "chain": lead.chain.name,
            }
    if "team" in data and lead.team_id is not None and not lead.team.is_active:
        errors["team"] = _("%(field)s: “%(value)s” is no longer active") % {
            "field": _label(Lead, "team"),
            "value": lead.team.name,
        }
    errors.update(_apply_amount(lead, data))
    for key in DATES:
        if key in data:
            if _blank(data[key]):
                setattr(lead, key, None)
                continue
            try:
                setattr(lead, key, _date(_label(Lead, key), data[key]))
            except ledger_rules.RuleError as exc:
                errors[key] = str(exc)
    if "is_synthetic" in data:
        lead.is_synthetic = bool(data["is_synthetic"])
    return errors


def _apply_amount(lead: Lead, data: dict[str, Any]) -> dict[str, str]:
    """The expected investment through the ledger's amount rule (`projects.rules.amount`,
    as the project's total investment, which it becomes on conversion): ``约5亿元``,
    ``超10亿``, ``1.5亿美元``; a bare number is asked for its unit."""
    text = data.get("estimated_investment")
    wan = data.get("estimated_investment_wan")
    qualifier = data.get("estimated_investment_qualifier")
    if "estimated_investment" not in data and "estimated_investment_wan" not in data:
        return {}
    key = "estimated_investment" if "estimated_investment" in data else "estimated_investment_wan"
    try:
        if not _blank(text):
            columns = ledger_rules.amount("total_investment", str(text), qualifier, typed=True)
        elif wan not in (None, ""):
            number = ledger_rules.amount_number(wan)
            columns = ledger_rules.amount("total_investment", number, qualifier)
        else:
            columns = ledger_rules.cleared_amount("total_investment")
    except (ledger_rules.RuleError, ValueError) as exc:
        return {key: f"{_label(Lead, 'estimated_investment_wan')}: {exc}"}
    lead.estimated_investment_wan = columns["total_investment_wan"]
    lead.estimated_investment_qualifier = columns["total_investment_qualifier"]
    lead.estimated_investment_text = columns["total_investment_text"]
    return {}


def _save(lead: Lead, *, user, reason: str = "", action: str | None = None):
    sla.refresh(lead)
    return save_tracked(lead, user=user, reason=reason, action=action)


def _default_place(lead: Lead, user) -> None:
    """A town editor's lead lands in its own town unless told otherwise; anyone's lead is
    owned by its maker unless told otherwise."""
    if lead.owner_id is None and getattr(user, "is_authenticated", False):
        lead.owner = user
    if lead.unit_id is None and role_of(user) == Role.TOWN_EDITOR:
        profile = getattr(user, "profile", None)
        if profile is not None and profile.unit_id:
            lead.unit_id = profile.unit_id
    if lead.team_id is None and lead.owner_id is not None:
        teams = list(Team.objects.filter(members=lead.owner, is_active=True)[:2])
        if len(teams) == 1:
            lead.team = teams[0]


@transaction.atomic
def create_lead(*, user, **fields: Any) -> Lead:
    """Record a lead (招商线索) at stage 线索, active.

    >>> create_lead(user=u, title="某电池二期", enterprise=e, estimated_investment="约5亿元",
    ...             node="new-energy/cells", team="新能源招商专班", next_action="首次拜访",
    ...             next_follow_up="2026-12-14")

    Refused, with nothing written, when a field is bad (`InputError` naming it and the
    value). The owner defaults to `user`; the team to the owner's only team.
    """
    access.check_can_create(user)
    lead = Lead(stage=LeadStage.LEAD, status=LeadStatus.ACTIVE)
    data = {k: v for k, v in fields.items() if not (k in DATES and v is None)}
    errors = _apply(lead, data, creating=True)
    if errors:
        raise InputError(errors)
    _default_place(lead, user)
    today = timezone.localdate()
    lead.stage_since = lead.status_since = today
    _save(lead, user=user)
    StageChange.objects.create(lead=lead, from_stage="", to_stage=lead.stage, on=today,
                               by=_user(user))  # fmt: skip
    return lead


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _checked(model, obj, expected_version: Any, what: str):
    """`obj` locked for this transaction; with `expected_version`, refused (`ConflictError`)
    when saved or removed since that version. An empty version given is `VersionMissing`."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is None:
        return locked
    expected = require_version(expected_version, what=what)
    if locked.version != expected or getattr(locked, "removed_at", None) is not None:
        raise ConflictError(version_stale(what, expected, locked.version),
                            current_version=locked.version)  # fmt: skip
    return locked


def _locked(lead: Lead, expected_version: Any = None) -> Lead:
    return _checked(Lead, lead, expected_version, _("lead"))


@transaction.atomic
def update_lead(*, user, lead: Lead, data: dict[str, Any], reason: str = "",
                expected_version: Any = None) -> Lead:  # fmt: skip
    """Change a lead's fields (not its stage, status, owner or team: those have their own
    actions, which keep their own history)."""
    access.check_can_edit(user, lead)
    lead = _locked(lead, expected_version)
    errors: dict[str, str] = {}
    for key in ("stage", "status", "owner", "team", "project"):
        if key in data:
            errors[key] = _("%(field)s changes through its own action, not an edit") % {
                "field": _label(Lead, key)
            }
    rest = {k: v for k, v in data.items() if k not in errors}
    errors.update(_apply(lead, rest, creating=False))
    if errors:
        raise InputError(errors)
    _save(lead, user=user, reason=reason)
    return lead


def _stage_label(stage: str) -> str:
    return str(LeadStage(stage).label)


@transaction.atomic
def advance_lead(*, user, lead: Lead, to_stage: str, on: Any = None, note: str = "",
                 expected_version: Any = None) -> Lead:  # fmt: skip
    """Move `lead` to `to_stage` (forward through the stage gates, or back) on date `on`
    (default today). Forward moves are refused with what is missing; 落地 is reached by
    converting the signed lead into a ledger project (`convert_lead`)."""
    access.check_can_edit(user, lead)
    lead = _locked(lead, expected_version)
    if to_stage not in LEAD_STAGE_ORDER:
        raise InputError({"stage": _("%(field)s: “%(value)s” is not one of %(choices)s") % {
            "field": _label(Lead, "stage"), "value": _shown(to_stage),
            "choices": "、".join(str(label) for label in LeadStage.labels)}})  # fmt: skip
    if lead.status in (LeadStatus.LOST, LeadStatus.WON):
        raise InputError({"stage": _("The lead is %(status)s; reopen it before moving it.") % {
            "status": lead.get_status_display()}})  # fmt: skip
    if to_stage == lead.stage:
        raise InputError({"stage": _("The lead is already at %(stage)s.") % {
            "stage": _stage_label(to_stage)}})  # fmt: skip
    if to_stage == LeadStage.LANDED and lead.project_id is None:
        raise InputError({"stage": _(
            "A lead lands by becoming a ledger project: convert the signed lead."
        )})  # fmt: skip
    forward = LEAD_STAGE_ORDER.index(to_stage) > LEAD_STAGE_ORDER.index(lead.stage)
    if forward:
        missing = rules.missing_to_advance(lead, to_stage)
        if missing:
            raise InputError({"stage": _("Cannot move to %(stage)s: missing %(missing)s.") % {
                "stage": _stage_label(to_stage),
                "missing": "、".join(m.label for m in missing)}})  # fmt: skip
    day = timezone.localdate()
    if not _blank(on):
        try:
            day = _date(_("date"), on)
        except ledger_rules.RuleError as exc:
            raise InputError({"on": str(exc)}) from None
        if day > timezone.localdate():
            raise InputError({"on": _("%(field)s: %(value)s is in the future") % {
                "field": _("date"), "value": day.isoformat()}})  # fmt: skip
    before = lead.stage
    lead.stage, lead.stage_since = to_stage, day
    _save(lead, user=user, reason=note)
    StageChange.objects.create(lead=lead, from_stage=before, to_stage=to_stage, on=day,
                               by=_user(user))  # fmt: skip
    return lead


NEEDS_REASON = (LeadStatus.LOST, LeadStatus.PAUSED)


@transaction.atomic
def set_lead_status(*, user, lead: Lead, status: str, reason: str = "", on: Any = None,
                    expected_version: Any = None) -> Lead:  # fmt: skip
    """Pause, lose (both with a reason and a date) or reopen a lead. "Won" is set by
    converting the lead into a ledger project."""
    access.check_can_edit(user, lead)
    lead = _locked(lead, expected_version)
    errors: dict[str, str] = {}
    if status not in LeadStatus.values:
        errors["status"] = _("%(field)s: “%(value)s” is not one of %(choices)s") % {
            "field": _label(Lead, "status"), "value": _shown(status),
            "choices": "、".join(str(label) for label in LeadStatus.labels)}  # fmt: skip
    elif status == LeadStatus.WON:
        errors["status"] = _("A lead is won when it becomes a ledger project: convert it.")
    elif lead.status == LeadStatus.WON:
        errors["status"] = _("The lead became project %(code)s; its status stays won.") % {
            "code": lead.project.code if lead.project_id else "—"}  # fmt: skip
    elif status == lead.status:
        errors["status"] = _("The lead is already %(status)s.") % {
            "status": lead.get_status_display()}  # fmt: skip
    try:
        reason = _text(Lead, "status_reason", reason)
    except ledger_rules.RuleError as exc:
        errors["reason"] = str(exc)
        reason = ""
    if status in NEEDS_REASON and not reason and "reason" not in errors:
        errors["reason"] = _("%(status)s needs a reason") % {
            "status": LeadStatus(status).label}  # fmt: skip
    day = timezone.localdate()
    if not _blank(on):
        try:
            day = _date(_label(Lead, "status_since"), on)
        except ledger_rules.RuleError as exc:
            errors["on"] = str(exc)
    if errors:
        raise InputError(errors)
    lead.status, lead.status_reason, lead.status_since = status, reason, day
    _save(lead, user=user, reason=reason)
    return lead


@transaction.atomic
def refer_lead(*, user, lead: Lead, to_owner: Any = None, to_team: Any = None,
               note: str = "", expected_version: Any = None) -> Referral:  # fmt: skip
    """Hand a lead over to another owner and/or team; the referral is kept with who, when
    and why, and the lead's history records the change."""
    access.check_can_edit(user, lead)
    lead = _locked(lead, expected_version)
    errors: dict[str, str] = {}
    owner, team = lead.owner, lead.team
    if not _blank(to_owner):
        owner = resolve_user(to_owner)
        if owner is None:
            errors["to_owner"] = _not_found(_("to owner"), to_owner)
    if not _blank(to_team):
        team = resolve_team(to_team)
        if team is None or not team.is_active:
            errors["to_team"] = _not_found(_("to team"), to_team)
    if _blank(to_owner) and _blank(to_team):
        errors["to_owner"] = _("Name the owner or the team the lead goes to.")
    elif not errors and owner == lead.owner and team == lead.team:
        errors["to_owner"] = _("The lead already has this owner and team.")
    try:
        note = _text(Referral, "note", note)
    except ledger_rules.RuleError as exc:
        errors["note"] = str(exc)
    if errors:
        raise InputError(errors)
    referral = Referral.objects.create(
        lead=lead, from_owner=lead.owner, from_team=lead.team, to_owner=owner, to_team=team,
        note=note, by=_user(user),
    )  # fmt: skip
    lead.owner, lead.team = owner, team
    _save(lead, user=user, reason=note or _("hand-over"))
    return referral


# --------------------------------------------------------------------------- interactions


INTERACTION_TEXTS = {"place": "place", "our_participants": "our_participants",
                     "their_participants": "their_participants", "notes": "summary",
                     "outcome": "outcome", "next_step": "next_step"}  # fmt: skip


def _apply_interaction(visit: Visit, data: dict[str, Any], *, creating: bool):
    """Apply `data` to `visit` through the rules: (errors, the next step's date or None).
    A new interaction needs its date; an edit changes the fields it sends."""
    errors: dict[str, str] = {}
    for key in sorted(set(data) - INTERACTION_FIELDS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    if creating or "kind" in data:
        kind = str(data.get("kind") or InteractionKind.VISIT)
        if kind not in InteractionKind.values:
            errors["kind"] = _("%(field)s: “%(value)s” is not one of %(choices)s") % {
                "field": _label(Visit, "kind"), "value": _shown(kind),
                "choices": "、".join(str(label) for label in InteractionKind.labels)}  # fmt: skip
        visit.kind = kind
    if creating or "date" in data:
        if _blank(data.get("date")):
            errors["date"] = _("%(field)s is required") % {"field": _label(Visit, "visited_on")}
        else:
            try:
                visit.visited_on = _date(_label(Visit, "visited_on"), data["date"])
            except ledger_rules.RuleError as exc:
                errors["date"] = str(exc)
            else:
                if visit.visited_on > timezone.localdate():
                    errors["date"] = _("%(field)s: %(value)s is in the future") % {
                        "field": _label(Visit, "visited_on"),
                        "value": visit.visited_on.isoformat(),
                    }
    for key, column in INTERACTION_TEXTS.items():
        if key in data:
            try:
                setattr(visit, column, _text(Visit, column, data[key], lines=column == "summary"))
            except ledger_rules.RuleError as exc:
                errors[key] = str(exc)
    next_on = None
    if not _blank(data.get("next_step_on")):
        try:
            next_on = _date(_("next step date"), data["next_step_on"])
        except ledger_rules.RuleError as exc:
            errors["next_step_on"] = str(exc)
    if "is_synthetic" in data:
        visit.is_synthetic = bool(data["is_synthetic"])
    return errors, next_on


def _last_contact(lead: Lead):
    """The date of the lead's latest interaction that is not removed, or None."""
    return (
        live_interactions(lead.visits.all())
        .order_by("-visited_on")
        .values_list("visited_on", flat=True)
        .first()
    )


@transaction.atomic
def add_interaction(*, user, lead: Lead, data: dict[str, Any]) -> Visit:
    """Record a visit, meeting, call or message on `lead` (and its enterprise).

    `data`: kind, date, place, our_participants, their_participants, notes, outcome,
    next_step and next_step_on (which become the lead's next action and its date). The lead's
    last contact and its service-level deadline move with it.
    """
    access.check_can_edit(user, lead)
    lead = _locked(lead)
    visit = Visit(lead=lead, enterprise=lead.enterprise, by=_user(user),
                  is_synthetic=lead.is_synthetic)  # fmt: skip
    errors, next_on = _apply_interaction(visit, data, creating=True)
    if errors:
        raise InputError(errors)
    visit.save()
    record(visit, user=user, action=ChangeAction.CREATE,
           changes={"kind": [None, visit.kind], "visited_on": [None, visit.visited_on.isoformat()],
                    "summary": [None, visit.summary], "outcome": [None, visit.outcome]})  # fmt: skip
    if lead.last_contact_on is None or visit.visited_on > lead.last_contact_on:
        lead.last_contact_on = visit.visited_on
    if visit.next_step:
        lead.next_action = visit.next_step[:300]
    if next_on is not None:
        lead.next_follow_up = next_on
    _save(lead, user=user, reason=_("interaction recorded"))
    return visit


def _interaction_what() -> str:
    return _("interaction")


def _lead_of(visit: Visit) -> Lead:
    if visit.lead_id is None:
        raise InputError({"lead": _("This interaction belongs to no lead.")})
    return visit.lead


@transaction.atomic
def update_interaction(*, user, visit: Visit, data: dict[str, Any], reason: str = "",
                       expected_version: Any = None) -> Visit:  # fmt: skip
    """Correct an interaction (the same fields and rules as recording it; the same right: to
    edit its lead). The change is kept in its history; the lead's last contact follows the
    dates, and a next step on the lead's latest interaction becomes the lead's next action."""
    lead = _lead_of(visit)
    access.check_can_edit(user, lead)
    visit = _checked(Visit, visit, expected_version, _interaction_what())
    if visit.removed_at is not None:
        raise InputError({"visit": _("This interaction was removed.")})
    errors, next_on = _apply_interaction(visit, data, creating=False)
    try:
        reason = _text(Lead, "status_reason", reason)
    except ledger_rules.RuleError as exc:
        errors["reason"] = str(exc)
    if errors:
        raise InputError(errors)
    save_tracked(visit, user=user, reason=reason)
    lead = _locked(lead)
    lead.last_contact_on = _last_contact(lead)
    latest = live_interactions(lead.visits.all()).order_by("-visited_on", "-id").first()
    if latest is not None and latest.pk == visit.pk:
        if visit.next_step:
            lead.next_action = visit.next_step[:300]
        if next_on is not None:
            lead.next_follow_up = next_on
    _save(lead, user=user, reason=_("interaction corrected"))
    return visit


@transaction.atomic
def remove_interaction(*, user, visit: Visit, reason: str = "",
                       expected_version: Any = None) -> None:  # fmt: skip
    """Take an interaction away (recorded by mistake, on the wrong lead): the row stays, marked
    removed, with who and why in its history; the lead's last contact follows."""
    lead = _lead_of(visit)
    access.check_can_edit(user, lead)
    visit = _checked(Visit, visit, expected_version, _interaction_what())
    if visit.removed_at is not None:
        raise InputError({"visit": _("This interaction was removed already.")})
    try:
        reason = _text(Lead, "status_reason", reason)
    except ledger_rules.RuleError as exc:
        raise InputError({"reason": str(exc)}) from None
    _soft_remove(visit, user, reason)
    lead = _locked(lead)
    lead.last_contact_on = _last_contact(lead)
    _save(lead, user=user, reason=_("interaction removed"))


def _soft_remove(obj, user, reason: str) -> None:
    """Mark `obj` removed, count it in its version and keep it in the history (as the
    project file removes its records: `dossier.services`)."""
    obj.removed_at = timezone.now()
    type(obj).objects.filter(pk=obj.pk).update(removed_at=obj.removed_at)
    bump_version(obj)
    record(obj, user=user, action=ChangeAction.DELETE, reason=reason,
           changes={"removed_at": [None, obj.removed_at.isoformat()]})  # fmt: skip


def live_interactions(qs):
    """Interactions that are not removed: every read of a lead's timeline goes through it."""
    return qs.filter(removed_at__isnull=True)


def interactions_of(lead: Lead):
    """The lead's timeline, newest first (removed interactions left out)."""
    return live_interactions(lead.visits.select_related("by")).order_by("-visited_on", "-id")


# --------------------------------------------------------------------------- documents


def add_lead_document(*, user, lead: Lead, data: bytes, name: str, title: str = "") -> LeadDocument:
    """Keep a file with the lead, checked as the project file checks its own (size, then the
    content decides the type: `dossier.files`); `dossier.services.DocumentRefused` naming
    the file otherwise. The bytes are written first and taken away if the row fails."""
    from zhaoshang.dossier import files
    from zhaoshang.dossier.services import DocumentRefused, refusal_text
    from zhaoshang.lib.uploads import FileRefused, check_size

    access.check_can_edit(user, lead)
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "file"
    try:
        check_size(len(data), files.max_bytes())
        found = files.sniff(data)
    except (FileRefused, files.FileType) as exc:
        raise DocumentRefused(refusal_text(name, exc)) from None
    title = (title or "").strip()[:200] or name.rsplit(".", 1)[0][:200] or name
    stored, digest = files.store(data, found.extension)
    try:
        with transaction.atomic():
            document = LeadDocument.objects.create(
                lead=lead, title=title, original_name=name, content_type=found.content_type,
                kind=found.kind, size=len(data), sha256=digest, stored_name=stored,
                created_by=_user(user),
            )  # fmt: skip
            record(document, user=user, action=ChangeAction.CREATE,
                   changes={k: [None, getattr(document, k)]
                            for k in ("title", "original_name", "kind", "size")})  # fmt: skip
    except BaseException:
        files.discard(stored)
        raise
    return document


def lead_documents(lead: Lead):
    """The lead's documents that are not removed."""
    return lead.documents.filter(removed_at__isnull=True).select_related("created_by")


def _document_what() -> str:
    return _("document")


@transaction.atomic
def rename_lead_document(*, user, document: LeadDocument, title: str,
                         expected_version: Any = None) -> LeadDocument:  # fmt: skip
    """Give a lead's document another title (the file stays); kept in its history."""
    access.check_can_edit(user, document.lead)
    document = _checked(LeadDocument, document, expected_version, _document_what())
    if document.removed_at is not None:
        raise InputError({"title": _("This document was removed.")})
    try:
        title = _text(LeadDocument, "title", title)
    except ledger_rules.RuleError as exc:
        raise InputError({"title": str(exc)}) from None
    if not title:
        raise InputError({"title": _("%(field)s is required") % {
            "field": _label(LeadDocument, "title")}})  # fmt: skip
    document.title = title
    save_tracked(document, user=user)
    return document


@transaction.atomic
def remove_lead_document(*, user, document: LeadDocument, reason: str = "",
                         expected_version: Any = None) -> None:  # fmt: skip
    """Take a document away from the lead: its record stays, marked removed, with who and why
    in its history; its bytes are deleted from the data folder once the removal is saved."""
    from zhaoshang.dossier import files

    access.check_can_edit(user, document.lead)
    document = _checked(LeadDocument, document, expected_version, _document_what())
    if document.removed_at is not None:
        raise InputError({"document": _("This document was removed already.")})
    try:
        reason = _text(Lead, "status_reason", reason)
    except ledger_rules.RuleError as exc:
        raise InputError({"reason": str(exc)}) from None
    _soft_remove(document, user, reason)
    stored = document.stored_name
    transaction.on_commit(lambda: files.discard(stored))


# --------------------------------------------------------------------------- conversion


def _signed_on(lead: Lead) -> datetime.date:
    change = lead.stage_changes.filter(to_stage=LeadStage.SIGNED).order_by("-on", "-id").first()
    return change.on if change is not None else lead.stage_since


def project_data(lead: Lead) -> dict[str, Any]:
    """What the new project holds, in the terms of `projects.services.create_project`."""
    data: dict[str, Any] = {"name": lead.title, "stage": "signed",
                            "actual_signed": _signed_on(lead),
                            "is_synthetic": lead.is_synthetic}  # fmt: skip
    if lead.unit_id:
        data["unit"] = lead.unit_id
    if lead.chain_id:
        data["chain"] = lead.chain.code
    if lead.estimated_investment_wan is not None:
        if lead.estimated_investment_text:
            data["total_investment"] = lead.estimated_investment_text
        else:
            data["total_investment_wan"] = lead.estimated_investment_wan
            data["total_investment_qualifier"] = lead.estimated_investment_qualifier
    if lead.enterprise_id:
        data["investors"] = [lead.enterprise_id]
    return data


@transaction.atomic
def convert_lead(*, user, lead: Lead, data: dict[str, Any] | None = None,
                 expected_version: Any = None):  # fmt: skip
    """A signed lead becomes a ledger project through the ledger's ordinary create path
    (`projects.services.create_project`: the same rules and rights as the project form),
    with its title, location, chain, expected investment (as total investment), investor
    and signing date carried over; `data` may override or add project fields (`name`,
    `unit`, ...). The lead then points to the project (and the project's `leads` back to
    it), is at 落地 and won. A lead converts once: a second time is refused naming the
    project."""
    from zhaoshang.projects.services import create_project

    access.check_can_edit(user, lead)
    lead = _locked(lead, expected_version)
    if lead.project_id is not None:
        raise InputError({"project": _("Lead %(id)s already became project %(code)s.") % {
            "id": lead.pk, "code": lead.project.code}})  # fmt: skip
    if lead.stage != LeadStage.SIGNED or lead.status != LeadStatus.ACTIVE:
        raise InputError(
            {
                "stage": _(
                    "Only an active signed lead becomes a project; this one is %(stage)s, %(status)s."
                )
                % {"stage": lead.get_stage_display(), "status": lead.get_status_display()}
            }
        )
    fields = project_data(lead) | {k: v for k, v in (data or {}).items() if not _blank(v)}
    reason = _("from lead %(id)s: %(title)s") % {"id": lead.pk, "title": lead.title}
    project = create_project(user=user, data=fields, reason=reason[:300])
    if lead.node_id is not None:
        _place_on_node(project, lead, user)
    today = timezone.localdate()
    lead.project = project
    lead.stage, lead.stage_since = LeadStage.LANDED, today
    lead.status, lead.status_since, lead.status_reason = LeadStatus.WON, today, ""
    _save(lead, user=user, reason=_("became project %(code)s") % {"code": project.code})
    StageChange.objects.create(lead=lead, from_stage=LeadStage.SIGNED, to_stage=LeadStage.LANDED,
                               on=today, by=_user(user))  # fmt: skip
    return project


def _place_on_node(project, lead: Lead, user) -> None:
    """The project sits on the lead's chain node, placed by a person (the chains service)."""
    from zhaoshang.chains.services import add_placement

    add_placement(user=user, node=lead.node, project=project,
                  note=_("from lead %(id)s") % {"id": lead.pk})  # fmt: skip


def visible_teams():
    return Team.objects.filter(is_active=True).order_by("kind", "name")


def town_units_of(user) -> set[str]:
    return unit_codes_of(user)
