"""`zhaoshang import FILE`: check a ledger workbook (dry run); `--commit` writes it."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zhaoshang.core.errors import NotAllowed
from zhaoshang.excel import services
from zhaoshang.lib.excel import WorkbookError

PHASE_NAMES = {"parse": "读取 read", "check": "检查 check", "write": "写入 write"}


class ProgressBar:
    """`检查 check [#########-----------]  45%  45,000/100,000 rows  9,120 rows/s` on stderr."""

    def __init__(self, stream, enabled: bool) -> None:
        self.stream, self.enabled = stream, enabled
        self.phase, self.started, self.last = "", time.monotonic(), 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if phase != self.phase:
            if self.phase:
                self.stream.write("\n")
            self.phase, self.started = phase, now
        elif now - self.last < 0.1 and done < total:
            return
        self.last = now
        share = done / total if total else 1
        filled = int(share * 30)
        rate = done / max(now - self.started, 1e-6)
        self.stream.write(
            f"\r{PHASE_NAMES.get(phase, phase)} [{'#' * filled}{'-' * (30 - filled)}] "
            f"{share:4.0%}  {done:,}/{total:,} rows  {rate:,.0f} rows/s"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.phase:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import a ledger workbook (.xlsx .xls .ods .csv), or with --monthly YYYY-MM a unit's "
        "monthly report: a dry run unless --commit\n\n"
        "Prints what would be created, changed and left alone and every problem by row and "
        "field; with --commit and no problems writes it all in one transaction. The exit "
        "status is 1 when a row has a problem (nothing is written) and 2 when the file "
        "cannot be read as a ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook")
        parser.add_argument(
            "--commit", action="store_true", help="write when there are no problems"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--user",
            help="the account the import is made as (default: the first city administrator)",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="read a column as a field, e.g. --map '进展情况=' (ignore) or --map '投资额=total_investment@亿元'",
        )
        parser.add_argument(
            "--save-mapping",
            action="store_true",
            help="remember the --map choices for this account (see --saved-mapping)",
        )
        parser.add_argument(
            "--saved-mapping",
            action="store_true",
            help="also apply the mappings this account remembered (never anyone else's)",
        )
        parser.add_argument(
            "--monthly",
            metavar="YYYY-MM",
            help="read the file as a township unit's monthly report for this month (本月完成, "
            "累计完成, 到位资金, 入统, 形象进度), checked and written by the entry grid's rules",
        )
        parser.add_argument(
            "--unit", help="with --monthly: the township unit (name or code; default: the user's)"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        parser.add_argument(
            "--lang", default="zh-hans", help="language of the messages (zh-hans, en)"
        )

    def handle(self, *args, **options):
        with translation.override(options["lang"]):
            return self._handle(options)

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).select_related("profile").first()
            if user is None:
                raise CommandError(f"no active user “{username}”")
            return user
        user = (
            users.filter(is_superuser=True).order_by("pk").first()
            or users.filter(profile__role="city_admin").order_by("pk").first()
        )
        if user is None:
            raise CommandError("no city administrator exists; name the account with --user")
        return user

    def _handle(self, options):
        from zhaoshang.lib.excel import header_key

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = self._user(options["user"])
        if options["monthly"]:
            from zhaoshang.excel.monthly_command import run_monthly

            return run_monthly(self, path, user, options)
        mapping = {}
        for item in options["map"]:
            header, sep, target = item.partition("=")
            if not sep:
                raise CommandError(f"--map needs HEADER=FIELD, not “{item}”")
            mapping[header_key(header) if "/" not in header else header] = target.strip()
        if options["save_mapping"] and mapping:
            services.save_mapping(user=user, columns={k: (k, v) for k, v in mapping.items()})
        if options["saved_mapping"]:
            mapping = {**services.saved_mapping(user), **mapping}
        bar = ProgressBar(sys.stderr, not options["no_progress"])
        as_json = options["format"] == "json"
        try:
            result = services.import_workbook(
                user=user,
                data=path.read_bytes(),
                filename=path.name,
                commit=options["commit"],
                mapping=mapping,
                progress=bar,
            )
        except (WorkbookError, NotAllowed) as exc:
            bar.close()
            message = services.workbook_message(exc) if isinstance(exc, WorkbookError) else str(exc)
            if as_json:
                self.stdout.write(json.dumps({
                    "file": path.name, "committed": False, "created": 0, "updated": 0,
                    "unchanged": 0, "skipped": [],
                    "errors": [{"row": None, "field": "", "value": path.name, "message": message}],
                }, ensure_ascii=False, indent=2))  # fmt: skip
            else:
                self.stderr.write(message)
            sys.exit(2)
        bar.close()
        if as_json:
            self.stdout.write(
                json.dumps(result.as_json(), ensure_ascii=False, indent=2, default=str)
            )
        else:
            self._text(result, options["commit"])
        if result.errors:
            sys.exit(1)

    def _text(self, result, commit: bool) -> None:
        out = self.stdout
        counts = result.counts
        verb = "已写入 written" if result.committed else "试导入 dry run"
        out.write(
            f"{result.filename}: {verb}: 新增 created {counts['created']}, "
            f"变更 updated {counts['updated']}, 未变 unchanged {counts['unchanged']}, "
            f"跳过 skipped {len(result.skipped())}, 问题 errors {len(result.errors)}"
        )
        for e in result.errors:
            out.write(
                f"  ✗ {e['sheet']} 第{e['row']}行 row {e['row']} · {e['field']} · “{e['value']}”: {e['message']}"
            )
        for w in result.warnings():
            out.write(f"  ! {w['sheet']} 第{w['row']}行 row {w['row']}: {w['message']}")
        for s in result.skipped():
            where = f"第{s['row']}行 row {s['row']}" if s["row"] else ""
            out.write(f"  - {s['sheet']} {where}: {s['reason']}")
        for c in result.columns():
            if c["how"] in ("unknown", "duplicate", "not_stored"):
                out.write(
                    f"  ? {c['sheet']} {c['letter']} “{c['header']}”: {c['how']} (--map '{c['key']}=FIELD')"
                )
        if result.errors:
            out.write("有问题，未写入任何数据 / problems found: nothing was written")
        elif not commit:
            out.write("加 --commit 写入 / add --commit to write")
