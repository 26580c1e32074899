from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "zhaoshang.progress"
    label = "progress"
    verbose_name = _("Plans and progress")

    def ready(self) -> None:
        from zhaoshang.cockpit.panels import register

        register("cockpit", "progress/_cockpit_panel.html", context=_cockpit_context, order=40)
        register(
            "cockpit", "progress/_batches_town_panel.html", context=_batches_town_context, order=45
        )


def _batches_town_context(request, filters=None, **kw):
    """四个一批 per township unit for the cockpit's month (its filtered ledger, as the
    cockpit's own four batches count it), and January to the month."""
    from zhaoshang.cockpit.queries import projects_for
    from zhaoshang.core import figcache
    from zhaoshang.progress.batches import batches_by_town
    from zhaoshang.progress.facts import Scope

    if filters is None or filters.month.is_future():
        return None
    # counted once per state of the data, as the cockpit's own figures (`core.figcache`);
    # the ledger's stage dates only: a month's report saved leaves it standing (`by_table`)
    chain = filters.chain_obj.pk if filters.chain_obj else None
    table = figcache.cached(
        "batches_by_town",
        (*filters.figure_key(request.user), chain),
        lambda: batches_by_town(
            filters.month,
            projects=projects_for(request.user, filters),
            scope=Scope(units={filters.unit}) if filters.unit else None,
            user=request.user,  # whose county's units are listed
        ),
        by_table=True,
    )
    return {"table": table, "rows": town_rows(table)}


def town_rows(table):
    """The table's rows for a page: (unit name, [(month n, month 万元, year n, year 万元)
    per stage]), the units first, the city's total last (None as its name)."""
    stages = list(table.year_total)
    month = table.month
    rows = []
    for code, name in table.units:
        cells = table.cells.get((month, code), {})
        year = table.year.get(code, {})
        rows.append((name, [(*cells.get(s, (0, 0)), *year.get(s, (0, 0))) for s in stages]))
    total = table.totals.get(month, {})
    rows.append((None, [(*total.get(s, (0, 0)), *table.year_total[s]) for s in stages]))
    return rows


def _cockpit_context(request, filters=None, **kw):
    """The plan pace of the cockpit month's year, and its headline figures as of the end
    of the cockpit's month (`queries.default_month` when none): the same month, and so the
    same figures, as the cockpit's four rates and the progress overview."""
    from zhaoshang.progress import queries
    from zhaoshang.progress.headline import headline
    from zhaoshang.progress.months import Month

    # the cockpit's as-of month (`CockpitFilters.month`), else the latest reported one
    month = getattr(filters, "month", None) or queries.default_month()
    year = month.year
    unit = (filters.unit or None) if filters is not None else None
    # the cockpit has counted the month's headline figures already (`month_progress`)
    figures = getattr(filters, "headline", None)
    if figures is None or figures.month != month or figures.unit != unit:
        figures = None if month.is_future() else headline(month, unit)
    return {
        "year": year,
        "month": month,
        "future": figures is None,
        "current": Month.current(),
        "plan_vs_completed": queries.plan_vs_completed_by_month(
            year, unit, month, facts=figures.facts if figures else None
        ),
        "headline": figures,
        # on the cockpit its four rates and lights are at the top: the panel leaves them out
        "compact": filters is not None,
    }
