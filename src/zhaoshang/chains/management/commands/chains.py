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

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['action']}")(options)

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
