"""Writes to the enterprise registry: validated first, one transaction, history kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError
from zhaoshang.core.history import save_tracked
from zhaoshang.enterprises.access import check_can_edit_enterprises
from zhaoshang.enterprises.models import (
    AliasKind,
    Enterprise,
    EnterpriseAlias,
    Lead,
    SizeBand,
)
from zhaoshang.lib.creditcode import CreditCodeError, validate_credit_code
from zhaoshang.projects import rules

FIELDS = {
    "name", "credit_code", "country", "parent", "industry", "region", "is_fortune500",
    "is_listed", "stock_code", "is_specialised", "is_high_tech", "business_scope", "website",
    "note", "aliases", "size_band",
}  # fmt: skip
FLAGS = ("is_fortune500", "is_listed", "is_specialised", "is_high_tech")
# A size band as registries and ledgers write it (大型企业, 大型, 大, large).
SIZE_WORDS = {
    **{band.value: band.value for band in SizeBand},
    "大型": "large", "大": "large", "大型企业": "large", "l": "large",
    "中型": "medium", "中": "medium", "中型企业": "medium", "m": "medium",
    "小型": "small", "小": "small", "小型企业": "small", "s": "small",
    "微型": "micro", "微": "micro", "微型企业": "micro", "xs": "micro",
}  # fmt: skip


def parse_size_band(value: Any) -> str:
    """``大型企业`` -> ``large``; blank -> ``""``; anything else raises ValueError naming it."""
    from zhaoshang.lib.names import fold

    key = fold(value)
    if not key:
        return ""
    if key not in SIZE_WORDS:
        raise ValueError(
            _("“%(value)s” is not a size band (大型, 中型, 小型, 微型)")
            % {"value": " ".join(str(value).split())}
        )
    return SIZE_WORDS[key]


def resolve_place(value: Any) -> Any:
    """A region at any level from its name as written (锦丰镇, 深圳市南山区, 上海): where an
    enterprise is. Raises ValueError with the resolver's message (suggestions included)."""
    from zhaoshang.core.names import Lookup
    from zhaoshang.regions.models import Region

    names = Lookup()
    code = names.place(value)
    if code is None:
        raise ValueError(names.place_error(value))
    return Region.objects.get(pk=code)


def _text(key: str, value: Any) -> str:
    """A text of the registry through the ledger's character rule (no control or bidi
    characters, zero-width ones dropped) and within its column."""
    lines = key in ("business_scope", "note")
    field = EnterpriseAlias._meta.get_field(key) if key == "alias" else None
    field = field or Enterprise._meta.get_field(key)
    text = rules.characters(key, "" if value is None else value, field.verbose_name, lines=lines)
    text = text.strip()
    limit = field.max_length
    if limit is not None and len(text) > limit:
        raise rules.RuleError(f"{field.verbose_name}: {rules.too_long(len(text), limit)}")
    return text


