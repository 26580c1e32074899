from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "zhaoshang.chains"
    label = "chains"
    verbose_name = _("Industrial chains")

    def ready(self) -> None:
        from zhaoshang.cockpit.panels import register

        # placements with their evidence, and the reinvestment cadence, on the enterprise page
        register("enterprise", "chains/_enterprise_panel.html", context=_no_context, order=20)


def _no_context(request, **kw):
    return {}  # the panel's template tag computes what it shows from `enterprise`
