"""URLs of the JSON API; `zhaoshang.urls` includes them under /api/v1/."""

from django.urls import path

from zhaoshang.api import api

urlpatterns = [path("", api.urls)]
