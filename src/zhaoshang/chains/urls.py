from django.urls import path

from zhaoshang.chains import task_views, views

app_name = "chains"
urlpatterns = [
    path("", views.index, name="index"),
    path("gaps/", views.gap_list, name="gaps"),
    path("import/", views.import_yaml, name="import"),
    path("weights/", views.save_weights, name="weights"),
    path("placements/<str:kind>/<int:pk>/<str:action>/", views.decide, name="decide"),
    path("tasks/", task_views.due_tasks, name="tasks_due"),
    path("<slug:code>/", views.chain_map, name="map"),
    path("<slug:code>/tasks/", task_views.chain_tasks, name="tasks"),
    path("<slug:code>/tasks/add/", task_views.add_task, name="task_add"),
    path("<slug:code>/tasks/<int:pk>/progress/", task_views.task_progress, name="task_progress"),
    path("<slug:code>/officials/add/", task_views.add_official, name="official_add"),
    path(
        "<slug:code>/officials/<int:pk>/remove/", task_views.remove_official, name="official_remove"
    ),
    path("<slug:code>/export.yaml", views.export_yaml, name="export"),
    path("<slug:code>/nodes/<slug:node>/", views.node_panel, name="node"),
    path("<slug:code>/nodes/<slug:node>/targets/", views.node_targets, name="targets"),
    path("<slug:code>/nodes/<slug:node>/add/", views.add, name="add"),
    path("<slug:code>/nodes/<slug:node>/lead/", views.make_lead, name="lead"),
]
