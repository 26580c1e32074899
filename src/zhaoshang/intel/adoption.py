"""The review form of "accept as project": what a candidate proposes for each ledger field,
and where in the article each proposed value was read.

Read-only: the form this prefills is the ledger's own `projects.forms.ProjectForm`, and the
save goes through `intel.services.adopt_candidate` → `projects.services.create_project`, so
the rules are the ledger's. Here only the proposal and its evidence:

>>> review = proposal(candidate)
>>> review.initial["total_investment"], review.sources["total_investment"][0].sentence
('306亿元', '1月31日，总投资306亿元的盛虹储能电池超级工厂项目签约。')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.intel.models import Candidate
from zhaoshang.lib.money import AmountError, Qualifier, format_wan
from zhaoshang.projects import rules

# The extractor's amount roles as the pages name them. Roles the extractor may add later are
# shown by their key until they get a label here.
ROLE_LABELS = {
    "total_investment": gettext_lazy("total investment"),
    "batch_total_investment": gettext_lazy("total of a batch"),
    "annual_revenue": gettext_lazy("yearly revenue"),
    "annual_output_value": gettext_lazy("yearly output value"),
    "annual_tax": gettext_lazy("yearly tax"),
    "annual_plan_investment": gettext_lazy("annual planned investment"),
    "registered_capital": gettext_lazy("registered capital"),
    "additional_investment": gettext_lazy("additional investment"),
    "signed_amount": gettext_lazy("signed amount"),
    "foreign_investment": gettext_lazy("foreign investment"),
    "other": gettext_lazy("other amount"),
    "name": gettext_lazy("project name"),
}

# Extractor role -> the ledger amount it proposes (the rest are shown, not proposed)
ROLE_FIELD = {
    "total_investment": "total_investment",
    "annual_revenue": "expected_revenue",
    "annual_tax": "expected_tax",
    "annual_output_value": "expected_output",
    "registered_capital": "registered_capital",
    "signed_amount": "signed_amount",
    "foreign_investment": "foreign_investment",
}
# Candidate amount field -> (extractor role, ledger amount)
CANDIDATE_AMOUNTS = {
    "total_investment": ("total_investment", "total_investment"),
    "annual_revenue": ("annual_revenue", "expected_revenue"),
    "annual_tax": ("annual_tax", "expected_tax"),
    "annual_output": ("annual_output_value", "expected_output"),
}
EVENT_STAGE = {
    "signed": "signed",
    "started": "started",
    "completed": "completed",
    "in_production": "in_production",
}
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of `text` holding [start, end): from after the previous 。！？；or line
    break to its next one, included."""
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    m = _SENTENCE_END.search(text, max(end, start))
    stop = m.end() if m else len(text)
    return begin, stop


@dataclass(frozen=True)
class SourceSpan:
    """Where a proposed value was read: the span in the article and its sentence."""

    start: int
    end: int
    text: str
    sentence: str
    role: str = ""

    @property
    def role_label(self) -> str:
        return role_label(self.role) if self.role else ""


@dataclass
class Proposal:
    initial: dict[str, Any]
    sources: dict[str, list[SourceSpan]] = field(default_factory=dict)
    # every amount in the candidate's sentences, with its extracted role and the ledger
    # amount it is proposed for ("" when none: the clerk may still put it in one)
    amounts: list[dict[str, Any]] = field(default_factory=list)
    evidence: str = ""


def _span(text: str, start: int, end: int, role: str = "") -> SourceSpan | None:
    if not (0 <= start < end <= len(text)):
        return None
    s, e = sentence_at(text, start, end)
    return SourceSpan(start, end, text[start:end], text[s:e].strip(), role)


def _candidate_range(text: str, candidate: Candidate) -> tuple[int, int] | None:
    """The sentences the candidate was read from: those of its spans, else of its evidence."""
    spans = [(s, e) for s, e, _f in candidate.spans if 0 <= s < e <= len(text)]
    if spans:
        first = sentence_at(text, *min(spans))
        last = sentence_at(text, *max(spans, key=lambda p: p[1]))
        return first[0], last[1]
    if candidate.evidence:
        at = text.find(candidate.evidence.strip())
        if at >= 0:
            return at, at + len(candidate.evidence.strip())
    return None


def _find(text: str, needle: str, within: tuple[int, int] | None) -> tuple[int, int] | None:
    """`needle` in the candidate's own sentences first, then anywhere in the article."""
    if not needle:
        return None
    if within is not None:
        at = text.find(needle, within[0], within[1])
        if at >= 0:
            return at, at + len(needle)
    at = text.find(needle)
    return (at, at + len(needle)) if at >= 0 else None


