"""Chain placement quality on the labelled business scopes in tests/data/scopes/.

Each row has a firm's name, its business scope and the chains a person placed it on (none for
the hard negatives: retailers, online shops, consultancies, investment and construction firms,
traders). The classifier is built from the bundled chain maps and the placement vocabulary, as
`zhaoshang chains place` builds it; a firm counts as placed on a chain when any node of that
chain is placed at the default threshold. Precision, recall and F1 are per chain (micro over
rows) and overall.

    python bench/quality_chains.py            # dev and test
    python bench/quality_chains.py --errors dev   # also list each wrong row of dev
    python bench/quality_chains.py --learned      # against a character n-gram linear model
    python bench/quality_chains.py --real         # also the real scopes alone, and the composed alone

The learned model (scikit-learn, in the bench extra only: `pip install -e ".[bench]"`)
is a TF-IDF of character 1-4-grams of name and scope and one logistic regression per chain,
trained on the dev rows and on every node's name, description, products and keywords from the
chain maps; alone, a chain is predicted at probability >= 0.5. `--learned` also scores the
rules and the model together (`combined`): the rules give the candidates and the evidence, a
chain the rules place stays when the model gives it at least `keep`, and a rules' candidate
of confidence `floor` or more is added when the model gives it at least `add`; the three
thresholds are chosen on dev alone (`choose_thresholds`: cross-validated probabilities, best
F1 on dev's real scopes). Both are scored on the test split like the rules, in the same run.

`placement_report(split)` returns the figures as a dict for bench/quality.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "scopes"
SPLITS = ("dev", "test")


def load_rows(split: str) -> list[dict]:
    with (DATA / f"{split}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _classifier():
    sys.path.insert(0, str(ROOT / "src"))
    from zhaoshang.chains.placement import classifier_from_files

    return classifier_from_files()


def _score(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "tp": tp, "fp": fp, "fn": fn}  # fmt: skip


def placement_report(
    split: str, *, classifier=None, real_only: bool = False, composed_only: bool = False
) -> dict:
    """{"split", "rows", "overall": {precision, recall, f1, tp, fp, fn}, "chains": {code: {...}},
    "errors": [{"id", "name", "expected", "placed"}]} at the default threshold; `real_only`:
    over the real scopes alone (those quoted by public text); `composed_only`: over the rows
    composed in registry style alone."""
    classifier = classifier or _classifier()
    rows = load_rows(split)
    if real_only:
        rows = [r for r in rows if r.get("real")]
    elif composed_only:
        rows = [r for r in rows if not r.get("real")]
    counts: dict[str, list[int]] = {}
    errors = []
    for row in rows:
        placed = classifier.chains_of(name=row["name"], scope=row["scope"])
        expected = set(row["chains"])
        for chain in expected | placed:
            c = counts.setdefault(chain, [0, 0, 0])
            if chain in expected and chain in placed:
                c[0] += 1
            elif chain in placed:
                c[1] += 1
            else:
                c[2] += 1
        if placed != expected:
            errors.append({"id": row["id"], "name": row["name"],
                           "expected": sorted(expected), "placed": sorted(placed)})  # fmt: skip
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    subset = " (real only)" if real_only else " (composed only)" if composed_only else ""
    return {
        "split": split + subset,
        "rows": len(rows),
        "overall": _score(*total),
        "chains": {chain: _score(*c) for chain, c in sorted(counts.items())},
        "errors": errors,
    }


def _atlas() -> tuple[list[str], list[set[str]]]:
    """Every node of the bundled chain maps as a text (name, description, products, keywords)
    labelled with its chain."""
    sys.path.insert(0, str(ROOT / "src"))
    from zhaoshang.chains.taxonomy import bundled_files, parse_chain

    texts, labels = [], []
    for path in bundled_files():
        data, _errors = parse_chain(path.read_text(encoding="utf-8"))
        for node in data["nodes"]:
            words = "；".join([node["name"], node["description"], *node["products"],
                              *node["keywords"]])  # fmt: skip
            texts.append(words)
            labels.append({data["code"]})
    return texts, labels


def _text(row: dict) -> str:
    return f"{row['name']}。{row['scope']}"


def model_probabilities(train: list[dict], rows: list[dict]) -> tuple[list[str], object]:
    """(chains, probabilities rows x chains) of the learned model trained on `train` and the
    chain maps' nodes: a TF-IDF of character 1-4-grams, one logistic regression per chain."""
    import numpy as np  # scikit-learn's own dependency
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    atlas_texts, atlas_labels = _atlas()
    texts = [_text(r) for r in train] + atlas_texts
    labels = [set(r["chains"]) for r in train] + atlas_labels
    chains = sorted({c for ls in labels for c in ls})
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
    x = vectoriser.fit_transform(texts)
    xt = vectoriser.transform([_text(r) for r in rows])
    probs = np.zeros((len(rows), len(chains)))
    for j, chain in enumerate(chains):
        y = np.array([chain in ls for ls in labels])
        model = LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced").fit(x, y)
        probs[:, j] = model.predict_proba(xt)[:, 1]
    return chains, probs


