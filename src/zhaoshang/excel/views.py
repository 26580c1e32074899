"""Excel pages: upload a ledger, see the dry run, fix mappings, commit; download exports.

Thin: reading and checking are `services`, the background run is `jobs`, the layouts are
`layouts`; rights come from `projects.access` and `excel.bulk.check_may_import`, and for
the upload they are checked before the request's body is read (`excel.uploads`).
"""

from __future__ import annotations

import datetime
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.core.access import role_of
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.models import Role
from zhaoshang.excel import jobs, layouts, services
from zhaoshang.excel.bulk import check_may_import
from zhaoshang.excel.models import ImportJob, JobStatus
from zhaoshang.excel.uploads import reason_of, upload_view
from zhaoshang.lib.uploads import limits
from zhaoshang.projects.access import projects_visible_to
from zhaoshang.projects.models import Stage, Status
from zhaoshang.projects.queries import filter_projects

FILTERS = ("q", "stage", "status", "unit", "industry")


def _refuse(request, exc: NotAllowed):
    return render(request, "excel/refused.html", {"reason": str(exc)}, status=403)


def _upload_refused(request, message: str, status: int):
    if status == 403:
        return render(request, "excel/refused.html", {"reason": message}, status=403)
    messages.error(request, message)
    return redirect("excel:import")


def _job_for(request, job_id) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).select_related("user").first()
    if job is None:
        raise Http404(job_id)
    if job.user_id != request.user.pk and role_of(request.user) != Role.CITY_ADMIN:
        raise PermissionDenied(_("This import belongs to someone else."))
    if job.busy and jobs.fail_interrupted(ImportJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


@login_required
@require_http_methods(["GET", "POST"])
@upload_view(
    refusal=reason_of(check_may_import),
    limit=lambda: limits().max_bytes,
    refused=_upload_refused,
)
def import_start(request):
    try:
        check_may_import(request.user)
    except NotAllowed as exc:
        return _refuse(request, exc)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a workbook to import."))
            return redirect("excel:import")
        content = upload.read()
        job = ImportJob.objects.create(
            user=request.user,
            filename=upload.name[:255],
            content=content,
            size=len(content),
            worker=jobs.worker(),
        )
        jobs.start(job, commit=False)
        return redirect("excel:job", job_id=job.pk)
    mine = ImportJob.objects.filter(user=request.user)
    jobs.fail_interrupted(mine)
    recent = mine.defer("content")[:10]
    return render(request, "excel/import.html", {"recent": recent})


def _progress_context(job: ImportJob) -> dict:
    state = jobs.progress_of(job.pk)
    phase_labels = {
        "read": _("Reading the workbook"),
        "parse": _("Reading rows"),
        "check": _("Checking rows against the ledger"),
        "write": _("Writing to the ledger"),
        "done": _("Finishing"),
    }
    return {
        "job": job,
        "state": state,
        "phase_label": phase_labels.get(state.get("phase", "read"), ""),
        "percent": state.get("percent", 0),
    }


@login_required
def import_job(request, job_id):
    job = _job_for(request, job_id)
    context = _progress_context(job)
    report = job.report or {}
    context.update(
        {
            "suggestions": _suggestions(request.user, job),
            "report": report,
            "counts": report.get("counts", {}),
            "field_choices": services.field_choices(),
            "unit_choices": services.UNIT_CHOICES,
            "can_commit": job.status == JobStatus.CHECKED and not report.get("errors"),
            "more_errors": max(
                0, report.get("counts", {}).get("errors", 0) - len(report.get("errors", []))
            ),
        }
    )
    return render(request, "excel/job.html", context)


@login_required
@require_GET
def import_progress(request, job_id):
    job = _job_for(request, job_id)
    if not job.busy:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "excel/_progress.html", _progress_context(job))


def _current_target(column: dict) -> str:
    unit = f"@{column['unit']}" if column["unit"] and column["is_amount"] else ""
    return column.get("target", column["field"]) + unit


