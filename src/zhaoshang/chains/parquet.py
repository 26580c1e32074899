"""A national enterprise registry placed on chain nodes with Dask: Parquet in, Parquet out.

`place_parquet(IN, OUT, ...)` reads a Parquet file or a folder of them with the columns
``uscc``, ``name``, ``business_scope``, ``industry_code`` (text; the last two may be empty)
and writes to OUT one row per enterprise placed on at least one node:

=================  ==============================================================
``uscc``           the unified social credit code, normalised (upper case, half width)
``name``           the name as read (spaces trimmed)
``industry_code``  the GB/T 4754-2017 class code as read ("" when none)
``business_scope`` the scope as read: the load-back (`read_county`) hands it to the
                   registry, whose classifier then places the firm with its evidence
``placements``     list of {chain_code, node_code, confidence}, most confident first
=================  ==============================================================

A list column, not a row per placement: the scope is kept once per firm and a firm's
placements stay together; ``UNNEST`` (DuckDB) or ``explode`` (pandas) gives one row per
placement. Firms placed on no node are not written (the summary counts them).

How it runs, and why so:

* The work unit is one row group of one input file (its rows read in slices of
  `chunk_rows`), so memory is bounded by a row group however large the dataset is; the
  parallelism is the number of row groups. Each unit writes its own part file
  ``part-<file>-<row group>.parquet``: the output is the same whatever the number of
  workers or the order they finish in.
* The classifier is the app's (`placement.classifier_for` over the node specs the caller
  gives: the database's chain maps for `zhaoshang chains place-parquet`), built once per
  worker process by `ClassifierPlugin` and called exactly as the registry calls it
  (`Classifier.classify(name=, scope=, industry_codes=)`); nothing here decides a placement.
* Everything is written to a hidden folder beside OUT and renamed to OUT at the end: a
  failure, a bad row or an interrupted run leaves no OUT at all, never a partial one.
* Bad input is refused with a message naming the file, the row group, the row and the
  column: the schema (missing columns, a column that is not text) is checked from the
  footers before any work starts; a broken row (no or an invalid credit code, no name, an
  industry code that is no GB/T 4754 class) or an unreadable row group stops the run at
  the first part that has one (up to `MAX_ERRORS` listed).

On a cluster (`scheduler=`), IN and OUT must be paths every worker can read and write (a
shared filesystem), and each worker needs this package installed.

Pure Python plus pyarrow and dask.distributed: no Django import, so workers need no
settings or database.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from distributed import WorkerPlugin

from zhaoshang.chains import placement
from zhaoshang.lib.chainmatch import Classifier, NodeSpec
from zhaoshang.lib.creditcode import CreditCodeError, validate_credit_code

INPUT_COLUMNS = ("uscc", "name", "business_scope", "industry_code")
PLACEMENT_TYPE = pa.struct(
    [("chain_code", pa.string()), ("node_code", pa.string()), ("confidence", pa.float64())]
)
OUTPUT_SCHEMA = pa.schema(
    [
        ("uscc", pa.string()),
        ("name", pa.string()),
        ("industry_code", pa.string()),
        ("business_scope", pa.string()),
        ("placements", pa.list_(PLACEMENT_TYPE)),
    ]
)
DEFAULT_CHUNK_ROWS = 20_000
MAX_ERRORS = 20
SUMMARY_FILE = "_placement.json"  # a leading underscore: Parquet readers skip it


class ParquetInputError(Exception):
    """The input cannot be placed; `messages` name the file, row group, row and column.
    Nothing was written."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


# --- planning: the parts of the input, checked from the footers ----------------------


@dataclass(frozen=True)
class Part:
    """One row group of one input file: the unit of work."""

    index: int  # position of its file in the input
    path: str
    row_group: int
    rows: int
    first_row: int  # the number of its first row in its file, counting from 1

    @property
    def label(self) -> str:
        return f"{Path(self.path).name}, 行组 row group {self.row_group}"

    @property
    def out_name(self) -> str:
        return f"part-{self.index:05d}-{self.row_group:05d}.parquet"


