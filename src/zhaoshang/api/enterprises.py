"""`/enterprises`: the investor registry, read only (writes wait for an enterprise service)."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from zhaoshang.enterprises.access import enterprises_visible_to
from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects.access import projects_visible_to
from zhaoshang.projects.models import ProjectInvestor

from .schemas import (
    PAGE_DESCRIPTION,
    PAGE_MAX,
    Detail,
    EnterpriseDetail,
    EnterprisePage,
    FieldErrors,
    code_name,
)

router = Router(tags=["enterprises"])


class EnterpriseFilters(Schema):
    q: str | None = Field(None, description="Part of the name or of an alias, or a credit code")
    page: int = Field(1, ge=1, le=PAGE_MAX, description=PAGE_DESCRIPTION)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/enterprises", response={200: EnterprisePage, 401: Detail, 422: FieldErrors})
def list_enterprises(request, filters: Query[EnterpriseFilters]):
    qs = enterprises_visible_to(request.auth)
    q = " ".join((filters.q or "").split())
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(credit_code=q.upper())
            | Q(pk__in=EnterpriseAlias.objects.filter(alias__icontains=q).values("enterprise_id"))
        )
    start = (filters.page - 1) * filters.page_size
    return {
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": list(qs.order_by("name", "pk")[start : start + filters.page_size]),
    }


@router.get(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseDetail, 401: Detail, 404: Detail, 422: FieldErrors},
)
def get_enterprise(request, enterprise_id: int):
    """An enterprise with its aliases, group, flags and its projects here."""
    enterprise = (
        enterprises_visible_to(request.auth)
        .select_related("parent", "industry", "region")
        .prefetch_related("aliases")
        .filter(pk=enterprise_id)
        .first()
    )
    if enterprise is None:
        raise HttpError(404, _("No enterprise with id %(id)s.") % {"id": enterprise_id})
    links = (
        ProjectInvestor.objects.filter(
            # the visible projects among this enterprise's own: a subquery over all visible
            # projects made SQLite walk every project (as the enterprise page did)
            enterprise=enterprise,
            project__in=projects_visible_to(request.auth).filter(
                investor_links__enterprise=enterprise
            ),
        )
        .select_related("project__unit", "project__industry", "project__chain")
        .prefetch_related(
            Prefetch(
                "project__investor_links",
                queryset=ProjectInvestor.objects.select_related("enterprise").order_by("id"),
            )
        )
        .order_by("project__code")
    )
    projects = []
    for link in links:
        link.project.role = link.role
        projects.append(link.project)
    return {
        "id": enterprise.pk,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "country": enterprise.country,
        "is_fortune500": enterprise.is_fortune500,
        "is_listed": enterprise.is_listed,
        "stock_code": enterprise.stock_code,
        "is_specialised": enterprise.is_specialised,
        "is_high_tech": enterprise.is_high_tech,
        "is_synthetic": enterprise.is_synthetic,
        "is_foreign": enterprise.is_foreign,
        "website": enterprise.website,
        "business_scope": enterprise.business_scope,
        "note": enterprise.note,
        "industry": code_name(enterprise.industry),
        "region": code_name(enterprise.region),
        "parent": enterprise.parent,
        "ultimate_parent": enterprise.ultimate_parent,
        "aliases": list(enterprise.aliases.all()),
        "projects": projects,
    }
