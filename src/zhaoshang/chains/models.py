"""Industrial chains (产业链). Nodes, placements and targets come with the chains issue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainGroup(models.TextChoices):
    TRADITIONAL = "traditional", _("Traditional (传统产业链)")
    EMERGING = "emerging", _("Emerging (新兴产业链)")
    FUTURE = "future", _("Future (未来产业)")


class Chain(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    group = models.CharField(_("group"), max_length=12, choices=ChainGroup.choices)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name
