import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.api.schemas import money_number
from zhaoshang.core.errors import InputError
from zhaoshang.progress.amounts import percent
from zhaoshang.progress.headline import headline
from zhaoshang.progress.months import Month


class Command(BaseCommand):
    help = (
        "Print a month's headline figures as of the end of the month: start and investment "
        "completion rates, warnings as projects and as rule hits, overdue problems, the "
        "problem closure rate (zhaoshang figures --month 2023-06 [--unit 锦丰镇] "
        "[--format json])"
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, e.g. 2023-06")
        parser.add_argument("--unit", default="", help="a township unit: code, name or alias")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"])
            figures = headline(month, options["unit"] or None, limit=0)
        except InputError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            ) from None
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(figures.as_json(), ensure_ascii=False, indent=1, default=money_number)
            )
            return
        r, w, p = figures.rates, figures.warnings, figures.problems
        as_of = (
            _("as of today, %(day)s (the month is still running)")
            if figures.running
            else _("as of the end of %(month)s (%(day)s)")
        ) % {"month": month.label(), "day": figures.as_of.isoformat()}
        lines = [
            f"{month} · {as_of}",
            _("Start rate (开工率)") + f": {percent(r.start_rate)} ({r.started} / {r.to_start})",
            _("Investment completion rate (投资完成率)")
            + f": {percent(r.completion_rate)} ({r.completed_wan} / {r.planned_wan})",
            _("Elapsed time (序时进度)") + f": {percent(figures.elapsed)}",
            _("Projects: %(projects)s judged, %(red)s red, %(amber)s amber, %(green)s with no red "
              "or amber warning")
            % {"projects": w.projects, "red": w.red, "amber": w.amber, "green": w.green},
        ]  # fmt: skip
        for _code, label, red, amber in w.hit_rows():
            lines.append(
                _("Rule hits, %(rule)s: %(red)s red, %(amber)s amber")
                % {"rule": label, "red": red, "amber": amber}
            )
        lines.append(
            _("Problem closure rate") + f": {percent(p.closure_rate)} ({p.closed} / {p.total})"
        )
        lines.append(_("Overdue problems") + f": {figures.overdue_count}")
        for problem in figures.overdue:
            lines.append(
                "  "
                + _("%(project)s · %(title)s · due %(deadline)s · %(n)s days overdue")
                % {
                    "project": problem.project.code,
                    "title": problem.title,
                    "deadline": problem.deadline,
                    "n": problem.overdue_days,
                }
            )
        self.stdout.write("\n".join(lines))
