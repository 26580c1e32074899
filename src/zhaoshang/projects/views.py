"""Ledger pages. Thin: filters come from `queries`, rights from `access`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render

from zhaoshang.core.history import describe, history_for
from zhaoshang.projects.access import can_edit_project, get_project_for_view, projects_visible_to
from zhaoshang.projects.models import STAGE_ORDER, Project, Stage, Status
from zhaoshang.projects.queries import filter_projects, ledger_totals
from zhaoshang.regions.models import Region

PAGE_SIZE = 50


@login_required
def project_list(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "stage", "status", "unit", "industry")}
    synthetic = request.GET.get("synthetic", "")
    qs = filter_projects(
        projects_visible_to(request.user),
        **params,
        is_synthetic={"real": False, "synthetic": True}.get(synthetic),
    )
    totals = ledger_totals(qs)
    by_stage = dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))
    page = Paginator(
        qs.select_related("unit", "industry").order_by("-total_investment_wan", "code"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    units = Region.objects.filter(parent_id=settings.ZHAOSHANG_HOME_COUNTY).order_by("code")
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "params": params,
            "synthetic": synthetic,
            "count": totals["count"],
            "total": totals["total"],
            "by_stage": [(Stage(s).label, by_stage.get(s, 0)) for s in STAGE_ORDER],
            "stages": Stage.choices,
            "statuses": Status.choices,
            "units": units,
        },
    )


@login_required
def project_detail(request, code: str):
    try:
        project = get_project_for_view(request.user, code)
    except Project.DoesNotExist:
        raise Http404(code) from None
    project = (
        Project.objects.select_related("unit", "industry", "chain", "parent")
        .prefetch_related("investor_links__enterprise", "projectsource_set__source", "phases")
        .get(pk=project.pk)
    )
    stage_dates = {sd.stage: sd for sd in project.stage_dates.select_related("recorded_by")}
    timeline = [
        {
            "stage": Stage(s).label,
            "code": s,
            "date": stage_dates.get(s),
            "planned": stage_dates[s].display("planned") if s in stage_dates else "",
            "actual": stage_dates[s].display("actual") if s in stage_dates else "",
        }
        for s in STAGE_ORDER
    ]
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "timeline": timeline,
            "current_index": STAGE_ORDER.index(project.stage),
            "history": [(h, describe(h)) for h in history_for(project)[:200]],
            "can_edit": can_edit_project(request.user, project),
        },
    )
