import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.errors import InputError
from zhaoshang.progress import rules
from zhaoshang.progress.headline import headline
from zhaoshang.progress.months import Month


class Command(BaseCommand):
    help = (
        "Print the red and amber warnings of a month (zhaoshang warnings --month 2023-06 "
        "[--unit 锦丰镇] [--format json])"
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, e.g. 2023-06")
        parser.add_argument("--unit", default="", help="a township unit: code, name or alias")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--level", choices=rules.LEVELS, default="", help="only warnings of this level"
        )
        parser.add_argument(
            "--all", action="store_true", help="also the green lights of projects on pace"
        )

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"])
            figures = headline(
                month,
                options["unit"] or None,
                include_green=options["all"] or options["level"] == "green",
            )
        except InputError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            ) from None
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        found = figures.found
        if options["level"]:
            found = [w for w in found if w.level == options["level"]]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([w.as_json() for w in found], ensure_ascii=False, indent=1)
            )
            return
        header = [
            _("Level"),
            _("Project code"),
            _("Project"),
            _("Township unit"),
            _("Rule"),
            _("Reason"),
        ]
        rows = [
            [w.level_label, w.project_code, w.project_name, w.unit or "—", w.rule_label, w.reason]
            for w in found
        ]
        self.stdout.write(_table(header, rows))
        tally = figures.warnings
        as_of = (
            _("as of today, %(day)s (the month is still running)")
            if figures.running
            else _("as of the end of %(month)s (%(day)s)")
        ) % {"month": month.label(), "day": figures.as_of.isoformat()}
        self.stdout.write(
            _(
                "%(month)s, %(as_of)s: of %(projects)s projects, %(red)s red, %(amber)s amber, "
                "%(green)s with no red or amber warning"
            )
            % {
                "month": month,
                "as_of": as_of,
                "projects": tally.projects,
                "red": tally.red,
                "amber": tally.amber,
                "green": tally.green,
            }
        )
        hits = "; ".join(
            f"{label} {red}/{amber}"
            for _code, label, red, amber in tally.hit_rows()
            if red or amber
        )
        self.stdout.write(
            _("Rule hits (red/amber; a project hit by two rules counts under both): %(hits)s")
            % {"hits": hits or "—"}
        )


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [min(60, max(_width(str(r[i])) for r in [header, *rows])) for i in range(len(header))]

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            text = str(cell)
            pad = widths[i] - _width(text)
            out.append(text + " " * max(0, pad) if i < len(cells) - 1 else text)
        return "  ".join(out).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
