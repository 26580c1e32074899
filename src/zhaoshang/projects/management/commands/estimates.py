import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.progress.management.commands.warnings import _table
from zhaoshang.projects import estimates as est
from zhaoshang.projects import impact


def _num(value, f: str = "output"):
    """A figure for JSON: whole 万元 or jobs (estimates are shown rounded), None if unknown."""
    number = est.rounded(f, value)
    return None if number is None else int(number)


class Command(BaseCommand):
    help = (
        "Print estimates of capex, jobs and output and the impact at full production, per "
        "chain, township unit, cluster or project (zhaoshang estimates [--by chain] "
        "[--no-estimates] [--format json]; --check-table FILE checks a multiplier table)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--by", choices=["chain", "town", "cluster", "project"], default="chain"
        )
        parser.add_argument(
            "--no-estimates", action="store_true", help="disclosed figures only (no estimates)"
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--check-table", metavar="FILE", default="", help="check a multiplier table and stop"
        )

    def handle(self, *args, **options):
        if options["check_table"]:
            try:
                table = impact.read_table(options["check_table"])
            except impact.TableError as exc:
                raise CommandError("\n".join([exc.path, *exc.messages])) from None
            self.stdout.write(
                _("%(path)s: %(n)s sectors, years %(first)s–%(last)s, no problem found")
                % {
                    "path": table.path,
                    "n": len(table.sectors),
                    "first": table.years[0],
                    "last": table.years[-1],
                }
            )
            return
        try:
            impact.load_table()
        except impact.TableError as exc:
            raise CommandError("\n".join([exc.path, *exc.messages])) from None
        include = not options["no_estimates"]
        if options["by"] == "project":
            items = self._projects(include)
        else:
            items = self._groups(options["by"], include)
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {"include_estimates": include, "by": options["by"], "items": items},
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        if options["by"] == "project":
            header = [_("Project code"), _("Total investment"), _("Jobs"), _("Output")]
            header += [_("Value added a year"), _("Tax a year")]
            keys = ("capex", "jobs", "output", "gva", "tax")
            rows = [
                [i["code"]]
                + [
                    ("—" if i[k] is None else str(i[k])) + ("*" if i.get(f"{k}_estimated") else "")
                    for k in keys
                ]
                for i in items
            ]
        else:
            header = [_("Name"), _("Projects"), _("Value added a year"), _("Tax a year")]
            header += [_("Jobs"), _("Using estimates")]
            rows = [
                [
                    i["name"] or "—",
                    str(i["projects"]),
                    str(i["gva_wan"]),
                    str(i["tax_wan"]),
                    str(i["jobs"]),
                    str(i["using_estimates"]),
                ]
                for i in items
            ]
        self.stdout.write(_table(header, rows))
        self.stdout.write(
            _("Amounts in 10k CNY (万元); * or “Using estimates”: figures resting on estimates.")
            if include
            else _("Amounts in 10k CNY (万元); disclosed figures only (no estimates).")
        )

    def _projects(self, include: bool) -> list[dict]:
        ledger = est.ledger_estimates()
        impacts = impact.ledger_impact(include, ledger)
        items = []
        for pk, figs in sorted(ledger.by_pk.items(), key=lambda kv: kv[1].row.code):
            imp = impacts.by_pk[pk]
            item = {"code": figs.row.code, "name": figs.row.name}
            for f in est.FIELDS:
                fig = figs[f]
                item[f] = _num(fig.value(include), f)
                item[f"{f}_estimated"] = include and fig.is_estimate
                if fig.estimate is not None:
                    e = fig.estimate
                    item[f"{f}_basis"] = {
                        "level": e.level,
                        "group": est.group_label(e.level, e.key, ledger.labels),
                        "n": e.n,
                        "q1": _num(e.q1, f),
                        "q3": _num(e.q3, f),
                        "anchor": e.anchor,
                        "estimated": e.ok,
                    }
            item.update(
                gva=_num(imp.gva),
                gva_estimated=imp.gva_estimated,
                tax=_num(imp.tax),
                tax_estimated=imp.tax_estimated,
            )
            items.append(item)
        return items

    def _groups(self, by: str, include: bool) -> list[dict]:
        if by == "cluster":
            from zhaoshang.clusters.models import Cluster
            from zhaoshang.clusters.queries import cluster_impact

            groups = [
                (c.pk, c.name, cluster_impact(c, include_estimates=include))
                for c in Cluster.objects.select_related("unit").prefetch_related(
                    "chains", "nodes", "industries", "enterprises"
                )
            ]
        else:
            groups = impact.rollup(by, include_estimates=include)
        return [
            {
                "key": key,
                "name": name,
                "projects": t.projects,
                "gva_wan": _num(t.gva),
                "tax_wan": _num(t.tax),
                "jobs": _num(t.jobs, "jobs"),
                "gva_estimated": t.gva_estimated,
                "tax_estimated": t.tax_estimated,
                "jobs_estimated": t.jobs_estimated,
                "using_estimates": t.uses_estimates,
                "formulas": t.texts,
            }
            for key, name, t in groups
        ]
