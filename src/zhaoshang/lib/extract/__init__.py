"""Structured facts from Chinese investment news and notices, without a model or a network.

>>> result = extract("今年1月，总投资306亿元的盛虹储能电池超级工厂项目落户张家港。",
...                  published=datetime.date(2023, 2, 1))
>>> [(a.text, a.value_wan, a.role) for a in result.amounts]
[('306亿元', Decimal('3060000'), 'total_investment')]
>>> result.projects[0].name, result.projects[0].event, result.projects[0].event_date
('盛虹储能电池超级工厂项目', 'signed', '2023-01')

Steps: :mod:`.normalise` (traditional to simplified, full-width to half-width, pinyin glosses
and stray breaks removed, with a map back to the original offsets); :mod:`.amounts` (every
amount, its value in 万元 through :func:`zhaoshang.lib.money.parse_amount`, and its role);
:mod:`.facts` (dates, places from the ``regions`` table given, companies, projects with their
phases, batches). Every span in the result indexes the ORIGINAL text.

``regions`` maps each name of a township unit or park to ``(code, label)``; ``partners`` pairs
units run as one administration; ``investors`` lists known investor names and aliases. The
caller (the Django side) builds them from its tables; this package imports no Django.

Pure Python, no Django.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import amounts as _amounts
from . import facts as _facts
from .amounts import ROLES, assign_roles, find_amounts
from .facts import Builder, Gazetteer, reference_date
from .normalise import Normalised, normalise

__all__ = [
    "EVENTS",
    "ROLES",
    "ExtractedAmount",
    "ExtractedBatch",
    "ExtractedProject",
    "Extraction",
    "Gazetteer",
    "clear_caches",
    "extract",
    "normalise",
]

EVENTS = ("signed", "started", "completed", "in_production", "other")
VERSION = 1
MAX_CHARS = 1_000_000  # longer texts are cut here: a news article is a few thousand


@dataclass(frozen=True)
class ExtractedAmount:
    text: str  # as written in the original
    value_wan: Decimal
    currency: str
    original_wan: Decimal  # in 万 of its own currency
    qualifier: str
    role: str
    start: int
    end: int
    # a conversion in parentheses right after it (（约合122.6亿美元）): part of this amount,
    # not a second one; as written in the original
    conversion: str | None = None


@dataclass
class ExtractedProject:
    name: str
    investor: str | None
    location: str | None
    location_code: str | None
    event: str
    event_date: str | None
    total_investment: ExtractedAmount | None
    annual_revenue: ExtractedAmount | None
    annual_tax: ExtractedAmount | None
    annual_output_value: ExtractedAmount | None
    annual_plan_investment: ExtractedAmount | None
    capacity: str | None
    evidence: str
    start: int
    end: int
    phase: str = ""
    parent: int | None = None  # index in Extraction.projects
    spans: list[tuple[int, int]] = field(default_factory=list)

    def wan(self, name: str) -> Decimal | None:
        amount = getattr(self, name)
        return None if amount is None else amount.value_wan


@dataclass
class ExtractedBatch:
    event: str
    project_count: int | None
    total_investment: ExtractedAmount | None
    annual_plan_investment: ExtractedAmount | None
    date: str | None
    location: str | None
    location_code: str | None
    evidence: str
    start: int
    end: int
    parent: int | None = None


@dataclass
class Extraction:
    text: str  # the original
    amounts: list[ExtractedAmount]
    projects: list[ExtractedProject]
    batches: list[ExtractedBatch]
    reference_date: str | None
    truncated: bool = False

    def as_json(self, file: str | None = None) -> dict[str, Any]:
        """The stable contract of ``zhaoshang extract --format json`` (exactly these keys)."""
        return {
            "file": file,
            "amounts": [
                {
                    "text": a.text,
                    "value_wan": _number(a.value_wan),
                    "currency": a.currency,
                    "qualifier": a.qualifier,
                    "role": a.role,
                    "start": a.start,
                    "end": a.end,
                }
                for a in self.amounts
            ],
            "projects": [
                {
                    "name": p.name,
                    "investor": p.investor,
                    "location": p.location,
                    "event": p.event,
                    "event_date": p.event_date,
                    "total_investment_wan": _number(p.wan("total_investment")),
                    "annual_revenue_wan": _number(p.wan("annual_revenue")),
                    "annual_tax_wan": _number(p.wan("annual_tax")),
                    "annual_output_value_wan": _number(p.wan("annual_output_value")),
                    "capacity": p.capacity,
                    "evidence": p.evidence,
                }
                for p in self.projects
            ],
            "batches": [
                {
                    "event": b.event,
                    "project_count": b.project_count,
                    "total_investment_wan": _number(
                        None if b.total_investment is None else b.total_investment.value_wan
                    ),
                    "date": b.date,
                    "location": b.location,
                }
                for b in self.batches
            ],
        }


def clear_caches() -> None:
    """Forget what the extractor remembers from one text to the next (parsed amounts, name
    checks). Results never depend on it; benchmarks use it to measure texts that share
    nothing."""
    _amounts.clear_caches()
    _facts.clear_caches()


def _number(value: Decimal | None) -> int | float | None:
    """A JSON number: an int when whole, else the shortest float that reads back the same."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def extract(
    text: str,
    *,
    published: datetime.date | None = None,
    regions: Mapping[str, tuple[str, str]] | None = None,
    partners: Mapping[str, str] | None = None,
    investors: Iterable[str] = (),
    gazetteer: Gazetteer | None = None,
) -> Extraction:
    """Find the amounts, projects and batches in ``text`` (any script, any width).

    ``published`` is the article's date (relative dates such as 今年1月 and 昨日 are read
    against it; without it the text's own date line or its most frequent year is used).
    Empty text gives an empty result.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    truncated = len(text) > MAX_CHARS
    original = text[:MAX_CHARS] if truncated else text
    norm = normalise(original)
    if not norm.text.strip():
        return Extraction(original, [], [], [], None, truncated)
    reference = reference_date(norm.text, published)
    amounts = find_amounts(norm.text)
    assign_roles(norm.text, amounts)
    builder = Builder(
        norm.text,
        amounts,
        reference=reference,
        gazetteer=gazetteer or Gazetteer(regions, partners),
        investors=investors,
    )
    builder.build()
    return _result(norm, amounts, builder, reference, truncated)


def _result(norm: Normalised, amounts, builder: Builder, reference, truncated: bool) -> Extraction:
    by_id: dict[int, ExtractedAmount] = {}
    out_amounts: list[ExtractedAmount] = []
    for a in amounts:
        start, end = norm.span(a.start, a.end)
        conversion = None
        if a.conversion is not None:
            c_start, c_end = norm.span(a.conversion.start, a.conversion.end)
            conversion = norm.original[c_start:c_end]
        item = ExtractedAmount(
            norm.original[start:end],
            a.value_wan,
            a.currency,
            a.original_wan,
            a.qualifier,
            a.role,
            start,
            end,
            conversion,
        )
        by_id[id(a)] = item
        out_amounts.append(item)

    def get(a) -> ExtractedAmount | None:
        return None if a is None else by_id[id(a)]

    def sentence(bounds: tuple[int, int]) -> str:
        return norm.text[bounds[0] : bounds[1]].strip()

    projects = []
    for p in builder.projects:
        start, end = norm.span(p.start, p.end)
        projects.append(
            ExtractedProject(
                name=p.name,
                investor=p.investor,
                location=p.location.label if p.location else None,
                location_code=p.location.code if p.location else None,
                event=p.event,
                event_date=None if p.event_date is None else str(p.event_date),
                total_investment=get(p.amounts.get("total_investment")),
                annual_revenue=get(p.amounts.get("annual_revenue")),
                annual_tax=get(p.amounts.get("annual_tax")),
                annual_output_value=get(p.amounts.get("annual_output_value")),
                annual_plan_investment=get(p.amounts.get("annual_plan_investment")),
                capacity=p.capacity,
                evidence=sentence(p.sentence),
                start=start,
                end=end,
                phase=p.phase,
                parent=p.parent,
                spans=[norm.span(a, b) for a, b in p.mentions],
            )
        )
    batches = []
    for b in builder.batches:
        start, end = norm.span(b.start, b.end)
        batches.append(
            ExtractedBatch(
                event=b.event,
                project_count=b.project_count,
                total_investment=get(b.total),
                annual_plan_investment=get(b.plan),
                date=None if b.date is None else str(b.date),
                location=b.location.label if b.location else None,
                location_code=b.location.code if b.location else None,
                evidence=sentence(b.sentence),
                start=start,
                end=end,
                parent=b.parent,
            )
        )
    return Extraction(
        norm.original,
        out_amounts,
        projects,
        batches,
        None if reference is None else str(reference),
        truncated,
    )
