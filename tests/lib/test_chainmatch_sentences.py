"""The scope is read sentence by sentence, each sentence remembered (issue 15's speed work):
the placements must be exactly those of reading the whole text at once (the naive engine
does), on every labelled scope and on scopes whose parentheses span a sentence end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhaoshang.chains.placement import classifier_from_files
from zhaoshang.lib.chainmatch import Classifier, NodeSpec

SCOPES = Path(__file__).resolve().parents[1] / "data" / "scopes"


def placements(classifier, engine: str, **kwargs) -> list[tuple]:
    return [
        (m.node, m.confidence, m.not_maker, m.evidence())
        for m in classifier.classify(engine=engine, **kwargs)
    ]


@pytest.fixture(scope="module")
def bundled():
    return classifier_from_files()


@pytest.mark.parametrize("split", ["dev", "test"])
def test_sentence_by_sentence_reads_as_the_whole_text(bundled, split):
    rows = [
        json.loads(line)
        for line in (SCOPES / f"{split}.jsonl").read_text("utf-8").split("\n")
        if line
    ]
    for _ in range(2):  # the second time from memory
        for row in rows:
            kwargs = {"name": row["name"], "scope": row["scope"]}
            assert placements(bundled, "automaton", **kwargs) == placements(
                bundled, "naive", **kwargs
            ), row["id"]


@pytest.mark.parametrize(
    "scope",
    [
        # a parenthesis holding a sentence end: the whole text is read at once
        "一般项目：锂离子电池制造（不含危险化学品；不含易制毒化学品）；电池销售。",
        "许可项目：危险化学品经营（限；分支机构经营）。一般项目：锂离子电池制造；光伏设备制造",
        "光伏设备制造\n锂离子电池制造；汽车零部件销售;日用百货销售",
    ],
)
def test_scopes_with_odd_sentences(bundled, scope):
    for _ in range(2):
        assert placements(bundled, "automaton", scope=scope) == placements(
            bundled, "naive", scope=scope
        )


def test_a_word_that_ends_the_text_is_found():
    # the automaton walks 电池生产 towards 电池生产设备; the text ends there, and 生产 must
    # still be found (pyahocorasick's iter_long alone drops it)
    classifier = Classifier([NodeSpec("equip", ("电池生产设备",)), NodeSpec("make", ("生产",))])
    assert [m.node for m in classifier.classify(name="锂电池生产")] == ["make"]
    assert [m.node for m in classifier.classify(name="锂电池生产", engine="naive")] == ["make"]
