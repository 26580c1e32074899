from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "zhaoshang.progress"
    label = "progress"
    verbose_name = _("Plans and progress")

    def ready(self) -> None:
        from zhaoshang.cockpit.panels import register

        register("cockpit", "progress/_cockpit_panel.html", context=_cockpit_context, order=40)


def _cockpit_context(request, filters=None, **kw):
    """The cockpit year's plan pace, and its headline figures as of the end of the year's
    latest reported month (`queries.default_month`): the same month, and so the same
    figures, as the progress overview shows by default."""
    from zhaoshang.progress import queries
    from zhaoshang.progress.headline import headline
    from zhaoshang.progress.months import Month

    year = filters.year if filters is not None else queries.default_month().year
    unit = (filters.unit or None) if filters is not None else None
    month = queries.default_month(year=year)
    figures = None if month.is_future() else headline(month, unit)
    return {
        "year": year,
        "month": month,
        "future": figures is None,
        "current": Month.current(),
        "plan_vs_completed": queries.plan_vs_completed_by_month(year, unit, month),
        "headline": figures,
    }
