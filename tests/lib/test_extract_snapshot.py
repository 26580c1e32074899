"""The extractor's whole output on the corpus is unchanged by speed work.

The snapshot (tests/data/intel/snapshots/extract_output.json) was written from the extractor
as it was BEFORE the speed work of issue 7, and holds every field of every result
(amounts, projects with their spans, phases and parents, batches, reference date) for:

- each corpus text with its date, the home gazetteer and the known investors (as the corpus
  test runs it);
- each corpus text with no date, no places and no investors;
- the ~2,000-character articles bench/extract.py cuts from the corpus;
- the whole corpus as one long text.

The corpus texts it was written from are listed in it (``_documents``), so texts added to the
corpus later do not change the cases.

Regenerate only on purpose, when the extractor's results are meant to change:
``python -m tests.lib.test_extract_snapshot --write``.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from decimal import Decimal

import pytest

from tests.lib.extract_corpus import CORPUS, Document, documents, home_gazetteer, known_investors
from zhaoshang.lib.extract import Extraction, clear_caches, extract

SNAPSHOT = CORPUS / "snapshots" / "extract_output.json"


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def serialise(result: Extraction) -> dict:
    """Every field; an amount held by a project or batch is written as its index in
    ``amounts`` (the amount itself is compared there)."""
    data = dataclasses.asdict(result)
    data.pop("text")  # the input itself
    amounts = data["amounts"]
    for item in data["projects"] + data["batches"]:
        for key, value in item.items():
            if isinstance(value, dict):
                item[key] = amounts.index(value)
    return _plain(data)


def snapshot_documents(snapshot: dict) -> list[Document]:
    """The corpus texts a snapshot was written from, in its order."""
    by_name = {d.name: d for d in documents()}
    return [by_name[name] for name in snapshot["_documents"]]


def bench_articles(docs: list[Document], size: int = 2000) -> list[str]:
    """The articles bench/extract.py measures on: the corpus joined four times and cut at
    about ``size`` characters on a line break, one pass over it."""
    pool = "\n\n".join([d.text for d in docs] * 4)
    out, pos = [], 0
    while True:
        end = pool.find("\n", pos + size)
        if end < 0:
            break
        out.append(pool[pos:end])
        pos = end + 1
    return out


def cases(docs: list[Document]) -> dict[str, dict]:
    gazetteer, investors = home_gazetteer(), known_investors()
    out: dict[str, dict] = {}
    for doc in docs:
        out[f"labelled/{doc.name}"] = serialise(
            extract(doc.text, published=doc.published, gazetteer=gazetteer, investors=investors)
        )
        out[f"bare/{doc.name}"] = serialise(extract(doc.text))
    for i, text in enumerate(bench_articles(docs)):
        out[f"bench/{i:03d}"] = serialise(extract(text, gazetteer=gazetteer, investors=investors))
    whole = "\n\n".join(d.text for d in docs)
    out["whole"] = serialise(extract(whole, gazetteer=gazetteer, investors=investors))
    return out


@pytest.fixture(scope="module")
def expected():
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def current(expected):
    return cases(snapshot_documents(expected))


def test_snapshot_covers_every_case(current, expected):
    assert sorted(current) == sorted(k for k in expected if k != "_documents")
    assert len(expected["_documents"]) >= 26
    assert sum(len(expected[k]["amounts"]) for k in current) > 500


def test_output_on_the_corpus_is_identical_to_the_snapshot(current, expected):
    changed = [name for name in current if current[name] != expected[name]]
    assert not changed, changed


def test_extraction_does_not_depend_on_what_ran_before():
    """Module-level caches must not leak between texts: the same text, alone and after
    others, gives the same result."""
    docs = documents()
    gazetteer, investors = home_gazetteer(), known_investors()
    first = serialise(extract(docs[0].text, gazetteer=gazetteer, investors=investors))
    for doc in docs[1:]:
        extract(doc.text, gazetteer=gazetteer, investors=investors)
    again = serialise(extract(docs[0].text, gazetteer=gazetteer, investors=investors))
    assert again == first


def test_results_are_the_same_with_or_without_what_the_extractor_remembers(expected):
    gazetteer, investors = home_gazetteer(), known_investors()
    for doc in snapshot_documents(expected):
        clear_caches()
        cold = serialise(
            extract(doc.text, published=doc.published, gazetteer=gazetteer, investors=investors)
        )
        assert cold == expected[f"labelled/{doc.name}"], doc.name


def test_threads_reading_texts_at_once_get_their_own_results(current, expected):
    """A server's threads extract at the same time; the per-text indexes must not mix."""
    from concurrent.futures import ThreadPoolExecutor

    gazetteer, investors = home_gazetteer(), known_investors()
    docs = snapshot_documents(expected) * 4

    def run(doc: Document) -> tuple[str, dict]:
        result = extract(
            doc.text, published=doc.published, gazetteer=gazetteer, investors=investors
        )
        return doc.name, serialise(result)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(run, docs))
    finally:
        sys.setswitchinterval(interval)
    wrong = sorted({name for name, got in results if got != expected[f"labelled/{name}"]})
    assert not wrong, wrong


if __name__ == "__main__":
    if "--write" not in sys.argv:
        sys.exit("usage: python -m tests.lib.test_extract_snapshot --write")
    SNAPSHOT.parent.mkdir(exist_ok=True)
    docs = documents()
    data: dict = {"_documents": [d.name for d in docs], **cases(docs)}
    lines = [
        f"{json.dumps(k)}: {json.dumps(data[k], ensure_ascii=False, sort_keys=True)}"
        for k in sorted(data)
    ]
    SNAPSHOT.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
