"""Lead pages: the list (with CSV and Excel), the board, a lead's page with its actions, the
forms, and the panel on the enterprise page. Thin: rights from `access`, rules and writes in
`services`, `rules` (stage gates) and `sla` (deadlines)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from zhaoshang.chains.models import Chain, Node
from zhaoshang.core.access import role_of, writer_refusal
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.history import describe, history_for
from zhaoshang.enterprises.models import LEAD_STAGE_ORDER, Lead, LeadStage, LeadStatus, Visit
from zhaoshang.leads import access, forms, rules, services, sla
from zhaoshang.leads.models import LeadDocument, Team
from zhaoshang.leads.queries import LeadFilters, attach_related, filter_leads, with_related
from zhaoshang.lib import csvsafe
from zhaoshang.lib import xlsxwrite as xw

PAGE_SIZE = 50
BOOKKEEPING = {"due_on", "due_kind"}
BOARD_CARDS = 30


def _lead(user, pk: int) -> Lead:
    try:
        return with_related(access.leads_visible_to(user)).get(pk=pk)
    except Lead.DoesNotExist:
        raise Http404(_("No lead %(id)s, or it is not one of yours.") % {"id": pk}) from None


def _errors(exc: InputError) -> str:
    return " ".join(m for ms in exc.fields.values() for m in ms)


def _teams():
    return Team.objects.filter(is_active=True).select_related("unit").order_by("kind", "name")


def _owners():
    return get_user_model().objects.filter(is_active=True, profile__isnull=False).exclude(
        profile__role="leader").order_by("username")  # fmt: skip


def _nodes():
    return Node.objects.select_related("chain").order_by("chain__order", "chain__code", "order")


# --------------------------------------------------------------------------- list


def _filtered(request):
    f = LeadFilters.from_params(request.GET)
    qs = filter_leads(access.leads_visible_to(request.user), f, user=request.user)
    return f, qs


def _amount_text(lead: Lead) -> str:
    return lead.estimated_investment_text or (
        "" if lead.estimated_investment_wan is None
        else format(lead.estimated_investment_wan.normalize(), "f") + "万元"
    )  # fmt: skip


@login_required
def lead_list(request):
    f, qs = _filtered(request)
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        return _csv(qs)
    if fmt == "xlsx":
        return _xlsx(qs)
    today = timezone.localdate()
    paginator = Paginator(with_related(qs).order_by("due_on", "-created_at", "pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(lead, sla.is_overdue(lead, today)) for lead in page]
    query = request.GET.copy()
    query.pop("page", None)
    download = request.GET.copy()
    download.pop("page", None)
    download.pop("format", None)
    return render(request, "leads/list.html", {
        "page": page, "rows": rows, "f": f, "base_query": query.urlencode(),
        "download_query": download.urlencode(),
        "stages": LeadStage.choices, "statuses": LeadStatus.choices,
        "teams": _teams(), "owners": _owners(),
        "chains": Chain.objects.order_by("order", "code"),
        "can_create": writer_refusal(request.user) is None,
    })  # fmt: skip


def _columns():
    return [
        _("ID"), _("Title"), _("Enterprise"), _("Stage"), _("Status"), _("Owner"), _("Team"),
        _("Chain node"), _("Expected investment (10k CNY)"), _("Expected investment as written"),
        _("Next action"), _("Next action date"), _("Last contact"), _("Days since contact"),
        _("Due by"), _("Overdue"), _("Project"), _("Synthetic"),
    ]  # fmt: skip


def _values(lead: Lead, today) -> list:
    return [
        lead.pk, lead.title, lead.enterprise.name if lead.enterprise_id else "",
        lead.get_stage_display(), lead.get_status_display(),
        lead.owner.username if lead.owner_id else "", lead.team.name if lead.team_id else "",
        f"{lead.node.chain.name} / {lead.node.name}" if lead.node_id else "",
        lead.estimated_investment_wan, lead.estimated_investment_text, lead.next_action,
        lead.next_follow_up, lead.last_contact_on, sla.days_since_contact(lead, today),
        lead.due_on, _("yes") if sla.is_overdue(lead, today) else _("no"),
        lead.project.code if lead.project_id else "",
        _("yes") if lead.is_synthetic else _("no"),
    ]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _csv(qs):
    """The filtered leads, every page (UTF-8 with BOM for Excel); text cells that a
    spreadsheet would run as a formula are neutralised (`lib.csvsafe`)."""
    today = timezone.localdate()
    writer = csvsafe.writer(_Echo(), numeric={0, 8, 13})

    def plain(value):
        if value is None:
            return ""
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if hasattr(value, "normalize"):
            return format(value.normalize(), "f")
        return value

    def rows():
        yield "\ufeff" + writer.writerow(_columns())
        for lead in with_related(qs).order_by("pk").iterator(chunk_size=2000):
            yield writer.writerow([plain(v) for v in _values(lead, today)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-{_stamp()}.csv"'
    return response


def _xlsx(qs):
    today = timezone.localdate()
    columns = _columns()
    styles = [xw.INTEGER, xw.TEXT, xw.TEXT, xw.TEXT, xw.TEXT, xw.TEXT, xw.TEXT, xw.TEXT,
              xw.AMOUNT, xw.TEXT, xw.TEXT, xw.DATE, xw.DATE, xw.INTEGER, xw.DATE, xw.TEXT,
              xw.TEXT, xw.TEXT]  # fmt: skip
    buffer = io.BytesIO()
    with xw.Workbook(buffer) as book:
        sheet = book.add_sheet(_("Leads")[:31], widths=[6, 36, 28] + [12] * (len(columns) - 3),
                               freeze=(1, 2))  # fmt: skip
        sheet.row(columns, xw.HEADER)
        for lead in with_related(qs).order_by("pk").iterator(chunk_size=2000):
            sheet.row(_values(lead, today), styles)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="leads-{_stamp()}.xlsx"'
    return response


# --------------------------------------------------------------------------- board


@login_required
def board(request):
    """Open leads (active and paused; a filter may say otherwise) in a column per stage.
    A card moves by a POST to the same advance action as the lead's page."""
    f, qs = _filtered(request)
    if not f.status:
        qs = qs.filter(status__in=[LeadStatus.ACTIVE, LeadStatus.PAUSED])
    # COUNT(*), not COUNT(id): PostgreSQL then counts from the (status, stage) index alone
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("*")))
    today = timezone.localdate()
    columns = []
    picked = {
        stage: list(qs.filter(stage=stage).order_by("due_on", "-created_at", "pk")[:BOARD_CARDS])
        for stage in LEAD_STAGE_ORDER
    }
    attach_related([card for cards in picked.values() for card in cards])  # once for all columns
    for stage, label in LeadStage.choices:
        cards = picked[stage]
        columns.append({
            "stage": stage, "label": label, "count": counts.get(stage, 0),
            "cards": [(c, sla.is_overdue(c, today)) for c in cards],
            "more": counts.get(stage, 0) > len(cards),
        })  # fmt: skip
    query = request.GET.copy()
    return render(request, "leads/board.html", {
        "columns": columns, "f": f, "query": query.urlencode(),
        "teams": _teams(), "owners": _owners(), "chains": Chain.objects.order_by("order", "code"),
        "stages": LeadStage.choices, "statuses": LeadStatus.choices,
        "can_move": writer_refusal(request.user) is None,
    })  # fmt: skip


