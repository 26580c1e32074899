"""`zhaoshang universe import FILE [--dry-run]`: target firms into the registry."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

ACTIONS = {"create": "新增 new", "update": "更新 updated", "unchanged": "不变 unchanged",
           "refused": "拒绝 refused"}  # fmt: skip


class Command(BaseCommand):
    help = (
        "Target firms (the outside universe): import an Excel or CSV file\n\n"
        "  zhaoshang universe import FILE [--dry-run] [--overwrite] [--user NAME] "
        "[--format json]\n\n"
        "Columns 企业名称 (name), 统一社会信用代码, 所在地, 行业代码, 经营范围, 企业规模. Each "
        "firm is matched to the registry (credit code, name, name variant), placed on chain "
        "nodes and ranked among the targets. Prints per row what is (or would be) created, "
        "updated or refused and why; writes every row or none. Exit status 1 when a row is "
        "refused, 2 when the file cannot be read."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a file of target firms")
        imp.add_argument("file", type=Path)
        imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        imp.add_argument(
            "--overwrite", action="store_true", help="replace facts the registry holds differently"
        )
        imp.add_argument("--reason", default="", help="kept in the change history")
        imp.add_argument(
            "--user", help="the account the import is made as (default: the first administrator)"
        )
        imp.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        return self.do_import(options)

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
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

    def do_import(self, options):
        from zhaoshang.core.errors import InputError, NotAllowed
        from zhaoshang.enterprises.universe import UniverseRefused, import_universe, read_rows
        from zhaoshang.lib.uploads import FileRefused, check_size, limits

        path: Path = options["file"]
        user = self._user(options["user"])
        try:
            check_size(path.stat().st_size, limits().max_bytes)
            rows = read_rows(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from None
        except FileRefused as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
        except InputError as exc:
            message = "; ".join(m for ms in exc.fields.values() for m in ms)
            raise CommandError(f"{path}: {message}", returncode=2) from None
        refused = False
        try:
            result = import_universe(
                user=user,
                rows=rows,
                dry_run=options["dry_run"],
                overwrite=options["overwrite"],
                reason=options["reason"],
            )
        except UniverseRefused as exc:
            result, refused = exc.result, True
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self._table(result)
        if refused or result.refused:
            raise CommandError(
                f"{len(result.refused)} 行被拒绝，未写入 / rows refused, nothing written",
                returncode=1,
            )

    def _table(self, result) -> None:
        for r in result.rows:
            line = f"{r.row:>6}  {ACTIONS[r.action]:<14} {r.name}"
            if r.enterprise_name and r.enterprise_name != r.name:
                line += f" = {r.enterprise_name}"
            if r.place:
                line += f"  [{r.place}]"
            self.stdout.write(line)
            for p in r.problems:
                self.stdout.write(f"          {p.field} “{p.value}”: {p.message}")
            for field, before, after in r.changes:
                self.stdout.write(f"          {field}: {before or '—'} → {after}")
            for field, registry, file in r.kept:
                self.stdout.write(f"          {field}: 保留 kept {registry} (文件 file: {file})")
            for node in r.nodes:
                self.stdout.write(f"          → {node}")
        c = result.counts
        mode = "试运行，未写入 / dry run, nothing written" if result.dry_run else (
            "已写入 / written" if result.written else "未写入 / nothing written"
        )  # fmt: skip
        self.stdout.write(
            f"新增 {c['create']}，更新 {c['update']}，不变 {c['unchanged']}，拒绝 {c['refused']}；"
            f"链上定位 {result.placements} 条 / new {c['create']}, updated {c['update']}, "
            f"unchanged {c['unchanged']}, refused {c['refused']}; placements {result.placements}"
            f" — {mode}"
        )
