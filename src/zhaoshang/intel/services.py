"""Articles in, reviewed facts out: add, extract, accept as lead or project, merge, reject.

Every write checks first and writes in one transaction; the article's `core.Source` goes on
every lead, project and batch event accepted from it. The same text added twice is stored once.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError
from zhaoshang.core.history import save_tracked
from zhaoshang.core.models import Source
from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias
from zhaoshang.enterprises.services import create_lead
from zhaoshang.intel.access import check_can_decide, check_can_review
from zhaoshang.intel.adoption import proposal
from zhaoshang.intel.models import Article, Candidate, CandidateKind, CandidateStatus
from zhaoshang.lib.extract import VERSION, ExtractedAmount, Extraction, Gazetteer, extract
from zhaoshang.lib.extract.files import FileRefused, read_article
from zhaoshang.lib.extract.normalise import normalise
from zhaoshang.lib.money import Qualifier, format_wan
from zhaoshang.projects import rules
from zhaoshang.projects.models import BatchEvent, BatchKind, Project, ProjectSource
from zhaoshang.projects.services import (
    create_project,
    lock_for_edit,
    parse_date,
    resolve_enterprise,
    update_project,
)
from zhaoshang.regions.models import Level, Region, RegionAlias

MAX_TEXT = 200_000  # characters: a long notice is 20,000; files are limited to 2 MB before this

# Candidate field -> Project field, for accepting and merging
AMOUNTS = {
    "total_investment": "total_investment",
    "annual_revenue": "expected_revenue",
    "annual_tax": "expected_tax",
    "annual_output": "expected_output",
}
EVENT_BATCH_KIND = {
    "signed": BatchKind.SIGNING,
    "started": BatchKind.START,
    "completed": BatchKind.COMPLETION,
    "in_production": BatchKind.COMPLETION,
    "other": BatchKind.PROMOTION,
}


# --------------------------------------------------------------------------------------------
# What the extractor is told about this city
# --------------------------------------------------------------------------------------------


def home_gazetteer() -> Gazetteer:
    """The home region's township units and parks by name, short name and alias.

    In a prefecture city or a province, a name that units of two counties share (a 城关镇
    in each) names neither: the extractor is not told a place it cannot tell apart."""
    from zhaoshang.regions.home import county_of, home_code

    home = home_code()
    units = list(Region.objects.filter(level=Level.TOWNSHIP, code__startswith=home))
    names: dict[str, tuple[str, str]] = {}
    counties: dict[str, set[str]] = {}

    def add(name: str, code: str, label: str, *, keep_first: bool) -> None:
        counties.setdefault(name, set()).add(county_of(code))
        if keep_first:
            names.setdefault(name, (code, label))
        else:
            names[name] = (code, label)

    for unit in units:
        add(unit.name, unit.code, unit.display_name, keep_first=False)
        if unit.short_name:
            add(unit.short_name, unit.code, unit.display_name, keep_first=False)
    labels = {u.code: u.display_name for u in units}
    for alias, code in RegionAlias.objects.filter(
        region__level=Level.TOWNSHIP, region__code__startswith=home
    ).values_list("alias", "region_id"):
        add(alias, code, labels.get(code, alias), keep_first=True)
    names = {name: found for name, found in names.items() if len(counties[name]) == 1}
    partners = {u.code: u.merged_with_id for u in units if u.merged_with_id}
    return Gazetteer(names, partners)


def known_investors(limit: int = 20_000) -> list[str]:
    """Names and aliases of the registry's real (not synthetic) enterprises."""
    names = list(
        Enterprise.objects.filter(is_synthetic=False).values_list("name", flat=True)[:limit]
    )
    names += list(
        EnterpriseAlias.objects.filter(enterprise__is_synthetic=False).values_list(
            "alias", flat=True
        )[:limit]
    )
    return [n for n in names if len(n) >= 2]


def run_extractor(text: str, published: datetime.date | None = None) -> Extraction:
    return extract(
        text, published=published, gazetteer=home_gazetteer(), investors=known_investors()
    )


# --------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------


