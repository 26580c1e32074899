"""Pages of who answers for a chain and its tasks: the progress view of one chain
(`/chains/<code>/tasks/`, with its forms), the city-wide view of the month's due tasks
(`/chains/tasks/`). Thin: reads from `tasks.chain_progress` / `tasks.task_rows`, writes
through `tasks`, rights from `access`. A refused form re-renders the page with each message
beside its field and what was typed kept (422); nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.chains import access, tasks
from zhaoshang.chains.models import (
    Chain,
    ChainOfficial,
    ChainTask,
    OfficialRole,
    TaskKind,
    TaskStatus,
)
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.progress.months import Month


def _viewer(request):
    if not access.can_view(request.user):
        raise Http404


def _month(request) -> Month:
    text = request.GET.get("month", "").strip()
    if not text:
        return tasks.default_month()
    try:
        return Month.parse(text)
    except ValueError as exc:
        messages.error(request, str(exc))
        return tasks.default_month()


def _labels(model) -> dict[str, str]:
    return {
        f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")
    }


def _field_errors(exc: InputError, model) -> dict[str, str]:
    labels = _labels(model) | {"on": _("date"), "text": _("progress")}
    return {
        field: f"{labels.get(field, field)}: {' '.join(msgs)}" for field, msgs in exc.fields.items()
    }


@login_required
def chain_tasks(request, code: str, *, errors: dict | None = None, status: int = 200):
    _viewer(request)
    chain = get_object_or_404(Chain, code=code)
    month = _month(request)
    context = tasks.chain_progress(chain, month)
    context.update(
        {
            "month": month,
            "month_text": f"{month.year:04d}-{month.month:02d}",
            "can_edit": access.accountability_refusal(request.user) is None,
            "nodes": list(chain.nodes.order_by("order").values("code", "name", "name_en")),
            "kinds": TaskKind.choices,
            "statuses": TaskStatus.choices,
            "roles": OfficialRole.choices,
            "thresholds": tasks.task_thresholds(),
            "errors": errors or {},
            "posted": request.POST if errors else {},
        }
    )
    return render(request, "chains/tasks.html", context, status=status)


def _back(chain: Chain, request) -> str:
    url = reverse("chains:tasks", args=[chain.code])
    month = request.GET.get("month", "").strip()
    return f"{url}?month={month}" if month else url


def _refused(request, chain: Chain, form: str, exc: InputError, model):
    return chain_tasks(
        request, chain.code, errors={"form": form, "fields": _field_errors(exc, model)}, status=422
    )


@login_required
@require_POST
def add_task(request, code: str):
    _viewer(request)
    chain = get_object_or_404(Chain, code=code)
    data = {k: request.POST.get(k, "") for k in tasks.TASK_FIELDS}
    try:
        task = tasks.add_task(user=request.user, chain=chain, data=data)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    except InputError as exc:
        return _refused(request, chain, "task", exc, ChainTask)
    else:
        messages.success(request, _("Task added: %(goal)s") % {"goal": task.goal})
    return redirect(_back(chain, request))


@login_required
@require_POST
def add_official(request, code: str):
    _viewer(request)
    chain = get_object_or_404(Chain, code=code)
    data = {k: request.POST.get(k, "") for k in tasks.OFFICIAL_FIELDS}
    try:
        official = tasks.add_official(user=request.user, chain=chain, data=data)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    except InputError as exc:
        return _refused(request, chain, "official", exc, ChainOfficial)
    else:
        messages.success(request, _("Added: %(name)s") % {"name": official.name})
    return redirect(_back(chain, request))


@login_required
@require_POST
def remove_official(request, code: str, pk: int):
    _viewer(request)
    official = get_object_or_404(
        ChainOfficial.objects.select_related("chain"), pk=pk, chain__code=code,
        removed_at__isnull=True,
    )  # fmt: skip
    try:
        tasks.remove_official(user=request.user, official=official,
                              expected_version=request.POST.get("version"))  # fmt: skip
    except (NotAllowed, ConflictError, InputError) as exc:
        messages.error(request, _field_text(exc))
    else:
        messages.success(request, _("Removed: %(name)s") % {"name": official.name})
    return redirect(_back(official.chain, request))


def _field_text(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return "; ".join(" ".join(m) for m in exc.fields.values())
    return str(exc)


@login_required
@require_POST
def task_progress(request, code: str, pk: int):
    _viewer(request)
    task = get_object_or_404(
        ChainTask.objects.select_related("chain"), pk=pk, chain__code=code, removed_at__isnull=True
    )
    chain = task.chain
    try:
        tasks.record_progress(
            user=request.user, task=task, expected_version=request.POST.get("version"),
            on=request.POST.get("on"), text=request.POST.get("text", ""),
            status=request.POST.get("status"), achieved_count=request.POST.get("achieved_count"),
            done_on=request.POST.get("done_on"),
        )  # fmt: skip
    except (NotAllowed, ConflictError) as exc:
        messages.error(request, str(exc))
    except InputError as exc:
        return chain_tasks(
            request, chain.code,
            errors={"form": "progress", "task_id": pk, "fields": _field_errors(exc, ChainTask)},
            status=422,
        )  # fmt: skip
    else:
        messages.success(request, _("Progress recorded: %(goal)s") % {"goal": task.goal})
    return redirect(_back(chain, request))


@login_required
def due_tasks(request):
    """Every chain's tasks the month answers for (due in it, or overdue and still open)."""
    _viewer(request)
    month = _month(request)
    rows = tasks.task_rows(month=month, due_only=True)
    return render(
        request,
        "chains/tasks_due.html",
        {
            "month": month,
            "month_text": f"{month.year:04d}-{month.month:02d}",
            "as_of": tasks.as_of_day(month),
            "tasks": rows,
            "lights": tasks.level_counts(rows),
            "thresholds": tasks.task_thresholds(),
        },
    )
