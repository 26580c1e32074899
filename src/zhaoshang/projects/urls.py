from django.urls import path

from zhaoshang.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("projects/<str:code>/", views.project_detail, name="detail"),
]