def text_hash(text: str) -> str:
    """The same article pasted again, from another site or in the other script, hashes alike."""
    key = "".join(normalise(text).text.split())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _published(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return parse_date(value).date
    except ValueError as exc:
        raise InputError({"published_on": str(exc)}) from None


@transaction.atomic
def add_article(
    *,
    user,
    text: str | None = None,
    data: bytes | None = None,
    file_name: str = "",
    source_url: str = "",
    title: str = "",
    published_on: Any = None,
    is_synthetic: bool = False,
) -> tuple[Article, bool]:
    """Store an article (pasted ``text`` or an uploaded file's ``data``) and its candidates.

    Returns ``(article, created)``; the same text again returns the stored article and
    changes nothing. Refused, with nothing written: empty text, a file too large or binary,
    a date that cannot be read, a source longer than 500 characters.
    """
    check_can_review(user)
    errors: dict[str, str] = {}
    encoding_title = ""
    if data is not None:
        try:
            read = read_article(data, file_name)
        except FileRefused as exc:
            raise InputError({"file": str(exc)}) from None
        text, encoding_title = read.text, read.title
    text = (text or "").replace("\r\n", "\n").strip("\ufeff")
    if not text.strip():
        errors["text" if data is None else "file"] = _(
            "The article is empty: paste its text or upload a .txt, .docx or .html file."
        )
    elif len(text) > MAX_TEXT:
        errors["text"] = _("The article is longer than %(limit)s characters.") % {
            "limit": f"{MAX_TEXT:,}"
        }
    source_url = (source_url or "").strip()
    if len(source_url) > 500:
        errors["source_url"] = _("The source is longer than 500 characters.")
    try:
        published = _published(published_on)
    except InputError as exc:
        errors.update({k: v[0] for k, v in exc.fields.items()})
        published = None
    if errors:
        raise InputError(errors)
    digest = text_hash(text)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    title = " ".join((title or encoding_title or _first_line(text)).split())[:300]
    is_url = source_url.startswith(("http://", "https://"))
    source = Source.objects.create(
        title=title or _("Untitled article"),
        url=source_url if is_url else "",
        publisher="" if is_url else source_url[:200],
        published_on=published,
        document=file_name[:300],
        note=_("Added through news intelligence"),
    )
    article = Article(
        title=title or _("Untitled article"),
        text=text,
        source_url=source_url,
        published_on=published,
        file_name=file_name[:255],
        content_hash=digest,
        source=source,
        is_synthetic=is_synthetic,
        added_by=user if getattr(user, "is_authenticated", False) else None,
    )
    save_tracked(article, user=user)
    extract_article(article=article)
    return article, True


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _amount_json(a: ExtractedAmount) -> dict[str, Any]:
    return {
        "text": a.text,
        "value_wan": str(a.value_wan),
        "currency": a.currency,
        "qualifier": a.qualifier,
        "role": a.role,
        "start": a.start,
        "end": a.end,
    }


def _set_amount(candidate: Candidate, field: str, amount: ExtractedAmount | None) -> list:
    if amount is None:
        return []
    setattr(candidate, f"{field}_wan", amount.value_wan)
    setattr(candidate, f"{field}_qualifier", amount.qualifier)
    setattr(candidate, f"{field}_text", amount.text[:200])
    return [[amount.start, amount.end, field]]


@transaction.atomic
def extract_article(*, article: Article, result: Extraction | None = None) -> list[Candidate]:
    """(Re)read the article. Decided candidates stay; pending ones are replaced."""
    result = result or run_extractor(article.text, article.published_on)
    article.amounts = [_amount_json(a) for a in result.amounts]
    article.reference_date = result.reference_date or ""
    article.extractor_version = VERSION
    article.save(update_fields=["amounts", "reference_date", "extractor_version"])
    decided = set(
        article.candidates.exclude(status=CandidateStatus.PENDING).values_list("kind", "name")
    )
    article.candidates.filter(status=CandidateStatus.PENDING).delete()
    taken = set(article.candidates.values_list("kind", "position"))
    units = set(
        Region.objects.filter(level=Level.TOWNSHIP)
        .values_list("code", flat=True)
        .filter(
            code__in=[p.location_code for p in result.projects + result.batches if p.location_code]
        )
    )
    created: list[Candidate] = []
    by_index: dict[int, Candidate] = {}
    for i, p in enumerate(result.projects):
        if (CandidateKind.PROJECT, p.name) in decided:
            continue
        c = Candidate(
            article=article,
            kind=CandidateKind.PROJECT,
            position=_free(taken, CandidateKind.PROJECT, i),
            name=p.name[:300],
            investor=(p.investor or "")[:200],
            unit_id=p.location_code if p.location_code in units else None,
            location=(p.location or "")[:100],
            event=p.event,
            event_date=p.event_date or "",
            capacity=(p.capacity or "")[:200],
            phase_label=p.phase[:50],
            evidence=p.evidence,
        )
        spans = [[s, e, "name"] for s, e in p.spans]
        spans += _set_amount(c, "total_investment", p.total_investment)
        spans += _set_amount(c, "annual_revenue", p.annual_revenue)
        spans += _set_amount(c, "annual_tax", p.annual_tax)
        spans += _set_amount(c, "annual_output", p.annual_output_value)
        spans += _set_amount(c, "annual_plan", p.annual_plan_investment)
        c.spans = spans
        c.save()
        by_index[i] = c
        created.append(c)
    for i, p in enumerate(result.projects):
        if p.parent is not None and i in by_index and p.parent in by_index:
            by_index[i].parent = by_index[p.parent]
            by_index[i].save(update_fields=["parent"])
    batch_index: dict[int, Candidate] = {}
    for i, b in enumerate(result.batches):
        name = b.evidence[:300]
        if (CandidateKind.BATCH, name) in decided:
            continue
        c = Candidate(
            article=article,
            kind=CandidateKind.BATCH,
            position=_free(taken, CandidateKind.BATCH, i),
            name=name,
            unit_id=b.location_code if b.location_code in units else None,
            location=(b.location or "")[:100],
            event=b.event,
            event_date=b.date or "",
            project_count=b.project_count,
            evidence=b.evidence,
        )
        c.spans = _set_amount(c, "total_investment", b.total_investment) + _set_amount(
            c, "annual_plan", b.annual_plan_investment
        )
        if b.parent is not None and b.parent in batch_index:
            c.parent = batch_index[b.parent]
        c.save()
        batch_index[i] = c
        created.append(c)
    return created


def _free(taken: set, kind: str, wanted: int) -> int:
    position = wanted
    while (kind, position) in taken:
        position += 1
    taken.add((kind, position))
    return position


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


NOTE_MAX = 300  # Candidate.decision_note


def decision_note(note: Any, field: str = "note") -> str:
    """A decision's note or reason as kept: the ledger's text rule (control and bidi
    characters refused, zero-width dropped, spaces collapsed) and its length limit, so a
    long note is refused with both figures rather than cut short."""
    if rules.blank(note):
        return ""
    try:
        text = rules.characters(field, note, _("The note"))
    except rules.RuleError as exc:
        raise InputError({field: str(exc)}) from None
    if len(text) > NOTE_MAX:
        raise InputError({field: rules.too_long(len(text), NOTE_MAX)})
    return text


def already_decided(candidate: Candidate) -> str:
    """Why a decided candidate cannot be decided again, naming the project it became."""
    if candidate.project_id is not None:
        return _(
            "This candidate was already decided (%(status)s): it is project %(code)s. "
            "Nothing was saved."
        ) % {"status": candidate.get_status_display(), "code": candidate.project.code}
    return _("This candidate was already decided (%(status)s).") % {
        "status": candidate.get_status_display()
    }


def _pending(candidate: Candidate, kind: str | None = CandidateKind.PROJECT, *, user) -> Candidate:
    """The candidate locked for the decision, once `user` may decide it and it is pending."""
    locked = (
        Candidate.objects.select_for_update().select_related("article__source").get(pk=candidate.pk)
    )
    # The unit is read from the locked row: the rights follow what is stored, not what a
    # caller passed in.
    check_can_decide(user, locked)
    if locked.status != CandidateStatus.PENDING:
        raise InputError({"status": already_decided(locked)})
    if kind is not None and locked.kind != kind:
        raise InputError({"kind": _("Only a project candidate can become a lead or a project.")})
    return locked


def _amount_text(candidate: Candidate, field: str) -> str:
    value = getattr(candidate, f"{field}_wan")
    if value is None:
        return ""
    return format_wan(value, Qualifier(getattr(candidate, f"{field}_qualifier")))


def _decide(candidate: Candidate, *, user, status: str, note: str = "", **links) -> Candidate:
    candidate.status = status
    candidate.decided_by = user if getattr(user, "is_authenticated", False) else None
    candidate.decided_at = timezone.now()
    candidate.decision_note = note
    for key, value in links.items():
        setattr(candidate, key, value)
    save_tracked(candidate, user=user, reason=note)
    return candidate


def _summary(candidate: Candidate) -> str:
    parts = [candidate.evidence]
    for field, label in (
        ("total_investment", _("total investment")),
        ("annual_revenue", _("expected yearly revenue")),
        ("annual_tax", _("expected yearly tax")),
        ("annual_output", _("expected yearly output value")),
    ):
        text = _amount_text(candidate, field)
        if text:
            parts.append(f"{label}: {text}")
    if candidate.capacity:
        parts.append(f"{_('capacity')}: {candidate.capacity}")
    return "\n".join(p for p in parts if p)


@transaction.atomic
def accept_as_lead(*, user, candidate: Candidate, note: str = ""):
    """A new lead (origin: news) with the article as its source."""
    candidate = _pending(candidate, user=user)
    note = decision_note(note)
    article = candidate.article
    enterprise = resolve_enterprise(candidate.investor) if candidate.investor else None
    lead = create_lead(
        user=user,
        title=candidate.name or article.title,
        enterprise=enterprise,
        origin="news",
        origin_note=article.title[:300],
        estimated_investment=_amount_text(candidate, "total_investment"),
        description=_summary(candidate),
        source=article.source,
        is_synthetic=article.is_synthetic,
    )
    return _decide(candidate, user=user, status=CandidateStatus.ACCEPTED, note=note, lead=lead)


def project_data(candidate: Candidate, unit: str | None = None) -> dict[str, Any]:
    """What a new project would hold as proposed, unreviewed, in the terms of
    `projects.services.create_project` (the API's one-call acceptance): the review form's
    proposal (`intel.adoption.proposal`) as the form would hand it over."""
    initial = proposal(candidate).initial
    data: dict[str, Any] = {
        key: value
        for key, value in initial.items()
        if key not in ("reason", "stage_date") and value not in ("", None)
    }
    if unit not in (None, ""):
        data["unit"] = unit
    if "investors" in data:
        data["investors"] = [data["investors"]]
    if data.get("stage") and initial.get("stage_date"):
        data[f"actual_{data['stage']}"] = initial["stage_date"]
    return data


@transaction.atomic
def adopt_candidate(
    *, user, candidate: Candidate, data: dict[str, Any], reason: str = "", note: str = ""
) -> Candidate:
    """A new ledger project from a project candidate, with the values the clerk reviewed
    (`data`, in the terms of `projects.services.create_project`, which checks and saves them
    by the ledger's rules); the article is kept as the project's source and the candidate
    is marked accepted with a link to it.

    Refused, with nothing written: a candidate already decided (adopted twice, from two tabs
    say), a name already in the ledger (merge into it instead), no township unit, and
    whatever the ledger's rules refuse.
    """
    candidate = _pending(candidate, user=user)
    note = decision_note(note)
    errors: dict[str, str] = {}
    name = data.get("name")
    same = (
        Project.objects.filter(name=name.strip()).first()
        if isinstance(name, str) and name.strip()
        else None
    )
    if same is not None:
        errors["name"] = _(
            "A project named “%(name)s” is already in the ledger (%(code)s): merge into it instead."
        ) % {"name": same.name, "code": same.code}
    if rules.blank(data.get("unit")):
        # The ledger keeps projects without a site, but one taken from the news is placed
        # by whoever accepts it: a unit-less project belongs to no town and no town's
        # figures, and no town editor could ever correct it.
        errors["unit"] = _("Choose the township unit of the new project: the article names none.")
    if errors:
        raise InputError(errors)
    project = create_project(
        user=user,
        data={**data, "is_synthetic": candidate.article.is_synthetic},
        reason=reason or _("Accepted from news: %(title)s") % {"title": candidate.article.title},
    )
    ProjectSource.objects.get_or_create(
        project=project,
        source=candidate.article.source,
        defaults={"note": candidate.evidence[:300]},
    )
    return _decide(
        candidate, user=user, status=CandidateStatus.ACCEPTED, note=note, project=project
    )


def accept_as_project(*, user, candidate: Candidate, unit: str | None = None, note: str = ""):
    """The candidate as proposed, unreviewed, into the ledger (the API's one call); the
    pages go through the review form and `adopt_candidate`."""
    return adopt_candidate(
        user=user, candidate=candidate, data=project_data(candidate, unit), note=note
    )


@transaction.atomic
def accept_batch(*, user, candidate: Candidate, note: str = ""):
    """A batch event (集中签约, 集中开工 ...) with its published count and total."""
    candidate = _pending(candidate, kind=CandidateKind.BATCH, user=user)
    note = decision_note(note)
    when = parse_date(candidate.event_date) if candidate.event_date else None
    name = candidate.article.title[:200]
    if BatchEvent.objects.filter(name=name, date=when.date if when else None).exists():
        name = f"{name[:180]} · {candidate.position + 1}"
    batch = BatchEvent.objects.create(
        name=name,
        kind=EVENT_BATCH_KIND.get(candidate.event, BatchKind.PROMOTION),
        date=when.date if when else None,
        date_precision=when.precision if when else "day",
        place=candidate.location,
        unit_id=candidate.unit_id,
        declared_project_count=candidate.project_count,
        declared_total_wan=candidate.total_investment_wan,
        declared_total_qualifier=candidate.total_investment_qualifier,
        source=candidate.article.source,
    )
    save_tracked(batch, user=user, reason=note)
    return _decide(
        candidate, user=user, status=CandidateStatus.ACCEPTED, note=note, batch_event=batch
    )


@transaction.atomic
def reject_candidate(*, user, candidate: Candidate, reason: str = ""):
    candidate = _pending(candidate, kind=None, user=user)
    reason = decision_note(reason, "reason")
    return _decide(candidate, user=user, status=CandidateStatus.REJECTED, note=reason)


# --------------------------------------------------------------------------------------------
# Merging into an existing project
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    project: Project
    score: int
    reasons: tuple[str, ...]


def find_matches(candidate: Candidate, *, limit: int = 5, cutoff: int = 60) -> list[Match]:
    """Ledger projects this candidate may be, best first: fuzzy name, investor and aliases."""
    from rapidfuzz import fuzz, process

    scores: dict[int, tuple[float, list[str]]] = {}
    if candidate.name:
        rows = list(Project.objects.values_list("pk", "name"))
        for _name, score, pk in process.extract(
            candidate.name,
            {pk: name for pk, name in rows},
            scorer=fuzz.WRatio,
            limit=limit * 4,
            score_cutoff=cutoff,
        ):
            scores[pk] = (score, [_("similar name (%(score)d%%)") % {"score": round(score)}])
    if candidate.investor:
        names = {
            **{
                f"e{pk}": name
                for pk, name in Enterprise.objects.filter(is_synthetic=False).values_list(
                    "pk", "name"
                )
            },
            **{
                f"a{pk}": alias
                for pk, alias in EnterpriseAlias.objects.values_list("enterprise_id", "alias")
            },
        }
        hits = process.extract(
            candidate.investor, names, scorer=fuzz.WRatio, limit=10, score_cutoff=85
        )
        enterprise_ids = {int(key[1:]) for _n, _s, key in hits}
        for pk in (
            Project.objects.filter(investors__in=enterprise_ids)
            .values_list("pk", flat=True)
            .distinct()[:200]
        ):
            base, why = scores.get(pk, (0.0, []))
            scores[pk] = (min(100.0, max(base, 50.0) + 20), [*why, _("same investor")])
    ranked = sorted(scores.items(), key=lambda kv: -kv[1][0])[:limit]
    projects = Project.objects.in_bulk([pk for pk, _s in ranked])
    return [
        Match(projects[pk], round(score), tuple(why))
        for pk, (score, why) in ranked
        if pk in projects
    ]


@dataclass(frozen=True)
class FieldDiff:
    key: str
    label: str
    current: str
    proposed: str
    differs: bool


def merge_diff(candidate: Candidate, project: Project) -> list[FieldDiff]:
    """Field by field: what the project holds and what the article says."""
    rows: list[FieldDiff] = []
    labels = {
        "total_investment": _("total investment"),
        "expected_revenue": _("expected yearly revenue"),
        "expected_tax": _("expected yearly tax"),
        "expected_output": _("expected yearly output value"),
    }
    for field, target in AMOUNTS.items():
        proposed = _amount_text(candidate, field)
        value = getattr(project, f"{target}_wan")
        current = (
            format_wan(value, Qualifier(getattr(project, f"{target}_qualifier")))
            if value is not None
            else ""
        )
        if proposed or current:
            same = (
                value is not None
                and getattr(candidate, f"{field}_wan") == value
                and (
                    getattr(candidate, f"{field}_qualifier")
                    == getattr(project, f"{target}_qualifier")
                )
            )
            rows.append(
                FieldDiff(target, labels[target], current, proposed, bool(proposed) and not same)
            )
    if candidate.capacity or project.capacity:
        rows.append(
            FieldDiff(
                "capacity",
                _("capacity"),
                project.capacity,
                candidate.capacity,
                bool(candidate.capacity) and candidate.capacity != project.capacity,
            )
        )
    if candidate.unit_id or project.unit_id:
        rows.append(
            FieldDiff(
                "unit",
                _("township unit"),
                str(project.unit) if project.unit_id else "",
                str(candidate.unit) if candidate.unit_id else "",
                bool(candidate.unit_id) and candidate.unit_id != project.unit_id,
            )
        )
    investors = list(project.investors.values_list("name", flat=True))
    if candidate.investor or investors:
        known = resolve_enterprise(candidate.investor) if candidate.investor else None
        new = bool(candidate.investor) and (known is None or known.name not in investors)
        rows.append(
            FieldDiff("investors", _("investors"), "、".join(investors), candidate.investor, new)
        )
    return rows


MERGEABLE = {"total_investment", "expected_revenue", "expected_tax", "expected_output",
             "capacity", "unit", "investors"}  # fmt: skip


@transaction.atomic
def merge_into_project(
    *,
    user,
    candidate: Candidate,
    project: Project,
    fields: list[str],
    note: str = "",
    expected_version: int | None = None,
):
    """Take the chosen fields from the candidate into ``project`` (through `update_project`,
    so rights, history and validation are the ledger's) and keep the article as a source.

    With `expected_version` (the project's `version` the caller compared against), a
    project someone saved since is refused with a `ConflictError` instead of overwritten."""
    candidate = _pending(candidate, user=user)
    note = decision_note(note)
    unknown = sorted(set(fields) - MERGEABLE)
    if unknown:
        raise InputError({"fields": _("cannot merge “%(value)s”") % {"value": "、".join(unknown)}})
    reverse = {v: k for k, v in AMOUNTS.items()}
    data: dict[str, Any] = {}
    for key in fields:
        if key in reverse:
            text = _amount_text(candidate, reverse[key])
            if text:
                data[key] = text
        elif key == "capacity" and candidate.capacity:
            data["capacity"] = candidate.capacity
        elif key == "unit" and candidate.unit_id:
            data["unit"] = candidate.unit_id
        elif key == "investors" and candidate.investor:
            current = list(
                project.investors.order_by("project_links__id").values_list("name", flat=True)
            )
            known = resolve_enterprise(candidate.investor)
            if known is None or known.name not in current:
                data["investors"] = [*current, candidate.investor]
    if data:
        project = update_project(
            user=user,
            project=project,
            data=data,
            expected_version=expected_version,
            reason=_("Merged from news: %(title)s") % {"title": candidate.article.title},
        )
    elif not Project.objects.filter(pk=project.pk).exists():  # pragma: no cover - deleted meanwhile
        raise InputError({"project": _("The project no longer exists.")})
    else:  # nothing to write: still the caller's rights, and the version they merged against
        project = lock_for_edit(user=user, project=project, expected_version=expected_version)
    ProjectSource.objects.get_or_create(
        project=project,
        source=candidate.article.source,
        defaults={"note": candidate.evidence[:300]},
    )
    return _decide(candidate, user=user, status=CandidateStatus.MERGED, note=note, project=project)


def wan_or_none(value: Decimal | None) -> str:
    return "" if value is None else format_wan(value)
