"""Extraction quality on real public text: precision, recall and F1 of role-labelled amounts.

The labelled set is tests/data/intel_real/{dev,test}: real articles and notices (Jiangsu and
elsewhere, simplified and traditional script) kept with their source address, one ``.txt`` and
one ``.json`` each (see tests/data/intel_real/README.md). The extractor is tuned on ``dev``
only; ``test`` is the figure we report.

An amount counts as found only with the same span, the same role and the same value (the
scoring of tests/lib/extract_corpus.py). Speed is measured on the same texts: articles per
second on one core, the median of --repeats runs.

    python bench/quality_extract.py [--split dev|test|both] [--misses] [--repeats 5]

``extraction_report(split)`` returns the same figures as a dict for bench/quality.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.lib.extract_corpus import (
    Document,
    Score,
    expected_value,
    home_gazetteer,
    known_investors,
    run,
)
from zhaoshang.lib.extract import ROLES, clear_caches

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "intel_real"
SPLITS = ("dev", "test")


def real_documents(split: str) -> list[Document]:
    """The labelled real articles of one split, in name order."""
    out = []
    for path in sorted((REAL / split).glob("*.json")):
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        out.append(Document(path.stem, text, json.loads(path.read_text(encoding="utf-8"))))
    return out


def score_amounts(doc: Document, result, score: Score) -> None:
    """Each labelled amount is the next occurrence of its text after the previous label's end
    (labelled spans never overlap); found only with the same span, role and value. Every
    other amount the extractor gives is a false positive of its role."""
    expected: dict[tuple[int, int], tuple[str, object]] = {}
    pos = 0
    for item in doc.label["amounts"]:
        at = doc.text.find(item["text"], pos)
        if at < 0:
            raise ValueError(f"{doc.name}: label {item['text']} not in the text")
        pos = at + len(item["text"])
        expected[(at, pos)] = (item["role"], expected_value(item))
    got = {(a.start, a.end): (a.role, a.value_wan) for a in result.amounts}
    for span, (role, value) in expected.items():
        if got.get(span) == (role, value):
            score.tp[role] += 1
        else:
            score.fn[role] += 1
            score.misses.append(
                f"{doc.name}: missed {doc.text[span[0] : span[1]]} {role}, got {got.get(span)}"
            )
    for span, (role, value) in got.items():
        if expected.get(span) != (role, value):
            score.fp[role] += 1
            if span not in expected:
                score.misses.append(f"{doc.name}: extra {doc.text[span[0] : span[1]]} {role}")


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_split(split: str) -> tuple[Score, list[Document]]:
    docs = real_documents(split)
    score = Score()
    gazetteer, investors = home_gazetteer(), known_investors()
    for doc in docs:
        score_amounts(doc, run(doc, gazetteer, investors), score)
    return score, docs


def speed(docs: list[Document], repeats: int = 5) -> float:
    """Articles per second on these texts, memory of earlier texts cleared before each run."""
    gazetteer, investors = home_gazetteer(), known_investors()
    rates = []
    for _ in range(repeats):
        clear_caches()
        t0 = time.perf_counter()
        for doc in docs:
            run(doc, gazetteer, investors)
        rates.append(len(docs) / (time.perf_counter() - t0))
    return statistics.median(rates)


def extraction_report(split: str, repeats: int = 3) -> dict:
    """Precision, recall, F1 per role and overall, counts, and articles/s for one split."""
    score, docs = score_split(split)
    roles = {}
    for role in [r for r in ROLES if r in score.keys()] + [
        k for k in score.keys() if k not in ROLES
    ]:
        p, r = score.precision(role), score.recall(role)
        roles[role] = {
            "precision": p,
            "recall": r,
            "f1": f1(p, r),
            "tp": score.tp[role],
            "fp": score.fp[role],
            "fn": score.fn[role],
        }
    p, r = score.precision(), score.recall()
    traditional = sum(1 for d in docs if d.label.get("script") == "traditional")
    return {
        "split": split,
        "articles": len(docs),
        "traditional": traditional,
        "amounts": sum(len(d.label["amounts"]) for d in docs),
        "precision": p,
        "recall": r,
        "f1": f1(p, r),
        "roles": roles,
        "articles_per_second": speed(docs, repeats) if repeats else None,
        "misses": list(score.misses),
    }


def print_report(report: dict, misses: bool = False) -> None:
    print(
        f"== {report['split']}: {report['articles']} articles "
        f"({report['traditional']} traditional), {report['amounts']} labelled amounts"
    )
    print(f"{'role':26} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for role, s in report["roles"].items():
        print(
            f"{role:26} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} "
            f"{s['tp']:4} {s['fp']:4} {s['fn']:4}"
        )
    print(f"{'all':26} {report['precision']:9.3f} {report['recall']:7.3f} {report['f1']:6.3f}")
    if report["articles_per_second"] is not None:
        print(f"speed: {report['articles_per_second']:.0f} articles/s (median, one core)")
    if misses:
        print("\n".join(report["misses"]))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[*SPLITS, "both"], default="both")
    parser.add_argument("--misses", action="store_true", help="list every miss and extra")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for split in SPLITS if args.split == "both" else (args.split,):
        print_report(extraction_report(split, args.repeats), args.misses)


if __name__ == "__main__":
    main()
