"""The labelled corpus of tests/data/intel and how the extractor is scored on it.

Each ``NNN_name.txt`` has a ``NNN_name.json`` beside it: ``date`` (the publication date the
user would enter, or null), ``amounts`` in order of appearance (``text`` exactly as written,
``role``, ``value_wan`` for CNY or ``original_wan`` + ``currency``), ``projects`` (``name``,
optional ``aliases`` and the fields a reader can check) and ``batches``. An amount counts as
found only with the same span (the k-th occurrence of its text after the previous label),
the same role and the same value. Used by tests/lib/test_extract_corpus.py and bench/extract.py.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rapidfuzz import fuzz

from zhaoshang.demo import facts
from zhaoshang.lib.extract import Extraction, Gazetteer, extract
from zhaoshang.lib.money import convert_to_cny_wan
from zhaoshang.lib.textnorm import to_halfwidth
from zhaoshang.regions import reference

CORPUS = Path(__file__).resolve().parent.parent / "data" / "intel"


def home_gazetteer() -> Gazetteer:
    """Zhangjiagang's township units and parks by name, short name and alias."""
    names: dict[str, tuple[str, str]] = {}
    labels: dict[str, str] = {}
    for code, name, level, _kind, parent in reference.division_rows():
        if level == 4 and parent == "320582":
            labels[code] = reference.SHORT_NAMES.get(code, name)
            names[name] = (code, labels[code])
            if code in reference.SHORT_NAMES:
                names[reference.SHORT_NAMES[code]] = (code, labels[code])
    for code, aliases in reference.ALIASES.items():
        for alias, _note in aliases:
            names.setdefault(alias, (code, labels[code]))
    return Gazetteer(names, reference.MERGED)


def known_investors() -> list[str]:
    out = []
    for e in facts.ENTERPRISES:
        out.append(e["name"])
        out.extend(alias for alias, _kind in e.get("aliases", []))
    return out


@dataclass
class Document:
    name: str
    text: str
    label: dict

    @property
    def published(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.label["date"]) if self.label["date"] else None


def documents() -> list[Document]:
    out = []
    for path in sorted(CORPUS.glob("*.json")):
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        out.append(Document(path.stem, text, json.loads(path.read_text(encoding="utf-8"))))
    return out


