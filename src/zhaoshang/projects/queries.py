"""Read-side filters on the ledger, shared by the pages and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects.models import ProjectInvestor
from zhaoshang.regions.models import Level, Region


def find_unit_code(text: str) -> str | None:
    """A township unit's code from its code, name, short name or alias; None if unknown."""
    text = text.strip()
    townships = Region.objects.filter(level=Level.TOWNSHIP)
    found = (
        townships.filter(Q(code=text) | Q(name=text) | Q(short_name=text))
        .values_list("code", flat=True)
        .first()
    )
    return found or townships.filter(aliases__alias=text).values_list("code", flat=True).first()


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
            qs = qs.filter(industry_id__startswith=code)
    if is_synthetic is not None:
        qs = qs.filter(is_synthetic=is_synthetic)
    return search(qs, q)
