from django.urls import path

from zhaoshang.leads import contacts_views, figures_views, views

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
    path(
        "<int:pk>/interactions/<int:visit_pk>/edit/",
        views.interaction_edit,
        name="interaction_edit",
    ),
    path(
        "<int:pk>/interactions/<int:visit_pk>/remove/",
        views.interaction_remove,
        name="interaction_remove",
    ),
    path("<int:pk>/documents/<int:doc_pk>/rename/", views.document_rename, name="document_rename"),
    path("<int:pk>/documents/<int:doc_pk>/remove/", views.document_remove, name="document_remove"),
    path("documents/<int:pk>/", views.document, name="document"),
    # the firms met at an event (shown on the event's page), one step from a lead
    path("events/<int:pk>/contacts/", contacts_views.event_contacts, name="event_contacts"),
    path(
        "events/<int:pk>/contacts/import/",
        contacts_views.import_contacts,
        name="event_contacts_import",
    ),
    path("events/<int:pk>/contacts/leads/", contacts_views.contacts_leads, name="event_leads"),
    path("event-contacts/<int:pk>/lead/", contacts_views.contact_lead, name="contact_lead"),
]
