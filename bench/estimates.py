"""Leave-one-out error of the ledger estimator (`projects.estimates`) against the naive one.

Loads the demo with N synthetic projects (default 10,000) into a data folder (reused when
given and already loaded), then, for each of capex (total investment), jobs and output at
full production (expected revenue where the output is unknown):

1. every disclosed value is hidden in turn and estimated from the other projects (the
   project left out of every sample it is in): our estimator (anchor × the median ratio,
   else the median, of the finest group with at least the minimum sample: chain node ×
   activity × size band, node × activity, node, chain, division, section);
2. the naive estimate of the same project: the median of the field over all other projects.

Prints, per field, the median absolute percentage error of both over the same projects (those
the estimator covers), its coverage, and the ratio naive / ours; then the time to estimate
the whole ledger (`projects.estimates.compute`: read it, then estimate every project;
median wall and CPU time of --repeat runs):
- cold: everything read again (what the first page after a restore or a bump without
  tables meets);
- after a project save: the data version raised for the projects table only, as a saved
  project does; the chain nodes, size bands and production years kept by table are reused
  (`projects.estimates.ledger_estimates`);
- the old way in the same run: the first estimator and ledger read
  (tests/projects/estimates_reference.py), with the ratio old / new, after checking that
  both give every project the same figures.

    python bench/estimates.py -n 100000 --data-dir /tmp/zs100k   # the 100k demo of bench/pages.py
Note: the synthetic ledger's jobs and revenue are drawn from total investment by fixed
rules (demo.synthetic), so the errors here are a check of the method, not of real data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.projects.…


def load(n: int, data_dir: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ZHAOSHANG_DATA_DIR"] = data_dir
    subprocess.run(
        [sys.executable, "-m", "zhaoshang", "demo", "--no-serve", "--synthetic", str(n)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="synthetic projects (10000)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--min-sample", type=int, default=5)
    parser.add_argument("--data-dir", help="reuse this data folder (loaded if needed)")
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="zs-bench-estimates-")
    started = time.monotonic()
    load(args.n, data_dir)
    print(f"demo with {args.n} synthetic projects ready in {time.monotonic() - started:.1f} s")

    os.environ["ZHAOSHANG_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    from zhaoshang.projects import estimates as est

    rows = est.ledger_rows()
    real = sum(not r.is_synthetic for r in rows)
    print(f"{len(rows)} projects in the ledger ({real} real, {len(rows) - real} synthetic)")
    print(f"minimum sample {args.min_sample}; leave-one-out, median absolute % error")
    print(
        f"{'field':8} {'disclosed':>9} {'covered':>8} {'ours':>8} {'naive':>8} {'naive/ours':>10}"
    )
    for f in est.FIELDS:
        results = est.leave_one_out(rows, f, minimum=args.min_sample)
        covered = [(a, g, n) for a, g, n in results if g is not None]
        ours = est.median_ape((a, g) for a, g, _n in covered)
        naive = est.median_ape((a, n) for a, _g, n in covered)
        ratio = f"{naive / ours:.1f}x" if ours else "—"
        print(
            f"{f:8} {len(results):>9} {len(covered):>8} "
            f"{ours if ours is None else round(ours, 1):>7}% "
            f"{naive if naive is None else round(naive, 1):>7}% {ratio:>10}"
        )

    from django.conf import settings

    from tests.projects import estimates_reference as ref
    from zhaoshang.core import figcache

    def timed(fn, before=None) -> tuple[float, float]:
        """Median wall and CPU seconds of `fn` over --repeat runs (`before` run first)."""
        walls, cpus = [], []
        for _ in range(args.repeat):
            if before is not None:
                before()
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        return statistics.median(walls), statistics.median(cpus)

    new, old = est.compute(minimum=args.min_sample), ref.compute(minimum=args.min_sample)
    same = new.by_pk.keys() == old.by_pk.keys() and all(
        new.by_pk[pk].row == figs.row and new.by_pk[pk].figures == figs.figures
        for pk, figs in old.by_pk.items()
    )
    del new, old
    print(f"every project's figures the same as the old way's: {'yes' if same else 'NO'}")
    settings.ZHAOSHANG_FIGURE_CACHE = False  # cold: every part read again
    cold = timed(lambda: est.compute(minimum=args.min_sample))
    settings.ZHAOSHANG_FIGURE_CACHE = True
    settings.ZHAOSHANG_ESTIMATE_MIN_SAMPLE = args.min_sample
    est.ledger_estimates()
    saved = timed(est.ledger_estimates, lambda: figcache.bump(tables={"projects_project"}))
    naive = timed(lambda: ref.compute(minimum=args.min_sample))
    read = timed(est.ledger_rows)
    print("estimate the whole ledger (read + estimate), median of", args.repeat)
    print(f"  {'':34} {'wall ms':>8} {'cpu ms':>8}")
    for label, (wall, cpu) in (
        ("cold (everything read)", cold),
        ("after a project save", saved),
        ("old way (reference), cold", naive),
        ("  of which the ledger read (new)", read),
    ):
        print(f"  {label:34} {wall * 1000:8.0f} {cpu * 1000:8.0f}")
    print(
        f"old / new: {naive[0] / cold[0]:.1f}x wall, {naive[1] / cold[1]:.1f}x CPU cold; "
        f"{naive[0] / saved[0]:.1f}x wall, {naive[1] / saved[1]:.1f}x CPU after a project save"
    )


if __name__ == "__main__":
    main()