# --------------------------------------------------------------------------- detail


def _detail_context(request, lead: Lead, forms_: dict | None = None) -> dict:
    forms_ = forms_ or {}
    today = timezone.localdate()
    rules_ = sla.load_rules()
    next_stage = rules.next_stage(lead.stage)
    history = []
    for log in history_for(lead).order_by("-at", "-id")[:50]:
        # the deadline follows from the other fields (`sla`); its own changes are not news
        log.changes = {k: v for k, v in log.changes.items() if k not in BOOKKEEPING}
        if log.changes or log.reason:
            history.append((log, describe(log)))
    teams = _teams()
    return {
        "lead": lead,
        "can_edit": access.can_edit(request.user, lead),
        "interactions": services.interactions_of(lead),
        "stage_changes": lead.stage_changes.select_related("by").order_by("on", "id"),
        "referrals": lead.referrals.select_related(
            "from_owner", "from_team", "to_owner", "to_team", "by"
        ),
        "documents": services.lead_documents(lead),
        "history": history,
        "next_stage": next_stage,
        "next_stage_label": LeadStage(next_stage).label if next_stage else "",
        "missing": rules.missing_to_advance(lead) if next_stage else [],
        "reminders": sla.reminders(lead, rules_, today),
        "overdue": sla.is_overdue(lead, today),
        "days_since_contact": sla.days_since_contact(lead, today),
        "due_label": sla.due_label(lead.due_kind) if lead.due_kind else "",
        "stages": [
            (s, label, LEAD_STAGE_ORDER.index(s) <= LEAD_STAGE_ORDER.index(lead.stage))
            for s, label in LeadStage.choices
        ],
        "candidates": _candidates(lead),
        "interaction_form": forms_.get("interaction")
        or forms.InteractionForm(initial={"date": today.isoformat()}, prefix="i"),
        "status_form": forms_.get("status") or forms.StatusForm(prefix="s"),
        "refer_form": forms_.get("refer")
        or forms.ReferForm(prefix="r", users=_owners(), teams=teams),
        "convert_form": forms_.get("convert") or forms.ConvertForm(prefix="c"),
        "document_form": forms_.get("document") or forms.DocumentForm(prefix="d"),
        "can_convert": lead.stage == LeadStage.SIGNED
        and lead.status == LeadStatus.ACTIVE
        and lead.project_id is None,
    }


