"""The extractor's output on 400 articles shuffled from the corpus sentences is unchanged by
the speed work of issue 7: tests/data/intel/snapshots/extract_shuffled.json holds a
fingerprint of each part of each outcome, written from the extractor BEFORE that work
(commit feb5ed6). See extract_shuffled.py."""

from __future__ import annotations

import json

from tests.lib.extract_corpus import CORPUS, home_gazetteer, known_investors
from tests.lib.extract_shuffled import digest, outcome, published, shuffled_articles
from tests.lib.test_extract_snapshot import snapshot_documents
from zhaoshang.lib.extract import extract

SNAPSHOT = CORPUS / "snapshots" / "extract_shuffled.json"


def test_output_on_shuffled_articles_is_identical_to_the_snapshot():
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    texts = shuffled_articles(snapshot_documents(expected))
    gazetteer, investors = home_gazetteer(), known_investors()
    assert len(texts) == len(expected) - 1 >= 400
    changed = []
    for i, text in enumerate(texts):
        result = extract(text, published=published(i), gazetteer=gazetteer, investors=investors)
        got = digest(outcome(result))
        changed += [(i, part) for part in got if got[part] != expected[f"{i:03d}"][part]]
    assert not changed, changed
