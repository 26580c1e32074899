"""The extractor's fast paths agree with the straightforward ones they replace (issue 7).

Each speed-up keeps the plain version (or rebuilds it here) and is compared with it on the
labelled corpus and on random texts made of the characters that matter.
"""

from __future__ import annotations

import importlib
import random

import pytest

from tests.lib.extract_corpus import documents
from zhaoshang.lib.textnorm import to_halfwidth

normalise_module = importlib.import_module("zhaoshang.lib.extract.normalise")


def corpus_texts() -> list[str]:
    return [d.text for d in documents()]


def random_texts(alphabet: str, n: int = 300, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(n)]


@pytest.fixture(scope="module")
def normalised_corpus() -> list[str]:
    return [normalise_module.normalise(t).text for t in corpus_texts()]


def test_width_and_spaces_is_halfwidth_then_spaces():
    alphabet = (
        "，。：（）１２３ＡＢａ￥￦\u3000\u00a0\u2002\u200b\ufeff\r\n\t\f\v 项目亿元"
        + "".join(normalise_module._WIDTH_AND_SPACES)
    )
    for text in corpus_texts() + random_texts(alphabet):
        assert normalise_module.width_and_spaces(text) == to_halfwidth(text).translate(
            normalise_module._SPACES
        )
