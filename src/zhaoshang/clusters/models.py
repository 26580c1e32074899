"""Clusters with output targets, and a general store of indicators by period."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.fields import Qualifier


class Cluster(models.Model):
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        verbose_name=_("administrative unit"),
        related_name="clusters",
    )
    description = models.TextField(_("description"), blank=True)
    chains = models.ManyToManyField("chains.Chain", blank=True, verbose_name=_("chains"))
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("industrial cluster")
        verbose_name_plural = _("industrial clusters")
        constraints = [models.UniqueConstraint(fields=["name", "unit"], name="uniq_cluster")]

    def __str__(self) -> str:
        return self.name


class IndicatorKind(models.TextChoices):
    ACTUAL = "actual", _("Actual")
    TARGET = "target", _("Target")
    DERIVED = "derived", _("Derived")


class Indicator(models.Model):
    """One figure for one scope and period: `2022 战略性新兴产业产值 ≥ 2400亿元 (actual)`.

    Values keep the unit they were published in (亿元, %, 亿美元, 家, 个); they are not
    converted because statistics are compared with statistics of the same unit.
    A cluster's output target is an indicator of kind `target` attached to the cluster.
    """

    code = models.SlugField(_("indicator code"), max_length=60)
    name = models.CharField(_("indicator"), max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        verbose_name=_("administrative unit"),
        related_name="indicators",
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("cluster"),
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    period = models.CharField(_("period"), max_length=7, help_text=_("2022, 2022-Q1 or 2022-03"))
    kind = models.CharField(_("kind"), max_length=8, choices=IndicatorKind.choices)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20)
    qualifier = models.CharField(
        _("qualifier"), max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "period", "kind"],
                condition=models.Q(cluster__isnull=True),
                name="uniq_indicator_region",
            ),
            models.UniqueConstraint(
                fields=["code", "cluster", "period", "kind"],
                condition=models.Q(cluster__isnull=False),
                name="uniq_indicator_cluster",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"
