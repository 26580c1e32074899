"""`zhaoshang import FILE --monthly 2023-06 [--unit 锦丰镇] [--commit] [--format json]`: a
unit's monthly workbook, checked (a dry run) or written, through `excel.monthly`.

Exit status as the ledger import's: 1 when a row is refused (nothing is written), 2 when
the file, the month, the unit or the user's rights do not allow an import at all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.names import Lookup
from zhaoshang.excel import monthly, services
from zhaoshang.lib.excel import WorkbookError
from zhaoshang.progress import access


def _fail(command, path: Path, message: str, as_json: bool) -> None:
    if as_json:
        command.stdout.write(
            json.dumps(
                {"file": path.name, "committed": False, "errors": [message], "rows": []},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        command.stderr.write(message)
    sys.exit(2)


def run_monthly(command, path: Path, user, options) -> None:
    as_json = options["format"] == "json"
    text = (options.get("unit") or "").strip()
    names = Lookup()  # the one name resolver: 锦丰镇, 320582103, 冶金工业园（锦丰镇）
    unit_code = (names.unit(text) if text else access.default_unit_of(user)) or ""
    if not unit_code:
        _fail(command, path, names.unit_error(text) if text else "--unit is required", as_json)
    try:
        result = monthly.import_monthly(
            user=user,
            data=path.read_bytes(),
            filename=path.name,
            month=options["monthly"],
            unit_code=unit_code,
        )
        if options["commit"] and result.ok:
            result = monthly.import_monthly(
                user=user,
                data=path.read_bytes(),
                filename=path.name,
                month=options["monthly"],
                unit_code=unit_code,
                commit=True,
                versions=result.versions,
            )
    except WorkbookError as exc:
        _fail(command, path, services.workbook_message(exc), as_json)
    except InputError as exc:
        _fail(command, path, " ".join(m for ms in exc.fields.values() for m in ms), as_json)
    except NotAllowed as exc:
        _fail(command, path, str(exc), as_json)
    if as_json:
        command.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _text(command, path, result)
    if not result.ok:
        sys.exit(1)


def _text(command, path: Path, result) -> None:
    out = command.stdout
    counts = result.counts
    verb = "已写入 written" if result.committed else "试导入 dry run"
    out.write(
        f"{path.name} · {result.unit_code} · {result.month}: {verb}: "
        f"新增 created {counts['created']}, 变更 updated {counts['updated']}, "
        f"未变 unchanged {counts['unchanged']}, 拒绝 refused {counts['refused']}"
    )
    for row in result.rows:
        where = f"{row.sheet} 第{row.row}行 row {row.row}"
        if row.refusals:
            for r in row.refusals:
                out.write(
                    f"  ✗ {where} · {r.column or '—'} {monthly.field_label(r.field)} · "
                    f"“{r.value}”: {r.reason}"
                )
        else:
            out.write(f"  {row.action}: {where} · {row.code} {row.name}")
    for s in result.skipped:
        where = f" 第{s['row']}行 row {s['row']}" if s["row"] else ""
        out.write(f"  - {s['sheet']}{where}: {s['reason']}")
    if not result.ok:
        out.write("有问题，未写入任何数据 / rows refused: nothing was written")
    elif not result.committed:
        out.write("加 --commit 写入 / add --commit to write")
