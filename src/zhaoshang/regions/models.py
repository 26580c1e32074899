"""Administrative units: province > city > county > township-level unit (镇, 街道, zones)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("Prefecture city")
    COUNTY = 3, _("County")
    TOWNSHIP = 4, _("Township-level unit")


class Kind(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    COUNTY = "county", _("county or county-level city")
    TOWN = "town", _("town (镇)")
    TOWNSHIP = "township", _("township (乡)")
    SUBDISTRICT = "subdistrict", _("sub-district (街道)")
    ZONE = "zone", _("development zone or park")
    OTHER = "other", _("other")


class RegionQuerySet(models.QuerySet):
    def townships_of(self, county_code: str) -> RegionQuerySet:
        return self.filter(parent_id=county_code, level=Level.TOWNSHIP)


class Region(models.Model):
    """One unit from the statistical division codes (国家统计局 2023)."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(
        _("short name"), max_length=50, blank=True, help_text=_("e.g. 保税区 for 张家港保税区")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    merged_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("one administration with (区镇合一)"),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class RegionAlias(models.Model):
    """A name the news still uses: 金港镇 for 金港街道, 冶金园 for 张家港市冶金工业园."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit")
    )
    alias = models.CharField(_("alias"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        constraints = [
            models.UniqueConstraint(fields=["region", "alias"], name="uniq_region_alias")
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.region}"