def _candidates(lead: Lead) -> list:
    """The news candidates accepted as this lead, with their article: where it came from."""
    from zhaoshang.intel.models import Candidate

    return list(Candidate.objects.filter(lead=lead).select_related("article")[:5])


@login_required
def detail(request, pk: int):
    lead = _lead(request.user, pk)
    return render(request, "leads/detail.html", _detail_context(request, lead))


def _again(request, lead: Lead, forms_: dict):
    return render(request, "leads/detail.html", _detail_context(request, lead, forms_), status=422)


def _refuse(exc: NotAllowed):
    raise PermissionDenied(str(exc)) from None


def _version(request) -> str:
    """The version of the lead (or record) the page was loaded at; an action without it is
    refused (`projects.services.require_version`), never applied over someone's change."""
    return request.POST.get("version", "")


def _stale(request, lead: Lead, exc: ConflictError) -> None:
    """Said above the reloaded page: whose change won and that nothing of ours was saved."""
    messages.error(request, f"{lead.title}: {exc} " + _("Nothing of yours was saved."))


def _act(request, lead: Lead, write, *, prefix: str = "") -> bool:
    """Run one write posted from the lead's page or the board; what went wrong is said above
    the page it returns to (a refusal of rights is a 403). True when it was saved."""
    try:
        write()
    except NotAllowed as exc:
        _refuse(exc)
    except ConflictError as exc:
        _stale(request, lead, exc)
    except InputError as exc:
        messages.error(request, f"{prefix}: {_errors(exc)}" if prefix else _errors(exc))
    else:
        return True
    return False


@login_required
@require_POST
def advance(request, pk: int):
    """Move a lead to a stage (the board's cards and the lead's page post here)."""
    lead = _lead(request.user, pk)
    back = request.POST.get("back") == "board"
    moved = _act(request, lead, lambda: services.advance_lead(
        user=request.user, lead=lead, to_stage=request.POST.get("stage", ""),
        on=request.POST.get("on") or None, expected_version=_version(request),
    ), prefix=lead.title)  # fmt: skip
    if moved:
        lead.refresh_from_db()
        messages.success(request, _("%(title)s moved to %(stage)s.") % {
            "title": lead.title, "stage": lead.get_stage_display()})  # fmt: skip
    return redirect(reverse("leads:board") if back else reverse("leads:detail", args=[lead.pk]))


@login_required
@require_POST
def interaction(request, pk: int):
    lead = _lead(request.user, pk)
    form = forms.InteractionForm(request.POST, prefix="i")
    if form.is_valid():
        try:
            services.add_interaction(user=request.user, lead=lead, data=form.cleaned_data)
        except NotAllowed as exc:
            _refuse(exc)
        except InputError as exc:
            form.add_service_errors(exc.fields)
        else:
            messages.success(request, _("Interaction recorded."))
            return redirect("leads:detail", lead.pk)
    return _again(request, lead, {"interaction": form})


