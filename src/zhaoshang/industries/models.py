"""GB/T 4754-2017 国民经济行业分类: sections, divisions, groups, classes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndustryLevel(models.IntegerChoices):
    SECTION = 0, _("Section (门类)")
    DIVISION = 1, _("Division (大类)")
    GROUP = 2, _("Group (中类)")
    CLASS = 3, _("Class (小类)")


class Industry(models.Model):
    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    section = models.CharField(
        _("section"), max_length=1, db_index=True, help_text=_("The letter A–T of its section")
    )

    class Meta:
        verbose_name = _("industry (GB/T 4754-2017)")
        verbose_name_plural = _("industries (GB/T 4754-2017)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SeiCategory(models.Model):
    """战略性新兴产业分类（2018）: a group (level 1, `1`…`9`) or a category (level 2, `1.2`)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=[(1, _("Group (一级)")), (2, _("Category (二级)"))]
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=_("group"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("strategic emerging industry category")
        verbose_name_plural = _("strategic emerging industry catalogue (2018)")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SeiClass(models.Model):
    """A GB/T 4754-2017 class counted in an SEI category; `partial` when only part of it is."""

    category = models.ForeignKey(
        SeiCategory, on_delete=models.CASCADE, related_name="classes", verbose_name=_("category")
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="sei_classes", verbose_name=_("industry")
    )
    partial = models.BooleanField(
        _("partly"),
        default=False,
        help_text=_("Only some products of this class count (* in the catalogue)"),
    )

    class Meta:
        verbose_name = _("SEI industry mapping")
        verbose_name_plural = _("SEI industry mappings")
        ordering = ["category", "industry"]
        constraints = [
            models.UniqueConstraint(fields=["category", "industry"], name="uniq_sei_class")
        ]

    def __str__(self) -> str:
        return f"{self.category.code} ← {self.industry_id}{'*' if self.partial else ''}"
