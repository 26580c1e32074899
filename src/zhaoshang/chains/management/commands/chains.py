import csv
import io
import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

HELP = """Industrial chains: place enterprises on nodes, list gaps, rank targets, try the classifier

  zhaoshang chains place                      place every enterprise and project (progress bar)
  zhaoshang chains gaps [--chain 新能源] [--format json] [--only-gaps]
  zhaoshang chains targets NODE [--chain 新能源] [--weights fit=40,size=20] [--limit 20]
  zhaoshang chains classify FILE.csv --format json   (columns name, business_scope[, industry_code])
  zhaoshang chains import FILE.yaml           create or update a chain from YAML
  zhaoshang chains export CHAIN [-o FILE]     write a chain as YAML
  zhaoshang chains tasks [--chain 新能源] [--month 2023-06] [--due] [--format json]
                                              chain tasks with their lights as of the month's end
  zhaoshang chains place-parquet IN OUT [--workers 2] [--scheduler ADDRESS] [--chunk-rows N]
                                              place a Parquet registry (uscc, name, business_scope,
                                              industry_code) with Dask; OUT: one row per placed firm
  zhaoshang chains load-placements OUT --county 张家港市 [--dry-run] [--synthetic]
                                              the placed firms whose credit code was issued in the
                                              county (city, province) into the registry
"""


def _progress(label: str):
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        rate = done / max(time.monotonic() - started, 1e-6)
        sys.stderr.write(
            f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f}/s)"
        )
        sys.stderr.flush()
        if done >= total:
            sys.stderr.write("\n")

    return show


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise CommandError(f"{path}: cannot read the file as UTF-8 or GB18030")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in ("name", "business_scope") if c not in columns]
    if missing:
        raise CommandError(
            f"{path}: missing columns {', '.join(missing)} (found: {', '.join(columns) or 'none'})"
        )
    return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]


