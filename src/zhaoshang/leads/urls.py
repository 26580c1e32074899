from django.urls import path

from zhaoshang.leads import figures_views, views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("board/", views.board, name="board"),
    path("figures/", figures_views.figures_page, name="figures"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/advance/", views.advance, name="advance"),
    path("<int:pk>/interaction/", views.interaction, name="interaction"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/refer/", views.refer, name="refer"),
    path("<int:pk>/convert/", views.convert, name="convert"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("documents/<int:pk>/", views.document, name="document"),
]
