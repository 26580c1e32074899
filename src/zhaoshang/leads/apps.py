from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "zhaoshang.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from zhaoshang.cockpit.panels import register
        from zhaoshang.leads.views import enterprise_panel

        # the enterprise's leads and their interactions, on the enterprise page
        register("enterprise", "leads/_enterprise_panel.html", context=enterprise_panel, order=30)
        # the team figures (leads.figures) as of the cockpit's month
        from zhaoshang.leads.figures_views import cockpit_panel

        register("cockpit", "leads/_cockpit_panel.html", context=cockpit_panel, order=70)
