"""Pages for plans, monthly progress, warnings, the four rates, problems, lists and events.

Thin: figures come from `queries`, `rules`, `rates`; writes go through `services`; rights
through `access`. A refused action answers 403 with the reason; bad input re-shows the
form with each message beside its field (422), nothing written.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core.access import region_of
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.history import describe, history_for, history_of
from zhaoshang.progress import access, queries, rates, rules, services
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress.events import event_report
from zhaoshang.progress.headline import headline
from zhaoshang.progress.models import (
    AnnualPlan,
    Department,
    MonthlyProgress,
    Problem,
    ProblemStatus,
    ProgressSettings,
    Rule,
    WarningRule,
)
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import BatchEvent, ListLevel, Project, ProjectList
from zhaoshang.projects.queries import find_unit
from zhaoshang.regions.home import (
    contains,
    find_region,
    home_code,
    is_multi_county,
    regions_within,
    township_units,
)
from zhaoshang.regions.models import Region

PAGE_SIZE = 100


# --------------------------------------------------------------------------- helpers


def _month(request, default: Month | None = None) -> Month:
    """The `month` of the query string; a bad or future one falls back with a message."""
    text = request.GET.get("month", "").strip()
    fallback = default or queries.default_month()
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


def _year(request) -> int:
    text = request.GET.get("year", "").strip()
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return queries.years_with_plans()[0]


def _unit(request) -> Region | None:
    text = request.GET.get("unit", "").strip()
    if not text:
        return None
    found = find_unit(text)
    if found is None:
        messages.error(request, _("unknown township unit “%(value)s”") % {"value": text})
    return found


def _place(request) -> Region | None:
    """The `unit` of the query string for the figures pages: a township unit, or a county,
    city or province of the home region (`regions.home.find_region`); None for the whole
    home region. A county's staff (`core.access.region_of`) get their county, and are told
    when they asked for a place outside it."""
    confined = region_of(request.user)
    own = Region.objects.filter(code=confined).first() if confined else None
    text = request.GET.get("unit", "").strip()
    if not text or text.lower() == "all":
        return own
    found = find_unit(text) or find_region(text)
    if found is None:
        messages.error(request, _("unknown township unit “%(value)s”") % {"value": text})
        return own
    if confined and not contains(confined, found.code):
        messages.error(request, _("“%(value)s” is outside your county.") % {"value": text})
        return own
    if found.code == home_code():
        return None
    return found


def _places(request):
    """The selector's places: the home county's township units; in a prefecture city or a
    province its cities and counties first (a county's staff: their county and its units)."""
    if not is_multi_county():
        return township_units(request.user)
    within = region_of(request.user) or home_code()
    return regions_within(request.user) | Region.objects.filter(parent_id=within, level=4)


def _refused(request, reason: str, status: int = 403):
    return render(request, "progress/refused.html", {"reason": reason}, status=status)


def _scope(unit: Region | None) -> facts_mod.Scope | None:
    return None if unit is None else facts_mod.Scope(units={unit.code})


def _project(code: str) -> Project:
    project = Project.objects.select_related("unit").filter(code=code).first()
    if project is None:
        raise Http404(code)
    return project


def _months_of(year: int) -> list[Month]:
    return [Month(year, m) for m in range(1, 13) if not Month(year, m).is_future()]


def _base(request, **extra) -> dict:
    return {
        "units": township_units(request.user),
        "settings_row": ProgressSettings.current(),
        **extra,
    }


# --------------------------------------------------------------------------- overview


@login_required
def overview(request):
    month = _month(request)
    unit = _place(request)
    code = unit.code if unit else None
    figures = headline(month, code)
    due, reporting, _behind = queries.reporting_status(month, code, facts=figures.facts)
    reported = {
        "expected": sum(r.expected for r in reporting),
        "on_time": sum(r.on_time for r in reporting),
        "late": sum(r.late for r in reporting),
        "missing": sum(r.missing for r in reporting),
    }
    return render(
        request,
        "progress/overview.html",
        _base(
            request,
            month=month,
            unit=unit,
            figures=figures,
            total=figures.rates,
            definitions=rates.DEFINITIONS,
            elapsed=month.elapsed_share(),
            panel={
                "year": month.year,
                "month": month,
                "plan_vs_completed": queries.plan_vs_completed_by_month(
                    month.year, code, month, facts=figures.facts
                ),
                "headline": figures,
            },
            due=due,
            reported=reported,
            today=timezone.localdate(),
        ),
    )


# --------------------------------------------------------------------------- entry


def _entry_default_month() -> Month:
    current = Month.current()
    if AnnualPlan.objects.filter(year=current.year).exists():
        return current.previous() if current.month > 1 else current
    return queries.default_month()


FIELDS = ("completed_wan", "funds_in_place_wan", "counted_wan")
TEXTS = ("physical_progress", "problems_raised")


ENTRY_PAGE_SIZE = 20
ENTRY_GROUPS = ("todo", "done", "all")


def _entry_plans(unit_code: str, month: Month) -> tuple[list, set]:
    """The unit's planned projects for the month's year (code order, dropped ones left out)
    and the ids of those that reported this month: two light queries, whatever the size of
    the unit; the grid then builds full rows for one page only."""
    plans = list(
        AnnualPlan.objects.filter(year=month.year, project__unit_id=unit_code)
        .exclude(project__status="dropped")
        .select_related("project")
        .order_by("project__code")
    )
    reported = set(
        MonthlyProgress.objects.filter(
            project__unit_id=unit_code, year=month.year, month=month.month
        ).values_list("project_id", flat=True)
    )
    return plans, reported


def _entry_rows(plans: list, month: Month):
    """Each of `plans` (a page of the unit's) with this month's report, last month's, and
    the sums of January to the month before."""
    ids = [p.project_id for p in plans]
    previous = month.previous()
    reports = {
        (r.project_id, r.year, r.month): r
        for r in MonthlyProgress.objects.filter(project_id__in=ids).filter(
            Q(year=month.year, month=month.month) | Q(year=previous.year, month=previous.month)
        )
    }
    before = services._sums_before(ids, month)
    rows = []
    for plan in plans:
        current = reports.get((plan.project_id, month.year, month.month))
        last = reports.get((plan.project_id, previous.year, previous.month))
        sums = before.get(plan.project_id, {})
        rows.append(
            {
                "plan": plan,
                "project": plan.project,
                "report": current,
                "previous": last,
                "ytd_before": sums.get("completed", Decimal(0)),
                "values": {
                    f: "" if current is None else _plain(getattr(current, f))
                    for f in (*FIELDS, *TEXTS)
                },
                "version": current.version if current else "",
                "errors": {},
            }
        )
    return rows


def _plain(value) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value or "")


