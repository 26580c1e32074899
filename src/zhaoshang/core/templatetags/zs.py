from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from zhaoshang.lib.money import Qualifier, format_wan, format_wan_rounded

register = template.Library()


def _amount_language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


@register.filter
def wan(value, qualifier="exact"):
    """An amount in 万元 as a page shows it: at bureau precision (3191.42亿元 / CNY 319.14
    billion, `lib.money.format_wan_rounded`) with the exact figure (3191.4158亿元) on hover.
    Escaped by `format_html`; a negative figure (a gap already closed) reads −12万元."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if not number.is_finite():
        return "—"
    lang = _amount_language()
    try:
        q = Qualifier(qualifier or "exact")
    except ValueError:
        q = Qualifier.EXACT
    sign = "−" if number < 0 else ""
    number = abs(number)
    return format_html(
        '<span class="amount" title="{}{}">{}{}</span>',
        sign,
        format_wan(number, q, lang=lang),
        sign,
        format_wan_rounded(number, q, lang=lang),
    )


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
