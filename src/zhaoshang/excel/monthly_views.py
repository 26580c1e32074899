"""The monthly report import pages: upload a unit's workbook for a month, see the dry run
row by row, confirm. Thin: reading, checking and writing are `excel.monthly`, which hands
every row to the entry grid's service; rights are `progress.access` (the unit) checked
before the file is read (`excel.uploads.upload_view` for who may upload at all)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.core.access import role_of
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.models import Role
from zhaoshang.excel import monthly, services
from zhaoshang.excel.bulk import check_may_import
from zhaoshang.excel.models import MonthlyImport
from zhaoshang.excel.uploads import reason_of, upload_view
from zhaoshang.lib.excel import WorkbookError
from zhaoshang.lib.uploads import limits
from zhaoshang.progress import access as progress_access
from zhaoshang.progress import queries
from zhaoshang.progress.months import Month
from zhaoshang.regions.home import township_units
from zhaoshang.regions.models import Region


def _refused(request, message: str, status: int):
    if status == 403:
        return render(request, "excel/refused.html", {"reason": message}, status=403)
    messages.error(request, message)
    return redirect("excel:monthly")


def _form(request, *, unit_code: str, month: str, status: int = 200):
    mine = MonthlyImport.objects.filter(user=request.user).defer("content")[:10]
    return render(
        request,
        "excel/monthly.html",
        {
            "units": township_units(request.user),
            "unit_code": unit_code,
            "month": month,
            "recent": mine,
            "refusal": progress_access.unit_refusal(request.user, unit_code) if unit_code else None,
        },
        status=status,
    )


def _errors_text(exc: InputError) -> str:
    return " ".join(m for messages_ in exc.fields.values() for m in messages_)


@login_required
@require_http_methods(["GET", "POST"])
@upload_view(
    refusal=reason_of(check_may_import), limit=lambda: limits().max_bytes, refused=_refused
)
def monthly_start(request):
    try:
        check_may_import(request.user)
    except NotAllowed as exc:
        return render(request, "excel/refused.html", {"reason": str(exc)}, status=403)
    unit_code = (
        request.POST.get("unit") or request.GET.get("unit") or progress_access.default_unit_of(
            request.user
        ) or ""
    ).strip()  # fmt: skip
    month = (request.POST.get("month") or request.GET.get("month") or "").strip() or str(
        queries.default_month()
    )
    if request.method != "POST":
        return _form(request, unit_code=unit_code, month=month)
    if not township_units(request.user).filter(code=unit_code).exists():
        messages.error(request, _("Choose the township unit the report is for."))
        return _form(request, unit_code="", month=month, status=422)
    refusal = progress_access.unit_refusal(request.user, unit_code)
    if refusal:  # before the file is read
        return render(request, "excel/refused.html", {"reason": refusal}, status=403)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a workbook to import."))
        return _form(request, unit_code=unit_code, month=month, status=422)
    content = upload.read()
    try:
        result = monthly.import_monthly(
            user=request.user, data=content, filename=upload.name, month=month, unit_code=unit_code
        )
    except WorkbookError as exc:
        messages.error(request, services.workbook_message(exc))
        return _form(request, unit_code=unit_code, month=month, status=422)
    except InputError as exc:
        messages.error(request, _errors_text(exc))
        return _form(request, unit_code=unit_code, month=month, status=422)
    except NotAllowed as exc:
        return render(request, "excel/refused.html", {"reason": str(exc)}, status=403)
    job = MonthlyImport.objects.create(
        user=request.user,
        filename=upload.name[:255],
        content=content,
        unit_code=unit_code,
        year=result.month.year,
        month=result.month.month,
        report=result.as_json(),
    )
    return redirect("excel:monthly_job", job_id=job.pk)


def _job_for(request, job_id) -> MonthlyImport:
    job = MonthlyImport.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404(job_id)
    if job.user_id != request.user.pk and role_of(request.user) != Role.CITY_ADMIN:
        raise PermissionDenied(_("This import belongs to someone else."))
    return job


ACTIONS = ("created", "updated", "unchanged", "refused")


@login_required
def monthly_job(request, job_id):
    job = _job_for(request, job_id)
    report = job.report or {}
    month = Month(job.year, job.month)
    rows = report.get("rows", [])
    counts = report.get("counts", {})
    labels = {
        "created": _("new report"),
        "updated": _("report changed"),
        "unchanged": _("unchanged"),
        "refused": _("refused"),
    }
    shown = ("completed_wan", "funds_in_place_wan", "counted_wan", "physical_progress",
             "problems_raised")  # fmt: skip
    for row in rows:
        row["action_label"] = labels.get(row["action"], row["action"])
        row["changes"] = [
            {
                "label": monthly.field_label(k),
                "before": row["before"].get(k, ""),
                "after": row["after"].get(k, ""),
            }
            for k in shown
            if row["after"] and row["after"].get(k, "") != row["before"].get(k, "")
        ]
        for refusal in row["refusals"]:
            refusal["label"] = monthly.field_label(refusal["field"])
    unit = Region.objects.filter(code=job.unit_code).first()
    query = urlencode({"unit": job.unit_code, "month": str(month)})
    return render(
        request,
        "excel/monthly_job.html",
        {
            "job": job,
            "unit": unit,
            "month": month,
            "rows": rows,
            "counts": counts,
            "skipped": report.get("skipped", []),
            "columns": report.get("columns", []),
            "to_write": counts.get("created", 0) + counts.get("updated", 0),
            "can_confirm": job.written_at is None
            and not counts.get("refused")
            and counts.get("created", 0) + counts.get("updated", 0) > 0,
            "entry_url": f"{reverse('progress:entry')}?{query}&group=all",
            "warnings_url": f"{reverse('progress:warnings')}?{query}",
        },
    )


@login_required
@require_POST
def monthly_confirm(request, job_id):
    job = _job_for(request, job_id)
    if job.written_at is not None:
        messages.error(request, _("This workbook has already been written."))
        return redirect("excel:monthly_job", job_id=job.pk)
    try:
        result = monthly.import_monthly(
            user=request.user,
            data=bytes(job.content),
            filename=job.filename,
            month=Month(job.year, job.month),
            unit_code=job.unit_code,
            commit=True,
            versions=(job.report or {}).get("versions", {}),
        )
    except NotAllowed as exc:
        return render(request, "excel/refused.html", {"reason": str(exc)}, status=403)
    except (InputError, WorkbookError) as exc:
        text = _errors_text(exc) if isinstance(exc, InputError) else services.workbook_message(exc)
        messages.error(request, text)
        return redirect("excel:monthly_job", job_id=job.pk)
    job.report = result.as_json()
    if result.committed:
        job.written_at = timezone.now()
        counts = result.counts
        messages.success(
            request,
            _("Written: %(created)s new reports, %(updated)s changed, %(unchanged)s unchanged.")
            % counts,
        )
    else:
        messages.error(
            request,
            _(
                "Nothing was written: some rows are refused now (a report may have been "
                "changed since the check). See the rows below."
            ),
        )
    job.save(update_fields=["report", "written_at"])
    return redirect("excel:monthly_job", job_id=job.pk)