def _apply(enterprise: Enterprise, data: dict[str, Any]) -> tuple[dict[str, str], list | None]:
    from zhaoshang.projects.services import resolve_enterprise, resolve_industry

    errors: dict[str, str] = {}
    for key in sorted(set(data) - FIELDS):
        errors[key] = _("unknown field “%(value)s”") % {"value": key}
    for key in ("name", "stock_code", "business_scope", "website", "note"):
        if key in data:
            try:
                value = _text(key, data[key])
            except rules.RuleError as exc:
                errors[key] = str(exc)
                continue
            setattr(enterprise, key, value)
    if ("name" in data or enterprise.pk is None) and "name" not in errors:
        if not enterprise.name:
            errors["name"] = _("an enterprise needs a name")
        elif Enterprise.objects.filter(name=enterprise.name).exclude(pk=enterprise.pk).exists():
            errors["name"] = _("“%(value)s” is already registered") % {"value": enterprise.name}
    if "credit_code" in data:
        raw = str(data["credit_code"] or "").strip()
        try:
            enterprise.credit_code = validate_credit_code(raw) if raw else ""
        except CreditCodeError as exc:
            errors["credit_code"] = str(exc)
        else:
            clash = Enterprise.objects.filter(credit_code=enterprise.credit_code).exclude(
                pk=enterprise.pk
            )
            if enterprise.credit_code and clash.exists():
                errors["credit_code"] = _("credit code “%(value)s” belongs to %(other)s") % {
                    "value": enterprise.credit_code,
                    "other": clash.first(),
                }
    if "country" in data:
        country = str(data["country"] or "").strip().upper()
        if len(country) != 2 or not country.isalpha():
            errors["country"] = _("“%(value)s” is not a two-letter country code (CN, DE, US)") % {
                "value": data["country"]
            }
        else:
            enterprise.country = country
    for key in FLAGS:
        if key in data:
            setattr(enterprise, key, bool(data[key]))
    if "size_band" in data:
        try:
            enterprise.size_band = parse_size_band(data["size_band"])
        except ValueError as exc:
            errors["size_band"] = str(exc)
    resolvers = {"industry": resolve_industry, "region": resolve_place}
    for key, resolve in resolvers.items():
        if key in data:
            if data[key] in (None, ""):
                setattr(enterprise, key, None)
                continue
            try:
                setattr(enterprise, key, resolve(data[key]))
            except ValueError as exc:
                errors[key] = str(exc)
    if "parent" in data:
        if data["parent"] in (None, ""):
            enterprise.parent = None
        else:
            parent = resolve_enterprise(data["parent"])
            if parent is None:
                errors["parent"] = _("no enterprise “%(value)s” in the registry") % {
                    "value": data["parent"]
                }
            else:
                enterprise.parent = parent
    aliases = None
    if "aliases" in data:
        aliases = []
        for item in data["aliases"] or []:
            alias, kind = (item, AliasKind.SHORT) if isinstance(item, str) else item
            if kind not in AliasKind.values:
                errors["aliases"] = _("unknown alias kind “%(value)s”") % {"value": kind}
            elif str(alias).strip():
                try:
                    aliases.append((_text("alias", alias), kind))
                except rules.RuleError as exc:
                    errors["aliases"] = str(exc)
    if not errors:
        try:
            enterprise.full_clean(exclude=["credit_code", "name"])
        except ValidationError as exc:
            errors.update({k: str(v[0]) for k, v in exc.message_dict.items()})
    return errors, aliases


def _set_aliases(enterprise: Enterprise, aliases: list[tuple[str, str]]) -> None:
    enterprise.aliases.exclude(alias__in=[a for a, _k in aliases]).delete()
    for alias, kind in aliases:
        EnterpriseAlias.objects.update_or_create(
            enterprise=enterprise, alias=alias, defaults={"kind": kind}
        )


@transaction.atomic
def create_enterprise(*, user, data: dict[str, Any], reason: str = "") -> Enterprise:
    """Register an enterprise; a bad credit code or unknown unit is refused, nothing written."""
    check_can_edit_enterprises(user)
    enterprise = Enterprise()
    errors, aliases = _apply(enterprise, data)
    if errors:
        raise InputError(errors)
    save_tracked(enterprise, user=user, reason=reason)
    if aliases:
        _set_aliases(enterprise, aliases)
    return enterprise


@transaction.atomic
def update_enterprise(
    *, user, enterprise: Enterprise, data: dict[str, Any], reason: str = ""
) -> Enterprise:
    check_can_edit_enterprises(user)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    errors, aliases = _apply(enterprise, data)
    if errors:
        raise InputError(errors)
    save_tracked(enterprise, user=user, reason=reason)
    if aliases is not None:
        _set_aliases(enterprise, aliases)
    return enterprise


def create_lead(*, user, title: str, enterprise: Enterprise | None = None, origin: str = "manual",
                **fields: Any) -> Lead:  # fmt: skip
    """Record a lead (招商线索): `leads.services.create_lead`, kept here for the callers that
    make leads from chain targets and news candidates. `estimated_investment` is text as
    written (约5亿元), read by the ledger's amount rule."""
    from zhaoshang.leads.services import create_lead as create

    return create(user=user, title=title, enterprise=enterprise, origin=origin, **fields)
