"""Industrial chains (产业链)."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.chains.models import Chain


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "name_en", "group", "order", "source"]
    list_display_links = ["name", "code"]
    list_filter = ["group"]
    list_select_related = ["source"]
    search_fields = ["code", "name", "name_en"]
    prepopulated_fields = {"code": ["name_en"]}
    fields = ["name", "name_en", "code", "group", "order", "description", "source"]
    autocomplete_fields = ["source"]