def _suggestions(user, job: ImportJob) -> list[dict]:
    """The user's own remembered mappings for this job's columns that this job does not
    use yet: offered, applied only when the user asks (`import_suggested`)."""
    if job.status != JobStatus.CHECKED:
        return []
    saved = services.saved_mapping(user)
    out = []
    for column in (job.report or {}).get("columns", []):
        target = saved.get(column["key"])
        if target is None or target == _current_target(column):
            continue
        name, _sep, unit = target.partition("@")
        label = services.target_label(name) if name else _("ignore this column")
        out.append({"header": column["header"], "label": label, "unit": unit})
    return out


def _rerun(job: ImportJob, mapping: dict[str, str]) -> None:
    job.mapping = mapping
    job.save(update_fields=["mapping"])
    jobs.claim(job, JobStatus.CHECKING)
    jobs.start(job, commit=False)


@login_required
@require_POST
def import_mapping(request, job_id):
    """This job's column mapping: applies to this job's dry run and commit only; with
    "remember", also saved as the user's own suggestion for their later imports."""
    job = _job_for(request, job_id)
    try:
        check_may_import(request.user)
    except NotAllowed as exc:
        return _refuse(request, exc)
    if job.busy:
        return HttpResponseBadRequest(_("This import is still running."))
    columns: dict[str, tuple[str, str]] = {}
    known = {n for n, _label in services.field_choices()}
    for key in request.POST.getlist("key"):
        target = request.POST.get(f"field:{key}", "")
        unit = request.POST.get(f"unit:{key}", "")
        header = request.POST.get(f"header:{key}", key)
        if target and (target.partition("#")[0] not in known or not services.known_target(target)):
            return HttpResponseBadRequest(_("Unknown field."))
        if target and "#" not in target and unit in services.UNIT_CHOICES:
            target = f"{target}@{unit}"
        columns[key] = (header, target)
    current = {c["key"]: c for c in (job.report or {}).get("columns", [])}
    changed = {
        k: v for k, v in columns.items() if k not in current or v[1] != _current_target(current[k])
    }
    remember = request.POST.get("remember") == "on"
    if remember and changed:
        services.save_mapping(user=request.user, columns=changed)
    _rerun(job, {**job.mapping, **{k: target for k, (_h, target) in changed.items()}})
    if changed:
        messages.success(
            request,
            _("Mapping saved for this import and remembered for your later imports.")
            if remember
            else _("Mapping saved for this import."),
        )
    return redirect("excel:job", job_id=job.pk)


@login_required
@require_POST
def import_suggested(request, job_id):
    """Apply the user's own remembered mappings to this job's columns, as they asked."""
    job = _job_for(request, job_id)
    try:
        check_may_import(request.user)
    except NotAllowed as exc:
        return _refuse(request, exc)
    if job.busy:
        return HttpResponseBadRequest(_("This import is still running."))
    keys = {c["key"] for c in (job.report or {}).get("columns", [])}
    saved = {k: v for k, v in services.saved_mapping(request.user).items() if k in keys}
    _rerun(job, {**job.mapping, **saved})
    return redirect("excel:job", job_id=job.pk)


@login_required
@require_POST
def import_commit(request, job_id):
    job = _job_for(request, job_id)
    try:
        check_may_import(request.user)
    except NotAllowed as exc:
        return _refuse(request, exc)
    if job.status != JobStatus.CHECKED or (job.report or {}).get("errors"):
        messages.error(request, _("Only a checked import without problems can be written."))
        return redirect("excel:job", job_id=job.pk)
    jobs.claim(job, JobStatus.WRITING)
    jobs.start(job, commit=True)
    return redirect("excel:job", job_id=job.pk)


