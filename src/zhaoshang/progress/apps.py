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
    """Plan vs completed for the cockpit's year, warnings as of that year's last month so far."""
    from zhaoshang.progress import queries
    from zhaoshang.progress.months import Month

    now = Month.current()
    year = filters.year if filters is not None else now.year
    unit = (filters.unit or None) if filters is not None else None
    month = now if year >= now.year else Month(year, 12)
    return {
        "year": year,
        "month": month,
        "plan_vs_completed": queries.plan_vs_completed_by_month(year, unit),
        "warning_counts": queries.warning_counts(month, unit),
        "overdue_problems": queries.overdue_problems(unit=unit),
    }
