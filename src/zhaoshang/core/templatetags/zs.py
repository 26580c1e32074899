from urllib.parse import urlsplit

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


@register.filter
def weblink(value) -> str:
    """`value` if it is an http(s) address a page may link to, else "" (a stored
    `javascript:` or `data:` address is shown as text, never linked). The one test of a
    link for every template: `{% with link=url|weblink %}{% if link %}<a href=...>`."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in ("http", "https") else ""
