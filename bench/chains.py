"""Chain figures: placement speed, gap computation, target ranking.

1. Placement of N (default 1,000,000) synthetic enterprises, business scopes of 50-400
   characters written by `chains.synthetic` from the twelve bundled chain maps (228 nodes,
   ~1,100 keywords), in one process with the Aho-Corasick classifier. The naive way (each
   keyword checked one by one with `str.find`, same rules after) is measured in the same
   run on a sample (default 20,000) and scaled to N; the ratio is printed. Both give the
   same placements on the sample (checked).
2. Gap computation (`gaps.node_stats`, every chain) with E (default 100,000) synthetic
   enterprises placed in a fresh SQLite database, median of repeats.
3. Target rankings (`targets.rank_targets`, top 50) for the median, 90th-percentile and
   busiest node by placements, median of repeats; against scoring every candidate (the
   straightforward way, same run, checked to give the same top 50).

    python bench/chains.py                 # the issue's figures
    python bench/chains.py -n 100000 -e 20000   # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time


def build_scopes(n: int, seed: int = 1) -> tuple[list[str], list[str]]:
    from zhaoshang.chains.synthetic import products_pool, random_scope
    from zhaoshang.chains.taxonomy import bundled_files, parse_chain

    nodes = []
    for path in bundled_files():
        data, _errors = parse_chain(path.read_text(encoding="utf-8"))
        nodes.extend(data["nodes"])
    pool = products_pool(nodes)
    rng = random.Random(seed)
    scopes = [random_scope(rng, pool)[0] for _ in range(n)]
    names = [f"（合成）测试企业{i:07d}有限公司" for i in range(n)]
    return names, scopes


def classifier_from_files():
    """The classifier `chains place` uses (node keywords and the placement vocabulary), built
    from the bundled chain maps."""
    from zhaoshang.chains.placement import classifier_from_files as build

    classifier = build()
    return classifier, len(classifier.nodes)


def bench_placement(n: int, sample: int) -> None:
    classifier, nodes = classifier_from_files()
    print(f"classifier: {nodes} nodes, {len(classifier.keywords)} keywords")
    t0 = time.perf_counter()
    names, scopes = build_scopes(n)
    lengths = [len(s) for s in scopes]
    print(
        f"generated {n:,} scopes in {time.perf_counter() - t0:.1f} s "
        f"(length {min(lengths)}-{max(lengths)}, mean {statistics.mean(lengths):.0f})"
    )
    classify = classifier.classify
    started, cpu = time.perf_counter(), time.process_time()
    placed = 0
    for name, scope in zip(names, scopes, strict=True):
        placed += len(classify(name=name, scope=scope))
    fast = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(
        f"placement, Aho-Corasick : {n:,} enterprises in {fast:.1f} s wall, {cpu:.1f} s CPU "
        f"({n / fast:,.0f}/s), {placed:,} placements; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    k = min(sample, n)
    started = time.perf_counter()
    slow_results = [classify(name=names[i], scope=scopes[i], engine="naive") for i in range(k)]
    slow = time.perf_counter() - started
    started = time.perf_counter()
    fast_results = [classify(name=names[i], scope=scopes[i]) for i in range(k)]
    fast_sample = time.perf_counter() - started
    same = all(
        [(m.node, m.confidence) for m in a] == [(m.node, m.confidence) for m in b]
        for a, b in zip(fast_results, slow_results, strict=True)
    )
    scaled = slow / k * n
    from zhaoshang.chains.placement import specs_from_files
    from zhaoshang.lib.chainmatch import Classifier

    plain = Classifier(specs_from_files()).classify  # keywords only, no placement vocabulary
    started = time.perf_counter()
    for i in range(k):
        plain(name=names[i], scope=scopes[i])
    plain_sample = time.perf_counter() - started
    print(
        f"placement, keyword rules without the vocabulary (main business, non-makers, chains): "
        f"{k:,} sampled in {plain_sample:.1f} s; the vocabulary costs "
        f"{fast_sample / plain_sample:.2f}x"
    )
    print(
        f"placement, keyword by keyword (`str.find`): {k:,} sampled in {slow:.1f} s, "
        f"scaled to {n:,}: {scaled:.0f} s"
    )
    print(
        f"ratio on the sample: {slow / fast_sample:.1f}x; full run vs scaled naive: "
        f"{scaled / fast:.1f}x; same placements on the sample: {same}"
    )


def bench_database(enterprises: int, repeats: int, reuse: str | None = None) -> None:
    import django

    os.environ["ZHAOSHANG_DATA_DIR"] = reuse or tempfile.mkdtemp(prefix="zs-bench-chains-")
    print(f"database folder: {os.environ['ZHAOSHANG_DATA_DIR']}")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from zhaoshang.chains import gaps, services, targets
    from zhaoshang.chains.models import Node, Placement
    from zhaoshang.demo.synthetic import generate
    from zhaoshang.enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    if reuse:
        print(
            f"reusing {Enterprise.objects.count():,} enterprises, {Placement.objects.count():,} placements"
        )
    else:
        load(enterprises, services, generate, Enterprise, transaction)
    measure(repeats, gaps, targets, services, Node, Placement, django)


def load(enterprises, services, generate, Enterprise, transaction) -> None:
    services.import_bundled()
    t0 = time.perf_counter()
    generate(enterprises)  # projects, with enterprises/4 synthetic investors
    names, scopes = build_scopes(enterprises, seed=2)
    have = Enterprise.objects.filter(is_synthetic=True).count()
    with transaction.atomic():
        Enterprise.objects.bulk_create(
            [Enterprise(name=n, business_scope=s, is_synthetic=True) for n, s in
             zip(names[: max(0, enterprises - have)], scopes, strict=False)],
            batch_size=5000,
        )  # fmt: skip
        for pk in Enterprise.objects.filter(business_scope="").values_list("pk", flat=True):
            Enterprise.objects.filter(pk=pk).update(business_scope=scopes[pk % len(scopes)])
    print(
        f"database: {Enterprise.objects.count():,} enterprises loaded in {time.perf_counter() - t0:.0f} s"
    )
    t0 = time.perf_counter()
    result = services.place_enterprises()
    services.place_projects()
    print(
        f"`chains place` in the database: {result.objects:,} enterprises, "
        f"{result.placements:,} placements, {time.perf_counter() - t0:.1f} s"
    )


def measure(repeats, gaps, targets, services, Node, Placement, django) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # SQLite plans with statistics, as a long-lived database has
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        stats = gaps.node_stats()
        times.append(time.perf_counter() - started)
    print(
        f"gaps, every chain ({len(stats)} nodes, {Placement.objects.count():,} placements): "
        f"median {statistics.median(times) * 1000:.0f} ms of {repeats}; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    counts = sorted(
        (row["n"], row["node_id"])
        for row in Placement.objects.values("node_id").annotate(n=django.db.models.Count("pk"))
    )
    weights = services.default_weights()
    picks = [
        ("median node", counts[len(counts) // 2]),
        ("90th-percentile node", counts[int(len(counts) * 0.9)]),
        ("busiest node", counts[-1]),
    ]
    for label, (n, node_id) in picks:
        node = Node.objects.get(pk=node_id)
        candidates = len(targets.best_placements(targets.subtree_ids(node)))
        times, every = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            ranked, scored = targets.ranked_with_count(node, weights=weights, limit=50)
            times.append(time.perf_counter() - started)
        # the same top 50 from scoring every candidate, timed in the same run
        for _ in range(max(1, repeats // 2)):
            started = time.perf_counter()
            full = targets.rank_targets(node, weights=weights, limit=None)
            every.append(time.perf_counter() - started)
        same = [(t.enterprise_id, t.score) for t in ranked] == [
            (t.enterprise_id, t.score) for t in full[:50]
        ]
        fast, slow = statistics.median(times), statistics.median(every)
        print(
            f"target ranking, {label} {node} ({n:,} placed on it, {candidates:,} candidates "
            f"with the nodes below it, {scored:,} scored exactly; top {len(ranked)}): median "
            f"{fast * 1000:.0f} ms of {repeats}; scoring every candidate {slow * 1000:.0f} ms "
            f"({slow / fast:.1f}x), same top {len(ranked)}: {same}; load average "
            f"{os.getloadavg()[0]:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-n", type=int, default=1_000_000, help="enterprises to place in memory")
    parser.add_argument(
        "--sample", type=int, default=20_000, help="naive way measured on this many"
    )
    parser.add_argument("-e", type=int, default=100_000, help="enterprises in the database")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-db", action="store_true")
    parser.add_argument("--reuse", metavar="DIR", help="a data folder a previous run filled")
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    if not args.skip_db:
        bench_database(args.e, args.repeats, args.reuse)
    else:
        django.setup()
    bench_placement(args.n, args.sample)


if __name__ == "__main__":
    main()