@login_required
@require_POST
def status(request, pk: int):
    lead = _lead(request.user, pk)
    form = forms.StatusForm(request.POST, prefix="s")
    if form.is_valid():
        try:
            services.set_lead_status(user=request.user, lead=lead, **form.cleaned_data,
                                     expected_version=_version(request))  # fmt: skip
        except NotAllowed as exc:
            _refuse(exc)
        except ConflictError as exc:
            _stale(request, lead, exc)
            return redirect("leads:detail", lead.pk)
        except InputError as exc:
            form.add_service_errors(exc.fields)
        else:
            messages.success(request, _("Status changed."))
            return redirect("leads:detail", lead.pk)
    return _again(request, lead, {"status": form})


@login_required
@require_POST
def refer(request, pk: int):
    lead = _lead(request.user, pk)
    form = forms.ReferForm(request.POST, prefix="r", users=_owners(), teams=_teams())
    if form.is_valid():
        try:
            services.refer_lead(user=request.user, lead=lead, **form.cleaned_data,
                                expected_version=_version(request))  # fmt: skip
        except NotAllowed as exc:
            _refuse(exc)
        except ConflictError as exc:
            _stale(request, lead, exc)
            return redirect("leads:detail", lead.pk)
        except InputError as exc:
            form.add_service_errors(exc.fields)
        else:
            messages.success(request, _("Lead handed over."))
            if access.can_see(request.user, lead):
                return redirect("leads:detail", lead.pk)
            return redirect("leads:list")
    return _again(request, lead, {"refer": form})


@login_required
@require_POST
def convert(request, pk: int):
    lead = _lead(request.user, pk)
    form = forms.ConvertForm(request.POST, prefix="c")
    if form.is_valid():
        try:
            project = services.convert_lead(user=request.user, lead=lead, data=form.cleaned_data,
                                            expected_version=_version(request))  # fmt: skip
        except NotAllowed as exc:
            _refuse(exc)
        except ConflictError as exc:
            _stale(request, lead, exc)
            return redirect("leads:detail", lead.pk)
        except InputError as exc:
            # the ledger's own refusals name its fields; the lead's (converted, not signed)
            # are said above the page, where the form may no longer be shown
            for key, texts in exc.fields.items():
                for text in texts:
                    if key in form.fields:
                        form.add_error(key, text)
                    else:
                        messages.error(request, text)
        else:
            messages.success(request, _("Lead %(id)s became project %(code)s.") % {
                "id": lead.pk, "code": project.code})  # fmt: skip
            return redirect("projects:detail", project.code)
    return _again(request, lead, {"convert": form})


def _visit(user, lead_pk: int, pk: int) -> tuple[Lead, Visit]:
    lead = _lead(user, lead_pk)
    visit = Visit.objects.filter(lead=lead, pk=pk, removed_at__isnull=True).first()
    if visit is None:
        raise Http404(_("No interaction %(id)s on this lead, or it was removed.") % {"id": pk})
    return lead, visit


@login_required
def interaction_edit(request, pk: int, visit_pk: int):
    """Correct a recorded interaction: the same fields and right as recording it."""
    lead, visit = _visit(request.user, pk, visit_pk)
    if not access.can_edit(request.user, lead):
        raise PermissionDenied(access.edit_refusal(request.user, lead))
    initial = forms.InteractionEditForm.initial_for(visit)
    conflict = None
    status_code = 200
    if request.method == "POST":
        form = forms.InteractionEditForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                services.update_interaction(
                    user=request.user, visit=visit, data=form.service_data(),
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )  # fmt: skip
            except NotAllowed as exc:
                _refuse(exc)
            except ConflictError as exc:
                saved = Visit.objects.get(pk=visit.pk)
                conflict = {"message": str(exc), "rows": _visit_rows(form, saved)}
                data = form.data.copy()
                data["version"] = str(saved.version)
                form.data = data
            except InputError as exc:
                form.add_service_errors(exc.fields)
            else:
                messages.success(request, _("Interaction corrected."))
                return redirect("leads:detail", lead.pk)
        status_code = 409 if conflict else 422
    else:
        form = forms.InteractionEditForm(initial=initial)
    return render(request, "leads/interaction_form.html", {
        "form": form, "lead": lead, "visit": visit, "conflict": conflict,
    }, status=status_code)  # fmt: skip


