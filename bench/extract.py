"""News extractor speed: articles of about 2,000 characters per second on one core.

The articles are cut from the labelled corpus (tests/data/intel), joined and cut at about
2,000 characters on a line break. Measured in the same run:

- ours: ``zhaoshang.lib.extract.extract`` with the home county's places and known investors;
- naive: one regular expression per role keyword over the raw text (``总投资...亿元``,
  ``年销售收入...亿元`` ...), the way one would start; no normalisation, no context.

Prints the median of --repeats runs for each, the ratio, and the amount precision/recall with
roles of both on the corpus, so the speed is read next to what it buys. Goal: >= 200/s.

    python bench/extract.py [--articles 200] [--repeats 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
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
from zhaoshang.lib.extract import ExtractedAmount, Extraction, extract
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


def rate(fn, batch: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for text in batch:
            fn(text)
        times.append(time.perf_counter() - started)
    return len(batch) / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    gazetteer, investors = home_gazetteer(), known_investors()
    batch = articles(args.articles)
    mean = sum(map(len, batch)) / len(batch)

    def ours(text: str) -> Extraction:
        return extract(text, gazetteer=gazetteer, investors=investors)

    ours(batch[0])  # warm up (OpenCC, regex compilation)
    ours_rate = rate(ours, batch, args.repeats)
    naive_rate = rate(naive_extract, batch, args.repeats)
    print(
        f"{len(batch)} articles, {mean:,.0f} characters on average, median of {args.repeats} runs"
    )
    print(f"ours : {ours_rate:8.1f} articles/s  ({1000 / ours_rate:.2f} ms each)  goal >= 200/s")
    print(f"naive: {naive_rate:8.1f} articles/s  ({1000 / naive_rate:.2f} ms each)")
    print(f"ratio ours/naive speed: {ours_rate / naive_rate:.2f}")
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