@login_required
def entry(request):
    unit = _unit(request)
    if unit is None:
        code = access.default_unit_of(request.user)
        unit = Region.objects.filter(code=code).first() if code else None
    month = _month(request, _entry_default_month())
    if unit is None:
        return render(
            request,
            "progress/entry.html",
            _base(request, unit=None, month=month, rows=[], months=_months_of(month.year)),
        )
    refusal = access.unit_refusal(request.user, unit.code)
    plans, reported = _entry_plans(unit.code, month)
    todo = sum(1 for plan in plans if plan.project_id not in reported)
    counts = {"todo": todo, "done": len(plans) - todo, "all": len(plans)}
    # which rows: a group (still to report / reported / all), a text to find, a page of 20
    group = request.GET.get("group", "").strip()
    if group not in ENTRY_GROUPS:
        if group:
            messages.error(request, _("unknown group “%(value)s”") % {"value": group})
        group = "todo" if todo else "all"
    find = " ".join(request.GET.get("q", "").split())
    chosen = [
        plan
        for plan in plans
        # a search looks through every project of the month, whatever the group
        if (find or group == "all" or (plan.project_id in reported) == (group == "done"))
        and (
            not find
            or find.lower() in plan.project.name.lower()
            or find.lower() in plan.project.code.lower()
        )
    ]
    page = Paginator(chosen, ENTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {
        "unit": unit.code,
        "month": str(month),
        "group": group,
        **({"q": find} if find else {}),
    }
    status = 200
    errors: dict[str, str] = {}
    if request.method == "POST":
        if refusal:
            return _refused(request, refusal)
        # a save takes the rows its page sent, all of them or none (other pages keep theirs)
        keys = (*FIELDS, *TEXTS, "version")
        sent = [p for p in plans if any(f"{p.project.code}__{k}" in request.POST for k in keys)]
        rows = _entry_rows(sent, month)
        data = {}
        for row in rows:
            code = row["project"].code
            given = {f: request.POST.get(f"{code}__{f}", "") for f in (*FIELDS, *TEXTS)}
            row["values"] = given
            if not any(str(v).strip() for v in given.values()) and row["report"] is None:
                continue
            # None when the row sent no version at all, "" when it had no report to edit
            data[code] = {**given, "version": request.POST.get(f"{code}__version")}
        try:
            saved = services.record_unit_month(
                user=request.user, unit_code=unit.code, month=month, rows=data
            )
        except InputError as exc:
            errors = {k: " ".join(v) for k, v in exc.fields.items()}
            for row in rows:
                prefix = row["project"].code + "."
                row["errors"] = {
                    k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)
                }
            status = 422
        except NotAllowed as exc:
            return _refused(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Saved %(month)s for %(unit)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged."
                )
                % {"month": month, "unit": unit, **saved},
            )
            # back to the same page of the same group: in "to report" the rows just saved
            # have left it, so the page now holds the next ones
            again = {**query, **({"page": page.number} if page.number > 1 else {})}
            return redirect(f"{reverse('progress:entry')}?{urlencode(again)}")
    else:
        rows = _entry_rows(list(page.object_list), month)
    for row in rows:
        row["group"] = "done" if row["project"].pk in reported else "todo"
    due = month.due_date(ProgressSettings.current().report_due_day)
    return render(
        request,
        "progress/entry.html",
        _base(
            request,
            unit=unit,
            month=month,
            previous=month.previous(),
            rows=rows,
            errors=errors,
            refusal=refusal,
            # another unit's month (or a leader's view) is a table to read, not a form
            editable=bool(plans) and refusal is None,
            counts=counts,
            group=group,
            find=find,
            page=page,
            page_query=urlencode(query),
            group_query=urlencode({"unit": unit.code, "month": str(month)}),
            due=due,
            months=_months_of(month.year),
            without_plan=queries.active_projects_without_plan(month.year, unit.code)[:50],
        ),
        status=status,
    )


