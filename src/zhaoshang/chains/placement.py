"""What the chain classifier is fed: the placement vocabulary (chains/data/placement/) and the
nodes, from the database or straight from the bundled chain maps (benchmarks, quality figures).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from zhaoshang.lib.chainmatch import Classifier, NodeSpec, Vocabulary

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "placement" / "vocabulary.yaml"
LIST_KEYS = ("generic", "masks", "service_verbs", "non_maker_names", "non_maker_divisions",
             "dependent_nodes")  # fmt: skip


def parse_vocabulary(text: str) -> Vocabulary:
    """The vocabulary from YAML; a wrong shape raises ValueError naming the key."""
    data: Any = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError("the placement vocabulary must be a mapping")
    unknown = set(data) - {*LIST_KEYS, "narrows"}
    if unknown:
        raise ValueError(f"unknown keys in the placement vocabulary: {sorted(unknown)}")
    lists: dict[str, tuple[str, ...]] = {}
    for key in LIST_KEYS:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise ValueError(f"{key} must be a list of words")
        lists[key] = tuple(str(v).strip() for v in value if str(v).strip())
    narrows = data.get("narrows") or {}
    if not isinstance(narrows, dict):
        raise ValueError("narrows must map a child chain to its parent chain")
    return Vocabulary(
        generic=frozenset(w.lower() for w in lists["generic"]),
        masks=lists["masks"],
        service_verbs=lists["service_verbs"],
        non_maker_names=lists["non_maker_names"],
        non_maker_divisions=frozenset(lists["non_maker_divisions"]),
        narrows=tuple((str(c), str(p)) for c, p in narrows.items()),
        dependent_nodes=frozenset(lists["dependent_nodes"]),
    )


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    return parse_vocabulary(path.read_text(encoding="utf-8"))


def classifier_for(specs, **kwargs) -> Classifier:
    """The classifier every face uses: these node specs and the placement vocabulary."""
    return Classifier(specs, vocabulary=load_vocabulary(), **kwargs)


def specs_from_files() -> list[NodeSpec]:
    """Node specs straight from the bundled chain maps, keyed `chain/node`."""
    from zhaoshang.chains.taxonomy import bundled_files, parse_chain

    specs = []
    for path in bundled_files():
        data, _errors = parse_chain(path.read_text(encoding="utf-8"))
        for node in data["nodes"]:
            specs.append(
                NodeSpec(
                    f"{data['code']}/{node['code']}",
                    tuple(node["keywords"]),
                    tuple(node["industry_codes"]),
                    chain=data["code"],
                    code=node["code"],
                )
            )
    return specs


def classifier_from_files(**kwargs) -> Classifier:
    return classifier_for(specs_from_files(), **kwargs)
