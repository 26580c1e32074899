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
