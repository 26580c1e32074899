import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError
from zhaoshang.progress.management.commands.warnings import _table
from zhaoshang.projects import quality
from zhaoshang.projects.models import Project


class Command(BaseCommand):
    help = (
        "Print the ledger's data-quality findings (zhaoshang quality [--unit 锦丰镇] "
        "[--rule stage_behind_reports] [--format json])"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="", help="a township unit: code, name or alias")
        parser.add_argument("--rule", choices=quality.Check.values, default="")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        qs = Project.objects.all()
        if options["unit"]:
            try:
                qs = qs.filter(unit_id=quality.unit_code(options["unit"]))
            except InputError as exc:
                raise CommandError(f"--unit: {exc.fields['unit'][0]}") from None
        found = quality.check(qs)
        total = quality.summarise(found)[1]
        shown = [f for f in found if f.rule == options["rule"]] if options["rule"] else found
        if options["format"] == "json":
            keys = ("project_code", "project_name", "unit_code", "unit", "rule", "severity")
            self.stdout.write(
                json.dumps(
                    {
                        "projects": total.projects,
                        "findings": total.findings,
                        "by_rule": total.by_rule,
                        "items": [
                            {**{k: getattr(f, k) for k in keys}, "message": f.message}
                            for f in shown
                        ],
                    },
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        header = [_("Township unit"), _("Project code"), _("Project"), _("Rule"), _("Message")]
        rows = [[f.unit or "—", f.project_code, f.project_name, f.rule, f.message] for f in shown]
        self.stdout.write(_table(header, rows))
        counts = [[str(r.code.label), str(total.by_rule[str(r.code)])] for r in quality.RULES]
        self.stdout.write("")
        self.stdout.write(_table([_("Rule"), _("Projects")], counts))
        self.stdout.write(
            _("%(projects)s projects with findings, %(findings)s findings")
            % {"projects": total.projects, "findings": total.findings}
        )
