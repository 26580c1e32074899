from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhaoshang.core"
    label = "core"
    verbose_name = _("Users, sources and history")

    def ready(self):
        from zhaoshang.core import checks  # noqa: F401  (registers the installation checks)
        from zhaoshang.core.middleware import install_login_guard

        # a sign-in never fails because last_login could not be written (busy database);
        # in place from the start, not from the first request through the middleware
        install_login_guard()
        # every committed write raises the data version: cached figures are never stale
        from zhaoshang.core import figcache

        figcache.install()
