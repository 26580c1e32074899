"""GB/T 4754-2017 industries: reference data loaded by a migration."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.industries.models import Industry, SeiCategory, SeiClass


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "section", "parent"]
    list_display_links = ["code", "name"]
    list_filter = ["level", "section"]
    list_select_related = ["parent"]
    search_fields = ["^code", "name"]
    fields = ["code", "name", "level", "section", "parent"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        # The classification is a national standard: a loaded class keeps its code and place.
        if obj is None:
            return []
        return ["code", "level", "section", "parent"]

    def has_delete_permission(self, request, obj=None):
        return False


class SeiClassInline(admin.TabularInline):
    model = SeiClass
    extra = 0
    autocomplete_fields = ["industry"]


@admin.register(SeiCategory)
class SeiCategoryAdmin(admin.ModelAdmin):
    """战略性新兴产业分类（2018）: groups and categories, with the classes each counts."""

    list_display = ["code", "name", "level", "parent"]
    list_display_links = ["code", "name"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "name_en", "level", "parent", "order"]
    inlines = [SeiClassInline]


@admin.register(SeiClass)
class SeiClassAdmin(admin.ModelAdmin):
    list_display = ["category", "industry", "partial"]
    list_filter = ["partial", "category__parent"]
    list_select_related = ["category", "industry"]
    search_fields = ["industry__code", "industry__name", "category__name"]
    fields = ["category", "industry", "partial"]
    autocomplete_fields = ["industry"]
