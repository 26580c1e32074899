"""Articles made by shuffling the sentences of the labelled corpus (tests/data/intel), so the
extractor meets every kind of sentence next to every other: a project named in one article's
words and an amount from another's, 分别 sentences after unrelated names, tables after prose.
Deterministic (a fixed seed, the corpus texts listed in the snapshot); used by
test_extract_shuffled.py, whose snapshot keeps a fingerprint of each part of each outcome."""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import re

from tests.lib.extract_corpus import Document

_PIECE = re.compile(r"[^。！？\n]*[。！？\n]|[^。！？\n]+$")


def shuffled_articles(docs: list[Document], n: int = 400, seed: int = 20231) -> list[str]:
    pieces = [p for d in docs for p in _PIECE.findall(d.text) if p.strip()]
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(5, 40))) for _ in range(n)]


def published(i: int) -> datetime.date | None:
    """The publication date given with the i-th article (none for every third)."""
    return datetime.date(2023, 1 + i % 12, 1 + i % 28) if i % 3 else None


def outcome(result) -> dict:
    """The JSON contract of the result, with the reference date, phases and parents."""
    data = result.as_json()
    data.pop("file")
    data["reference_date"] = result.reference_date
    data["phases"] = [[p.phase, p.parent] for p in result.projects]
    data["batch_parents"] = [b.parent for b in result.batches]
    return data


def digest(data: dict) -> dict[str, str]:
    """A short fingerprint of each part of an outcome (the snapshot keeps only these)."""
    return {
        key: hashlib.sha256(
            json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()[:20]
        for key, value in sorted(data.items())
    }
