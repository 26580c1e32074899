"""Model fields shared by every app: money in 万元 kept with how it was written."""

from __future__ import annotations

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# 20 digits, 6 after the point: up to 10^14 万元 (far beyond any project), exact to 0.01元.
MONEY_DIGITS = 20
MONEY_PLACES = 6


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exact")
    AT_LEAST = "at_least", _("at least (超)")
    APPROX = "approx", _("about (约)")
    AT_MOST = "at_most", _("at most (不超过)")


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(
        verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs
    )


def money_fields(label: str, *, foreign: bool = False):
    """The columns for one amount: value in 万元, qualifier, text as written.

    With `foreign=True` also the original currency, the amount in that currency (in 万)
    and the rate used. Use in a model body:

        total_investment_wan, total_investment_qualifier, total_investment_text = money_fields(
            _("total investment"))
    """
    fields = [
        money_field(format_lazy(_("{label} (10k CNY)"), label=label)),
        models.CharField(
            format_lazy(_("{label} qualifier"), label=label),
            max_length=8,
            choices=Qualifier.choices,
            default=Qualifier.EXACT,
        ),
        models.CharField(
            format_lazy(_("{label} as written"), label=label),
            max_length=200,
            blank=True,
        ),
    ]
    if foreign:
        fields += [
            models.CharField(
                format_lazy(_("{label} currency"), label=label), max_length=3, default="CNY"
            ),
            money_field(format_lazy(_("{label} in original currency (10k)"), label=label)),
            models.DecimalField(
                format_lazy(_("{label} exchange rate (CNY per unit)"), label=label),
                max_digits=16,
                decimal_places=8,
                null=True,
                blank=True,
            ),
        ]
    return fields