def ledger_amount_text(name: str, written: str, value: Decimal | None, qualifier: str) -> str:
    """What to put in the form's amount field: the amount as the article wrote it when the
    ledger reads that back as the same figure (it keeps a foreign currency as written),
    else the figure in 万/亿元 with its qualifier."""
    if value is None:
        return ""
    if written:
        try:
            columns = rules.amount(name, written.strip(), typed=True)
        except (rules.RuleError, AmountError, ValueError):
            columns = {}
        if columns.get(f"{name}_wan") == value and columns.get(f"{name}_qualifier") == qualifier:
            return written.strip()
    return format_wan(value, Qualifier(qualifier or "exact"), lang="zh")


def proposal(candidate: Candidate) -> Proposal:
    """The ledger form's initial values for a project candidate, with their sources."""
    article = candidate.article
    text = article.text
    within = _candidate_range(text, candidate)
    initial: dict[str, Any] = {"name": candidate.name}
    sources: dict[str, list[SourceSpan]] = {}

    def cite(key: str, span: SourceSpan | None) -> None:
        if span is not None:
            sources.setdefault(key, []).append(span)

    for start, end, what in candidate.spans:
        if what == "name":
            cite("name", _span(text, start, end))
    if candidate.investor:
        initial["investors"] = candidate.investor
        found = _find(text, candidate.investor, within)
        cite("investors", _span(text, *found) if found else None)
    if candidate.unit_id:
        initial["unit"] = candidate.unit_id
        found = _find(text, candidate.location, within)
        cite("unit", _span(text, *found) if found else None)
    stage = EVENT_STAGE.get(candidate.event)
    if stage:
        initial["stage"] = stage
        if candidate.event_date:
            initial["stage_date"] = candidate.event_date
        if within is not None:
            sentence = SourceSpan(within[0], within[1], "", text[within[0] : within[1]].strip())
            cite("stage", sentence)
    if candidate.phase_label:
        initial["phase_label"] = candidate.phase_label
        found = _find(text, candidate.phase_label, within)
        cite("phase_label", _span(text, *found) if found else None)
    if candidate.parent_id and candidate.parent and candidate.parent.project_id:
        initial["parent"] = candidate.parent.project.code
    if candidate.capacity:
        initial["capacity"] = candidate.capacity
        found = _find(text, candidate.capacity, within)
        cite("capacity", _span(text, *found) if found else None)

    # Amounts: the candidate's own first, then any other amount of its sentences whose
    # extracted role names a ledger amount the candidate leaves empty.
    by_span = {(a["start"], a["end"]): a for a in article.amounts}
    spans_of = {what: (s, e) for s, e, what in candidate.spans if what != "name"}
    taken: set[tuple[int, int]] = set()
    for own, (role, target) in CANDIDATE_AMOUNTS.items():
        value = getattr(candidate, f"{own}_wan")
        if value is None:
            continue
        written = getattr(candidate, f"{own}_text")
        initial[target] = ledger_amount_text(
            target, written, value, getattr(candidate, f"{own}_qualifier")
        )
        span = spans_of.get(own)
        if span is not None:
            taken.add(tuple(span))
            found = by_span.get(tuple(span))
            cite(target, _span(text, *span, role=found["role"] if found else role))
    in_sentences = [
        a for a in article.amounts if within is not None and within[0] <= a["start"] < within[1]
    ]
    amounts: list[dict[str, Any]] = []
    for a in in_sentences:
        target = ROLE_FIELD.get(a["role"], "")
        key = (a["start"], a["end"])
        if key not in taken and target and target not in initial:
            initial[target] = ledger_amount_text(
                target, a["text"], Decimal(a["value_wan"]), a.get("qualifier") or "exact"
            )
            cite(target, _span(text, *key, role=a["role"]))
            taken.add(key)
        amounts.append(
            {
                **a,
                "value_wan": Decimal(a["value_wan"]),
                "role_label": role_label(a["role"]),
                "proposed_for": next(
                    (k for k, spans in sources.items() for s in spans if (s.start, s.end) == key),
                    "",
                ),
            }
        )
    initial["reason"] = _("Accepted from news: %(title)s") % {"title": article.title}
    return Proposal(
        initial=initial,
        sources=sources,
        amounts=amounts,
        evidence=text[within[0] : within[1]].strip() if within else candidate.evidence,
    )
