from django import template
from django.utils.translation import get_language

from zhaoshang.lib.money import Qualifier, format_wan

register = template.Library()


@register.filter
def wan(value, qualifier="exact"):
    """Format an amount in 万元 for people: 306亿元, 超100亿元 / CNY 30.6 billion."""
    if value is None or value == "":
        return "—"
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    return format_wan(value, Qualifier(qualifier or "exact"), lang=lang)
