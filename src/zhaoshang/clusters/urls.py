from django.urls import path

from zhaoshang.clusters import views

app_name = "clusters"
urlpatterns = [
    path("clusters/", views.cluster_list, name="list"),
    path("clusters/<int:pk>/", views.cluster_detail, name="detail"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/export.xlsx", views.indicator_export, name="indicator_export"),
    path("indicators/import/", views.indicator_import, name="indicator_import"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator"),
]