# --------------------------------------------------------------------------- plans


@login_required
def plans(request):
    year = _year(request)
    unit = _unit(request)
    month = Month(year, 12)
    if month.is_future():
        month = Month.current()
    rows = queries.plan_rows(year, month, unit.code if unit else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "progress/plans.html",
        _base(
            request,
            year=year,
            unit=unit,
            month=month,
            page=page,
            years=queries.years_with_plans(),
            counts={
                "all": len(rows),
                "approved": rows.approved,
            },
        ),
    )


@login_required
def plan_edit(request, code: str, year: int):
    project = _project(code)
    plan = AnnualPlan.objects.filter(project=project, year=year).first()
    errors: dict[str, str] = {}
    status = 200
    form = {}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        reason = request.POST.get("reason", "").strip()
        try:
            if action == "approve":
                if plan is None:
                    raise Http404
                services.approve_plan(user=request.user, plan=plan, reason=reason)
                messages.success(request, _("Plan approved: baseline 1 kept."))
            else:
                form = {k: request.POST.get(k, "") for k in services.PLAN_KEYS}
                services.save_plan(
                    user=request.user,
                    project=project,
                    year=year,
                    data=form,
                    reason=reason,
                    expected_version=int(request.POST["version"])
                    if request.POST.get("version", "").isdigit()
                    else None,
                )
                messages.success(request, _("Plan saved."))
            return redirect("progress:plan", code=code, year=year)
        except NotAllowed as exc:
            return _refused(request, str(exc))
        except ConflictError as exc:
            errors = {"version": str(exc)}
            status = 409
        except InputError as exc:
            errors = {k: " ".join(v) for k, v in exc.fields.items()}
            status = 422
    if plan is not None and not form:
        form = {
            "planned_investment_wan": _plain(plan.planned_investment_wan)
            if plan.planned_investment_wan is not None
            else "",
            "planned_start": str(Month.of(plan.planned_start)) if plan.planned_start else "",
            "planned_completion": str(Month.of(plan.planned_completion))
            if plan.planned_completion
            else "",
            "milestones": plan.milestones,
        }
    history = []
    if plan is not None:
        history = [(h, describe(h)) for h in history_for(plan)[:100]]
    return render(
        request,
        "progress/plan.html",
        _base(
            request,
            project=project,
            year=year,
            plan=plan,
            form=form,
            errors=errors,
            baselines=list(plan.baselines.select_related("approved_by")) if plan else [],
            history=history,
            edit_refusal=access.project_refusal(request.user, project),
            office_refusal=access.office_refusal(request.user),
        ),
        status=status,
    )


