"""`{% event_contacts event %}`: the firms met at an event and their leads, on the event's page
(`leads/_event_contacts.html`), so that page's view needs no change (2 queries)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("leads/_event_contacts.html", takes_context=True)
def event_contacts(context, event):
    from zhaoshang.leads.contacts_views import panel_context

    request = context["request"]
    return {"csrf_token": context.get("csrf_token"), "request": request,
            **panel_context(request.user, event)}  # fmt: skip
