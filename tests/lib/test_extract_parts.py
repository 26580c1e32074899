"""The extractor's intermediate results are unchanged by the speed work of issue 7.

tests/data/intel/snapshots/extract_parts.json was written from the extractor as it was BEFORE
that work (commit feb5ed6) for the same cases as test_extract_snapshot.py: the normalised
text and its offset map (as hashes), the reference date, every amount with its role, keyword
and count, and the dates, places, companies and project mentions the builder starts from.
The final output is compared in test_extract_snapshot.py; this pins the steps, so a change
that happens to cancel out in the output is still seen. The corpus texts used are listed in
the snapshot (``_documents``).
"""

from __future__ import annotations

import hashlib
import importlib
import json

import pytest

from tests.lib.extract_corpus import CORPUS, home_gazetteer, known_investors
from tests.lib.test_extract_snapshot import bench_articles, snapshot_documents
from zhaoshang.lib.extract import Gazetteer

amounts = importlib.import_module("zhaoshang.lib.extract.amounts")
facts = importlib.import_module("zhaoshang.lib.extract.facts")
normalise = importlib.import_module("zhaoshang.lib.extract.normalise")

SNAPSHOT = CORPUS / "snapshots" / "extract_parts.json"


def parts(text: str, published, gazetteer, investors) -> dict:
    norm = normalise.normalise(text)
    t = norm.text
    ref = facts.reference_date(t, published)
    found = amounts.find_amounts(t)
    amounts.assign_roles(t, found)
    b = facts.Builder(t, found, reference=ref, gazetteer=gazetteer, investors=investors)
    offsets = ",".join(map(str, norm.offsets))
    return {
        "normalised_sha256": hashlib.sha256(t.encode()).hexdigest(),
        "offsets_sha256": hashlib.sha256(offsets.encode()).hexdigest(),
        "reference": None if ref is None else str(ref),
        "amounts": [
            [
                a.start,
                a.end,
                a.text,
                str(a.value_wan),
                a.currency,
                str(a.original_wan),
                a.qualifier,
                a.role,
                a.keyword,
                a.count,
                a.in_table,
                a.table_total,
            ]
            for a in found
        ],
        "dates": [
            [d.start, d.end, None if d.when is None else str(d.when), d.vague] for d in b.dates
        ],
        "places": [[p.start, p.end, p.code, p.label] for p in b.places],
        "companies": [[c.start, c.end, c.name] for c in b.companies],
        "mentions": [[m.start, m.end, m.name, m.phase, m.listed] for m in b.mentions],
    }


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_steps_on_the_corpus_are_identical_to_the_snapshot(expected):
    docs = snapshot_documents(expected)
    gazetteer, investors = home_gazetteer(), known_investors()
    current = {}
    for doc in docs:
        current[f"labelled/{doc.name}"] = parts(doc.text, doc.published, gazetteer, investors)
        current[f"bare/{doc.name}"] = parts(doc.text, None, Gazetteer(None, None), ())
    for i, text in enumerate(bench_articles(docs)):
        current[f"bench/{i:03d}"] = parts(text, None, gazetteer, investors)
    whole = "\n\n".join(d.text for d in docs)
    current["whole"] = parts(whole, None, gazetteer, investors)
    assert sorted(current) == sorted(k for k in expected if k != "_documents")
    for name in current:
        for key in expected[name]:
            assert current[name][key] == expected[name][key], (name, key)
