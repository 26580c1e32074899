"""Read-side filters on the ledger, shared by the pages and the API."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects.models import ProjectInvestor
from zhaoshang.regions.models import Level, Region


def find_unit(text: str) -> Region | None:
    """A township unit from its code, name, short name or alias; None if unknown.

    Names repeat across a province (several 凤凰镇), so the home county's units win.
    """
    text = text.strip()
    if not text:
        return None
    townships = Region.objects.filter(level=Level.TOWNSHIP)
    home = settings.ZHAOSHANG_HOME_COUNTY
    for match in (
        Q(code=text),
        Q(parent_id=home) & (Q(name=text) | Q(short_name=text)),
        Q(parent_id=home, aliases__alias=text),
        Q(name=text) | Q(short_name=text),
        Q(aliases__alias=text),
    ):
        found = townships.filter(match).order_by("code").first()
        if found is not None:
            return found
    return None


def find_unit_code(text: str) -> str | None:
    unit = find_unit(text)
    return unit.code if unit else None


def search(qs: QuerySet, q: str) -> QuerySet:
    """Projects whose name or code, or whose investors' names or aliases, contain `q`."""
    q = " ".join(q.split())
    if not q:
        return qs
    investor_projects = ProjectInvestor.objects.filter(
        Q(enterprise__name__icontains=q)
        | Q(
            enterprise_id__in=EnterpriseAlias.objects.filter(alias__icontains=q).values(
                "enterprise_id"
            )
        )
    ).values("project_id")
    return qs.filter(
        Q(name__icontains=q) | Q(code__iexact=q) | Q(national_code=q) | Q(pk__in=investor_projects)
    )


def filter_projects(
    qs: QuerySet,
    *,
    q: str = "",
    stage: str = "",
    status: str = "",
    unit: str = "",
    industry: str = "",
    is_synthetic: bool | None = None,
) -> QuerySet:
    """Apply the ledger filters. `unit` may be a code, a name or an alias (冶金园);
    `industry` a section letter (C) or a code prefix (38, 384, 3841)."""
    if stage:
        qs = qs.filter(stage=stage)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit_id=find_unit_code(unit) or unit.strip())
    if industry:
        code = industry.strip().upper()
        if len(code) == 1 and code.isalpha():
            qs = qs.filter(industry__section=code)
        else:
            qs = qs.filter(industry__code__startswith=code)
    if is_synthetic is not None:
        qs = qs.filter(is_synthetic=is_synthetic)
    return search(qs, q)


def ledger_totals(qs: QuerySet) -> dict:
    """`{"count": projects, "total": total investment in 万元}` in one query.

    Each investment is counted once: a phase is left out of the total when its
    parent project is in the same set (盛虹 306亿 already holds its 首期 140亿).
    """
    return qs.order_by().aggregate(
        count=Count("pk"),
        total=Sum("total_investment_wan", filter=~Q(parent_id__in=qs.values("pk"))),
    )
