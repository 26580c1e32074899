"""The ledger's open-data download: the filtered ledger's public and infrastructure projects
as an OC4IDS project package (projects.oc4ids), for what the user may see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhaoshang.projects import oc4ids
from zhaoshang.projects.access import projects_visible_to
from zhaoshang.projects.queries import ledger_queryset

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_GET
def project_oc4ids(request):
    """`?<ledger filters>&format=json|csv|xlsx`: the ledger's filters and the user's rights
    (`projects_visible_to`), then the export's rule (`oc4ids.published_projects`). Synthetic
    projects only when the ledger's Data filter asks for them."""
    fmt = request.GET.get("format", "json") or "json"
    if fmt not in oc4ids.FORMATS:
        return HttpResponseBadRequest(
            _("Unknown format “%(value)s”: choose json, csv or xlsx.") % {"value": fmt}
        )
    qs, params = ledger_queryset(projects_visible_to(request.user), request.GET)
    qs = oc4ids.published_projects(qs, synthetic=params.values["synthetic"] == "synthetic")
    back = reverse("projects:list") + (f"?{params.query_string()}" if params.query_string() else "")
    try:
        package = oc4ids.build_package(qs, uri=request.build_absolute_uri())
        content = oc4ids.package_bytes(package, fmt)
    except oc4ids.OC4IDSError as exc:
        if not qs.exists():
            messages.info(
                request,
                _(
                    "No project in this selection is published as open data: OC4IDS holds "
                    "public and infrastructure projects and those marked for publication (公开发布)."
                ),
            )
        else:
            messages.error(
                request, _("The open-data file could not be made: %(reason)s") % {"reason": exc}
            )
        return redirect(back)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"oc4ids-{stamp}{oc4ids.file_suffix(fmt)}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