@login_required
def slippage(request):
    year = _year(request)
    unit = _unit(request)
    show_all = request.GET.get("all") == "1"
    rows = queries.slippage(year, unit.code if unit else None, moved_only=not show_all)
    return render(
        request,
        "progress/slippage.html",
        _base(
            request,
            year=year,
            unit=unit,
            rows=rows,
            show_all=show_all,
            years=queries.years_with_plans(),
        ),
    )


# --------------------------------------------------------------------------- one project


@login_required
def project_progress(request, code: str):
    project = _project(code)
    plans_by_year = {p.year: p for p in project.annual_plans.all()}
    year_text = request.GET.get("year", "")
    if year_text.isdigit():
        year = int(year_text)
    else:
        latest = queries.latest_report_month(project)
        year = latest.year if latest else max(plans_by_year, default=timezone.localdate().year)
    months = queries.project_months(project, year)
    report_ids = [str(m["report"].pk) for m in months if m["report"] is not None]
    history = [(h, describe(h)) for h in history_of(MonthlyProgress, report_ids)[:200]]
    lights = rules.project_history(project, year)
    problems = project.problems.select_related("department").order_by("-raised_on", "-id")
    return render(
        request,
        "progress/project.html",
        _base(
            request,
            project=project,
            year=year,
            plan=plans_by_year.get(year),
            years=sorted(set(plans_by_year) | {year}, reverse=True),
            months=months,
            history=history,
            lights=[(month, found, _worst(found)) for month, found in lights],
            problems=problems,
            departments=Department.objects.all(),
            edit_refusal=access.project_refusal(request.user, project),
            today=timezone.localdate(),
        ),
    )


def _worst(found) -> str:
    """The light of one project's warnings for a month ("" when it has none)."""
    return next(iter(rules.worst_by_project(found).values()), "")


# --------------------------------------------------------------------------- warnings


@login_required
def warnings_page(request):
    month = _month(request)
    unit = _unit(request)
    level = request.GET.get("level", "")
    rule = request.GET.get("rule", "")
    figures = headline(month, unit.code if unit else None, include_green=level == "green")
    found = figures.found
    if level in rules.LEVELS:
        found = [w for w in found if w.level == level]
    if rule in Rule.values:
        found = [w for w in found if w.rule == rule]
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "progress/warnings.html",
        _base(
            request,
            month=month,
            unit=unit,
            level=level,
            rule=rule,
            page=page,
            figures=figures,
            tally=figures.warnings,
            rules_list=WarningRule.objects.all(),
            levels=[(k, rules.LEVEL_LABELS[k]) for k in rules.LEVELS],
            rule_choices=Rule.choices,
        ),
    )


@login_required
def rates_page(request):
    month = _month(request)
    unit = _place(request)
    by = request.GET.get("by", "county" if is_multi_county() and unit is None else "unit")
    if by not in rates.GROUPINGS or (by == "county" and not is_multi_county()):
        by = "unit"
    rows, total = rates.compute_kept(month, by, queries.unit_scope(unit.code) if unit else None)
    return render(
        request,
        "progress/rates.html",
        _base(
            request,
            month=month,
            unit=unit,
            places=_places(request).order_by("code"),
            by=by,
            rows=rows,
            total=total,
            definitions=rates.DEFINITIONS,
            elapsed=month.elapsed_share(),
            groupings=[
                *([("county", _("county"))] if is_multi_county() else []),
                ("unit", _("township unit")),
                ("chain", _("industrial chain")),
                ("list", _("major-project list")),
            ],
        ),
    )


@login_required
def reporting(request):
    month = _month(request)
    unit = _place(request)
    due, rows, behind = queries.reporting_status(month, unit.code if unit else None)
    return render(
        request,
        "progress/reporting.html",
        _base(
            request,
            month=month,
            unit=unit,
            due=due,
            rows=rows,
            behind=behind[:500],
            behind_count=len(behind),
            is_due=timezone.localdate() > due,
            today=timezone.localdate(),
        ),
    )


