import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.clusters.projection import DEFAULT_WINDOW
from zhaoshang.clusters.queries import (
    percent_text,
    pipeline,
    status_json,
    target_statuses,
    wan_text,
)
from zhaoshang.clusters.services import resolve_cluster


class Command(BaseCommand):
    help = (
        "Cluster targets: will we get there? (zhaoshang clusters status [--format json])\n"
        "`status` gives, per target, the actual, the gap, the growth needed and achieved, "
        "the projected range and the pipeline; `pipeline NAME` lists a cluster's projects "
        "by stage with what they would add by the target year. Amounts in 万元."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="one line per cluster target")
        status.add_argument("--format", choices=["text", "json"], default="text")
        status.add_argument(
            "--window",
            type=int,
            default=DEFAULT_WINDOW,
            help=f"years of actuals the trend uses (default {DEFAULT_WINDOW})",
        )
        pipe = sub.add_parser("pipeline", help="a cluster's projects not yet in production")
        pipe.add_argument("cluster", help="cluster name (光伏新能源) or id")
        pipe.add_argument("--year", type=int, help="target year (default: the cluster's first)")
        pipe.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        if options["action"] == "status":
            self._status(options)
        else:
            self._pipeline(options)

    def _status(self, options):
        if options["window"] < 2:
            raise CommandError(_("--window needs at least 2 years"))
        statuses = target_statuses(window=options["window"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(status_json(statuses), ensure_ascii=False, indent=2))
            return
        if not statuses:
            self.stdout.write(_("No cluster has a target yet."))
            return
        for s in statuses:
            synthetic = _(" (synthetic actuals)") if s.is_synthetic else ""
            self.stdout.write(
                f"{s.cluster.name} · {s.target_year}: "
                + _("target %(target)s, actual %(actual)s (%(year)s)%(synthetic)s, gap %(gap)s")
                % {
                    "target": wan_text(s.target_wan, s.target.qualifier),
                    "actual": wan_text(s.actual_wan),
                    "year": s.actual_year or "—",
                    "synthetic": synthetic,
                    "gap": wan_text(s.gap_wan),
                }
            )
            self.stdout.write(
                "  "
                + _("growth needed %(needed)s a year, achieved %(achieved)s")
                % {
                    "needed": percent_text(s.needed_growth),
                    "achieved": percent_text(s.achieved_growth),
                }
            )
            if s.low_wan is not None:
                self.stdout.write(
                    "  "
                    + _("projection %(low)s – %(high)s (trend %(central)s): %(verdict)s")
                    % {
                        "low": wan_text(s.low_wan),
                        "high": wan_text(s.high_wan),
                        "central": wan_text(s.central_wan),
                        "verdict": s.verdict_label,
                    }
                )
            self.stdout.write("  " + s.method)
            p = s.pipeline
            self.stdout.write(
                "  "
                + _(
                    "pipeline by %(year)s: %(on_plan)s if every project reaches production "
                    "on plan, %(started)s from those already started"
                )
                % {
                    "year": s.target_year,
                    "on_plan": wan_text(p.on_plan_wan),
                    "started": wan_text(p.started_wan),
                }
            )

    def _pipeline(self, options):
        try:
            cluster = resolve_cluster(options["cluster"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        year = options["year"]
        if year is None:
            target = cluster.indicators.filter(kind="target").order_by("year").first()
            if target is None:
                raise CommandError(_("“%(name)s” has no target; give --year") % {"name": cluster})
            year = target.year
        p = pipeline(cluster, year)
        if options["format"] == "json":
            data = {
                "cluster": cluster.name,
                "target_year": year,
                "on_plan_wan": float(p.on_plan_wan),
                "started_wan": float(p.started_wan),
                "later_wan": float(p.later_wan),
                "producing_count": p.producing_count,
                "projects": [
                    {
                        "code": r.code,
                        "name": r.name,
                        "stage": r.stage,
                        "status": r.status,
                        "yearly_wan": None if r.yearly_wan is None else float(r.yearly_wan),
                        "basis": r.basis,
                        "production_on": r.production_on.isoformat() if r.production_on else None,
                        "counted_on_plan": r.counted_on_plan,
                        "counted_started": r.counted_started,
                        "is_synthetic": r.is_synthetic,
                    }
                    for r in p.rows
                ],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{cluster.name} · {year}")
        for row in p.by_stage():
            self.stdout.write(
                f"  {row['label']}: {row['count']} · {wan_text(row['yearly_wan'])} · "
                + _("by %(year)s on plan %(amount)s")
                % {"year": year, "amount": wan_text(row["on_plan_wan"])}
            )
        self.stdout.write(
            _("On plan by %(year)s: %(on_plan)s; already started: %(started)s; later: %(later)s")
            % {
                "year": year,
                "on_plan": wan_text(p.on_plan_wan),
                "started": wan_text(p.started_wan),
                "later": wan_text(p.later_wan),
            }
        )
