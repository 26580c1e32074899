"""`zhaoshang leads`: the lead list, the weekly digest and the team figures on the command
line, through the same filters (`leads.queries`), deadlines (`leads.sla`), digest
(`leads.digest`) and figures (`leads.figures`) as the pages and the API. The command line is
the operator's: it reads every lead."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.enterprises.models import Lead
from zhaoshang.leads import digest, listing, services
from zhaoshang.leads.figures import team_figures
from zhaoshang.leads.queries import LeadFilters, filter_leads, with_related
from zhaoshang.progress.management.commands.warnings import _table
from zhaoshang.progress.months import Month


class Command(BaseCommand):
    help = (
        "Leads: list them (zhaoshang leads [--owner USER] [--team T] [--overdue] "
        "[--format json|table]), send the weekly digest (zhaoshang leads digest [--dry-run]) "
        "or print the team figures (zhaoshang leads figures [--month 2024-06])"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["list", "digest", "figures"],
                            default="list")  # fmt: skip
        parser.add_argument("--owner", default="", help="the owner's user name (or id)")
        parser.add_argument("--team", default="", help="a team's name (or id)")
        parser.add_argument("--overdue", action="store_true", help="only overdue leads")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--dry-run", action="store_true",
                            help="digest: print the e-mails instead of sending them")  # fmt: skip
        parser.add_argument("--month", default="", help="figures: as of this month's end")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "digest":
            return self._digest(options)
        if action == "figures":
            return self._figures(options)
        return self._list(options)

    def _list(self, options):
        params = {"overdue": "1" if options["overdue"] else ""}
        if options["owner"]:
            owner = services.resolve_user(options["owner"])
            if owner is None:
                raise CommandError(_("--owner: unknown user “%(value)s”") % {
                    "value": options["owner"]})  # fmt: skip
            params["owner"] = str(owner.pk)
        if options["team"]:
            team = services.resolve_team(options["team"])
            if team is None:
                raise CommandError(_("--team: unknown team “%(value)s”") % {
                    "value": options["team"]})  # fmt: skip
            params["team"] = str(team.pk)
        qs = filter_leads(Lead.objects.all(), LeadFilters.from_params(params))
        today = timezone.localdate()
        rows = [
            listing.row(lead, today)
            for lead in with_related(qs)
            .order_by("due_on", "-created_at", "pk")
            .iterator(chunk_size=2000)
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        header = [_("ID"), _("Enterprise"), _("Stage"), _("Status"), _("Owner"), _("Team"),
                  _("Chain node"), _("Next action date"), _("Days since contact"),
                  _("Overdue")]  # fmt: skip
        self.stdout.write(_table(header, [
            [r["id"], r["enterprise"] or "—", r["stage"], r["status"], r["owner"] or "—",
             r["team"] or "—", r["chain_node"] or "—", r["next_action_date"] or "—",
             "—" if r["days_since_contact"] is None else r["days_since_contact"],
             _("yes") if r["overdue"] else _("no")]
            for r in rows
        ]))  # fmt: skip
        self.stdout.write(_("%(n)s leads") % {"n": len(rows)})

    def _digest(self, options):
        today = timezone.localdate()
        digests = digest.build_digests(today)
        if options["dry_run"]:
            for d in digests:
                to = d.email or _("(no e-mail address: not sent)")
                self.stdout.write(f"To: {to}\nSubject: {digest.subject(d)}\n\n"
                                  f"{digest.body(d, today)}\n{'-' * 60}")  # fmt: skip
            self.stdout.write(_("dry run: %(n)s digests, nothing sent") % {"n": len(digests)})
            return
        sent, unreachable = digest.send_digests(digests, today)
        self.stdout.write(_("%(sent)s digests sent") % {"sent": sent})
        if unreachable:
            self.stdout.write(_("not sent, no e-mail address: %(names)s") % {
                "names": ", ".join(u.username for u in unreachable)})  # fmt: skip

    def _figures(self, options):
        month = None
        if options["month"]:
            try:
                month = Month.parse(options["month"])
            except ValueError as exc:
                raise CommandError(f"--month: {exc}") from None
            if month.is_future():
                raise CommandError(_("--month: %(value)s is in the future") % {"value": month})
        figures = team_figures(None, month, all_leads=True)
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=1,
                                         default=str))  # fmt: skip
            return
        header = [_("Group"), _("Leads"), _("Lost"), _("Reached signing"), _("Conversion rate"),
                  _("Won projects"), _("Performance rate (履约率)"),
                  _("Funds-in-place rate (资金到位率)")]  # fmt: skip
        rows = []
        names = {"": "", "team": _("Team"), "unit": _("Township unit"), "chain": _("Chain")}
        for by, groups in [("", [figures.total]), *figures.groups()]:
            for g in groups:
                p = g.percents()
                name = names[by]
                rows.append([f"{name}: {g.label}" if name else g.label, g.leads, g.lost,
                             g.signed, p["conversion_rate"], g.won_projects,
                             p["performance_rate"], p["funds_rate"]])  # fmt: skip
        self.stdout.write(_("As of %(day)s") % {"day": figures.as_of.isoformat()})
        self.stdout.write(_table(header, rows))
