"""The bureau view of 要素保障 (/dossier/elements/): a department's approvals and inputs due
in a month and those overdue, with their lights as of the month's end, and a form on each
open item to mark it obtained (date, document number, the document itself). Also the
project page's "apply the checklist" button.

Lights come from `elements.element_lights`, the month's 要素 warning count from
`progress.headline` (the figures every face shows); writes go through
`services.close_element` / `services.apply_checklist`; rights from `access`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zhaoshang.core.access import role_of
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.dossier import access, elements, files, services
from zhaoshang.dossier.forms import CloseElementForm
from zhaoshang.dossier.models import Approval, ApprovalStatus, BureauMember
from zhaoshang.excel.uploads import upload_view
from zhaoshang.progress import queries
from zhaoshang.progress.facts import Scope
from zhaoshang.progress.headline import headline
from zhaoshang.progress.models import Department, Rule
from zhaoshang.progress.months import Month
from zhaoshang.projects.access import edit_refusal as project_edit_refusal
from zhaoshang.projects.queries import find_unit
from zhaoshang.regions.home import township_units
from zhaoshang.regions.models import Region

PAGE_SIZE = 50
ALL = "all"


def _month(request) -> Month:
    text = request.GET.get("month", "").strip()
    fallback = queries.default_month()
    if not text:
        return fallback
    try:
        month = Month.parse(text)
    except ValueError as exc:
        messages.error(request, str(exc))
        return fallback
    if month.is_future():
        messages.error(request, _("%(month)s is in the future.") % {"month": month})
        return fallback
    return month


def _department(request) -> Department | None:
    """The department asked for; the user's own bureau when none is asked for; None for
    every department ("all", or a user without a bureau)."""
    text = request.GET.get("department", "").strip()
    if text == ALL:
        return None
    if not text:
        member = BureauMember.objects.filter(user=request.user).select_related("department")
        found = member.first()
        return found.department if found else None
    try:
        return elements.find_department(text)
    except InputError as exc:
        messages.error(request, " ".join(exc.fields["department"]))
        return None


def _unit(request) -> Region | None:
    text = request.GET.get("unit", "").strip()
    if not text:
        return None
    found = find_unit(text)
    if found is None:
        messages.error(request, _("unknown township unit “%(value)s”") % {"value": text})
    return found


@login_required
def bureau(request, errors: dict | None = None, status: int = 200):
    """A bureau's items: due in the month and overdue (or every item with `scope=all`)."""
    if role_of(request.user) is None:
        raise PermissionDenied(_("You are not signed in or your account has no role."))
    month = _month(request)
    department = _department(request)
    unit = _unit(request)
    level = request.GET.get("level", "")
    if level not in elements.ELEMENT_LEVELS:
        level = ""
    due_only = request.GET.get("scope", "due") != ALL
    scope = Scope(units={unit.code}) if unit else None
    lights = elements.element_lights(
        month,
        scope,
        department_id=department.pk if department else None,
        levels={level} if level else None,
        due_in_month=due_only,
    )
    counts = {k: 0 for k in elements.ELEMENT_LEVELS}
    for light in lights:
        counts[light.level] += 1
    page = Paginator(lights, PAGE_SIZE).get_page(request.GET.get("page"))
    figures = headline(month, unit.code if unit else None)
    hits = figures.warnings.hits[Rule.ELEMENT_DUE]
    forms = {}
    for light in page:
        if light.status == ApprovalStatus.DONE:  # obtained (perhaps after the month asked)
            continue
        if project_edit_refusal(request.user, light.unit_code or None) is None:
            bound = errors.get("form") if errors and errors.get("pk") == light.approval_id else None
            forms[light.approval_id] = bound or CloseElementForm(
                prefix=f"e{light.approval_id}", initial={"version": light.version}
            )
    rows = [(light, forms.get(light.approval_id)) for light in page]
    return render(
        request,
        "dossier/elements.html",
        {
            "month": month,
            "department": department,
            "departments": Department.objects.order_by("name"),
            "unit": unit,
            "units": township_units(request.user),
            "level": level,
            "levels": [(k, elements.LEVEL_LABELS[k]) for k in elements.ELEMENT_LEVELS],
            "due_only": due_only,
            "page": page,
            "rows": rows,
            "counts": counts,
            "figures": figures,
            "element_hits": hits,
            "query": _without_page(request.GET),
            "max_mb": files.max_bytes() // (1024 * 1024),
        },
        status=status,
    )


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _approval(user, pk: int) -> Approval:
    approval = get_object_or_404(
        Approval.objects.select_related("project", "project__unit"), pk=pk, removed_at=None
    )
    if not access.can_see(user, approval.project_id):
        raise Http404()
    return approval


def _back_to(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("dossier:elements")


@csrf_exempt  # the guard below checks rights and size first, then the CSRF token
@login_required
def close(request, pk: int):
    """Mark one item obtained. Rights are decided from the item's project before a byte of
    an upload is read (`excel.uploads.upload_view`)."""
    approval = _approval(request.user, pk)

    @require_POST
    def store(request):
        form = CloseElementForm(request.POST, request.FILES, prefix=f"e{pk}")
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                services.close_element(
                    user=request.user,
                    approval=approval,
                    done_on=form.cleaned_data["done_on"],
                    reference=form.cleaned_data["reference"],
                    expected_version=form.cleaned_data["version"],
                    upload=(upload.read(), upload.name) if upload else None,
                )
            except InputError as exc:
                for field, problems in exc.fields.items():
                    target = field if field in form.fields else None
                    for problem in problems:
                        form.add_error(target, problem)
            except services.DocumentRefused as exc:
                form.add_error("file", str(exc))
            except ConflictError as exc:
                messages.error(request, str(exc))
                return redirect(_back_to(request))
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            else:
                messages.success(
                    request,
                    _("Marked obtained: %(item)s of %(project)s.")
                    % {"item": approval, "project": approval.project.name},
                )
                return redirect(_back_to(request))
        # the page as it was asked for, with the message beside the item's fields (422)
        request.GET = _query_of(request)
        return bureau(request, errors={"pk": pk, "form": form}, status=422)

    guarded = upload_view(
        refusal=lambda user: access.edit_refusal(user, approval.project),
        limit=files.max_bytes,
        refused=lambda request, message, status: render(
            request,
            "dossier/refused.html",
            {"reason": message, "project": approval.project},
            status=status,
        ),
    )(store)
    return guarded(request)


def _query_of(request):
    from urllib.parse import urlsplit

    from django.http import QueryDict

    target = request.POST.get("next", "")
    query = urlsplit(target).query if target.startswith("/") else ""
    return QueryDict(query)


@login_required
@require_POST
def apply_checklist(request, code: str):
    from zhaoshang.dossier.views import access_project

    project = access_project(request.user, code)
    if project is None:
        raise Http404(_("No project with code “%(code)s”.") % {"code": code})
    try:
        result = services.apply_checklist(user=request.user, project=project)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    (messages.success if result.added else messages.info)(request, result.message())
    return redirect(reverse("projects:detail", args=[project.code]) + "#approvals")
