from django.urls import path

from zhaoshang.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit, name="index"),
    path("screen/", views.screen, name="screen"),
]
