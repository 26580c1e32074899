"""What the signed-in user may do, for templates that show or hide a menu item, a button
or a form. Each filter asks the app's access function, so a page shows exactly what the
view behind it would allow (one rule, every face); hiding is a courtesy, the views still
refuse on their own.

    {% load rights %}
    {% if user|may_import_projects %}<a href="{% url 'excel:import' %}">Excel</a>{% endif %}
    {% with refusal=user|writer_refusal %}{% if refusal %}<p>{{ refusal }}</p>{% endif %}{% endwith %}
"""

from __future__ import annotations

from django import template

from zhaoshang.core import access
from zhaoshang.core.errors import NotAllowed

register = template.Library()


@register.filter
def writer_refusal(user) -> str:
    """Why `user` may not change anything (a leader reads only); "" for editors."""
    return access.writer_refusal(user) or ""


@register.filter
def may_write(user) -> bool:
    """Editors of every kind (town editors too); not leaders."""
    return access.writer_refusal(user) is None


@register.filter
def may_import_projects(user) -> bool:
    """The Excel ledger import (`excel.bulk.check_may_import`): editors, not leaders."""
    from zhaoshang.excel.bulk import check_may_import

    try:
        check_may_import(user)
    except NotAllowed:
        return False
    return True
