"""The national registry on Dask: `zhaoshang chains place-parquet` throughput.

Writes N (default 10,000,000) synthetic enterprises to Parquet (business scopes from
`chains.synthetic` over the twelve bundled chain maps, as bench/chains.py; valid credit codes
issued in a handful of real counties, 张家港市 among them; a GB/T 4754 class code on 60%),
in row groups of --row-group rows, then places them three ways in the same run:

1. in this process, without Dask (`parquet.place_parquet_here`: the same parts, the same
   `place_part`, the same output) — the baseline;
2. Dask, a LocalCluster of 1 worker process;
3. Dask, a LocalCluster of 2 worker processes.

Each is repeated --repeats times; medians are printed with rows/s, rows/s per core (wall
clock over the cores used), rows per CPU second of the threads that place (what a core does
whatever the machine's load: the machine is shared) and the scaling 1 -> 2 workers (wall
clock); the three outputs are checked to be identical. The classifier is
the app's (`placement.classifier_for` over the bundled chain maps, as `chains place` has
them after `chains import`); no database is needed.

    nice python bench/place_parquet.py                  # 10,000,000 rows
    nice python bench/place_parquet.py -n 1000000 --repeats 3
    nice python bench/place_parquet.py --data /tmp/reg  # reuse the generated input
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

# Real county codes (张家港市, 常熟市, 昆山市, 深圳市南山区, 上海市浦东新区, 北京市海淀区, 合肥市蜀山区,
# 宁波市北仑区): where the synthetic firms' credit codes say they were registered.
DIVISIONS = ("320582", "320581", "320583", "440305", "310115", "110108", "340104", "330206")


def synthetic_code(rng: random.Random, division: str) -> str:
    """A valid credit code (GB 32100-2015) of an enterprise (91) registered in `division`."""
    from zhaoshang.lib.creditcode import ALPHABET, check_character, org_code_check_character

    org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org += org_code_check_character(org)
    first17 = "91" + division + org
    assert all(c in ALPHABET for c in first17)
    return first17 + check_character(first17)


def generate(path: Path, n: int, row_group: int, seed: int = 7) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from zhaoshang.chains.parquet import INPUT_COLUMNS
    from zhaoshang.chains.synthetic import products_pool, random_scope
    from zhaoshang.chains.taxonomy import bundled_files, parse_chain

    nodes = []
    for chain_file in bundled_files():
        data, _errors = parse_chain(chain_file.read_text(encoding="utf-8"))
        nodes.extend(data["nodes"])
    pool = products_pool(nodes)
    node_codes = sorted({c for node in nodes for c in node.get("industry_codes", [])})
    rng = random.Random(seed)
    schema = pa.schema([(c, pa.string()) for c in INPUT_COLUMNS])
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for start in range(0, n, row_group):
            rows = min(row_group, n - start)
            columns: dict[str, list] = {c: [] for c in INPUT_COLUMNS}
            for i in range(start, start + rows):
                columns["uscc"].append(synthetic_code(rng, rng.choice(DIVISIONS)))
                columns["name"].append(f"（合成）测试企业{i:08d}有限公司")
                columns["business_scope"].append(random_scope(rng, pool)[0])
                columns["industry_code"].append(
                    rng.choice(node_codes) if rng.random() < 0.6 else None
                )
            writer.write_table(pa.table(columns, schema=schema), row_group_size=row_group)


def specs_and_codes():
    from zhaoshang.chains.placement import specs_from_files
    from zhaoshang.industries.reference import industry_rows

    classes = [code for code, _name, level, _p, _s in industry_rows() if level == 3]
    return specs_from_files(), classes


def run(way: str, source: Path, work: Path, chunk_rows: int):
    from zhaoshang.chains import parquet

    specs, classes = specs_and_codes()
    target = work / f"out-{way}"
    if target.exists():
        shutil.rmtree(target)
    if way == "here":
        summary = parquet.place_parquet_here(
            source, target, specs=specs, class_codes=classes, chunk_rows=chunk_rows
        )
    else:
        summary = parquet.place_parquet(
            source,
            target,
            specs=specs,
            class_codes=classes,
            workers=int(way),
            chunk_rows=chunk_rows,
        )
    return summary, target


def same_output(a: Path, b: Path) -> bool:
    import pyarrow.parquet as pq

    names = sorted(p.name for p in a.glob("part-*.parquet"))
    if names != sorted(p.name for p in b.glob("part-*.parquet")):
        return False
    return all(pq.read_table(a / name).equals(pq.read_table(b / name)) for name in names)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-n", type=int, default=10_000_000, help="synthetic enterprises")
    parser.add_argument("--row-group", type=int, default=250_000, help="rows per input row group")
    parser.add_argument("--chunk-rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, help="a folder to keep (and reuse) the input in")
    parser.add_argument(
        "--ways",
        default="here,1,2",
        help="which runs, comma-separated: here (in process), 1 and 2 (Dask workers); "
        "e.g. --ways 1,2 at 10,000,000 rows when the in-process baseline was measured smaller",
    )
    args = parser.parse_args()
    ways = [w.strip() for w in args.ways.split(",") if w.strip()]
    if not ways or set(ways) - {"here", "1", "2"}:
        parser.error(f"--ways: {args.ways!r}; choose among here, 1, 2")
    work = args.data or Path(tempfile.mkdtemp(prefix="zs-bench-parquet-"))
    source = work / f"registry-{args.n}.parquet"
    if not source.exists():
        started = time.perf_counter()
        generate(source, args.n, args.row_group)
        print(
            f"generated {args.n:,} synthetic enterprises in {time.perf_counter() - started:.0f} s"
            f" ({source.stat().st_size / 1e6:,.0f} MB, row groups of {args.row_group:,})",
            flush=True,
        )
    else:
        print(f"reusing {source} ({source.stat().st_size / 1e6:,.0f} MB)")
    times: dict[str, list[float]] = {way: [] for way in ways}
    cpu: dict[str, list[float]] = {way: [] for way in ways}
    summaries = {}
    for repeat in range(args.repeats):
        for way in times:
            load = os.getloadavg()[0]
            summary, target = run(way, source, work, args.chunk_rows)
            times[way].append(summary.seconds)
            cpu[way].append(summary.cpu_seconds)
            summaries[way] = (summary, target)
            print(
                f"  repeat {repeat + 1}, {'in process' if way == 'here' else way + ' worker(s)'}: "
                f"{summary.seconds:.1f} s, {summary.rows / summary.seconds:,.0f} rows/s; "
                f"placing threads {summary.cpu_seconds:.1f} CPU s "
                f"({summary.rows_per_cpu_second:,.0f} rows per CPU second); "
                f"load average before {load:.1f}",
                flush=True,
            )
    summary = summaries[ways[0]][0]
    print(
        f"{summary.rows:,} enterprises, {summary.placed:,} placed ({summary.placements:,} "
        f"placements), {summary.parts} row groups, {summary.nodes} nodes; "
        f"{os.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f}"
    )
    medians = {way: statistics.median(t) for way, t in times.items()}
    cores = {"here": 1, "1": 1, "2": 2}
    labels = {"here": "in process, no Dask", "1": "Dask, 1 worker", "2": "Dask, 2 workers"}
    for way in ways:
        label = labels[way]
        rate = summary.rows / medians[way]
        per_cpu = summary.rows / statistics.median(cpu[way])
        print(
            f"{label:<22} median {medians[way]:8.1f} s of {args.repeats}: {rate:10,.0f} rows/s, "
            f"{rate / cores[way]:10,.0f} rows/s per core (wall); {per_cpu:10,.0f} rows per CPU "
            "second of the placing threads"
        )
    if "1" in medians and "2" in medians:
        print(f"scaling 1 -> 2 workers: {medians['1'] / medians['2']:.2f}x")
    if "here" in medians and "1" in medians:
        print(f"Dask 1 worker vs in process: {medians['here'] / medians['1']:.2f}x")
    fastest = min(medians, key=medians.get)
    hours = 100_000_000 / (summary.rows / medians[fastest]) / 3600
    print(f"100,000,000 rows at the {labels[fastest]} rate: {hours:.1f} h on this machine")
    first = summaries[ways[0]][1]
    same = all(same_output(first, summaries[way][1]) for way in ways[1:])
    print(f"same output in every way run ({', '.join(ways)}): {same}")
    if not args.data:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
