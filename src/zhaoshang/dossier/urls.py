from django.urls import path

from zhaoshang.dossier import element_views, views

app_name = "dossier"
urlpatterns = [
    path("elements/", element_views.bureau, name="elements"),
    path("elements/<int:pk>/close/", element_views.close, name="element_close"),
    path("files/<int:pk>/", views.download, name="download"),
    path("files/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("people/<int:pk>/", views.edit, {"kind": "person"}, name="person_edit"),
    path("people/<int:pk>/remove/", views.remove, {"kind": "person"}, name="person_remove"),
    path("approvals/<int:pk>/", views.edit, {"kind": "approval"}, name="approval_edit"),
    path("approvals/<int:pk>/remove/", views.remove, {"kind": "approval"}, name="approval_remove"),
    # `path:` as in projects/urls.py: no stored project code breaks a link
    path("<path:code>/people/", views.add, {"kind": "person"}, name="person_add"),
    path("<path:code>/approvals/", views.add, {"kind": "approval"}, name="approval_add"),
    path("<path:code>/checklist/", element_views.apply_checklist, name="checklist_apply"),
    path("<path:code>/files/", views.upload, name="upload"),
]