def _visit_rows(form, saved: Visit) -> list[dict]:
    theirs = forms.InteractionEditForm.initial_for(saved)
    rows = []
    for name in form.fields:
        if name in ("version", "reason", "next_step_on"):
            continue
        mine = form.cleaned_data.get(name)
        if str(theirs.get(name, "")) != str(form.initial.get(name, "")) or (
            name in form.changed_data
        ):
            rows.append({
                "label": form.fields[name].label,
                "mine": _shown_value(form, name, mine),
                "theirs": _shown_value(form, name, theirs.get(name, "")),
                "differs": str(mine or "") != str(theirs.get(name, "") or ""),
            })  # fmt: skip
    return rows


@login_required
@require_POST
def interaction_remove(request, pk: int, visit_pk: int):
    lead, visit = _visit(request.user, pk, visit_pk)
    if _act(request, lead, lambda: services.remove_interaction(
        user=request.user, visit=visit, reason=request.POST.get("reason", ""),
        expected_version=_version(request),
    )):  # fmt: skip
        messages.success(request, _("Interaction of %(date)s removed.") % {
            "date": visit.visited_on.isoformat()})  # fmt: skip
    return redirect("leads:detail", lead.pk)


def _document(user, lead_pk: int, pk: int) -> tuple[Lead, LeadDocument]:
    lead = _lead(user, lead_pk)
    doc = LeadDocument.objects.filter(lead=lead, pk=pk, removed_at__isnull=True).first()
    if doc is None:
        raise Http404(_("No document %(id)s on this lead, or it was removed.") % {"id": pk})
    return lead, doc


@login_required
@require_POST
def document_rename(request, pk: int, doc_pk: int):
    lead, doc = _document(request.user, pk, doc_pk)
    if _act(request, lead, lambda: services.rename_lead_document(
        user=request.user, document=doc, title=request.POST.get("title", ""),
        expected_version=_version(request),
    ), prefix=doc.original_name):  # fmt: skip
        messages.success(request, _("Document renamed."))
    return redirect("leads:detail", lead.pk)


@login_required
@require_POST
def document_remove(request, pk: int, doc_pk: int):
    lead, doc = _document(request.user, pk, doc_pk)
    if _act(request, lead, lambda: services.remove_lead_document(
        user=request.user, document=doc, reason=request.POST.get("reason", ""),
        expected_version=_version(request),
    ), prefix=doc.original_name):  # fmt: skip
        messages.success(request, _("Removed: %(what)s.") % {"what": doc.original_name})
    return redirect("leads:detail", lead.pk)


@csrf_exempt  # the guard below checks rights and size first, then the CSRF token
@login_required
def upload(request, pk: int):
    """A document kept with the lead; rights decided before a byte of the body is read."""
    from zhaoshang.dossier import files
    from zhaoshang.dossier.services import DocumentRefused
    from zhaoshang.excel.uploads import upload_view

    lead = _lead(request.user, pk)

    @require_POST
    def store(request):
        form = forms.DocumentForm(request.POST, request.FILES, prefix="d")
        if not form.is_valid():
            return _again(request, lead, {"document": form})
        upload_ = form.cleaned_data["file"]
        try:
            document = services.add_lead_document(
                user=request.user, lead=lead, data=upload_.read(), name=upload_.name,
                title=form.cleaned_data["title"],
            )  # fmt: skip
        except DocumentRefused as exc:
            form.add_error("file", str(exc))
            return _again(request, lead, {"document": form})
        except NotAllowed as exc:
            _refuse(exc)
        messages.success(request, _("Uploaded: %(what)s.") % {"what": document.original_name})
        return redirect("leads:detail", lead.pk)

    guarded = upload_view(
        refusal=lambda user: access.edit_refusal(user, lead),
        limit=files.max_bytes,
        refused=lambda request, message, status: render(
            request, "leads/refused.html", {"reason": message, "lead": lead}, status=status
        ),
    )(store)
    return guarded(request)


@login_required
@require_GET
def document(request, pk: int):
    from zhaoshang.dossier import files

    doc = get_object_or_404(LeadDocument, pk=pk, removed_at__isnull=True)
    if not access.can_see(request.user, doc.lead):
        raise Http404()
    try:
        handle = files.path_of(doc.stored_name).open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the data folder.")) from None
    response = FileResponse(handle, as_attachment=True, filename=doc.original_name,
                            content_type=doc.content_type)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- forms


