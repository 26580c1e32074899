from django import template

from zhaoshang.progress.amounts import percent

register = template.Library()


@register.filter
def pct(share):
    """A share as a percentage: 0.4167 → 41.7%, None → —."""
    if share is None or share == "":
        return "—"
    return percent(share)


@register.filter
def signed(value):
    """+3, -2, 0; — for None."""
    if value is None or value == "":
        return "—"
    return f"+{value}" if value > 0 else str(value)


@register.filter
def plain(value):
    """A Decimal without trailing zeros (518.000000 → 518); '' for None."""
    if value is None or value == "":
        return ""
    from decimal import Decimal

    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value, "f")
    return str(value)


@register.filter
def days_overdue(problem, on):
    """`Problem.days_overdue(on)`: the one count of days overdue, for templates."""
    return problem.days_overdue(on)
