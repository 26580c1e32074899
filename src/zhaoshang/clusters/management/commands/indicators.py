import json
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.clusters.excel import export_workbook, import_workbook
from zhaoshang.clusters.formula import Value
from zhaoshang.clusters.models import Indicator, IndicatorDefinition
from zhaoshang.clusters.queries import indicator_data
from zhaoshang.clusters.services import ImportRefused, record_figure, resolve_definition
from zhaoshang.core.errors import InputError, NotAllowed


class Command(BaseCommand):
    help = (
        "Indicators by period: show one, list them, import or export the Excel table "
        "(zhaoshang indicators show NAME [--format json])\n"
        "Derived indicators are computed from their formula; `show` prints the formula and, "
        "for each period, the sum behind the figure."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="an indicator's figures (code or name)")
        show.add_argument("name")
        show.add_argument("--format", choices=["text", "json"], default="text")
        sub.add_parser("list", help="every defined indicator")
        imp = sub.add_parser("import", help="import the Excel table (all rows or none)")
        imp.add_argument("file")
        imp.add_argument("--user", required=True, help="who imports (kept in the history)")
        imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        imp.add_argument(
            "--replace", action="store_true", help="let rows change recorded figures (edits)"
        )
        imp.add_argument("--reason", default="", help="why (needed for edits)")
        exp = sub.add_parser("export", help="write every figure to an Excel file")
        exp.add_argument("file")
        rec = sub.add_parser("record", help="record one figure")
        rec.add_argument("code")
        rec.add_argument("period")
        rec.add_argument("value", help="e.g. 2600, 超2600亿元, 41.5%%")
        rec.add_argument("--user", required=True)
        rec.add_argument("--kind", default="actual", choices=["actual", "target"])
        for name in ("unit", "qualifier", "region", "cluster", "chain", "source", "note"):
            rec.add_argument(f"--{name}")
        rec.add_argument("--replace", action="store_true", help="change a recorded figure")
        rec.add_argument("--reason", default="")

    def _user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user named “%(name)s”") % {"name": username}) from None

    def handle(self, *args, **options):
        action = options["action"]
        try:
            getattr(self, f"_{action}")(options)
        except ImportRefused as exc:
            lines = [_("Nothing was imported:")]
            for row, field, value, message in exc.result.errors:
                where = _("row %(row)s") % {"row": row} if row else ""
                shown = f" “{value}”" if value else ""
                lines.append(f"  {where} {field}{shown}: {message}".replace("   ", "  "))
            raise CommandError("\n".join(lines)) from None
        except InputError as exc:
            lines = [f"  {field}: {message}" for field, ms in exc.fields.items() for message in ms]
            raise CommandError("\n".join([_("Nothing was written:"), *lines])) from None
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None

    def _show(self, options):
        try:
            definition = resolve_definition(options["name"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        data = indicator_data(definition)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{definition.name} ({definition.code}, {definition.unit_of_measure})")
        if definition.is_derived:
            self.stdout.write(_("Derived: %(formula)s") % {"formula": data["formula_text"]})
            self.stdout.write(f"  = {definition.formula}")
        if not data["values"]:
            self.stdout.write(_("No figures yet."))
        for v in data["values"]:
            shown = str(Value(Decimal(str(v["value"])), v["qualifier"]))
            kind = {"actual": _("actual"), "target": _("target"), "derived": _("derived")}[
                v["kind"]
            ]
            flag = " " + _("(synthetic)") if v["is_synthetic"] else ""
            line = f"  {v['scope']} {v['period']} {kind}: {shown} {data['unit']}{flag}"
            if v["worked"]:
                line += f"   [{v['worked']}]"
            elif v["source"]:
                line += f"   — {v['source']}"
            self.stdout.write(line)

    def _list(self, options):
        for d in IndicatorDefinition.objects.all():
            marker = " = " + d.formula if d.formula else ""
            self.stdout.write(f"{d.code:<32} {d.name} ({d.unit_of_measure}){marker}")

    def _import(self, options):
        user = self._user(options["user"])
        result = import_workbook(
            user=user,
            file=options["file"],
            dry_run=options["dry_run"],
            replace=options["replace"],
            reason=options["reason"],
        )
        counts = {
            "new": result.count("new"),
            "changed": result.count("changed"),
            "unchanged": result.count("unchanged"),
        }
        if options["dry_run"]:
            message = _(
                "Checked, nothing written: %(new)s new, %(changed)s changed, "
                "%(unchanged)s unchanged."
            )
        else:
            message = _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
        self.stdout.write(message % counts)

    def _export(self, options):
        rows = (
            Indicator.objects.exclude(kind="derived")
            .select_related("region", "cluster", "chain", "source")
            .order_by("code", "region_id", "cluster_id", "chain_id", "period", "kind")
        )
        path = Path(options["file"])
        path.write_bytes(export_workbook(rows))
        self.stdout.write(_("Written: %(path)s") % {"path": path})

    def _record(self, options):
        user = self._user(options["user"])
        data = {
            "code": options["code"],
            "period": options["period"],
            "value": options["value"],
            "kind": options["kind"],
        }
        for name in ("unit", "qualifier", "region", "cluster", "chain", "source", "note"):
            if options.get(name):
                data[name] = options[name]
        row, status = record_figure(
            user=user, data=data, replace=options["replace"], reason=options["reason"]
        )
        self.stdout.write(
            _("%(status)s: %(name)s %(period)s = %(value)s %(unit)s")
            % {
                "status": {
                    "new": _("recorded"),
                    "changed": _("changed"),
                    "unchanged": _("unchanged"),
                }[status],
                "name": row.name,
                "period": row.period,
                "value": Value(row.value.normalize(), row.qualifier),
                "unit": row.unit_of_measure,
            }
        )
