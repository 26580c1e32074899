import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError
from zhaoshang.dossier.elements import ELEMENT_LEVELS, element_lights, find_department
from zhaoshang.progress.months import Month
from zhaoshang.progress.queries import unit_scope


class Command(BaseCommand):
    help = (
        "Print the approvals and inputs (要素保障) of a month with their lights "
        "(zhaoshang elements --month 2023-06 [--department 生态环境局] [--unit 锦丰镇] "
        "[--level red] [--format json])"
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, e.g. 2023-06")
        parser.add_argument(
            "--department", default="", help="a responsible department: id, name or short name"
        )
        parser.add_argument("--unit", default="", help="a township unit: code, name or alias")
        parser.add_argument("--level", choices=ELEMENT_LEVELS, default="", help="only this light")
        parser.add_argument(
            "--due", action="store_true", help="only items due in the month, overdue or due soon"
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"])
            department = find_department(options["department"]) if options["department"] else None
            lights = element_lights(
                month,
                unit_scope(options["unit"] or None),
                department_id=department.pk if department else None,
                levels={options["level"]} if options["level"] else None,
                due_in_month=options["due"],
            )
        except InputError as exc:
            raise CommandError(
                "; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.fields.items())
            ) from None
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([x.as_json() for x in lights], ensure_ascii=False, indent=1)
            )
            return
        from zhaoshang.progress.management.commands.warnings import _table

        header = [_("Light"), _("Project code"), _("Project"), _("Item"), _("Department"),
                  _("Due"), _("Obtained")]  # fmt: skip
        rows = [
            [
                x.level_label,
                x.project_code,
                x.project_name,
                x.item_label,
                x.bureau or "—",
                x.due or "—",
                x.done or "—",
            ]
            for x in lights
        ]
        self.stdout.write(_table(header, rows))
