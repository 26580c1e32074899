from django.urls import path

from zhaoshang.intel import adopt_views, views

app_name = "intel"
urlpatterns = [
    path("", views.article_list, name="articles"),
    path("new/", views.article_new, name="new"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("candidates/", views.candidate_queue, name="queue"),
    path("candidates/<int:pk>/lead/", views.candidate_lead, name="lead"),
    path("candidates/<int:pk>/project/", adopt_views.candidate_project, name="project"),
    path("candidates/<int:pk>/batch/", views.candidate_batch, name="batch"),
    path("candidates/<int:pk>/reject/", views.candidate_reject, name="reject"),
    path("candidates/<int:pk>/merge/", views.candidate_merge, name="merge"),
]
