"""News extractor speed: articles of about 2,000 characters per second on one core.

The articles are cut from the labelled corpus (tests/data/intel), joined and cut at about
2,000 characters on a line break. Measured in the same run:

- ours: ``zhaoshang.lib.extract.extract`` with the home county's places and known investors;
- naive: one regular expression per role keyword over the raw text (``总投资...亿元``,
  ``年销售收入...亿元`` ...), the way one would start; no normalisation, no context.

Prints the median of --repeats runs for each, the ratio, and the amount precision/recall with
roles of both on the corpus, so the speed is read next to what it buys. Goal: >= 400/s by CPU time (issue 15).

The articles repeat (the corpus is about 20 articles long), and the extractor remembers parsed
amounts and name checks from one text to the next; so "ours" is also measured with that memory
cleared before every article ("cold"), the figure for texts that share nothing. The load
average is printed: other work on the machine slows both sides.

``--against DIR`` also measures the extractor of another checkout (a git worktree, e.g.
``git worktree add /tmp/base 87842ba``) on the same articles in the same run: a child process
with ``DIR/src`` first on its path runs once between each of our runs, and its median is
printed next to ours.

    python bench/extract.py [--articles 200] [--repeats 5] [--against DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.lib.extract_corpus import (
    Score,
    documents,
    home_gazetteer,
    known_investors,
    score_amounts,
)
from zhaoshang.lib.extract import ExtractedAmount, Extraction, clear_caches, extract
from zhaoshang.lib.money import AmountError, parse_amount

NAIVE_KEYWORDS = {
    "年度计划投资": "annual_plan_investment",
    "总投资": "total_investment",
    "年销售收入": "annual_revenue",
    "年营收": "annual_revenue",
    "年销售": "annual_revenue",
    "年收入": "annual_revenue",
    "年开票": "annual_revenue",
    "年产值": "annual_output_value",
    "年纳税": "annual_tax",
    "税收": "annual_tax",
    "注册资本": "other",
    "累计": "other",
}
NAIVE = [
    (
        re.compile(kw + r"[^，。,;；]{0,6}?((?:超|约|近|逾)?\d+(?:\.\d+)?(?:亿|万)(?:美元|元)?)"),
        role,
    )
    for kw, role in NAIVE_KEYWORDS.items()
]


def naive_extract(text: str) -> Extraction:
    found: dict[tuple[int, int], ExtractedAmount] = {}
    for pattern, role in NAIVE:
        for m in pattern.finditer(text):
            try:
                amount = parse_amount(m.group(1))
            except AmountError:
                continue
            span = m.span(1)
            found.setdefault(
                span,
                ExtractedAmount(
                    m.group(1),
                    amount.value_wan,
                    amount.currency,
                    amount.original,
                    amount.qualifier.value,
                    role,
                    *span,
                ),
            )
    return Extraction(text, sorted(found.values(), key=lambda a: a.start), [], [], None)


def articles(n: int, size: int = 2000) -> list[str]:
    texts = [d.text for d in documents()]
    pool = "\n\n".join(texts * 4)
    out, pos = [], 0
    while len(out) < n:
        end = pool.find("\n", pos + size)
        if end < 0:
            pos = 0
            continue
        out.append(pool[pos:end])
        pos = end + 1
    return out


def rates(fns: dict, batch: list[str], repeats: int) -> dict[str, tuple[float, float]]:
    """Articles per second of each function by the wall clock and by this process's CPU time,
    medians of ``repeats`` runs. The functions take turns, run after run, so that load from
    elsewhere on the machine falls on all of them alike."""
    wall: dict[str, list[float]] = {name: [] for name in fns}
    cpu: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            w, c = time.perf_counter(), time.process_time()
            for text in batch:
                fn(text)
            wall[name].append(time.perf_counter() - w)
            cpu[name].append(time.process_time() - c)
    n = len(batch)
    return {
        name: (n / statistics.median(wall[name]), n / statistics.median(cpu[name])) for name in fns
    }


_CHILD = """
import json, sys, time
from zhaoshang.lib.extract import extract
batch = json.load(open(sys.argv[1], encoding="utf-8"))
extract(batch[0])
c = time.process_time()
for text in batch:
    extract(text)
print(time.process_time() - c)
"""


def against(directory: str, batch: list[str]) -> float:
    """CPU seconds the extractor of the checkout at ``directory`` takes on ``batch`` (no
    gazetteer or investors: the same call is timed on our side for the comparison)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(batch, f, ensure_ascii=False)
    try:
        env = {**os.environ, "PYTHONPATH": str(Path(directory) / "src")}
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, f.name], env=env, capture_output=True, text=True
        )
        if out.returncode:
            raise SystemExit(out.stderr)
        return float(out.stdout.split()[-1])
    finally:
        os.unlink(f.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--against", help="another checkout whose extractor to time alike")
    args = parser.parse_args()
    gazetteer, investors = home_gazetteer(), known_investors()
    batch = articles(args.articles)
    mean = sum(map(len, batch)) / len(batch)

    def ours(text: str) -> Extraction:
        return extract(text, gazetteer=gazetteer, investors=investors)

    def ours_cold(text: str) -> Extraction:
        clear_caches()
        return ours(text)

    ours(batch[0])  # warm up (OpenCC, regex compilation)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    found = rates({"ours": ours, "cold": ours_cold, "naive": naive_extract}, batch, args.repeats)
    print(
        f"{len(batch)} articles, {mean:,.0f} characters on average, median of {args.repeats} runs"
        f" taken in turns, load average {load:.2f}"
    )
    notes = {
        "ours": "goal >= 400/s (CPU)",
        "cold": "nothing remembered between articles",
        "naive": "",
    }
    for name, (wall, cpu) in found.items():
        print(
            f"{name:5}: {wall:8.1f} articles/s  ({1000 / wall:.2f} ms each)"
            f"  CPU time {cpu:7.1f}/s  {notes[name]}"
        )
    (ours_wall, ours_cpu), (cold_wall, cold_cpu), (naive_wall, naive_cpu) = found.values()
    print(
        f"ratio ours/naive speed: {ours_wall / naive_wall:.2f} (cold {cold_wall / naive_wall:.2f});"
        f" by CPU time {ours_cpu / naive_cpu:.2f} (cold {cold_cpu / naive_cpu:.2f})"
    )
    if args.against:
        mine: list[float] = []
        theirs: list[float] = []
        for _ in range(args.repeats):
            theirs.append(against(args.against, batch))
            c = time.process_time()
            for text in batch:
                extract(text)
            mine.append(time.process_time() - c)
        n = len(batch)
        ours_rate = n / statistics.median(mine)
        their_rate = n / statistics.median(theirs)
        print(
            f"plain extract(text), CPU time: ours {ours_rate:.1f}/s, {args.against}"
            f" {their_rate:.1f}/s, ratio {ours_rate / their_rate:.2f}"
        )
    for label, fn in (("ours", None), ("naive", naive_extract)):
        score = Score()
        for doc in documents():
            if fn is None:
                result = extract(
                    doc.text, published=doc.published, gazetteer=gazetteer, investors=investors
                )
            else:
                result = fn(doc.text)
            score_amounts(doc, result, score)
        print(
            f"{label:5}: amounts with roles on the corpus: precision {score.precision():.3f}, "
            f"recall {score.recall():.3f}"
        )


if __name__ == "__main__":
    main()
