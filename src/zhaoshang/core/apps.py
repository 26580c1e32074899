from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhaoshang.core"
    label = "core"
    verbose_name = _("Users, sources and history")

    def ready(self):
        from zhaoshang.core import checks  # noqa: F401  (registers the installation checks)
