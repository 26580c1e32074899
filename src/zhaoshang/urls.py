from django.contrib import admin
from django.urls import include, path

from zhaoshang.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include("zhaoshang.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("progress/", include("zhaoshang.progress.urls")),
    path("", include("zhaoshang.clusters.urls")),
    path("chains/", include("zhaoshang.chains.urls")),
    path("excel/", include("zhaoshang.excel.urls")),
    path("intel/", include("zhaoshang.intel.urls")),
    path("dossier/", include("zhaoshang.dossier.urls")),
    path("leads/", include("zhaoshang.leads.urls")),
    path("", include("zhaoshang.core.urls")),
]
