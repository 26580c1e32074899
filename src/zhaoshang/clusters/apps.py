from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "zhaoshang.clusters"
    label = "clusters"
    verbose_name = _("Clusters and indicators")

    def ready(self) -> None:
        from zhaoshang.cockpit.panels import register

        register("cockpit", "clusters/_cockpit_strip.html", context=_cockpit_context, order=50)


def _cockpit_context(request, **kw):
    from zhaoshang.clusters.queries import cockpit_strip

    return {"rows": cockpit_strip()}
