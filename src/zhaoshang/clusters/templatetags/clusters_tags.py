"""Template filters of the cluster and indicator pages: a unit of measure and an indicator's
name in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

register = template.Library()


def _units() -> dict[str, str]:
    return {
        "亿元": pgettext("unit of measure", "CNY 100m"),
        "万元": pgettext("unit of measure", "CNY 10k"),
        "元": pgettext("unit of measure", "CNY"),
        "亿美元": pgettext("unit of measure", "USD 100m"),
        "万美元": pgettext("unit of measure", "USD 10k"),
        "家": pgettext("unit of measure", "firms"),
        "个": pgettext("unit of measure", "items"),
        "项": pgettext("unit of measure", "items"),
    }


@register.filter
def unit_label(unit: str) -> str:
    """`{{ d.unit_of_measure|unit_label }}`: 亿元 on Chinese pages, CNY 100m on English ones
    (a unit the list does not know is shown as it was entered)."""
    return _units().get(unit, unit)
