from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "zhaoshang.clusters"
    label = "clusters"
    verbose_name = _("Clusters and indicators")

    def ready(self) -> None:
        from zhaoshang.cockpit.panels import register

        register("cockpit", "clusters/_cockpit_strip.html", context=_cockpit_context, order=50)


def _cockpit_context(request, filters=None, **kw):
    """The targets judged as in the cockpit's month: a target whose year is over by then
    shows met or missed with its actual (or not yet reported), never a forecast."""
    from zhaoshang.clusters.queries import cockpit_strip

    month = getattr(filters, "month", None)
    return {"rows": cockpit_strip(month.year if month is not None else None)}
