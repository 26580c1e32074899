"""The review form of "accept as project" (/intel/candidates/<pk>/project/).

The ledger's own project form (`projects.forms.ProjectForm`) prefilled from the candidate
(`intel.adoption.proposal`), each value beside the sentence it was read from and its words
marked in the article; saved through `intel.services.adopt_candidate`, which creates the project
by the ledger's one create path. Thin: no rule lives here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.intel import services
from zhaoshang.intel.access import candidates_visible_to, decision_refusal
from zhaoshang.intel.adoption import proposal
from zhaoshang.intel.models import Candidate, CandidateKind
from zhaoshang.intel.views import segments
from zhaoshang.projects.forms import AMOUNT_NAMES, ProjectForm

# The ledger's own page helpers, so the review form is the project form, with the same unit
# choices and the same refusal as /projects/new/ (one rule, not a copy).
from zhaoshang.projects.views import _create_refusal as create_refusal
from zhaoshang.projects.views import _form_context as project_form_context
from zhaoshang.projects.views import _unit_picker as unit_picker


def _adopt_refusal(user, candidate: Candidate) -> str | None:
    """Why `user` may not adopt `candidate`: the news side's decision rule, then the ledger's
    own rule for creating a project (a town editor creates only in its unit)."""
    return decision_refusal(user, candidate) or create_refusal(user)


@login_required
@require_http_methods(["GET", "POST"])
def candidate_project(request, pk: int):
    """The review form of "accept as project": the ledger's project form prefilled from the
    candidate, each value beside the sentence it was read from; saved by the ledger's rules."""
    candidate = get_object_or_404(
        candidates_visible_to(request.user).select_related("article", "parent__project"), pk=pk
    )
    if candidate.kind != CandidateKind.PROJECT:
        raise Http404(pk)
    refusal = _adopt_refusal(request.user, candidate)
    if refusal:
        raise PermissionDenied(refusal)
    if not candidate.is_pending:
        messages.error(request, services.already_decided(candidate))
        return redirect("intel:article", pk=candidate.article_id)
    review = proposal(candidate)
    picker = unit_picker(request.user)
    if request.method == "POST":
        form = ProjectForm(request.POST, creating=True, **picker)
        if form.is_valid():
            try:
                done = services.adopt_candidate(
                    user=request.user,
                    candidate=candidate,
                    data=form.service_data(),
                    reason=form.cleaned_data["reason"],
                )
            except InputError as exc:
                form.add_service_errors(exc.fields)
            except NotAllowed as exc:
                form.add_error("unit", str(exc))
            else:
                messages.success(
                    request,
                    _("Project %(code)s “%(name)s” created from the news.")
                    % {"code": done.project.code, "name": done.project.name},
                )
                return redirect("projects:detail", code=done.project.code)
    else:
        form = ProjectForm(creating=True, initial=review.initial, **picker)
    return render(request, "intel/adopt.html", _adopt_context(candidate, review, form))


def _adopt_context(candidate: Candidate, review, form) -> dict:
    article = candidate.article
    # One mark per cited span in the article text; each field names the marks it came from.
    # A span inside another (the investor inside the project's name) shares its mark; the
    # name is placed first so that it is the one shown whole.
    marks: dict[tuple[int, int], str] = {}
    placed: list[tuple[int, int, str]] = []
    order = sorted(review.sources.items(), key=lambda item: item[0] != "name")
    for _name, cited in order:
        for src in cited:
            key = (src.start, src.end)
            if not src.text or key in marks:
                continue
            around = [i for s, e, i in placed if s <= src.start and src.end <= e]
            if around:
                marks[key] = around[0]
            elif not any(s < src.end and src.start < e for s, e, _i in placed):
                marks[key] = f"src-{len(placed) + 1}"
                placed.append((src.start, src.end, marks[key]))
    spans = [(start, end, "src", article.text[start:end], ident) for start, end, ident in placed]
    for a in review.amounts:
        if (a["start"], a["end"]) not in marks:
            ident = f"src-{len(spans) + 1}"
            spans.append((a["start"], a["end"], f"role-{a['role']}", a["role_label"], ident))
            a["mark"] = ident
        else:
            a["mark"] = marks[(a["start"], a["end"])]
    cut = segments(article.text, spans)
    shown = {s["id"] for s in cut if s.get("id")}
    sources = {
        name: [
            {
                "text": src.text,
                "sentence": src.sentence,
                "role": src.role_label,
                "mark": marks.get((src.start, src.end), ""),
            }
            for src in cited
        ]
        for name, cited in review.sources.items()
    }
    links = {
        name: [s["mark"] for s in cited if s["mark"] in shown] for name, cited in sources.items()
    }
    links = {name: ids for name, ids in links.items() if ids}
    for a in review.amounts:
        if a["mark"] not in shown:
            a["mark"] = ""
    return {
        **project_form_context(form),
        "candidate": candidate,
        "article": article,
        "segments": cut,
        "sources": sources,
        "amounts": review.amounts,
        "evidence": review.evidence,
        "matches": services.find_matches(candidate),
        "amount_targets": [(name, form.fields[name].label) for name in AMOUNT_NAMES],
        "groups": [
            (
                legend,
                [
                    {
                        "field": form[name],
                        "amount": name in AMOUNT_NAMES,
                        "sources": sources.get(name, []),
                    }
                    for name in names
                    if name in form.fields
                ],
            )
            for legend, names in GROUPS
        ],
        "source_marks": links,
    }


# The review form's sections, in the ledger form's order (projects/form.html)
GROUPS = (
    (
        gettext_lazy("Project"),
        ("name", "code", "national_code", "investors", "unit", "address", "industry", "chain",
         "is_foreign", "nature", "stage", "stage_date", "parent", "phase_label", "category"),
    ),
    (gettext_lazy("Amounts"), AMOUNT_NAMES),
    (
        gettext_lazy("Plan and scale"),
        ("planned_started", "planned_completed", "planned_in_production",
         "planned_full_production", "expected_jobs", "capacity", "description"),
    ),
    (gettext_lazy("Source and note"), ("reason",)),
)  # fmt: skip
