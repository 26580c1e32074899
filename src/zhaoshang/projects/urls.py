from django.urls import path

from zhaoshang.projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/export.csv", views.project_csv, name="csv"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/quality/", views.quality_list, name="quality"),
    path("projects/parse-amount/", views.parse_amount_preview, name="parse_amount"),
    path("projects/<str:code>/", views.project_detail, name="detail"),
    path("projects/<str:code>/edit/", views.project_edit, name="edit"),
    path("projects/<str:code>/stage/", views.project_stage, name="stage"),
    path("projects/<str:code>/status/", views.project_status, name="status"),
]