def run(doc: Document, gazetteer: Gazetteer | None = None, investors=None) -> Extraction:
    return extract(
        doc.text,
        published=doc.published,
        gazetteer=gazetteer or home_gazetteer(),
        investors=known_investors() if investors is None else investors,
    )


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def precision(self, key=None) -> float:
        tp = self.tp[key] if key else sum(self.tp.values())
        fp = self.fp[key] if key else sum(self.fp.values())
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, key=None) -> float:
        tp = self.tp[key] if key else sum(self.tp.values())
        fn = self.fn[key] if key else sum(self.fn.values())
        return tp / (tp + fn) if tp + fn else 1.0

    def keys(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def table(self) -> str:
        rows = [f"{'':30} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"]
        for k in [*self.keys(), None]:
            rows.append(
                f"{k or 'all':30} {self.precision(k):9.3f} {self.recall(k):7.3f} "
                f"{self.tp[k] if k else sum(self.tp.values()):4} "
                f"{self.fp[k] if k else sum(self.fp.values()):4} "
                f"{self.fn[k] if k else sum(self.fn.values()):4}"
            )
        return "\n".join(rows)


def expected_value(item: dict) -> Decimal:
    if "currency" in item:
        return convert_to_cny_wan(Decimal(item["original_wan"]), item["currency"])[0]
    return Decimal(item["value_wan"])


def score_amounts(doc: Document, result: Extraction, score: Score) -> None:
    expected: dict[tuple[int, int], tuple[str, Decimal]] = {}
    pos = 0
    for item in doc.label["amounts"]:
        at = doc.text.find(item["text"], pos)
        assert at >= 0, f"{doc.name}: label {item['text']} not in the text"
        pos = at + 1
        # foreign amounts at the rate table's one rate, whatever the article's date
        expected[(at, at + len(item["text"]))] = (item["role"], expected_value(item))
    got = {(a.start, a.end): (a.role, a.value_wan) for a in result.amounts}
    for span, (role, value) in expected.items():
        if got.get(span) == (role, value):
            score.tp[role] += 1
        else:
            score.fn[role] += 1
            score.misses.append(
                f"{doc.name}: missed {doc.text[span[0] : span[1]]} {role}, got {got.get(span)}"
            )
    for span, (role, _value) in got.items():
        if (
            expected.get(span, (None,))[0] != role
            or span not in expected
            or expected[span] != got[span]
        ):
            if span not in expected or expected[span] != got[span]:
                score.fp[role] += 1
                if span not in expected:
                    score.misses.append(f"{doc.name}: extra {doc.text[span[0] : span[1]]} {role}")


def _name_match(label: dict, name: str) -> int:
    names = [label["name"], *label.get("aliases", [])]
    return max(
        max(fuzz.ratio(n, name), 100 if (len(n) >= 4 and (n in name or name in n)) else 0)
        for n in names
    )


def score_projects(doc: Document, result: Extraction, score: Score, fields: Score) -> None:
    """Projects found by name (fuzzy ratio >= 80, or one name inside the other); then each
    labelled field of a found project compared exactly (capacity: one inside the other)."""
    gaz = home_gazetteer()
    predicted = list(result.projects)
    used: set[int] = set()
    for label in doc.label["projects"]:
        best = max(
            ((i, _name_match(label, p.name)) for i, p in enumerate(predicted) if i not in used),
            key=lambda x: x[1],
            default=(None, 0),
        )
        if best[0] is None or best[1] < 80:
            score.fn["project"] += 1
            score.misses.append(f"{doc.name}: missed project {label['name']}")
            continue
        used.add(best[0])
        score.tp["project"] += 1
        p = predicted[best[0]]
        for key, want in label.items():
            if key in ("name", "aliases"):
                continue
            if key.endswith("_wan"):
                got = p.wan(key[:-4])
                ok = got == Decimal(want)
            elif key == "location":
                ok = p.location_code is not None and gaz.same(p.location_code, want)
            elif key == "capacity":
                ok = bool(p.capacity) and (want in p.capacity or p.capacity in want)
            elif key == "investor":
                want = to_halfwidth(want)
                ok = bool(p.investor) and (want in p.investor or p.investor in want)
            else:
                ok = getattr(p, key) == want
            (fields.tp if ok else fields.fn)[key] += 1
            if not ok:
                fields.misses.append(
                    f"{doc.name}: {label['name']} {key} want {want} got {getattr(p, key, None) if not key.endswith('_wan') else p.wan(key[:-4])}"
                )
    for i, p in enumerate(predicted):
        if i not in used:
            score.fp["project"] += 1
            score.misses.append(f"{doc.name}: extra project {p.name}")


def score_batches(doc: Document, result: Extraction, score: Score) -> None:
    predicted = list(result.batches)
    used: set[int] = set()
    for label in doc.label["batches"]:
        match = None
        for i, b in enumerate(predicted):
            if i in used or b.project_count != label["project_count"]:
                continue
            total = None if b.total_investment is None else b.total_investment.value_wan
            if "total_investment_wan" in label and total != Decimal(label["total_investment_wan"]):
                continue
            if all(getattr(b, k) == v for k, v in label.items() if k in ("event", "date")):
                match = i
                break
        if match is None:
            score.fn["batch"] += 1
            score.misses.append(f"{doc.name}: missed batch {label}")
        else:
            used.add(match)
            score.tp["batch"] += 1
    for i, b in enumerate(predicted):
        if i not in used:
            score.fp["batch"] += 1
            score.misses.append(f"{doc.name}: extra batch {b.project_count} {b.total_investment}")


def score_corpus(docs: list[Document] | None = None):
    """(amounts by role, projects, project fields, batches) over the whole corpus."""
    amounts, projects, fields, batches = Score(), Score(), Score(), Score()
    gazetteer, investors = home_gazetteer(), known_investors()
    for doc in docs or documents():
        result = run(doc, gazetteer, investors)
        score_amounts(doc, result, amounts)
        score_projects(doc, result, projects, fields)
        score_batches(doc, result, batches)
    return amounts, projects, fields, batches


if __name__ == "__main__":
    a, p, f, b = score_corpus()
    for s in (a, p, f, b):
        print(s.table())
        print("\n".join(s.misses))
        print()