def _fail(exc) -> CommandError:
    from zhaoshang.core.errors import InputError

    if isinstance(exc, InputError):
        return CommandError(
            "\n".join(f"{field}: {'; '.join(msgs)}" for field, msgs in exc.fields.items())
        )
    return CommandError(str(exc))


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        place = sub.add_parser("place", help="place every enterprise and project on nodes")
        place.add_argument("--enterprises-only", action="store_true")
        place.add_argument("--projects-only", action="store_true")
        gaps = sub.add_parser("gaps", help="strength of every node: strong, weak or missing")
        gaps.add_argument("--chain", help="a chain's name or code (新能源, new-energy)")
        gaps.add_argument("--format", choices=["table", "json"], default="table")
        gaps.add_argument("--only-gaps", action="store_true", help="only weak and missing nodes")
        targets = sub.add_parser("targets", help="ranked target enterprises for a node")
        targets.add_argument("node", help="chain/node code (new-energy/inverter) or node name")
        targets.add_argument("--chain", help="the chain, when the node name is in several")
        targets.add_argument("--weights", default="", help="e.g. fit=40,size=20,links=0")
        targets.add_argument("--limit", type=int, default=20)
        targets.add_argument("--format", choices=["table", "json"], default="table")
        classify = sub.add_parser("classify", help="place the rows of a CSV without storing them")
        classify.add_argument("file", type=Path)
        classify.add_argument("--format", choices=["table", "json"], default="table")
        classify.add_argument(
            "--min-confidence", type=float, default=None, help="default 0.35; 0 shows everything"
        )
        imp = sub.add_parser("import", help="create or update a chain from a YAML file")
        imp.add_argument("file", type=Path)
        exp = sub.add_parser("export", help="write a chain as YAML")
        exp.add_argument("chain")
        exp.add_argument("-o", "--output", type=Path)
        tasks = sub.add_parser("tasks", help="chain tasks (强链、补链、延链) with their lights")
        tasks.add_argument("--chain", help="a chain's name or code (新能源, new-energy)")
        tasks.add_argument("--month", help="YYYY-MM: lights as of its last day (default today)")
        tasks.add_argument(
            "--due", action="store_true", help="only tasks due in the month or overdue and open"
        )
        tasks.add_argument("--format", choices=["table", "json"], default="table")
        self._add_parquet_arguments(sub)

    def _add_parquet_arguments(self, sub):
        from zhaoshang.chains.parquet import DEFAULT_CHUNK_ROWS

        pp = sub.add_parser(
            "place-parquet", help="place a Parquet enterprise registry on nodes with Dask"
        )
        pp.add_argument("input", type=Path, help="a Parquet file or a folder of them")
        pp.add_argument("output", type=Path, help="the folder to write (must not exist)")
        pp.add_argument("--workers", type=int, default=2, help="local worker processes (default 2)")
        pp.add_argument(
            "--scheduler", help="a running Dask scheduler (tcp://host:8786) instead of local"
        )
        pp.add_argument(
            "--chunk-rows",
            type=int,
            default=DEFAULT_CHUNK_ROWS,
            help=f"rows read and written at a time (default {DEFAULT_CHUNK_ROWS:,})",
        )
        lp = sub.add_parser(
            "load-placements", help="place-parquet output of one county into the registry"
        )
        lp.add_argument("output", type=Path, help="the folder place-parquet wrote")
        lp.add_argument(
            "--county", required=True, help="a county, prefecture city or province (name or code)"
        )
        lp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        lp.add_argument(
            "--overwrite", action="store_true", help="replace facts the registry holds differently"
        )
        lp.add_argument("--synthetic", action="store_true", help="mark the new firms as synthetic")
        lp.add_argument("--user", help="the account the import is made as")
        lp.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['action'].replace('-', '_')}")(options)

    def _write(self, text: str) -> None:
        self.stdout.write(text)

    def do_place(self, options):
        from zhaoshang.chains import services

        if not options["projects_only"]:
            r = services.place_enterprises(progress=_progress("企业 / enterprises"))
            self._write(
                f"企业 {r.objects} 家，自动定位 {r.placements} 条，保留人工判断 {r.manual_kept} 条"
                f"（{r.seconds:.1f} 秒） / enterprises {r.objects}, automatic placements "
                f"{r.placements}, a person's decisions kept {r.manual_kept} ({r.seconds:.1f} s)"
            )
        if not options["enterprises_only"]:
            r = services.place_projects(progress=_progress("项目 / projects"))
            self._write(
                f"项目 {r.objects} 个，自动定位 {r.placements} 条（{r.seconds:.1f} 秒） / "
                f"projects {r.objects}, automatic placements {r.placements} ({r.seconds:.1f} s)"
            )

    def _chain_ids(self, options):
        from zhaoshang.chains.queries import find_chain

        if not options.get("chain"):
            return None
        chain = find_chain(options["chain"])
        if chain is None:
            raise CommandError(f"--chain: no chain “{options['chain']}”")
        return [chain.pk]

    def do_gaps(self, options):
        from zhaoshang.chains.gaps import node_stats, rule_text

        stats = node_stats(self._chain_ids(options))
        if options["only_gaps"]:
            stats = [s for s in stats if s.klass != "strong"]
        if options["format"] == "json":
            self._write(json.dumps([s.as_json() for s in stats], ensure_ascii=False, indent=1))
            return
        for s in stats:
            self._write(
                f"{s.chain_name:<12} {'  ' * s.depth}{s.name:<20} {s.position:<10} {s.klass:<8} "
                f"{s.enterprises:>5} {s.projects:>5}"
            )
        self._write(rule_text())

    def do_tasks(self, options):
        from zhaoshang.chains.queries import find_chain
        from zhaoshang.chains.tasks import task_rows
        from zhaoshang.progress.months import Month

        chain = None
        if options.get("chain"):
            chain = find_chain(options["chain"])
            if chain is None:
                raise CommandError(f"--chain: no chain “{options['chain']}”")
        month = None
        if options.get("month"):
            try:
                month = Month.parse(options["month"])
            except ValueError as exc:
                raise CommandError(f"--month: {exc}") from None
        rows = task_rows(chain=chain, month=month, due_only=options["due"])
        if options["format"] == "json":
            self._write(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
            return
        for r in rows:
            self._write(
                f"{r.level:<6} {r.chain_name:<10} {r.kind:<10} {r.deadline} {r.status:<11} "
                f"{r.owner:<12} {r.goal}"
            )

    def do_targets(self, options):
        from zhaoshang.chains import services
        from zhaoshang.chains.queries import find_chain, find_nodes
        from zhaoshang.chains.targets import rank_targets
        from zhaoshang.core.errors import InputError

        chain = None
        if options.get("chain"):
            chain = find_chain(options["chain"])
            if chain is None:
                raise CommandError(f"--chain: no chain “{options['chain']}”")
        nodes = list(find_nodes(options["node"], chain))
        if not nodes:
            raise CommandError(f"NODE: no node “{options['node']}”")
        if len(nodes) > 1:
            where = ", ".join(f"{n.chain.code}/{n.code}" for n in nodes)
            raise CommandError(f"NODE: “{options['node']}” is in several chains: {where}")
        weights = services.default_weights()
        if options["weights"]:
            pairs = {}
            for item in options["weights"].split(","):
                key, _sep, value = item.partition("=")
                pairs[key.strip()] = value.strip()
            unknown = sorted(set(pairs) - set(weights))
            if unknown:
                raise CommandError(f"--weights: unknown part {', '.join(unknown)}")
            try:
                weights.update(services.parse_weights(pairs))
            except InputError as exc:
                raise _fail(exc) from None
            if not any(weights.values()):
                raise CommandError("--weights: at least one weight must be above zero")
        node = nodes[0]
        ranked = rank_targets(node, weights=weights, limit=options["limit"])
        if options["format"] == "json":
            data = {
                "chain": node.chain.name,
                "node": node.name,
                "weights": weights,
                "targets": [t.as_json() for t in ranked],
            }
            self._write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        self._write(f"{node.chain.name} / {node.name}  weights {weights}")
        for i, t in enumerate(ranked, 1):
            parts = "  ".join(f"{p.key}={p.value:.2f}" for p in t.parts)
            here = ("本地" if t.is_local else "外地") + (f" {t.place}" if t.place else "")
            self._write(f"{i:>3}. {t.score:5.1f}  {t.name} ({here})  {parts}")
            for p in t.parts:
                self._write(f"        {p.key}: {p.why}")

    def do_classify(self, options):
        from zhaoshang.chains import services
        from zhaoshang.core.errors import InputError

        path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        rows = _read_csv(path)
        try:
            result = services.classify_rows(rows, min_confidence=options["min_confidence"])
        except InputError as exc:
            raise _fail(exc) from None
        if options["format"] == "json":
            self._write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        for row in result:
            nodes = "; ".join(
                f"{n['chain']}/{n['node']} {n['confidence']:.2f}" for n in row["nodes"]
            )
            self._write(f"{row['name']}: {nodes or '—'}")

    def do_import(self, options):
        from zhaoshang.chains import services
        from zhaoshang.core.errors import InputError

        path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            chain = services.import_chain(
                user=None, text=path.read_text(encoding="utf-8"), check_rights=False,
                reason=f"zhaoshang chains import {path.name}",
            )  # fmt: skip
        except InputError as exc:
            raise _fail(exc) from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not a UTF-8 text file") from None
        self._write(f"{chain.code} {chain.name}: {chain.nodes.count()} nodes")

    def do_export(self, options):
        from zhaoshang.chains.queries import find_chain
        from zhaoshang.chains.taxonomy import chain_to_yaml

        chain = find_chain(options["chain"])
        if chain is None:
            raise CommandError(f"CHAIN: no chain “{options['chain']}”")
        text = chain_to_yaml(chain)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self._write(f"{options['output']}")
        else:
            self._write(text)

    def do_place_parquet(self, options):
        from zhaoshang.chains import services
        from zhaoshang.chains.parquet import ParquetInputError, place_parquet

        if options["workers"] < 1:
            raise CommandError("--workers: at least 1")
        if options["chunk_rows"] < 1:
            raise CommandError("--chunk-rows: at least 1")
        # the nodes and the classifier set-up exactly as `chains place` has them
        specs = services.build_classifier().nodes
        if not specs:
            raise CommandError(
                "没有产业链图谱 / no chain maps in the database: run `zhaoshang chains import`"
            )
        try:
            summary = place_parquet(
                options["input"],
                options["output"],
                specs=specs,
                class_codes=services._class_codes(),
                workers=options["workers"],
                scheduler=options["scheduler"],
                chunk_rows=options["chunk_rows"],
                progress=_progress("企业 / enterprises"),
            )
        except ParquetInputError as exc:
            raise CommandError(
                f"{exc}\n未写入 {options['output']} / nothing written", returncode=2
            ) from None
        rate = summary.rows / max(summary.seconds, 1e-9)
        self._write(
            f"企业 {summary.rows:,} 家，定位 {summary.placed:,} 家、{summary.placements:,} 条，"
            f"{summary.workers} 个进程，{summary.seconds:.1f} 秒 / enterprises {summary.rows:,}, "
            f"placed {summary.placed:,} ({summary.placements:,} placements), "
            f"{summary.workers} workers, {summary.seconds:.1f} s ({rate:,.0f}/s) → {summary.target}"
        )

    def do_load_placements(self, options):
        from zhaoshang.chains.parquet import ParquetInputError
        from zhaoshang.core.errors import NotAllowed
        from zhaoshang.enterprises.management.commands.universe import Command as Universe
        from zhaoshang.enterprises.universe import UniverseRefused, import_universe

        division, name = self._division(options["county"])
        try:
            rows, expected = _county_rows(options["output"], division)
        except ParquetInputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if not rows:
            self._write(
                f"{options['output']} 中没有{name}的已定位企业 / no placed firms of {name} "
                f"({division}) in {options['output']}"
            )
            return
        universe = Universe(stdout=self.stdout, stderr=self.stderr)
        user = universe._user(options["user"])
        refused = False
        try:
            result = import_universe(
                user=user,
                rows=rows,
                dry_run=options["dry_run"],
                overwrite=options["overwrite"],
                reason=f"chains load-placements {options['output'].name} --county {name}",
                is_synthetic=options["synthetic"],
            )
        except UniverseRefused as exc:
            result, refused = exc.result, True
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None
        same = _same_placements(result, expected)
        if options["format"] == "json":
            data = {**result.as_json(), "division": division, "as_in_file": same}
            self._write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            universe._table(result)
            self._write(
                f"{name}：文件中已定位 {len(rows)} 家，登记簿定位与文件相同 {same} 家 / {name}: "
                f"{len(rows)} placed firms in the file, {same} placed by the registry as in the file"
            )
        if refused or result.refused:
            raise CommandError(
                f"{len(result.refused)} 行被拒绝，未写入 / rows refused, nothing written",
                returncode=1,
            )

    def _division(self, text: str) -> tuple[str, str]:
        """A province, prefecture city or county: (division code, name)."""
        from zhaoshang.core.names import Lookup

        names = Lookup()
        code = names.place(text)
        if code is None:
            raise CommandError(f"--county: {names.place_error(text)}")
        if len(code) > 6:
            raise CommandError(
                f"--county: “{text}” 是乡镇级单位，信用代码只记到县 / is a township unit; "
                "credit codes name the county at most"
            )
        return code, names.place_name(code)


def _county_rows(output: Path, division: str):
    """The universe import's rows for the firms of `division` in `output`, and per row the
    file's nodes as "chain name · node name" (the import shows the registry's that way)."""
    from zhaoshang.chains.models import Node
    from zhaoshang.chains.parquet import read_region
    from zhaoshang.regions.models import Region

    found = read_region(output, division)
    places = set(Region.objects.filter(code__startswith=division).values_list("code", flat=True))
    labels = {
        (chain, code): f"{chain_name} · {name}"
        for chain, code, chain_name, name in Node.objects.values_list(
            "chain__code", "code", "chain__name", "name"
        )
    }
    rows, expected = [], {}
    for number, firm in enumerate(found, start=1):
        place = firm["uscc"][2:8]  # the registering authority's county when it is one
        rows.append(
            (
                number,
                {
                    "name": firm["name"],
                    "credit_code": firm["uscc"],
                    "industry": firm["industry_code"],
                    "business_scope": firm["business_scope"],
                    "place": place if place in places else division,
                },
            )
        )
        expected[number] = {
            labels.get((p["chain_code"], p["node_code"]), f"{p['chain_code']}/{p['node_code']}")
            for p in firm["placements"]
        }
    return rows, expected


def _same_placements(result, expected: dict[int, set[str]]) -> int:
    """How many firms the registry placed on exactly the nodes the file has."""
    return sum(1 for r in result.rows if r.enterprise_id and set(r.nodes) == expected[r.row])
