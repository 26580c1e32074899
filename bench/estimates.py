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
the estimator covers), its coverage, and the ratio naive / ours; then the time to compute
every project's estimates (`projects.estimates.compute`, median of --repeat runs).
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

    def timed(fn) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    read = [timed(est.ledger_rows) for _ in range(args.repeat)]
    compute = [timed(lambda: est.compute(rows, args.min_sample)) for _ in range(args.repeat)]
    print(f"read the ledger for the estimator: {statistics.median(read) * 1000:.0f} ms median")
    print(f"estimate every project:            {statistics.median(compute) * 1000:.0f} ms median")


if __name__ == "__main__":
    main()
