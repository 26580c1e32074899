"""`/intel`: articles, their candidates and the decisions on them; `/intel/extract` reads a text
without storing it (the JSON of `zhaoshang extract`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from zhaoshang.api.schemas import (
    PAGE_DESCRIPTION,
    PAGE_MAX,
    VERSION_DESCRIPTION,
    Conflict,
    Detail,
    FieldErrors,
)
from zhaoshang.core.access import check, signed_in_refusal
from zhaoshang.intel import services
from zhaoshang.intel.access import articles_visible_to, candidates_visible_to, check_can_decide
from zhaoshang.intel.models import Article, Candidate, CandidateStatus
from zhaoshang.projects.access import check_can_edit
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import require_version

router = Router(tags=["intel"])

# What each operation can answer besides its success, in the shapes of `zhaoshang.api.errors`:
# 400 a body that is not JSON (or not text), 401 not signed in, 403 not allowed, 404 no such
# row, 409 saved by someone since, 422 a path, query or body value refused (field by field),
# 428 an update without the version it was based on.
LIST_ERRORS = {401: Detail, 422: FieldErrors}  # query parameters only
READ_ERRORS = {401: Detail, 404: Detail, 422: FieldErrors}  # an integer in the path
ADD_ERRORS = {400: Detail, 401: Detail, 403: Detail, 422: FieldErrors}  # a body, no path
WRITE_ERRORS = {**ADD_ERRORS, 404: Detail}


class CandidateOut(Schema):
    id: int
    article_id: int
    kind: str
    status: str
    name: str
    investor: str
    unit_code: str | None = Field(None, alias="unit_id")
    location: str
    event: str
    event_date: str
    total_investment_wan: Decimal | None
    total_investment_qualifier: str
    annual_revenue_wan: Decimal | None
    annual_tax_wan: Decimal | None
    annual_output_wan: Decimal | None
    annual_plan_wan: Decimal | None
    capacity: str
    project_count: int | None
    phase_label: str
    parent_id: int | None
    evidence: str
    spans: list[Any]
    lead_id: int | None
    project_code: str | None = None
    batch_event_id: int | None

    @staticmethod
    def resolve_project_code(obj: Candidate) -> str | None:
        return obj.project.code if obj.project_id else None


class ArticleOut(Schema):
    id: int
    title: str
    source_url: str
    published_on: datetime.date | None
    reference_date: str
    added_at: datetime.datetime
    is_synthetic: bool
    amounts: list[Any]
    candidates: list[CandidateOut]

    @staticmethod
    def resolve_candidates(obj: Article) -> list[Candidate]:
        return list(obj.candidates.select_related("project").order_by("kind", "position"))


class ArticleSummary(Schema):
    id: int
    title: str
    source_url: str
    published_on: datetime.date | None
    added_at: datetime.datetime
    is_synthetic: bool


class ArticleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., description="The article as pasted (any script, any width)")
    title: str = ""
    source_url: str = Field("", description="Web address or where it came from")
    published_on: str | None = Field(None, description="2023-01-31, 2023-01 or 2023")


class ExtractIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str
    published_on: datetime.date | None = None


NOTE_DESCRIPTION = f"At most {services.NOTE_MAX} characters, kept with the decision"


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accept_as: Literal["lead", "project", "batch"]
    unit: str | None = Field(
        None,
        description="Township unit of a new project (code, name or alias). Required when "
        "accepting as a project and the candidate has none (`unit_code` null): 422 otherwise",
    )
    note: str = Field("", description=NOTE_DESCRIPTION)


class RejectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", description=NOTE_DESCRIPTION)


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    project: str = Field(..., description="Code of the ledger project to merge into")
    fields: list[str] = Field(
        ..., description="Fields to take: " + ", ".join(sorted(services.MERGEABLE))
    )
    version: int | None = Field(
        None,
        description="The project's `version` the differences were read against (from "
        "`/matches` or `GET /projects/{code}`). " + VERSION_DESCRIPTION,
    )
    note: str = Field("", description=NOTE_DESCRIPTION)


class MatchOut(Schema):
    code: str
    name: str
    version: int = Field(description="Send it back with a merge into this project")
    score: int
    reasons: list[str]
    differences: list[dict[str, Any]]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=PAGE_MAX, description=PAGE_DESCRIPTION)
    page_size: int = Field(50, ge=1, le=500)


class CandidateFilters(PageQuery):
    status: Literal["pending", "accepted", "merged", "rejected"] = "pending"
    # A row id is a 64-bit integer: a larger one would reach the database and fail there.
    article: int | None = Field(None, ge=1, le=2**63 - 1, description="An article's id")


def _article(request, pk: int) -> Article:
    article = articles_visible_to(request.auth).filter(pk=pk).first()
    if article is None:
        raise HttpError(404, _("No article %(id)s.") % {"id": pk})
    return article


def _candidate(request, pk: int) -> Candidate:
    candidate = candidates_visible_to(request.auth).select_related("project").filter(pk=pk).first()
    if candidate is None:
        raise HttpError(404, _("No candidate %(id)s.") % {"id": pk})
    return candidate


@router.get("/intel/articles", response={200: list[ArticleSummary], **LIST_ERRORS})
def list_articles(request, filters: Query[PageQuery]):
    """Articles, newest first."""
    page, page_size = filters.page, filters.page_size
    start = (page - 1) * page_size
    return list(
        articles_visible_to(request.auth).order_by("-added_at", "-id")[start : start + page_size]
    )


@router.post("/intel/articles", response={200: ArticleOut, 201: ArticleOut, **ADD_ERRORS})
def add_article(request, payload: ArticleIn):
    """Store an article and read it. 201 when new; 200 with the stored one when the same text
    was added before (nothing is duplicated)."""
    article, created = services.add_article(
        user=request.auth,
        text=payload.text,
        title=payload.title,
        source_url=payload.source_url,
        published_on=payload.published_on,
    )
    return Status(201 if created else 200, article)


@router.get("/intel/articles/{pk}", response={200: ArticleOut, **READ_ERRORS})
def get_article(request, pk: int):
    return _article(request, pk)


@router.post("/intel/extract", response={200: dict, **ADD_ERRORS})
def extract_text(request, payload: ExtractIn):
    """Read a text without storing it: the same JSON object as `zhaoshang extract --format json`.
    For accounts with a role (403 otherwise): what it finds names the registry's investors."""
    check(signed_in_refusal(request.auth))
    return services.run_extractor(payload.text, payload.published_on).as_json(None)


