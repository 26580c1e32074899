from django.urls import path

from zhaoshang.enterprises import universe_views, views

app_name = "enterprises"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="list"),
    path("enterprises/new/", views.enterprise_create, name="create"),
    path("enterprises/universe/", universe_views.universe_import, name="universe"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="edit"),
]
