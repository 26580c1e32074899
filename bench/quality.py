"""Quality of the two readers of real text, on the labelled sets' dev and test splits.

- news extraction: precision, recall and F1 of role-labelled amounts, per role and in all
  (bench/quality_extract.py, tests/data/intel_real/);
- chain placement of business scopes: precision, recall and F1 per chain and in all at the
  default threshold, and on the real scopes alone (bench/quality_chains.py,
  tests/data/scopes/).

Both were tuned on dev only; test is the figure reported.

    python bench/quality.py [--split test|dev|both] [--speed]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from quality_chains import placement_report
from quality_extract import extraction_report, print_report


def _placement(split: str) -> None:
    report = placement_report(split)
    o = report["overall"]
    print(f"== chain placement, {split}: {report['rows']} scopes")
    print(f"{'chain':28} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for chain, s in report["chains"].items():
        print(
            f"{chain:28} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} "
            f"{s['tp']:4} {s['fp']:4} {s['fn']:4}"
        )
    print(f"{'all':28} {o['precision']:9.3f} {o['recall']:7.3f} {o['f1']:6.3f}")
    real = placement_report(split, real_only=True)["overall"]
    print(
        f"{'real scopes only':28} {real['precision']:9.3f} {real['recall']:7.3f} "
        f"{real['f1']:6.3f} {real['tp']:4} {real['fp']:4} {real['fn']:4}"
    )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--speed", action="store_true", help="also articles/s (slower)")
    args = parser.parse_args()
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    for split in splits:
        print_report(extraction_report(split, repeats=3 if args.speed else 0))
    for split in splits:
        _placement(split)


if __name__ == "__main__":
    main()
