"""The read side of a project's file (一项目一档): what the project page shows in each of
its sections. Every figure comes from the function that computes it everywhere else:

- plan: `progress.AnnualPlan` and its baselines;
- monthly series: for each month of the year, the project's facts as of the end of that
  month (`progress.facts.load`, the plan in force then), its completion and funds rates
  (`progress.rates.Rates`, as the four rates count them) and 序时进度 (`Month.elapsed_share`); the reports' table is
  `progress.queries.project_months`, as on the progress page;
- warnings: `progress.rules.compute` for the latest month (the one rule engine);
- problems: `progress.Problem`, open first;
- approvals, people, documents: this app's records;
- history: `core.ChangeLog` of the project and of everything in its file.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from zhaoshang.core import figcache
from zhaoshang.core.history import describe
from zhaoshang.core.models import ChangeLog
from zhaoshang.dossier import access, files
from zhaoshang.dossier.forms import ApprovalForm, DocumentForm, PersonForm
from zhaoshang.dossier.models import (
    ROLE_ORDER,
    Approval,
    ApprovalStatus,
    Document,
    DocumentKind,
    PersonRole,
    ProjectPerson,
)
from zhaoshang.lib.uploads import MB
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress import queries, rates, rules
from zhaoshang.progress.amounts import percent
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress, PlanBaseline, Problem
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Project

CENT = Decimal("0.01")
HISTORY_LIMIT = 200


def year_of(project: Project) -> int:
    """The year the file opens on: that of the project's latest report, else of its latest
    plan, else this year (as the project's progress page chooses)."""
    latest = queries.latest_report_month(project)
    if latest is not None:
        return latest.year
    year = project.annual_plans.order_by("-year").values_list("year", flat=True).first()
    return year or timezone.localdate().year


def monthly_series(
    project: Project, year: int, today: datetime.date | None = None, months: list | None = None
) -> dict:
    """Month by month of `year` (up to the current month), as of the end of each month:
    the plan in force, 序时进度 and the plan's pace in 万元, completed and funds in place
    from January (and their rates), the month's own completed investment; and the latest
    month's warnings. Counted once per state of the data (`core.figcache`)."""
    today = today or timezone.localdate()
    return figcache.cached(
        "monthly_series",
        (project.pk, year, today),
        lambda: _monthly_series(project, year, today, months),
    )


def _monthly_series(project: Project, year: int, today: datetime.date, months) -> dict:
    scope = facts_mod.Scope(project_ids={project.pk})
    # the month's own report and its sums from January (`queries.project_months`, as the
    # progress page shows them); for a project without a plan they are all there is
    by_month = {
        row["month"].month: row
        for row in (months or queries.project_months(project, year))
        if row["report"] is not None
    }
    reports = {m: row["report"] for m, row in by_month.items()}
    last = Month(year, 12) if not Month(year, 12).is_future(today) else Month.of(today)
    rows, warnings, latest = [], [], None
    for m in range(1, 13):
        month = Month(year, m)
        if month.is_future(today):
            break
        # the reports' own figures only for the month whose warnings are shown
        facts = facts_mod.load(month, scope, today=today, with_reports=month == last)
        item = facts.get(project.pk)
        # the four rates' own counting (`rates.Rates.add`) for this one project: a
        # project alone is never a phase within a parent of the same set
        total = rates.Rates(key=project.pk, label="")
        if item is not None:
            total.add(item, month.last_day, month.as_of(today))
        planned = total.planned_wan if item is not None and item.planned is not None else None
        share = month.elapsed_share()
        rows.append(
            {
                "month": month,
                "planned_wan": planned,
                "elapsed": percent(share),
                "pace_wan": None if planned is None else (planned * share).quantize(CENT),
                "completed_month_wan": reports[m].completed_wan if m in reports else None,
                "completed_wan": total.completed_wan
                if item is not None
                else _unplanned(by_month, m, "ytd_completed_wan"),
                "funds_wan": total.funds_wan
                if item is not None
                else _unplanned(by_month, m, "ytd_funds_wan"),
                "completion_rate": percent(total.completion_rate),
                "funds_rate": percent(total.funds_rate),
                "reported": m in reports,
            }
        )
        latest = (month, facts)
    if latest is not None:
        month, facts = latest
        warnings = rules.compute(month, scope, include_green=True, today=today, facts=facts)
    chart = [
        {
            "month": str(r["month"]),
            "pace": _num(r["pace_wan"]),
            "completed": _num(r["completed_wan"]),
            "funds": _num(r["funds_wan"]),
            "month_completed": _num(r["completed_month_wan"]),
        }
        for r in rows
    ]
    return {
        "rows": rows,
        "chart": chart,
        "has_figures": any(r["planned_wan"] is not None or r["reported"] for r in rows),
        "warnings_month": latest[0] if latest else None,
        "warnings": warnings,
        "worst": next(iter(rules.worst_by_project(warnings).values()), ""),
    }


def _unplanned(by_month: dict, m: int, key: str) -> Decimal | None:
    """A sum from January for a month of a project without a plan: that of its latest
    report up to the month; None before its first report."""
    found = [by_month[k][key] for k in sorted(by_month) if k <= m]
    return found[-1] if found else None


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def plan_section(project: Project, year: int) -> dict:
    plans = list(project.annual_plans.order_by("-year"))
    plan = next((p for p in plans if p.year == year), None)
    baselines = (
        list(
            PlanBaseline.objects.filter(plan=plan).select_related("approved_by").order_by("number")
        )
        if plan is not None
        else []
    )
    return {"plan": plan, "plans": plans, "baselines": baselines}


def problems_of(project: Project, today: datetime.date) -> list[Problem]:
    """The project's problems, open ones first (most overdue first), then closed ones,
    latest first; each with `overdue_days` as of `today`."""
    found = list(project.problems.select_related("department"))
    for p in found:
        p.overdue_days = p.days_overdue(today) if p.is_open else 0
    open_ = sorted((p for p in found if p.is_open), key=lambda p: (p.deadline, p.pk))
    closed = sorted(
        (p for p in found if not p.is_open), key=lambda p: p.closed_on or p.raised_on, reverse=True
    )
    return open_ + closed


def people_of(project: Project) -> list[dict]:
    people = ProjectPerson.objects.filter(project=project, removed_at__isnull=True)
    by_role: dict[str, list] = {r: [] for r in ROLE_ORDER}
    for person in people.order_by("id"):
        by_role[person.role].append(person)
    return [{"role": r, "label": PersonRole(r).label, "people": by_role[r]} for r in ROLE_ORDER]


def approvals_of(project: Project, today: datetime.date) -> list[Approval]:
    found = list(
        Approval.objects.filter(project=project, removed_at__isnull=True)
        .select_related("department", "document")
        .order_by("planned_on", "id")
    )
    for a in found:
        a.late_days = a.days_late(today)
        a.overdue = a.is_overdue(today)
    return found


def documents_of(project: Project) -> dict:
    docs = list(
        Document.objects.filter(project=project, removed_at__isnull=True)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    return {
        "photos": [d for d in docs if d.kind == DocumentKind.PHOTO],
        "files": [d for d in docs if d.kind == DocumentKind.DOCUMENT],
    }


def history(project: Project, limit: int = HISTORY_LIMIT) -> list[tuple]:
    """The change history of the project and of everything in its file (plans, reports,
    problems, approvals, people, documents), latest first:
    (log, [(label, before, after)], what it concerns: "" for the project itself)."""
    types = ContentType.objects.get_for_models(
        Project, AnnualPlan, MonthlyProgress, Problem, Approval, ProjectPerson, Document
    )
    keys = {
        Project: [project.pk],
        AnnualPlan: AnnualPlan.objects.filter(project=project).values_list("pk", flat=True),
        MonthlyProgress: MonthlyProgress.objects.filter(project=project).values_list(
            "pk", flat=True
        ),
        Problem: Problem.objects.filter(project=project).values_list("pk", flat=True),
        Approval: Approval.objects.filter(project=project).values_list("pk", flat=True),
        ProjectPerson: ProjectPerson.objects.filter(project=project).values_list("pk", flat=True),
        Document: Document.objects.filter(project=project).values_list("pk", flat=True),
    }
    where = Q(pk__in=[])
    for model, pks in keys.items():
        ids = [str(pk) for pk in pks]
        if ids:
            where |= Q(content_type=types[model], object_id__in=ids)
    logs = ChangeLog.objects.filter(where).select_related("user", "content_type")
    logs = logs.order_by("-at", "-id")[:limit]
    project_type = types[Project]
    out = []
    for log in logs:
        subject = ""
        if log.content_type_id != project_type.pk:
            model = log.content_type.model_class()
            subject = f"{model._meta.verbose_name}: {log.object_repr}"
        out.append((log, describe(log), subject))
    return out


def context(request, project: Project, forms: dict | None = None) -> dict:
    """Everything the project page's file sections show. `forms` replaces the blank forms
    of the sections (a form sent back with its errors)."""
    today = timezone.localdate()
    year = year_of(project)
    refusal = access.edit_refusal(request.user, project)
    forms = forms or {}
    months = queries.project_months(project, year)
    out = {
        "year": year,
        "today": today,
        "can_edit_file": refusal is None,
        "months": months,
        "series": monthly_series(project, year, today, months),
        "problems": problems_of(project, today),
        "people_by_role": people_of(project),
        "approvals": approvals_of(project, today),
        "documents": documents_of(project),
        "history": history(project),
        "upload_limit_mb": files.max_bytes() // MB,
        "upload_types": files.EXTENSIONS,
        **plan_section(project, year),
    }
    open_ = [p for p in out["problems"] if p.is_open]
    out["open_problems"] = {
        "open": len(open_),
        "overdue": sum(1 for p in open_ if p.overdue_days),
    }
    out["approvals_done"] = sum(1 for a in out["approvals"] if a.status == ApprovalStatus.DONE)
    out["approvals_overdue"] = sum(1 for a in out["approvals"] if a.overdue)
    if refusal is None:
        out["person_form"] = forms.get("person") or PersonForm(prefix="person")
        out["approval_form"] = forms.get("approval") or ApprovalForm(
            prefix="approval", project=project
        )
        out["document_form"] = forms.get("document") or DocumentForm(prefix="document")
        out["edit_forms"] = forms.get("edit", {})
        out["upload_error"] = forms.get("upload_error", "")
    return out