@router.get("/intel/candidates", response={200: list[CandidateOut], **LIST_ERRORS})
def list_candidates(request, filters: Query[CandidateFilters]):
    qs = candidates_visible_to(request.auth).filter(status=filters.status).select_related("project")
    if filters.article:
        qs = qs.filter(article_id=filters.article)
    start = (filters.page - 1) * filters.page_size
    return list(qs.order_by("-article_id", "kind", "position")[start : start + filters.page_size])


@router.post("/intel/candidates/{pk}/accept", response={200: CandidateOut, **WRITE_ERRORS})
def accept(request, pk: int, payload: DecisionIn):
    """As a new lead (origin news), a new project (the article kept as its source; every
    field through the ledger's rules, a township unit required) or, for a batch, a batch
    event. A town editor decides only its own unit's candidates (403 otherwise); one with no
    unit is the city's to decide."""
    candidate = _candidate(request, pk)
    if payload.accept_as == "lead":
        done = services.accept_as_lead(user=request.auth, candidate=candidate, note=payload.note)
    elif payload.accept_as == "project":
        done = services.accept_as_project(
            user=request.auth, candidate=candidate, unit=payload.unit, note=payload.note
        )
    else:
        done = services.accept_batch(user=request.auth, candidate=candidate, note=payload.note)
    return Candidate.objects.select_related("project").get(pk=done.pk)


@router.post("/intel/candidates/{pk}/reject", response={200: CandidateOut, **WRITE_ERRORS})
def reject(request, pk: int, payload: RejectIn):
    """Set the candidate aside, with the reason. Scoped as accepting is."""
    done = services.reject_candidate(
        user=request.auth, candidate=_candidate(request, pk), reason=payload.reason
    )
    return Candidate.objects.select_related("project").get(pk=done.pk)


@router.get("/intel/candidates/{pk}/matches", response={200: list[MatchOut], **READ_ERRORS})
def matches(request, pk: int):
    """Ledger projects the candidate may be, with the differences field by field."""
    candidate = _candidate(request, pk)
    out = []
    for m in services.find_matches(candidate):
        out.append(
            {
                "code": m.project.code,
                "name": m.project.name,
                "version": m.project.version,
                "score": m.score,
                "reasons": list(m.reasons),
                "differences": [d.__dict__ for d in services.merge_diff(candidate, m.project)],
            }
        )
    return out


@router.post(
    "/intel/candidates/{pk}/merge",
    response={200: CandidateOut, **WRITE_ERRORS, 409: Conflict, 428: Detail},
)
def merge(request, pk: int, payload: MergeIn):
    """Take the chosen fields into a ledger project (an update of the project: its `version`
    is required, 428 without it, 409 if someone saved it since)."""
    candidate = _candidate(request, pk)
    project = Project.objects.filter(code=payload.project).first()
    if project is None:
        raise HttpError(404, _("No project with code “%(code)s”.") % {"code": payload.project})
    # A caller who may not make this merge hears that before anything about the version.
    check_can_decide(request.auth, candidate)
    check_can_edit(request.auth, project)
    version = require_version(payload.version, what=_("project"))
    done = services.merge_into_project(
        user=request.auth,
        candidate=candidate,
        project=project,
        fields=payload.fields,
        note=payload.note,
        expected_version=version,
    )
    return Candidate.objects.select_related("project").get(pk=done.pk)


__all__ = ["CandidateStatus", "router"]
