"""Ledger pages. Thin: filters come from `queries`, rights from `access`, writes go
through `services`; a refusal from `access` becomes a 403 page that says why."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from zhaoshang.core.access import role_of, unit_codes_of
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.fields import Qualifier as ModelQualifier
from zhaoshang.core.models import Role
from zhaoshang.dossier import sections as dossier_sections
from zhaoshang.industries.models import Industry
from zhaoshang.lib import csvsafe
from zhaoshang.lib.money import (
    AmountError,
    Qualifier,
    bare_number_choices,
    format_wan,
    parse_amount,
)
from zhaoshang.projects import estimates, impact, mujun, quality, services
from zhaoshang.projects.access import (
    edit_refusal,
    get_project_for_view,
    projects_visible_to,
)
from zhaoshang.projects.forms import (
    AMOUNT_NAMES,
    AMOUNTS,
    PLANNED,
    ProjectForm,
    StageForm,
    StatusForm,
)
from zhaoshang.projects.models import (
    STAGE_ORDER,
    Project,
    ProjectInvestor,
    ProjectSource,
    Stage,
    Status,
)
from zhaoshang.projects.queries import ledger_queryset, ledger_totals, phase_note
from zhaoshang.regions import home as home_mod

PAGE_SIZE = 50


def _lang() -> str:
    from django.utils.translation import get_language

    return "en" if (get_language() or "").startswith("en") else "zh"


# --------------------------------------------------------------------------- list


@login_required
def project_list(request):
    qs, params = ledger_queryset(projects_visible_to(request.user), request.GET)
    if params.q:
        qs = _materialise_if_few(qs)
    totals = ledger_totals(qs)
    by_stage = dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))
    paginator = Paginator(qs.select_related("unit", "industry"), PAGE_SIZE)
    paginator.__dict__["count"] = totals["count"]  # known already: spare a COUNT query
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # one read, the rows the template shows
    mujun.attach_investment(page.object_list)
    columns = [
        ("code", _("Code"), "code"),
        ("name", _("Project"), ""),
        ("unit", _("Township unit"), ""),
        ("total_investment", _("Total investment"), "num"),
        ("stage", _("Stage"), ""),
        ("status", _("Status"), ""),
        ("industry", _("Industry"), ""),
    ]
    headers = []
    for key, label, css in columns:
        active = params.sort.lstrip("-") == key
        descending = params.sort.startswith("-")
        # a click on the active column flips it; amounts start largest first
        next_sort = (
            (key if descending else f"-{key}")
            if active
            else (f"-{key}" if key == "total_investment" else key)
        )
        headers.append(
            {
                "label": label,
                "css": css,
                "href": "?" + params.query_string(sort=next_sort),
                "aria": ("descending" if descending else "ascending") if active else "",
            }
        )
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "params": params,
            "v": params.values,
            "headers": headers,
            "count": totals["count"],
            "total": totals["total"],
            "phase_note": phase_note(totals["phases"], totals["phases_total"]),
            "by_stage": [(s, Stage(s).label, by_stage.get(s, 0)) for s in STAGE_ORDER],
            "stages": Stage.choices,
            "statuses": Status.choices,
            "units": home_mod.township_units(request.user),
            "base_query": params.query_string(),
            "can_create": _create_refusal(request.user) is None,
            # how many filters narrow the list (the folded form's button says so on a phone)
            "applied": sum(
                1 for k, val in params.values.items() if val and k not in LEDGER_NOT_FILTERS
            ),
            # an unreadable parameter is named by its label, not by its code name
            "param_errors": [
                (_ledger_param_label(key), message) for key, message in params.errors.items()
            ],
        },
    )


LEDGER_NOT_FILTERS = ("sort", "date_stage", "page")


def _ledger_param_label(key: str) -> str:
    labels = {
        "q": _("Search name, investor or alias"),
        "stage": _("Stage"),
        "status": _("Status"),
        "unit": _("Township unit"),
        "industry": _("Industry"),
        "foreign": _("Foreign or domestic"),
        "amount_min": _("Total investment from"),
        "amount_max": _("Total investment to"),
        "date_stage": _("Date of"),
        "date_from": _("Date from"),
        "date_to": _("Date to"),
        "synthetic": _("Data"),
        "sort": _("Sort order"),
        "chain": _("Industrial chain"),
        "mujun": _("Per mu (亩均)"),
    }
    return labels.get(key, key)


SEARCH_MATERIALISE = 2000


def _materialise_if_few(qs):
    """A text search is the costly part of a filter (LIKE over names, investors, aliases).
    When it matches few projects, run it once and let the totals, the stage counts and the
    page select those ids, instead of repeating the search in each of the three queries."""
    ids = list(qs.order_by().values_list("pk", flat=True)[: SEARCH_MATERIALISE + 1])
    if len(ids) > SEARCH_MATERIALISE:
        return qs
    return qs.model.objects.filter(pk__in=ids).order_by(*qs.query.order_by)


class _Echo:
    def write(self, value):
        return value


@login_required
def project_csv(request):
    """The filtered ledger, every page, in the list's order and columns (UTF-8 with BOM so
    Excel reads the Chinese). Text cells that a spreadsheet would run as a formula (a name
    written ``=cmd|...``) are neutralised (`lib.csvsafe`); the amount column stays a number."""
    qs, _params = ledger_queryset(projects_visible_to(request.user), request.GET)
    qs = qs.select_related("unit", "industry")
    writer = csvsafe.writer(_Echo(), numeric={3})
    header = [
        _("Code"), _("Project"), _("Township unit"), _("Total investment (10k CNY)"),
        _("Qualifier"), _("Total investment as written"), _("Stage"), _("Status"),
        _("Industry code"), _("Industry"), _("Foreign-invested"), _("Synthetic"),
    ]  # fmt: skip

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for p in qs.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    p.code,
                    p.name,
                    p.unit.display_name if p.unit_id else "",
                    "" if p.total_investment_wan is None else _plain(p.total_investment_wan),
                    p.get_total_investment_qualifier_display(),
                    p.total_investment_text,
                    p.get_stage_display(),
                    p.get_status_display(),
                    p.industry_id or "",
                    p.industry.name if p.industry_id else "",
                    _("yes") if p.is_foreign else _("no"),
                    _("yes") if p.is_synthetic else _("no"),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ledger-{stamp}.csv"'
    return response


def _plain(value) -> str:
    """An exact Decimal without exponent or trailing zeros: 1000000, 0.5."""
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------- detail


def _visible_or_404(user, code: str) -> Project:
    try:
        return get_project_for_view(user, code)
    except Project.DoesNotExist:
        raise Http404(_("No project with code “%(code)s”.") % {"code": code}) from None


def _detail_context(request, project: Project, dossier_forms=None, **extra) -> dict:
    project = (
        Project.objects.select_related("unit", "industry", "chain", "parent", "created_by")
        .prefetch_related(
            Prefetch(
                "investor_links",
                queryset=ProjectInvestor.objects.select_related("enterprise").order_by("id"),
            ),
            Prefetch(
                "projectsource_set",
                queryset=ProjectSource.objects.select_related("source")
                .prefetch_related("source__articles")  # the news article it was accepted from
                .order_by("id"),
            ),
            "phases",
            "lists",
            "batch_events",
        )
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
    investor_ids = [link.enterprise_id for link in project.investor_links.all()]
    others = (
        ProjectInvestor.objects.filter(enterprise_id__in=investor_ids)
        .exclude(project=project)
        .select_related("project", "project__unit")
        .order_by("enterprise_id", "-project__total_investment_wan", "project__code")
    )
    other_by_investor: dict[int, list[Project]] = {}
    for link in others[:200]:
        other_by_investor.setdefault(link.enterprise_id, []).append(link.project)
    investors = [
        (link, other_by_investor.get(link.enterprise_id, []))
        for link in project.investor_links.all()
    ]
    lang = _lang()
    amounts = []
    for name, label in AMOUNTS:
        value = getattr(project, f"{name}_wan")
        qualifier = getattr(project, f"{name}_qualifier")
        row = {
            "label": label,
            "value": value,
            "shown": format_wan(value, Qualifier(qualifier), lang=lang)
            if value is not None
            else "",
            "exact": "" if value is None else _plain(value),
            "text": getattr(project, f"{name}_text"),
            "qualifier": project._meta.get_field(f"{name}_qualifier").choices,
        }
        row["qualifier"] = dict(row["qualifier"]).get(qualifier, qualifier)
        currency = getattr(project, f"{name}_currency", "CNY")
        if currency != "CNY":
            original = getattr(project, f"{name}_original")
            rate = getattr(project, f"{name}_rate")
            row["foreign"] = {
                "currency": currency,
                "original": "" if original is None else _plain(original),
                "rate": "" if rate is None else _plain(rate),
            }
        amounts.append(row)
    refusal = edit_refusal(request.user, project.unit_id)
    context = {
        "project": project,
        "timeline": timeline,
        "current_index": STAGE_ORDER.index(project.stage),
        "can_edit": refusal is None,
        "refusal": refusal,
        "investors": investors,
        "amounts": amounts,
        "stage_form": StageForm(project=project, initial={"on": timezone.localdate().isoformat()}),
        "status_form": StatusForm(initial={"status": project.status}),
        "quality": quality.check_project(project),
        "mujun": mujun.mujun_check(project),
        "mujun_area": mujun.show_area(project.land_area_mu, project.land_area_qualifier),
        # capex, jobs and output disclosed or estimated, and the impact at full production
        "estimates": estimates.project_view(project.pk),
        "impact": impact.project_view(project.pk),
    }
    # the project's file (一项目一档): plan, monthly series, warnings, problems, approvals,
    # people, documents, and the history of all of it
    context.update(dossier_sections.context(request, project, forms=dossier_forms))
    context.update(extra)
    return context


@login_required
def project_detail(request, code: str):
    project = _visible_or_404(request.user, code)
    return render(request, "projects/detail.html", _detail_context(request, project))


# --------------------------------------------------------------------------- data quality

QUALITY_PAGE_SIZE = 100


def _quality_scope(request) -> tuple:
    """The projects the quality page checks, the unit choice it shows and the messages of
    unreadable parameters. Visible projects as in the ledger; a town editor starts on its
    own unit (with its 区镇合一 partner), `unit=all` for the whole city."""
    qs = projects_visible_to(request.user)
    errors: dict[str, str] = {}
    own = sorted(unit_codes_of(request.user)) if role_of(request.user) == Role.TOWN_EDITOR else []
    unit = request.GET.get("unit", "").strip() or ("mine" if own else "all")
    if unit == "mine" and own:
        qs = qs.filter(unit_id__in=own)
    elif unit not in ("all", "mine"):
        try:
            unit = quality.unit_code(unit)
            qs = qs.filter(unit_id=unit)
        except InputError as exc:
            errors["unit"] = exc.fields["unit"][0]
            unit = "all"
    else:
        unit = "all"
    rule = request.GET.get("rule", "").strip()
    if rule and rule not in quality.Check.values:
        errors["rule"] = _("unknown data-quality rule “%(value)s”") % {"value": rule}
        rule = ""
    return qs, unit, rule, own, errors


@login_required
def quality_list(request):
    """Data-quality findings per township unit, with how many projects each rule flags."""
    qs, unit, rule, own, errors = _quality_scope(request)
    findings = quality.check(qs)
    units, total = quality.summarise(findings)
    shown = [f for f in findings if f.rule == rule] if rule else findings
    page = Paginator(shown, QUALITY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {"unit": unit, **({"rule": rule} if rule else {})}
    return render(
        request,
        "projects/quality.html",
        {
            "page": page,
            "units": units,
            "total": total,
            "rules": [(str(r.code), r.code.label, r.severity) for r in quality.RULES],
            "unit": unit,
            "rule": rule,
            "own": own,
            "unit_choices": home_mod.township_units(request.user),
            "errors": errors,
            "base_query": urlencode(query),
        },
    )


# --------------------------------------------------------------------------- forms


def _form_context(form: ProjectForm, **extra) -> dict:
    return {
        "form": form,
        "amount_names": AMOUNT_NAMES,
        "planned_names": [f"planned_{s}" for s in PLANNED],
        "industries": Industry.objects.filter(level=3).only("code", "name").order_by("code"),
        **extra,
    }


def _own_unit(user):
    profile = getattr(user, "profile", None)
    return profile.unit if profile is not None and profile.unit_id else None


def _unit_picker(user) -> dict:
    """The form's unit choices: the home units `user` may put a project in, asked of the
    same rule that checks the save (`edit_refusal`); a town editor gets no "no unit"."""
    units = [u for u in home_mod.township_units(user) if edit_refusal(user, u.code) is None]
    return {"units": units, "unit_fixed": role_of(user) == Role.TOWN_EDITOR}


def _create_refusal(user) -> str | None:
    """Why `user` may not create projects at all (a town editor creates in its own unit)."""
    refusal = edit_refusal(user, None)
    unit = _own_unit(user)
    if refusal and unit is not None:
        refusal = edit_refusal(user, unit.code)
    return refusal


@login_required
def project_create(request):
    own_unit = _own_unit(request.user)
    refusal = _create_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    if request.method == "POST":
        form = ProjectForm(request.POST, creating=True, **_unit_picker(request.user))
        if form.is_valid():
            try:
                project = services.create_project(
                    user=request.user, data=form.service_data(), reason=form.cleaned_data["reason"]
                )
            except InputError as exc:
                form.add_service_errors(exc.fields)
            except NotAllowed as exc:
                form.add_error("unit", str(exc))
            else:
                messages.success(
                    request,
                    _("Project %(code)s “%(name)s” created.")
                    % {"code": project.code, "name": project.name},
                )
                _warn_mujun(request, project)
                return redirect("projects:detail", code=project.code)
    else:
        form = ProjectForm(
            creating=True,
            initial={"unit": own_unit.code if own_unit is not None else "", "stage": Stage.LEAD},
            **_unit_picker(request.user),
        )
    return render(request, "projects/form.html", _form_context(form, creating=True))


@login_required
def project_edit(request, code: str):
    project = _visible_or_404(request.user, code)
    refusal = edit_refusal(request.user, project.unit_id)
    if refusal:
        raise PermissionDenied(refusal)
    project = (
        Project.objects.select_related("unit", "industry", "chain", "parent")
        .prefetch_related("stage_dates", "investor_links__enterprise")
        .get(pk=project.pk)
    )
    initial = ProjectForm.initial_for(project)
    conflict = None
    if request.method == "POST":
        form = ProjectForm(
            request.POST, creating=False, initial=initial, **_unit_picker(request.user)
        )
        if form.is_valid():
            try:
                project = services.update_project(
                    user=request.user,
                    project=project,
                    data=form.service_data(),
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except ConflictError as exc:
                conflict = _conflict(form, project, str(exc))
            except InputError as exc:
                form.add_service_errors(exc.fields)
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            else:
                messages.success(request, _saved_message(project, form))
                _warn_mujun(request, project)
                return redirect("projects:detail", code=project.code)
    else:
        form = ProjectForm(creating=False, initial=initial, **_unit_picker(request.user))
    return render(
        request,
        "projects/form.html",
        _form_context(form, creating=False, project=project, conflict=conflict),
    )


def _warn_mujun(request, project: Project) -> None:
    """A signed project below a 亩均 threshold is saved, and the user is told (projects.mujun)."""
    for finding in mujun.warnings_at_signing(project):
        messages.warning(request, finding.message)


def _saved_message(project: Project, form: ProjectForm) -> str:
    """The confirmation after an edit, naming what changed (or that nothing did)."""
    changed = [
        str(form.fields[n].label) for n in form.changed_data if n not in ("version", "reason")
    ]
    if not changed:
        return _("Nothing changed in %(code)s “%(name)s”.") % {
            "code": project.code,
            "name": project.name,
        }
    return _("Saved %(code)s “%(name)s”; changed: %(fields)s.") % {
        "code": project.code,
        "name": project.name,
        "fields": pgettext("list separator", ", ").join(changed),
    }


def _conflict(form: ProjectForm, project: Project, message: str) -> dict:
    """Both versions side by side. The form keeps what the user typed and now carries the
    saved version, so saving again is a deliberate choice to replace their change."""
    saved = (
        Project.objects.select_related("unit", "industry", "chain", "parent")
        .prefetch_related("stage_dates", "investor_links__enterprise")
        .get(pk=project.pk)
    )
    theirs = ProjectForm.initial_for(saved)
    rows = []
    for name in form.fields:
        if name in ("version", "reason"):
            continue
        mine = form.cleaned_data.get(name)
        if (
            str(theirs.get(name, "")) != str(form.initial.get(name, ""))
            or name in form.changed_data
        ):
            rows.append(
                {
                    "label": form.fields[name].label,
                    "mine": form.unit_label(mine) if name == "unit" else mine,
                    "theirs": form.unit_label(theirs.get(name, ""))
                    if name == "unit"
                    else theirs.get(name, ""),
                    "differs": str(mine) != str(theirs.get(name, "")),
                }
            )
    data = form.data.copy()
    data["version"] = str(saved.version)
    form.data = data
    return {"message": message, "rows": rows, "version": saved.version}


@require_GET
@login_required
def parse_amount_preview(request):
    """htmx: the amount typed so far, read the way the services will read it. A bare number
    (``30``) gets no tick: the save refuses it (`rules.bare_amount`), so the preview asks
    万元 or 亿元 and offers both readings to click."""
    field = request.GET.get("field", "")
    text = request.GET.get(field, "") if field in AMOUNT_NAMES else ""
    context: dict = {"text": text.strip(), "field": field}
    if text.strip():
        try:
            amount = parse_amount(text)
        except AmountError as exc:
            context["error"] = exc.in_language(_lang())
        else:
            choices = bare_number_choices(amount, lang=_lang())
            if choices is not None and amount.value_wan != 0:
                context["choices"] = choices
            else:
                context["amount"] = amount
                context["shown"] = format_wan(amount.value_wan, amount.qualifier, lang=_lang())
                context["exact"] = _plain(amount.value_wan)
                context["qualifier"] = dict(ModelQualifier.choices).get(amount.qualifier.value)
    return render(request, "projects/_parsed_amount.html", context)


# --------------------------------------------------------------------------- actions


@require_POST
@login_required
def project_stage(request, code: str):
    project = _visible_or_404(request.user, code)
    refusal = edit_refusal(request.user, project.unit_id)
    if refusal:
        raise PermissionDenied(refusal)
    form = StageForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.change_stage(
                user=request.user,
                project=project,
                to=form.cleaned_data["to"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except InputError as exc:
            for key, messages in exc.fields.items():
                for message in messages:
                    form.add_error(
                        key if key in form.fields else ("to" if key == "stage" else None), message
                    )
        else:
            return redirect(reverse("projects:detail", args=[code]) + "#lifecycle")
    context = _detail_context(request, project, stage_form=form)
    return render(request, "projects/detail.html", context, status=422)


@require_POST
@login_required
def project_status(request, code: str):
    project = _visible_or_404(request.user, code)
    refusal = edit_refusal(request.user, project.unit_id)
    if refusal:
        raise PermissionDenied(refusal)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            on = None
            if form.cleaned_data["on"]:
                try:
                    on = services.parse_date(form.cleaned_data["on"]).date
                except ValueError as exc:
                    raise InputError({"on": str(exc)}) from None
            services.set_status(
                user=request.user,
                project=project,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                on=on,
            )
        except InputError as exc:
            for key, messages in exc.fields.items():
                for message in messages:
                    form.add_error(key if key in form.fields else None, message)
        else:
            return redirect(reverse("projects:detail", args=[code]) + "#status")
    context = _detail_context(request, project, status_form=form)
    return render(request, "projects/detail.html", context, status=422)