def input_files(source: Path) -> list[Path]:
    """The Parquet files of `source`: itself, or the ``*.parquet`` files under it (hidden
    and ``_`` files skipped, as Parquet readers do), in name order."""
    if source.is_dir():
        files = sorted(
            p
            for p in source.rglob("*.parquet")
            if p.is_file() and not any(part.startswith((".", "_")) for part in p.parts[-1:])
        )
        if not files:
            raise ParquetInputError(
                [f"{source}: 文件夹中没有 .parquet 文件 / no .parquet files in the folder"]
            )
        return files
    if not source.exists():
        raise ParquetInputError([f"{source}: 文件不存在 / no such file or folder"])
    return [source]


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)
    )


def check_schema(path: Path, schema: pa.Schema) -> list[str]:
    """Problems with a file's columns: missing ones, and ones that are not text."""
    names = set(schema.names)
    problems = []
    missing = [c for c in INPUT_COLUMNS if c not in names]
    if missing:
        problems.append(
            f"{path.name}: 缺少列 missing columns: {', '.join(missing)} "
            f"(找到 found: {', '.join(schema.names) or '—'})"
        )
    for column in INPUT_COLUMNS:
        if column in names and not _is_text(schema.field(column).type):
            problems.append(
                f"{path.name}: 列 column “{column}” 应为文本 must be text (string), "
                f"实为 is {schema.field(column).type}"
            )
    return problems


def plan(source: Path) -> list[Part]:
    """Every row group of every input file, after checking each file is Parquet and has the
    columns as text. Reads footers only. Raises ParquetInputError."""
    parts: list[Part] = []
    problems: list[str] = []
    for index, path in enumerate(input_files(source)):
        try:
            meta = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            problems.append(f"{path.name}: 不是 Parquet 文件 not a Parquet file ({exc})")
            continue
        file_problems = check_schema(path, meta.schema_arrow)
        if file_problems:
            problems += file_problems
            continue
        first = 1
        for group in range(meta.num_row_groups):
            rows = meta.metadata.row_group(group).num_rows
            parts.append(Part(index, str(path), group, rows, first))
            first += rows
    if problems:
        raise ParquetInputError(problems[:MAX_ERRORS])
    return parts


# --- the work on one part ---------------------------------------------------------------


@dataclass
class Placer:
    """The app's classifier with what the rows are checked against; one per worker."""

    classifier: Classifier
    class_codes: frozenset[str]
    codes: dict[str, tuple[str, str]]  # spec id -> (chain code, node code)

    @classmethod
    def build(cls, specs: Iterable[NodeSpec], class_codes: Iterable[str]) -> Placer:
        specs = list(specs)
        return cls(
            classifier=placement.classifier_for(specs),
            class_codes=frozenset(class_codes),
            codes={s.node: (s.chain, s.code) for s in specs},
        )


@dataclass
class PartResult:
    part: Part
    rows: int = 0
    placed: int = 0  # firms placed on at least one node
    placements: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of the thread that placed it: the work, whatever the machine's load


def _text(column: pa.Array) -> list[str | None]:
    if pa.types.is_dictionary(column.type) or pa.types.is_null(column.type):
        column = column.cast(pa.string())
    return column.to_pylist()


def place_batch(placer: Placer, batch: pa.RecordBatch, *, where: str, first_row: int):
    """(output table, errors) for one slice of rows. `first_row` numbers its first row."""
    usccs, names, scopes, industries = (_text(batch.column(c)) for c in INPUT_COLUMNS)
    classify, codes, class_codes = placer.classifier.classify, placer.codes, placer.class_codes
    out: dict[str, list] = {name: [] for name in OUTPUT_SCHEMA.names}
    errors: list[str] = []
    for i in range(batch.num_rows):
        row = f"{where}, 行 row {first_row + i}"
        raw_code = usccs[i]
        try:
            if raw_code is None or not raw_code.strip():
                raise CreditCodeError("", "为空", "empty")
            uscc = validate_credit_code(raw_code)
        except CreditCodeError as exc:
            errors.append(f"{row}, uscc: {exc}")
            continue
        name = (names[i] or "").strip()
        if not name:
            errors.append(f"{row}, name: 企业名称为空 / the name is empty")
            continue
        industry = (industries[i] or "").strip()
        if industry and industry not in class_codes:
            errors.append(
                f"{row}, industry_code: “{industry}” 不是 GB/T 4754-2017 行业小类代码 / "
                "is not a GB/T 4754-2017 class code"
            )
            continue
        if errors:  # only checking from here on: the run stops anyway
            continue
        scope = scopes[i] or ""
        matches = classify(name=name, scope=scope, industry_codes=[industry] if industry else [])
        if not matches:
            continue
        out["uscc"].append(uscc)
        out["name"].append(name)
        out["industry_code"].append(industry)
        out["business_scope"].append(scope)
        out["placements"].append(
            [
                {
                    "chain_code": codes[m.node][0],
                    "node_code": codes[m.node][1],
                    "confidence": m.confidence,
                }
                for m in matches
            ]
        )
    return pa.Table.from_pydict(out, schema=OUTPUT_SCHEMA), errors


