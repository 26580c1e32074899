from django.urls import path

from zhaoshang.progress import event_views, views

app_name = "progress"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("entry/", views.entry, name="entry"),
    path("plans/", views.plans, name="plans"),
    # `path:` as in projects/urls.py: no stored project code breaks a link
    path("plans/<path:code>/<int:year>/", views.plan_edit, name="plan"),
    path("slippage/", views.slippage, name="slippage"),
    path("projects/<path:code>/problems/new/", views.problem_create, name="problem_create"),
    path("projects/<path:code>/", views.project_progress, name="project"),
    path("warnings/", views.warnings_page, name="warnings"),
    path("rates/", views.rates_page, name="rates"),
    path("reporting/", views.reporting, name="reporting"),
    path("report.xlsx", views.report_download, name="report"),
    path("problems/", views.problems, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("lists/", views.lists, name="lists"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("events/", views.events, name="events"),
    path("events/plan/", event_views.plan, name="event_plan"),
    path("events/<int:pk>/publish/", event_views.publish, name="event_publish"),
    path("events/<int:pk>/report/", event_views.report, name="event_report"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("rules/", views.rules_page, name="rules"),
]
