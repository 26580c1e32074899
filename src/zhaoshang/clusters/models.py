"""Clusters with output targets, and a general store of indicators by period.

A cluster (产业集群) belongs to a township unit or park and *includes* chains, GB/T
4754-2017 codes and named enterprises; the projects of those, located in its unit (or
the unit's 区镇合一 partner), are its pipeline. Its targets and yearly actuals are
`Indicator` rows with code `cluster_output` attached to it.

An `IndicatorDefinition` says what a code measures, in which unit, and, for a derived
indicator, the formula that computes it from others. Derived figures are never stored:
they are computed when read, so they cannot go stale or be typed over.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.fields import Qualifier

CLUSTER_OUTPUT = "cluster_output"


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
    nodes = models.ManyToManyField(
        "chains.Node",
        blank=True,
        related_name="clusters",
        verbose_name=_("chain nodes"),
        help_text=_("Projects placed on these nodes belong to the cluster."),
    )
    industries = models.ManyToManyField(
        "industries.Industry",
        blank=True,
        related_name="clusters",
        verbose_name=_("industry codes (GB/T 4754-2017)"),
        help_text=_("A code includes every code under it: 38 includes 3841."),
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        blank=True,
        related_name="clusters",
        verbose_name=_("named enterprises"),
        help_text=_("Their projects and their subsidiaries' projects belong to the cluster."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("industrial cluster")
        verbose_name_plural = _("industrial clusters")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["name", "unit"], name="uniq_cluster")]

    def __str__(self) -> str:
        return self.name


class IndicatorKind(models.TextChoices):
    ACTUAL = "actual", _("Actual")
    TARGET = "target", _("Target")
    DERIVED = "derived", _("Derived")


class ValueType(models.TextChoices):
    AMOUNT = "amount", _("Amount of money")
    SHARE = "share", _("Share (0–100%)")
    GROWTH = "growth", _("Growth rate (%)")
    COUNT = "count", _("Count")
    OTHER = "other", _("Other")


class IndicatorDefinition(models.Model):
    """What an indicator code measures: `sei_output` = 战略性新兴产业产值 in 亿元.

    With a `formula` the indicator is derived: `sei_output / sei_share * 100` computes the
    above-scale output implied by the SEI output and its share. Names in a formula are
    indicator codes read in the same scope and period; `prev(code)` is the same period a
    year earlier.
    """

    code = models.SlugField(_("indicator code"), max_length=60, unique=True)
    name = models.CharField(_("indicator"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20)
    value_type = models.CharField(
        _("type of value"), max_length=8, choices=ValueType.choices, default=ValueType.OTHER
    )
    formula = models.CharField(
        _("formula"),
        max_length=300,
        blank=True,
        help_text=_("Only for derived indicators, e.g. sei_output / above_scale_output * 100"),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("indicator definition")
        verbose_name_plural = _("indicator definitions")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)


class Indicator(models.Model):
    """One figure for one scope and period: `2022 战略性新兴产业产值 ≥ 2400亿元 (actual)`.

    Values keep the unit they were published in (亿元, %, 亿美元, 家, 个); they are not
    converted because statistics are compared with statistics of the same unit.
    A cluster's output target is an indicator of kind `target` attached to the cluster.
    The scope is the region alone (a city or unit figure), the region and a cluster, or
    the region and a chain.
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
    chain = models.ForeignKey(
        "chains.Chain",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("industrial chain"),
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
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, db_index=True, help_text=_("Invented demo data")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "period", "kind"],
                condition=models.Q(cluster__isnull=True, chain__isnull=True),
                name="uniq_indicator_region",
            ),
            models.UniqueConstraint(
                fields=["code", "cluster", "period", "kind"],
                condition=models.Q(cluster__isnull=False),
                name="uniq_indicator_cluster",
            ),
            models.UniqueConstraint(
                fields=["code", "region", "chain", "period", "kind"],
                condition=models.Q(chain__isnull=False, cluster__isnull=True),
                name="uniq_indicator_chain",
            ),
        ]
        indexes = [models.Index(fields=["code", "kind", "year"])]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"
