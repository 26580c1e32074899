from django.urls import path

from zhaoshang.excel import monthly_views, views

app_name = "excel"
urlpatterns = [
    path("", views.import_start, name="import"),
    path("export/", views.export, name="export"),
    path("monthly/", monthly_views.monthly_start, name="monthly"),
    path("monthly/<uuid:job_id>/", monthly_views.monthly_job, name="monthly_job"),
    path("monthly/<uuid:job_id>/confirm/", monthly_views.monthly_confirm, name="monthly_confirm"),
    path("import/<uuid:job_id>/", views.import_job, name="job"),
    path("import/<uuid:job_id>/progress/", views.import_progress, name="progress"),
    path("import/<uuid:job_id>/mapping/", views.import_mapping, name="mapping"),
    path("import/<uuid:job_id>/commit/", views.import_commit, name="commit"),
    path("import/<uuid:job_id>/retry/", views.import_retry, name="retry"),
    path("import/<uuid:job_id>/suggested/", views.import_suggested, name="suggested"),
    path("import/<uuid:job_id>/annotated.xlsx", views.import_annotated, name="annotated"),
]