@login_required
@require_POST
def import_retry(request, job_id):
    """Check a failed import's workbook again (an interrupted one, typically)."""
    job = _job_for(request, job_id)
    try:
        check_may_import(request.user)
    except NotAllowed as exc:
        return _refuse(request, exc)
    if job.status != JobStatus.FAILED:
        messages.error(request, _("Only a failed import can be retried."))
        return redirect("excel:job", job_id=job.pk)
    jobs.retry(job)
    return redirect("excel:job", job_id=job.pk)


@login_required
@require_GET
def import_annotated(request, job_id):
    job = _job_for(request, job_id)
    report = job.report or {}
    if job.busy or not report:
        raise Http404(job_id)
    # the stored report is cut at REPORT_LIMIT rows: check again for the full lists
    full = report
    if report.get("counts", {}).get("errors", 0) > len(report.get("errors", [])) or report.get(
        "counts", {}
    ).get("skipped", 0) > len(report.get("skipped", [])):
        result = services.import_workbook(
            user=job.user, data=bytes(job.content), filename=job.filename
        )
        full = {"errors": result.errors, "warnings": result.warnings(), "skipped": result.skipped()}
    target = tempfile.TemporaryFile()
    services.annotated_workbook(
        data=bytes(job.content),
        filename=job.filename,
        result_errors=full.get("errors", []),
        warnings=full.get("warnings", []),
        skipped=full.get("skipped", []),
        target=target,
    )
    target.seek(0)
    stem = job.filename.rsplit(".", 1)[0]
    return FileResponse(
        target, as_attachment=True, filename=stem + "-" + _("checked") + ".xlsx", content_type=XLSX
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters_text(params: dict, synthetic: str) -> str:
    parts = []
    if params["q"]:
        parts.append(_("search “%(q)s”") % {"q": params["q"]})
    if params["stage"] in Stage.values:
        parts.append(_("stage") + " " + str(Stage(params["stage"]).label))
    if params["status"] in Status.values:
        parts.append(_("status") + " " + str(Status(params["status"]).label))
    if params["unit"]:
        parts.append(_("township unit") + " " + params["unit"])
    if params["industry"]:
        parts.append(_("industry") + " " + params["industry"])
    if synthetic in ("real", "synthetic"):
        parts.append(_("real only") if synthetic == "real" else _("synthetic only"))
    return " · ".join(parts)


def _month(text: str) -> tuple[int, int] | None:
    try:
        day = datetime.date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        return None
    return (day.year, day.month) if day else None


@login_required
@require_GET
def export(request):
    """`?q=&stage=&status=&unit=&industry=&synthetic=&layout=ledger|monthly|list&month=YYYY-MM`:
    the projects the ledger list shows with the same filters, as a workbook."""
    params = {k: request.GET.get(k, "").strip() for k in FILTERS}
    synthetic = request.GET.get("synthetic", "")
    layout = request.GET.get("layout", "ledger")
    if layout not in layouts.LAYOUTS:
        return HttpResponseBadRequest(_("Unknown layout “%(value)s”.") % {"value": layout})
    month = None
    if request.GET.get("month"):
        month = _month(request.GET["month"])
        if month is None:
            return HttpResponseBadRequest(_("Write the month as YYYY-MM, e.g. 2023-03."))
    qs = filter_projects(
        projects_visible_to(request.user),
        **params,
        is_synthetic={"real": False, "synthetic": True}.get(synthetic),
    )
    target = tempfile.TemporaryFile()
    layouts.export(qs, layout, target, filters=_filters_text(params, synthetic), month=month)
    target.seek(0)
    names = {"ledger": _("ledger"), "monthly": _("monthly report"), "list": _("project list")}
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(
        target, as_attachment=True, filename=f"{names[layout]}-{stamp}.xlsx", content_type=XLSX
    )


def export_url(query: str, layout: str = "ledger") -> str:
    """The download link for a ledger list's query string."""
    base = reverse("excel:export")
    return f"{base}?{query}&layout={layout}" if query else f"{base}?layout={layout}"