def place_part(placer: Placer, part: Part, out_dir: str, chunk_rows: int) -> PartResult:
    """Place one row group into `out_dir/part.out_name`; on a broken row or an unreadable
    row group, the part file is removed and the errors returned."""
    started, cpu = time.perf_counter(), time.thread_time()
    result = PartResult(part)
    target = os.path.join(out_dir, part.out_name)
    row = part.first_row
    try:
        with pq.ParquetWriter(target, OUTPUT_SCHEMA, compression="zstd") as writer:
            batches = pq.ParquetFile(part.path).iter_batches(
                batch_size=chunk_rows, row_groups=[part.row_group], columns=list(INPUT_COLUMNS)
            )
            for batch in batches:
                table, errors = place_batch(placer, batch, where=part.label, first_row=row)
                row += batch.num_rows
                result.rows += batch.num_rows
                if errors:
                    result.errors = errors[:MAX_ERRORS]
                    break
                writer.write_table(table, row_group_size=chunk_rows)
                result.placed += table.num_rows
                result.placements += sum(pc.list_value_length(table["placements"]).to_pylist())
    except (pa.ArrowException, OSError) as exc:  # a corrupt page, a truncated file
        result.errors = [
            f"{part.label}: 行组无法读取 the row group cannot be read "
            f"(从第 from row {row} 行起): {exc}"
        ]
    if result.errors and os.path.exists(target):
        os.remove(target)
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = time.thread_time() - cpu
    return result


# --- one classifier per worker ------------------------------------------------------------

_PLACERS: dict[str, Placer] = {}  # per process: plugin name -> the placer it built


class ClassifierPlugin(WorkerPlugin):
    """Builds the placer once when a worker starts (or joins later) and keeps it in the
    worker's process for every part it runs."""

    idempotent = True  # registering it again with the same name changes nothing

    def __init__(self, name: str, specs: list[NodeSpec], class_codes: list[str]) -> None:
        self.name = name
        self.specs = specs
        self.class_codes = class_codes

    def setup(self, worker) -> None:
        if self.name not in _PLACERS:
            _PLACERS[self.name] = Placer.build(self.specs, self.class_codes)

    def teardown(self, worker) -> None:
        _PLACERS.pop(self.name, None)  # a long-lived cluster does not keep every run's placer


def _place_on_worker(name: str, part: Part, out_dir: str, chunk_rows: int) -> PartResult:
    return place_part(_PLACERS[name], part, out_dir, chunk_rows)


# --- the whole run ------------------------------------------------------------------------


@dataclass
class Summary:
    rows: int
    placed: int
    placements: int
    parts: int
    workers: int
    seconds: float
    nodes: int
    target: str
    cpu_seconds: float = 0.0  # placing the parts, summed over the workers

    @property
    def rows_per_cpu_second(self) -> float:
        return self.rows / self.cpu_seconds if self.cpu_seconds else 0.0

    def as_json(self) -> dict:
        return dict(self.__dict__)


