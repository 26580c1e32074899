"""Pages for batch events planned ahead: plan (propose, pick, name), publish, report.

Thin: proposals and reports come from `events`, writes go through `event_services`,
rights through `access` (the 发改委's side plans, publishes and reports; everyone signed
in reads). Bad input re-shows the form with each message (422), nothing written.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.progress import access, event_services, events
from zhaoshang.progress.months import Month
from zhaoshang.progress.views import _refused
from zhaoshang.projects.models import BatchEvent, BatchKind

PLAN_KINDS = [(k, BatchKind(k).label) for k in events.PLANNABLE]


def _plan_month(request, errors: dict) -> Month:
    """The month asked for; next month by default (events are planned ahead)."""
    text = (request.POST.get("month") or request.GET.get("month") or "").strip()
    if not text:
        return Month.current().next()
    try:
        return Month.parse(text)
    except ValueError as exc:
        errors["month"] = str(exc)
        return Month.current().next()


@login_required
def plan(request):
    """Pick a kind and a month: the proposed projects (ready ones ticked), the others with
    their blockers; name the event, set its day and place, save it as a draft."""
    errors: dict[str, str] = {}
    status = 200
    kind = (request.POST.get("kind") or request.GET.get("kind") or BatchKind.START).strip()
    if kind not in events.PLANNABLE:
        errors["kind"] = _(
            "“%(value)s” is not a kind of event that can be planned (one of %(choices)s)"
        ) % {"value": kind, "choices": "、".join(events.PLANNABLE)}
        kind = BatchKind.START
    month = _plan_month(request, errors)
    refusal = access.office_refusal(request.user)
    picked: set[str] = set()
    if request.method == "POST":
        if refusal:
            return _refused(request, refusal)
        picked = set(request.POST.getlist("projects"))
        try:
            if errors:
                raise InputError(errors)
            event = event_services.plan_event(
                user=request.user,
                kind=kind,
                month=month,
                name=request.POST.get("name", ""),
                date=request.POST.get("date", ""),
                place=request.POST.get("place", ""),
                codes=sorted(picked),
            )
        except NotAllowed as exc:
            return _refused(request, str(exc))
        except InputError as exc:
            errors = {k: " ".join(v) for k, v in exc.fields.items()}
            status = 422
        else:
            messages.success(request, _("Event saved as a draft. Check it, then publish it."))
            return redirect("progress:event", pk=event.pk)
    elif errors:
        status = 422
    candidates = events.propose(kind, month, user=request.user)
    if request.method != "POST":
        picked = {c.project.code for c in candidates if c.ready}
    kind_label = BatchKind(kind).label
    return render(
        request,
        "progress/event_plan.html",
        {
            "kinds": PLAN_KINDS,
            "kind": kind,
            "month": month,
            "candidates": candidates,
            "ready_count": sum(1 for c in candidates if c.ready),
            "picked": picked,
            "errors": errors,
            "refusal": refusal,
            "form": {
                "name": request.POST["name"]
                if "name" in request.POST
                else _default_name(kind, month),
                "date": request.POST.get("date", ""),
                "place": request.POST.get("place", ""),
            },
            "kind_label": kind_label,
        },
        status=status,
    )


def _default_name(kind: str, month: Month) -> str:
    """The name a city usually gives such an event, offered in the form."""
    names = {
        BatchKind.START: _("Major projects batch start, %(year)s-%(month)s"),
        BatchKind.COMPLETION: _("Major projects batch completion, %(year)s-%(month)s"),
        BatchKind.START_AND_COMPLETION: _(
            "Major projects batch start and completion, %(year)s-%(month)s"
        ),
        BatchKind.SIGNING: _("Major projects batch signing, %(year)s-%(month)s"),
    }
    return names[kind] % {"year": month.year, "month": month.month}


@login_required
@require_POST
def publish(request, pk: int):
    event = get_object_or_404(BatchEvent, pk=pk)
    try:
        event_services.publish_event(
            user=request.user, event=event, expected_version=request.POST.get("version")
        )
    except NotAllowed as exc:
        return _refused(request, str(exc))
    except ConflictError as exc:
        messages.error(request, str(exc))
    except InputError as exc:
        for text in exc.fields.values():
            messages.error(request, " ".join(text))
    else:
        messages.success(request, _("Event published with its list."))
    return redirect("progress:event", pk=pk)


@login_required
def report(request, pk: int):
    """The event's report (GET), computed from the projects' stage dates; POST marks it
    reported once the window is over."""
    event = get_object_or_404(BatchEvent.objects.select_related("unit"), pk=pk)
    if request.method == "POST":
        try:
            event_services.mark_reported(
                user=request.user, event=event, expected_version=request.POST.get("version")
            )
        except NotAllowed as exc:
            return _refused(request, str(exc))
        except ConflictError as exc:
            messages.error(request, str(exc))
        except InputError as exc:
            for text in exc.fields.values():
                messages.error(request, " ".join(text))
        else:
            messages.success(request, _("Event marked as reported."))
        return redirect("progress:event_report", pk=pk)
    result = events.event_report(event)
    window = events.event_window(event)
    return render(
        request,
        "progress/event_report.html",
        {
            "event": event,
            "report": result,
            "window": window,
            "can_mark": (
                event.status == "published"
                and window is not None
                and timezone.localdate() > window[1]
                and not access.office_refusal(request.user)
            ),
        },
    )
