from django.urls import path

from zhaoshang.projects import oc4ids_views, views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/export.csv", views.project_csv, name="csv"),
    path("projects/oc4ids/", oc4ids_views.project_oc4ids, name="oc4ids"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/quality/", views.quality_list, name="quality"),
    path("projects/parse-amount/", views.parse_amount_preview, name="parse_amount"),
    # `path:` so that no stored code breaks a link (a code saved with "/" before codes were
    # validated still resolves); the longer routes come first because `path:` also matches "/".
    path("projects/<path:code>/edit/", views.project_edit, name="edit"),
    path("projects/<path:code>/stage/", views.project_stage, name="stage"),
    path("projects/<path:code>/status/", views.project_status, name="status"),
    path("projects/<path:code>/", views.project_detail, name="detail"),
]
