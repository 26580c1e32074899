"""News pages: paste or upload, read the text with its facts highlighted, decide each candidate.

Thin: every write goes through `intel.services`; rights come from `intel.access` and the
ledger's own checks.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.excel.uploads import upload_view
from zhaoshang.intel import services
from zhaoshang.intel.access import (
    articles_visible_to,
    can_decide,
    can_review,
    candidates_visible_to,
    check_can_decide,
    review_refusal,
)
from zhaoshang.intel.adoption import ROLE_LABELS, role_label
from zhaoshang.intel.forms import ArticleForm, DecisionForm
from zhaoshang.intel.models import Candidate, CandidateKind, CandidateStatus
from zhaoshang.lib.extract import ROLES
from zhaoshang.lib.money import Qualifier, format_wan
from zhaoshang.lib.uploads import limits
from zhaoshang.projects.access import check_can_edit
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import require_version

# The ledger's own page helpers, so the review form is the project form, with the same unit
# choices and the same refusal as /projects/new/ (one rule, not a copy).

PAGE_SIZE = 50


def _errors(request, exc: Exception) -> None:
    if isinstance(exc, InputError):
        for field, msgs in exc.fields.items():
            for msg in msgs:
                messages.error(request, msg if field == "__all__" else f"{msg}")
    else:
        messages.error(request, str(exc))


@login_required
def article_list(request):
    qs = (
        articles_visible_to(request.user)
        .select_related("added_by")
        .annotate(
            pending=Count("candidates", filter=Q(candidates__status=CandidateStatus.PENDING)),
            decided=Count("candidates", filter=~Q(candidates__status=CandidateStatus.PENDING)),
        )
        .order_by("-added_at", "-id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "intel/articles.html", {"page": page, "can_review": can_review(request.user)}
    )


def _article_refused(request, message: str, status: int):
    messages.error(request, message)
    return redirect("intel:articles" if status == 403 else "intel:new")


@login_required
@require_http_methods(["GET", "POST"])
@upload_view(
    refusal=review_refusal,  # refused before a byte of the upload is read
    limit=lambda: limits().max_article_bytes,
    refused=_article_refused,
)
def article_new(request):
    if not can_review(request.user):
        messages.error(request, _("Leaders have read-only access."))
        return redirect("intel:articles")
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        data = upload.read() if upload else None
        try:
            article, created = services.add_article(
                user=request.user,
                text=None if upload else form.cleaned_data["text"],
                data=data,
                file_name=upload.name if upload else "",
                title=form.cleaned_data["title"],
                source_url=form.cleaned_data["source_url"],
                published_on=form.cleaned_data["published_on"],
            )
        except InputError as exc:
            for field, msgs in exc.fields.items():
                target = field if field in form.fields else None
                for msg in msgs:
                    form.add_error(target, msg)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            if created:
                messages.success(
                    request,
                    _("Article stored: %(n)d candidates to review.")
                    % {"n": article.candidates.count()},
                )
            else:
                messages.info(request, _("This article was already stored; nothing was added."))
            return redirect("intel:article", pk=article.pk)
    return render(request, "intel/new.html", {"form": form})


def segments(text: str, spans: list[tuple]) -> list[dict]:
    """The text cut at the spans (start, end, css class, title[, element id]); overlapping
    spans are skipped."""
    out: list[dict] = []
    pos = 0
    for start, end, css, title, *ident in sorted(spans):
        if start < pos or end <= start or end > len(text):
            continue
        if start > pos:
            out.append({"text": text[pos:start]})
        out.append({"text": text[start:end], "css": css, "title": title, "id": "".join(ident)})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:]})
    return out


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
def article_detail(request, pk: int):
    article = get_object_or_404(articles_visible_to(request.user).select_related("source"), pk=pk)
    candidates = list(
        article.candidates.select_related(
            "unit", "lead", "project", "batch_event", "parent"
        ).order_by("kind", "position")
    )
    for c in candidates:
        # Decisions are scoped by the candidate's unit (intel.access): a town editor gets the
        # decision buttons only on its own unit's candidates; the services refuse the rest.
        c.can_decide = can_decide(request.user, c)
    spans = []
    for a in article.amounts:
        amount = format_wan(
            Decimal(a["value_wan"]), Qualifier(a.get("qualifier") or "exact"), lang=_language()
        )
        label = f"{role_label(a['role'])} · {amount}"
        spans.append((a["start"], a["end"], f"role-{a['role']}", label))
    for c in candidates:
        for start, end, field in c.spans:
            if field == "name":
                spans.append((start, end, "role-name", str(ROLE_LABELS["name"])))
    return render(
        request,
        "intel/article.html",
        {
            "article": article,
            "segments": segments(article.text, spans),
            "projects": [c for c in candidates if c.kind == CandidateKind.PROJECT],
            "batches": [c for c in candidates if c.kind == CandidateKind.BATCH],
            "amounts": [{**a, "value_wan": Decimal(a["value_wan"])} for a in article.amounts],
            "roles": {r: role_label(r) for r in (*ROLES, "name")},
            "can_review": can_review(request.user),
        },
    )


@login_required
def candidate_queue(request):
    status = request.GET.get("status", CandidateStatus.PENDING)
    if status not in CandidateStatus.values:
        status = CandidateStatus.PENDING
    qs = (
        candidates_visible_to(request.user)
        .filter(status=status)
        .select_related("article", "unit")
        .order_by("-article__added_at", "article_id", "kind", "position")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intel/queue.html",
        {"page": page, "status": status, "statuses": CandidateStatus.choices},
    )


def _candidate(request, pk: int) -> Candidate:
    return get_object_or_404(candidates_visible_to(request.user).select_related("article"), pk=pk)


def _decide(request, pk: int, action):
    candidate = _candidate(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # A note or unit the form refuses is not taken as empty: say why, decide nothing.
        for field, msgs in form.errors.items():
            label = form.fields[field].label if field in form.fields else None
            for msg in msgs:
                messages.error(request, f"{label}: {msg}" if label else msg)
        return redirect("intel:article", pk=candidate.article_id)
    try:
        action(candidate, form.cleaned_data)
    except (InputError, NotAllowed) as exc:
        _errors(request, exc)
    return redirect("intel:article", pk=candidate.article_id)


@login_required
@require_POST
def candidate_lead(request, pk: int):
    def act(candidate, data):
        c = services.accept_as_lead(
            user=request.user, candidate=candidate, note=data.get("note", "")
        )
        messages.success(request, _("Lead created: %(title)s") % {"title": c.lead.title})

    return _decide(request, pk, act)


@login_required
@require_POST
def candidate_batch(request, pk: int):
    def act(candidate, data):
        services.accept_batch(user=request.user, candidate=candidate, note=data.get("note", ""))
        messages.success(request, _("Batch event recorded."))

    return _decide(request, pk, act)


@login_required
@require_POST
def candidate_reject(request, pk: int):
    def act(candidate, data):
        services.reject_candidate(
            user=request.user, candidate=candidate, reason=data.get("note", "")
        )
        messages.info(request, _("Candidate rejected."))

    return _decide(request, pk, act)


@login_required
def candidate_merge(request, pk: int):
    candidate = _candidate(request, pk)
    if candidate.kind != CandidateKind.PROJECT:
        raise Http404(pk)
    code = request.POST.get("project") or request.GET.get("project") or ""
    project = Project.objects.filter(code=code).select_related("unit").first() if code else None
    if request.method == "POST":
        if project is None:
            messages.error(request, _("Choose the project to merge into."))
        else:
            try:
                # Rights first, as the API does; then the version the differences were
                # shown at: required, and a project someone saved since is not overwritten.
                check_can_decide(request.user, candidate)
                check_can_edit(request.user, project)
                version = require_version(request.POST.get("version"), what=_("project"))
                services.merge_into_project(
                    user=request.user,
                    candidate=candidate,
                    project=project,
                    fields=request.POST.getlist("fields"),
                    note=request.POST.get("note", ""),
                    expected_version=version,
                )
            except (InputError, NotAllowed, ConflictError) as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Merged into %(code)s.") % {"code": project.code})
                return redirect("intel:article", pk=candidate.article_id)
    matches = services.find_matches(candidate)
    return render(
        request,
        "intel/merge.html",
        {
            "candidate": candidate,
            "matches": matches,
            "project": project,
            "diff": services.merge_diff(candidate, project) if project else [],
            "can_review": can_review(request.user),
        },
    )
