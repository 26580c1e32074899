from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "zhaoshang.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from zhaoshang.cockpit.panels import register

        register("cockpit", "projects/_cockpit_impact.html", context=_impact_panel, order=60)


def _impact_panel(request, filters=None, **kw):
    """The cockpit's impact line: yearly value added, tax and jobs at full production of
    the filtered ledger, with the number of figures that rest on estimates. New figures, so
    estimates are in by default (flagged); `?estimates=0` leaves them out."""
    from zhaoshang.cockpit.queries import projects_for
    from zhaoshang.core import figcache
    from zhaoshang.projects.impact import table_stamp

    if filters is None:
        return None
    include = request.GET.get("estimates") != "0"
    # once per state of the tables read and per filters, as the cockpit's own figures
    # (`CockpitFilters.figure_key`): the sums run over every project in view
    key = (*filters.figure_key(request.user), include, *table_stamp())
    figures = figcache.cached(
        "cockpit.impact",
        key,
        lambda: _impact_figures(projects_for(request.user, filters), include),
        by_table=True,
    )
    params = request.GET.copy()
    params["estimates"] = "1" if not include else "0"
    return {"include": include, "switch": params.urlencode(), **figures}


def _impact_figures(projects, include: bool) -> dict:
    """The panel's totals and its roll-ups by chain and by township unit (top 10)."""
    from zhaoshang.projects import estimates, impact

    pks = list(projects.values_list("pk", flat=True))
    ledger = estimates.ledger_estimates()  # read once for the totals and the roll-ups
    totals = impact.totals(pks, include_estimates=include, ledger=ledger)
    by = {
        name: [
            {
                "name": label or "—",
                "totals": t,
                "gva": impact.wan_text(t.gva, estimated=t.gva_estimated > 0),
                "tax": impact.wan_text(t.tax, estimated=t.tax_estimated > 0),
                "jobs": impact.jobs_text(t.jobs, estimated=t.jobs_estimated > 0),
            }
            for _key, label, t in impact.rollup(
                name, include_estimates=include, pks=pks, ledger=ledger
            )[:10]
        ]
        for name in ("chain", "town")
    }
    return {
        "by": by,
        "impact": {
            "totals": totals,
            "gva": impact.wan_text(totals.gva, estimated=totals.gva_estimated > 0),
            "tax": impact.wan_text(totals.tax, estimated=totals.tax_estimated > 0),
            "jobs": impact.jobs_text(totals.jobs, estimated=totals.jobs_estimated > 0),
        },
    }