@login_required
def report_download(request):
    month = _month(request)
    unit = _place(request)
    from zhaoshang.progress.report import write_monthly

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    path = Path(handle.name)
    write_monthly(path, month, unit.code if unit else None)
    name = f"progress-{month}{'-' + unit.code if unit else ''}.xlsx"
    stream = path.open("rb")
    path.unlink()  # the open handle keeps the data until the response is sent
    return FileResponse(stream, as_attachment=True, filename=name)


# --------------------------------------------------------------------------- problems


@login_required
def problems(request):
    """The problem register. With `month`, as it stood at the end of that month (overdue
    days counted to then); without, as it stands today, and the page says so."""
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    month = _month(request, Month.current()) if request.GET.get("month", "").strip() else None
    on = month.as_of() if month is not None else today
    qs = Problem.objects.select_related("project", "project__unit", "department")
    if month is not None:
        qs = qs.filter(raised_on__lte=on)
    if status in ProblemStatus.values:
        qs = qs.filter(status=status)
    if department.isdigit() and len(department) < 10:  # an id, not a 20-digit overflow
        qs = qs.filter(department_id=int(department))
    if overdue:
        qs = qs.filter(facts_mod.open_filter(on), deadline__lt=on)
    page = Paginator(qs.order_by("deadline", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for problem in page:
        problem.overdue_days = problem.days_overdue(on)
    return render(
        request,
        "progress/problems.html",
        _base(
            request,
            page=page,
            status=status,
            department=department,
            overdue=overdue,
            today=today,
            month=month,
            on=on,
            running=on < month.last_day if month is not None else True,
            statuses=ProblemStatus.choices,
            departments=Department.objects.all(),
            stats=queries.department_stats(on),
            city=queries.problem_figures(on),
        ),
    )


@login_required
@require_POST
def problem_create(request, code: str):
    project = _project(code)
    data = {k: request.POST.get(k, "") for k in services.PROBLEM_KEYS}
    try:
        services.create_problem(user=request.user, project=project, data=data)
    except NotAllowed as exc:
        return _refused(request, str(exc))
    except InputError as exc:
        for field, text in exc.fields.items():
            messages.error(request, f"{_field_label(field)}: {' '.join(text)}")
    else:
        messages.success(request, _("Problem recorded."))
    return redirect(f"{reverse('progress:project', args=[code])}#problems")


def _field_label(field: str) -> str:
    try:
        return str(Problem._meta.get_field(field).verbose_name)
    except Exception:
        return field


@login_required
def problem_detail(request, pk: int):
    problem = get_object_or_404(
        Problem.objects.select_related("project", "project__unit", "department"), pk=pk
    )
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        keys = services.PROBLEM_KEYS | {"status", "resolution", "closed_on"}
        data = {k: request.POST[k] for k in keys if k in request.POST}
        if not data.get("closed_on"):
            data.pop("closed_on", None)
        try:
            services.update_problem(
                user=request.user,
                problem=problem,
                data=data,
                reason=request.POST.get("reason", ""),
                expected_version=int(request.POST["version"])
                if request.POST.get("version", "").isdigit()
                else None,
            )
            messages.success(request, _("Problem saved."))
            return redirect("progress:problem", pk=pk)
        except NotAllowed as exc:
            return _refused(request, str(exc))
        except ConflictError as exc:
            errors = {"version": str(exc)}
            status = 409
        except InputError as exc:
            errors = {k: " ".join(v) for k, v in exc.fields.items()}
            status = 422
        problem.refresh_from_db()
    history = [(h, describe(h)) for h in history_for(problem)[:100]]
    return render(
        request,
        "progress/problem.html",
        _base(
            request,
            problem=problem,
            errors=errors,
            statuses=ProblemStatus.choices,
            departments=Department.objects.all(),
            history=history,
            today=timezone.localdate(),
            edit_refusal=access.project_refusal(request.user, problem.project),
        ),
        status=status,
    )


# --------------------------------------------------------------------------- lists, events


@login_required
def lists(request):
    year = request.GET.get("year", "")
    level = request.GET.get("level", "")
    qs = queries.lists_overview(int(year) if year.isdigit() else None)
    if level in ListLevel.values:
        qs = qs.filter(level=level)
    return render(
        request,
        "progress/lists.html",
        _base(
            request,
            lists=qs,
            year=year,
            level=level,
            levels=ListLevel.choices,
            years=sorted(set(ProjectList.objects.values_list("year", flat=True)), reverse=True),
        ),
    )


@login_required
def list_detail(request, pk: int):
    project_list = get_object_or_404(ProjectList.objects.select_related("source"), pk=pk)
    status = 200
    if request.method == "POST":
        code = request.POST.get("project", "").strip()
        project = Project.objects.filter(code=code).first()
        try:
            if project is None:
                raise InputError(
                    {"project": _("no project with code “%(value)s”") % {"value": code}}
                )
            if request.POST.get("action") == "remove":
                services.remove_list_member(
                    user=request.user, project_list=project_list, project=project
                )
                messages.success(request, _("Removed from the list."))
            else:
                services.set_list_member(
                    user=request.user,
                    project_list=project_list,
                    project=project,
                    planned_investment_wan=request.POST.get("planned_investment_wan", ""),
                )
                messages.success(request, _("List member saved."))
            return redirect("progress:list", pk=pk)
        except NotAllowed as exc:
            return _refused(request, str(exc))
        except InputError as exc:
            for text in exc.fields.values():
                messages.error(request, " ".join(text))
            status = 422
    month = _month(
        request,
        Month(project_list.year, 12)
        if not Month(project_list.year, 12).is_future()
        else Month.current(),
    )
    report = queries.list_report(project_list, month)
    return render(
        request,
        "progress/list.html",
        _base(
            request,
            project_list=project_list,
            report=report,
            office_refusal=access.office_refusal(request.user),
            months=_months_of(project_list.year),
        ),
        status=status,
    )


@login_required
def events(request):
    qs = (
        BatchEvent.objects.select_related("unit")
        .annotate(n=Count("projects"))
        .order_by("-date", "name")
    )
    return render(request, "progress/events.html", _base(request, events=qs))


@login_required
def event_detail(request, pk: int):
    event = get_object_or_404(BatchEvent.objects.select_related("unit", "source"), pk=pk)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                project = Project.objects.filter(code=request.POST.get("project", "")).first()
                if project is None:
                    raise Http404
                services.remove_event_project(user=request.user, event=event, project=project)
                messages.success(request, _("Removed from the event."))
            else:
                codes = request.POST.get("projects", "").replace("，", ",").replace("\n", ",")
                added = services.add_event_projects(
                    user=request.user, event=event, codes=codes.split(",")
                )
                messages.success(request, _("%(n)s projects added.") % {"n": added})
            return redirect("progress:event", pk=pk)
        except NotAllowed as exc:
            return _refused(request, str(exc))
        except InputError as exc:
            for text in exc.fields.values():
                messages.error(request, " ".join(text))
            status = 422
    projects, totals, synthetic = queries.event_projects(event)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "progress/event.html",
        _base(
            request,
            event=event,
            report=event_report(event),
            page=page,
            totals=totals,
            synthetic=synthetic,
            matches_declared=(
                event.declared_total_wan is not None
                and totals["total"] is not None
                and Decimal(totals["total"]) == event.declared_total_wan
            ),
            office_refusal=access.office_refusal(request.user),
        ),
        status=status,
    )


# --------------------------------------------------------------------------- rules


@login_required
def rules_page(request):
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            access.check_admin(request.user)
        except NotAllowed as exc:
            return _refused(request, str(exc))
        reason = request.POST.get("reason", "")
        with transaction.atomic():
            for rule in WarningRule.objects.all():
                data = {
                    "amber_from": request.POST.get(f"{rule.code}__amber_from", ""),
                    "red_from": request.POST.get(f"{rule.code}__red_from", ""),
                    "enabled": request.POST.get(f"{rule.code}__enabled") == "on",
                }
                try:
                    services.update_rule(user=request.user, rule=rule, data=data, reason=reason)
                except InputError as exc:
                    for field, text in exc.fields.items():
                        errors[f"{rule.code}__{field}"] = " ".join(text)
            try:
                services.update_settings(
                    user=request.user,
                    report_due_day=request.POST.get("report_due_day", ""),
                    reason=reason,
                )
            except InputError as exc:
                errors.update({k: " ".join(v) for k, v in exc.fields.items()})
            if errors:  # all thresholds or none
                transaction.set_rollback(True)
        if not errors:
            messages.success(request, _("Thresholds saved."))
            return redirect("progress:rules")
        status = 422
    return render(
        request,
        "progress/rules.html",
        _base(
            request,
            rules_list=WarningRule.objects.all(),
            errors=errors,
            can_change=request.user.is_authenticated
            and access.role_of(request.user) == "city_admin",
        ),
        status=status,
    )
