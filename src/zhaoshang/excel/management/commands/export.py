"""`zhaoshang export`: the ledger as a workbook, in the ledger, monthly or list layout."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from zhaoshang.excel import layouts
from zhaoshang.excel.views import _filters_text, _month
from zhaoshang.projects.models import Project
from zhaoshang.projects.queries import filter_projects


class Command(BaseCommand):
    help = (
        "Export projects to .xlsx in the ledger, monthly report or list layout\n\n"
        "Takes the ledger page's filters. The ledger layout imports again unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--layout", choices=layouts.LAYOUTS, default="ledger")
        parser.add_argument("--output", "-o", help="file to write (default: <layout>-<date>.xlsx)")
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