def _prepare(target: Path) -> Path:
    if target.exists():
        raise ParquetInputError(
            [f"{target}: 已存在，不覆盖 / already exists; it is not overwritten (remove it first)"]
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp


def _finish(tmp: Path, target: Path, summary: Summary) -> None:
    (tmp / SUMMARY_FILE).write_text(json.dumps(summary.as_json(), indent=1), encoding="utf-8")
    os.rename(tmp, target)


def _collect(results: Iterable[PartResult], total: int, progress) -> tuple[int, int, int, float]:
    rows = placed = placements = 0
    cpu = 0.0
    for result in results:
        if result.errors:
            raise ParquetInputError(result.errors)
        rows += result.rows
        placed += result.placed
        placements += result.placements
        cpu += result.cpu_seconds
        if progress:
            progress(rows, total)
    return rows, placed, placements, cpu


def place_parquet(
    source: Path,
    target: Path,
    *,
    specs: Sequence[NodeSpec],
    class_codes: Iterable[str],
    workers: int = 2,
    scheduler: str | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Place every row of `source` into the Parquet folder `target` with Dask: a
    `LocalCluster` of `workers` processes (one thread each: the classifier is pure Python),
    or the running cluster at `scheduler`. All or nothing: ParquetInputError names the
    problems and leaves no `target`."""
    from distributed import Client, LocalCluster, as_completed

    started = time.perf_counter()
    source, target = Path(source), Path(target)
    parts = plan(source)
    total = sum(p.rows for p in parts)
    tmp = _prepare(target)
    cluster = None
    # the scheduler's and workers' start and stop notices would bury the progress bar
    logging.getLogger("distributed").setLevel(logging.WARNING)
    try:
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # its small HTTP server (health, metrics) on a free port: 8787 may be taken
                scheduler_kwargs={"dashboard_address": ":0"},
                # a worker's heartbeat racing the scheduler's shutdown is logged as an error;
                # a task's own failure reaches the client and is reported from there
                silence_logs=logging.CRITICAL,
            )
            client = Client(cluster)
        try:
            name = f"zhaoshang-placer-{uuid.uuid4().hex[:8]}"
            client.register_plugin(
                ClassifierPlugin(name, list(specs), sorted(class_codes)), name=name
            )
            n_workers = len(client.nthreads())
            futures = [
                client.submit(_place_on_worker, name, part, str(tmp), chunk_rows, pure=False)
                for part in parts
            ]
            try:
                rows, placed, placements, cpu = _collect(
                    (f.result() for f in as_completed(futures)), total, progress
                )
            except BaseException:
                client.cancel(futures)  # the first bad part stops the run
                raise
            finally:
                if scheduler:
                    client.unregister_worker_plugin(name)
        finally:
            client.close()
        summary = Summary(rows, placed, placements, len(parts), n_workers,
                          round(time.perf_counter() - started, 3), len(specs), str(target),
                          round(cpu, 3))  # fmt: skip
        _finish(tmp, target, summary)
        return summary
    finally:
        if cluster is not None:
            cluster.close()
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def place_parquet_here(
    source: Path,
    target: Path,
    *,
    specs: Sequence[NodeSpec],
    class_codes: Iterable[str],
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """The same run in this process, without Dask (the benchmark's baseline): the same
    parts, the same `place_part`, the same output."""
    started = time.perf_counter()
    source, target = Path(source), Path(target)
    parts = plan(source)
    total = sum(p.rows for p in parts)
    tmp = _prepare(target)
    try:
        placer = Placer.build(specs, class_codes)
        rows, placed, placements, cpu = _collect(
            (place_part(placer, part, str(tmp), chunk_rows) for part in parts), total, progress
        )
        summary = Summary(rows, placed, placements, len(parts), 0,
                          round(time.perf_counter() - started, 3), len(specs), str(target),
                          round(cpu, 3))  # fmt: skip
        _finish(tmp, target, summary)
        return summary
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# --- reading the placements of one region back --------------------------------------------


def read_region(target: Path, division: str, *, batch_rows: int = 200_000) -> list[dict]:
    """The placed firms of OUT whose credit code was issued in `division` (a province,
    prefecture city or county code: positions 3-8 of the code are the registering
    authority's division, GB 32100-2015), in the order of OUT's files. Streams OUT."""
    files = input_files(Path(target))
    out: list[dict] = []
    start, stop = 2, 2 + len(division)
    for path in files:
        try:
            handle = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise ParquetInputError(
                [f"{path.name}: 不是 Parquet 文件 not a Parquet file ({exc})"]
            ) from None
        missing = [c for c in OUTPUT_SCHEMA.names if c not in handle.schema_arrow.names]
        if missing:
            raise ParquetInputError(
                [
                    f"{path.name}: 不是 place-parquet 的输出，缺少列 / not place-parquet output, "
                    f"missing columns: {', '.join(missing)}"
                ]
            )
        for batch in handle.iter_batches(batch_size=batch_rows, columns=OUTPUT_SCHEMA.names):
            mine = pc.equal(pc.utf8_slice_codeunits(batch["uscc"], start, stop), division)
            out.extend(batch.filter(mine).to_pylist())
    return out