def _lead_form(request, lead: Lead | None):
    creating = lead is None
    if creating:
        reason = writer_refusal(request.user)
        if reason:
            raise PermissionDenied(reason)
    elif not access.can_edit(request.user, lead):
        raise PermissionDenied(access.edit_refusal(request.user, lead))
    kwargs = {"nodes": _nodes(), "teams": _teams(), "creating": creating}
    initial = forms.LeadForm.initial_for(lead) if lead else {
        "origin": "manual", "next_follow_up": "",
        "team": str(Team.objects.filter(members=request.user).values_list("pk", flat=True).first()
                    or ""),
    }  # fmt: skip
    if creating and str(request.GET.get("enterprise", "")).isdigit():
        from zhaoshang.enterprises.models import Enterprise

        chosen = Enterprise.objects.filter(pk=int(request.GET["enterprise"])).first()
        if chosen is not None:
            initial["enterprise"] = chosen.name
            initial["title"] = chosen.name
    conflict = None
    if request.method == "POST":
        form = forms.LeadForm(request.POST, initial=initial, **kwargs)
        if form.is_valid():
            data = form.service_data(changed_only=not creating)
            try:
                if creating:
                    lead = services.create_lead(user=request.user, **data)
                else:
                    lead = services.update_lead(user=request.user, lead=lead, data=data,
                                                expected_version=form.cleaned_data["version"])  # fmt: skip
            except NotAllowed as exc:
                _refuse(exc)
            except ConflictError as exc:
                conflict = _conflict(form, lead, str(exc), kwargs)
            except InputError as exc:
                form.add_service_errors(exc.fields)
            else:
                messages.success(request, _("Lead saved."))
                return redirect("leads:detail", lead.pk)
        status_code = 409 if conflict else 422
    else:
        form = forms.LeadForm(initial=initial, **kwargs)
        status_code = 200
    return render(request, "leads/form.html", {"form": form, "lead": lead, "conflict": conflict},
                  status=status_code)  # fmt: skip


def _shown_value(form, name: str, value) -> str:
    """A form value as the reader knows it (a chain node by its name, not its id)."""
    field = form.fields[name]
    if hasattr(field, "choices"):
        return str(dict(field.choices).get(str(value or ""), value or ""))
    return "" if value is None else str(value)


def _conflict(form, lead: Lead, message: str, kwargs: dict) -> dict:
    """What the other person saved beside what this one typed, field by field (those either
    changed). The form keeps the typed values and now carries the saved version, so saving
    again is a deliberate choice to replace their change."""
    saved = with_related(Lead.objects.all()).get(pk=lead.pk)
    theirs = forms.LeadForm.initial_for(saved)
    rows = []
    for name in form.fields:
        if name == "version":
            continue
        mine = form.cleaned_data.get(name)
        if str(theirs.get(name, "")) != str(form.initial.get(name, "")) or (
            name in form.changed_data
        ):
            rows.append({
                "label": form.fields[name].label,
                "mine": _shown_value(form, name, mine),
                "theirs": _shown_value(form, name, theirs.get(name, "")),
                "differs": str(mine or "") != str(theirs.get(name, "") or ""),
            })  # fmt: skip
    data = form.data.copy()
    data["version"] = str(saved.version)
    form.data = data
    return {"message": message, "rows": rows, "version": saved.version}


@login_required
def create(request):
    return _lead_form(request, None)


@login_required
def edit(request, pk: int):
    return _lead_form(request, _lead(request.user, pk))


# --------------------------------------------------------------------------- enterprise page


def enterprise_panel(request, enterprise=None, **kw):
    """The enterprise's leads (those the reader may see) and their latest interactions."""
    if enterprise is None or role_of(request.user) is None:
        return None
    leads = list(
        with_related(access.leads_visible_to(request.user).filter(enterprise=enterprise)).order_by(
            "-created_at"
        )[:20]
    )
    visits = list(
        Visit.objects.filter(
            enterprise=enterprise, lead__in=[lead.pk for lead in leads], removed_at__isnull=True
        )
        .select_related("lead", "by")
        .order_by("-visited_on", "-id")[:10]
    )
    today = timezone.localdate()
    return {
        "enterprise": enterprise,
        "leads": [(lead, sla.is_overdue(lead, today)) for lead in leads],
        "visits": visits,
        "can_create": writer_refusal(request.user) is None,
    }
