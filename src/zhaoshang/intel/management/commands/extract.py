"""`zhaoshang extract FILE... [--format json]`: read articles, print what was found.

With --format json: one JSON object per file, one per line, with exactly the keys
{"file", "amounts", "projects", "batches"} (see zhaoshang.lib.extract.Extraction.as_json);
other tools rely on it. FILE "-" reads standard input. A file that cannot be read gives a
line {"file": ..., "error": "..."} and the exit status 1 at the end; the others are still read.
"""

from __future__ import annotations

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.utils import DatabaseError

from zhaoshang.lib.extract import Gazetteer, extract
from zhaoshang.lib.extract.files import MAX_BYTES, FileRefused, read_article
from zhaoshang.lib.money import Qualifier, format_wan


def _context() -> tuple[Gazetteer, list[str]]:
    """The city's places and investors from the database; the reference data if there is none."""
    from zhaoshang.intel.services import home_gazetteer, known_investors

    try:
        return home_gazetteer(), known_investors()
    except DatabaseError:
        from zhaoshang.regions import reference

        names = {}
        for code, name, level, _kind, parent in reference.division_rows():
            if level == 4 and parent == "320582":
                names[name] = (code, reference.SHORT_NAMES.get(code, name))
        for code, aliases in reference.ALIASES.items():
            for alias, _note in aliases:
                names.setdefault(alias, (code, reference.SHORT_NAMES.get(code, alias)))
        return Gazetteer(names, reference.MERGED), []


class Command(BaseCommand):
    help = (
        "Read news or notices (.txt, .docx, .html; '-' for standard input) and print the "
        "amounts, projects and batches found"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--date",
            help="publication date (2023-01-31) relative dates are read against; "
            "default: the text's own date line or most frequent year",
        )

    def handle(self, *args, **options):
        published = None
        if options["date"]:
            try:
                published = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"无法识别的日期：“{options['date']}”，请写作 2023-01-31 / "
                    f'Unrecognised date "{options["date"]}"; write 2023-01-31'
                ) from None
        gazetteer, investors = _context()
        failed = False
        for name in options["files"]:
            try:
                text = self._read(name)
            except (OSError, FileRefused) as exc:
                failed = True
                message = (
                    str(exc) if isinstance(exc, FileRefused) else f"{name}: {exc.strerror or exc}"
                )
                if options["format"] == "json":
                    self.stdout.write(
                        json.dumps({"file": name, "error": message}, ensure_ascii=False)
                    )
                else:
                    self.stderr.write(message)
                continue
            result = extract(text, published=published, gazetteer=gazetteer, investors=investors)
            if options["format"] == "json":
                self.stdout.write(json.dumps(result.as_json(name), ensure_ascii=False))
            else:
                self._table(name, result)
        if failed:
            sys.exit(1)

    def _read(self, name: str) -> str:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(name, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        return read_article(data, "stdin.txt" if name == "-" else name).text

    def _table(self, name: str, result) -> None:
        w = self.stdout.write
        w(f"== {name}  (参照日期 / read against: {result.reference_date or '—'})")
        if not result.amounts:
            w("  未找到金额 / no amounts found")
        for a in result.amounts:
            w(
                f"  {a.start:>6}-{a.end:<6} {a.text:<18} "
                f"{format_wan(a.value_wan, Qualifier(a.qualifier)):>14}  {a.role}"
            )
        for i, p in enumerate(result.projects, 1):
            parts = [f"  项目 project {i}: {p.name}"]
            if p.phase:
                parts.append(f"[{p.phase}]")
            w(" ".join(parts))
            fields = [
                ("investor", p.investor),
                ("location", p.location),
                ("event", f"{p.event} {p.event_date or ''}".strip()),
                ("total", p.total_investment and p.total_investment.text),
                ("revenue", p.annual_revenue and p.annual_revenue.text),
                ("tax", p.annual_tax and p.annual_tax.text),
                ("output", p.annual_output_value and p.annual_output_value.text),
                ("capacity", p.capacity),
            ]
            w("      " + "; ".join(f"{k}: {v}" for k, v in fields if v))
        for i, b in enumerate(result.batches, 1):
            total = b.total_investment.text if b.total_investment else "—"
            w(
                f"  批次 batch {i}: {b.project_count or '?'} projects, total {total}, "
                f"{b.event} {b.date or ''} {b.location or ''}".rstrip()
            )
