import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.progress.events import propose
from zhaoshang.progress.management.commands.warnings import _table
from zhaoshang.progress.months import Month

# the command's kinds and the event kinds they plan (集中开工, 集中竣工, 集中签约; both
# starts and completions, 集中开竣工, when no kind is given)
KINDS = {"start": "start", "completion": "completion", "signing": "signing"}


class Command(BaseCommand):
    help = (
        "Batch events planned ahead: zhaoshang events plan --month 2023-09 "
        "[--kind start|completion|signing] [--format json] prints the proposed projects, "
        "ready or with their blockers"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help="the projects proposed for a month's event")
        plan.add_argument("--month", required=True, help="the month, e.g. 2023-09")
        plan.add_argument(
            "--kind",
            choices=sorted(KINDS),
            default="",
            help="start or completion (default: both, a 集中开竣工), or signing",
        )
        plan.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"])
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        kind = options["kind"] or "start_completion"
        found = propose(kind, month)
        if options["format"] == "json":
            keys = ("project_code", "project_name", "kind", "ready", "blockers")
            rows = [{k: c.as_json()[k] for k in keys} for c in found]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        labels = {"start": _("start"), "completion": _("completion"), "signing": _("signing")}
        header = [_("Project code"), _("Project"), _("Stage due"), _("Ready"), _("Blockers")]
        rows = [
            [
                c.project.code,
                c.project.name,
                labels[c.kind],
                _("yes") if c.ready else _("no"),
                "；".join(c.blockers) or "—",
            ]
            for c in found
        ]
        self.stdout.write(_table(header, rows))
        ready = sum(1 for c in found if c.ready)
        self.stdout.write(
            _("%(month)s: %(n)s projects proposed, %(ready)s ready")
            % {"month": month, "n": len(found), "ready": ready}
        )
