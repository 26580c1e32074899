from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    name = "zhaoshang.dossier"
    label = "dossier"
    verbose_name = _("Project files")