def rule_candidates(classifier, rows: list[dict]) -> list[tuple[set[str], dict[str, float]]]:
    """Per row: the chains the rules place, and every chain's best node confidence down to
    0.05 (the rules' candidates)."""
    out = []
    for row in rows:
        placed = classifier.chains_of(name=row["name"], scope=row["scope"])
        best: dict[str, float] = {}
        for m in classifier.classify(name=row["name"], scope=row["scope"], min_confidence=0.05):
            chain = classifier.nodes_by_id[m.node].chain
            best[chain] = max(best.get(chain, 0.0), m.confidence)
        out.append((placed, best))
    return out


def combined(chains, probs, candidates, keep: float, add: float, floor: float) -> list[set]:
    """The rules and the model together: a chain the rules place stays when the model gives
    it at least `keep`; a rules' candidate of confidence `floor` or more is added when the
    model gives it at least `add`."""
    out = []
    for i, (placed, best) in enumerate(candidates):
        out.append({
            chain for j, chain in enumerate(chains)
            if (chain in placed and probs[i, j] >= keep)
            or (best.get(chain, 0.0) >= floor and probs[i, j] >= add)
        })  # fmt: skip
    return out


def _figures(rows: list[dict], placed: list[set], split: str) -> dict:
    counts: dict[str, list[int]] = {}
    for row, chains in zip(rows, placed, strict=True):
        expected = set(row["chains"])
        for chain in expected | chains:
            c = counts.setdefault(chain, [0, 0, 0])
            c[0 if chain in expected and chain in chains else 1 if chain in chains else 2] += 1
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {
        "split": split,
        "rows": len(rows),
        "overall": _score(*total),
        "chains": {chain: _score(*c) for chain, c in sorted(counts.items())},
        "errors": [],
    }


def choose_thresholds(classifier) -> tuple[float, float, float]:
    """(keep, add, floor) of `combined` chosen on dev alone: the model's probabilities of each
    dev row come from 5-fold cross-validation (trained without that row), and the grid point
    with the best F1 on dev's real scopes (ties: on the whole of dev) wins."""
    import numpy as np
    from sklearn.model_selection import KFold

    dev = load_rows("dev")
    probs = None
    for train, held in KFold(5, shuffle=True, random_state=0).split(dev):
        chains, p = model_probabilities([dev[i] for i in train], [dev[i] for i in held])
        if probs is None:
            probs = np.zeros((len(dev), len(chains)))
        probs[held] = p
    candidates = rule_candidates(classifier, dev)
    real = [i for i, r in enumerate(dev) if r.get("real")]
    best, choice = (-1.0, -1.0), (0.0, 1.1, 1.0)
    for keep in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3):
        for add in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1):
            for floor in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3):
                placed = combined(chains, probs, candidates, keep, add, floor)
                whole = _figures(dev, placed, "dev")["overall"]["f1"]
                real_f1 = _figures([dev[i] for i in real], [placed[i] for i in real], "dev")
                key = (real_f1["overall"]["f1"], whole)
                if key > best:
                    best, choice = key, (keep, add, floor)
    return choice


def learned_report(split: str = "test", classifier=None) -> list[dict]:
    """The learned model alone (a chain at probability >= 0.5) and the rules and the model
    together (`combined`, thresholds chosen on dev), on `split` and on its real scopes,
    trained on dev and the chain maps."""
    classifier = classifier or _classifier()
    rows = load_rows(split)
    chains, probs = model_probabilities(load_rows("dev"), rows)
    alone = [{c for j, c in enumerate(chains) if probs[i, j] >= 0.5} for i in range(len(rows))]
    keep, add, floor = choose_thresholds(classifier)
    both = combined(chains, probs, rule_candidates(classifier, rows), keep, add, floor)
    real = [i for i, r in enumerate(rows) if r.get("real")]
    label = f"rules + model (keep >= {keep}, add >= {add} from rule confidence >= {floor})"
    return [
        _figures(rows, alone, f"{split} (learned alone)"),
        _figures(rows, both, f"{split} ({label})"),
        _figures([rows[i] for i in real], [both[i] for i in real], f"{split} real only ({label})"),
    ]


def print_report(report: dict, *, errors: bool = False) -> None:
    o = report["overall"]
    print(f"\n{report['split']}: {report['rows']} rows — precision {o['precision']:.3f}  "
          f"recall {o['recall']:.3f}  F1 {o['f1']:.3f}  (tp {o['tp']}, fp {o['fp']}, fn {o['fn']})")  # fmt: skip
    print(f"  {'chain':<28}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for chain, s in report["chains"].items():
        print(f"  {chain:<28}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
              f"{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}")  # fmt: skip
    if errors:
        for e in report["errors"]:
            print(f"  ✗ {e['id']} {e['name']}: expected {e['expected']}, placed {e['placed']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--errors", choices=SPLITS, help="list the wrong rows of this split")
    parser.add_argument("--split", choices=SPLITS, action="append")
    parser.add_argument("--learned", action="store_true", help="also score the learned model")
    parser.add_argument(
        "--real", action="store_true",
        help="also the real scopes alone and the composed rows alone, per split",
    )  # fmt: skip
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    classifier = _classifier()
    for split in args.split or SPLITS:
        print_report(placement_report(split, classifier=classifier), errors=args.errors == split)
        if args.real:
            for subset in ("real_only", "composed_only"):
                report = placement_report(split, classifier=classifier, **{subset: True})
                print_report(report, errors=args.errors == split and subset == "real_only")
    if args.learned:
        for report in learned_report("test", classifier):
            print_report(report)


if __name__ == "__main__":
    main()
