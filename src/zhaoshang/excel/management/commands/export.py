"""`zhaoshang export`: the ledger as a workbook, in the ledger, monthly or list layout;
`zhaoshang export oc4ids`: the public and infrastructure projects as OC4IDS open data."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from zhaoshang.excel import layouts
from zhaoshang.excel.views import _filters_text, _month
from zhaoshang.projects import oc4ids
from zhaoshang.projects.models import Project
from zhaoshang.projects.queries import filter_projects, ledger_queryset


class Command(BaseCommand):
    help = (
        "Export projects to .xlsx in the ledger, monthly report or list layout, or as OC4IDS\n\n"
        "Takes the ledger page's filters. The ledger layout imports again unchanged.\n"
        "`export oc4ids -o projects.json` writes the public and infrastructure projects (and\n"
        "those marked 公开发布) as an OC4IDS project package; --format csv|xlsx writes its\n"
        "flattened form. Synthetic projects only with --synthetic synthetic."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "what",
            nargs="?",
            choices=["workbook", "oc4ids"],
            default="workbook",
            help="workbook (default) or oc4ids (open data)",
        )
        parser.add_argument("--layout", choices=layouts.LAYOUTS, default="ledger")
        parser.add_argument(
            "--format",
            choices=oc4ids.FORMATS,
            default=None,
            help="oc4ids only: json (default), csv (a .zip of CSV files) or xlsx",
        )
        parser.add_argument(
            "--uri",
            default="",
            help="oc4ids only: the address the package is published at (default: the file)",
        )
        parser.add_argument(
            "--output",
            "-o",
            help="file to write (default: <layout>-<date>.xlsx, oc4ids-<date>.json|zip|xlsx)",
        )
        parser.add_argument("--q", default="", help="search name, code, investor")
        parser.add_argument("--stage", default="")
        parser.add_argument("--status", default="")
        parser.add_argument("--unit", default="", help="township unit code, name or alias")
        parser.add_argument("--industry", default="", help="industry section letter or code prefix")
        parser.add_argument("--synthetic", choices=["", "real", "synthetic"], default="")
        parser.add_argument("--month", default="", help="YYYY-MM for the monthly layout")
        parser.add_argument("--lang", default="zh-hans")

    def handle(self, *args, **options):
        with translation.override(options["lang"]):
            return self._handle(options)

    def _handle(self, options):
        if options["what"] == "oc4ids":
            return self._oc4ids(options)
        if options["format"] or options["uri"]:
            raise CommandError("--format and --uri apply to `export oc4ids` only")
        month = None
        if options["month"]:
            month = _month(options["month"])
            if month is None:
                raise CommandError("--month is YYYY-MM, e.g. 2023-03")
        params = {k: options[k].strip() for k in ("q", "stage", "status", "unit", "industry")}
        qs = filter_projects(
            Project.objects.all(),
            **params,
            is_synthetic={"real": False, "synthetic": True}.get(options["synthetic"]),
        )
        output = Path(
            options["output"] or f"{options['layout']}-{timezone.localdate():%Y%m%d}.xlsx"
        )
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r导出 export {done:,}/{total:,}")
            sys.stderr.flush()

        with output.open("wb") as fh:
            count = layouts.export(
                qs,
                options["layout"],
                fh,
                filters=_filters_text(params, options["synthetic"]),
                month=month,
                progress=progress,
            )
        sys.stderr.write("\n")
        self.stdout.write(f"{output}: {count} 个项目 projects ({time.monotonic() - started:.1f} s)")

    def _oc4ids(self, options):
        """The same filters as the ledger (`ledger_queryset`), then the export's own rule."""
        fmt = options["format"] or "json"
        data = {k: options[k] for k in ("q", "stage", "status", "unit", "industry", "synthetic")}
        qs, params = ledger_queryset(Project.objects.all(), data)
        if params.errors:
            raise CommandError(
                "; ".join(
                    f"--{key}: 未知值 unknown value “{params.values[key]}”" for key in params.errors
                )
            )
        qs = oc4ids.published_projects(qs, synthetic=options["synthetic"] == "synthetic")
        output = Path(
            options["output"] or f"oc4ids-{timezone.localdate():%Y%m%d}{oc4ids.file_suffix(fmt)}"
        ).expanduser()
        if output.is_dir():
            raise CommandError(f"{output} is a folder: give a file name, e.g. -o projects.json")
        uri = options["uri"] or output.resolve().as_uri()
        try:
            package = oc4ids.build_package(qs, uri=uri)
            content = oc4ids.package_bytes(package, fmt)
        except oc4ids.OC4IDSError as exc:
            raise CommandError(str(exc)) from None
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
        self.stdout.write(f"{output}: {len(package['projects'])} 个项目 projects (OC4IDS, {fmt})")
