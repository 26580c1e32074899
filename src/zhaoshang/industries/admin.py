"""GB/T 4754-2017 industries: reference data loaded by a migration."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.industries.models import Industry


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
