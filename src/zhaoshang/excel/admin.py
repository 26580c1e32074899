"""Saved header mappings and import jobs, for the administrator to inspect or clear."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.excel.models import HeaderMapping, ImportJob


@admin.register(HeaderMapping)
class HeaderMappingAdmin(admin.ModelAdmin):
    list_display = ("header", "target", "key", "saved_by", "saved_at")
    list_filter = ("saved_by",)
    search_fields = ("header", "target", "key")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("filename", "user", "status", "size", "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("filename",)
    exclude = ("content",)
    readonly_fields = (
        "user",
        "filename",
        "size",
        "status",
        "report",
        "mapping",
        "worker",
        "error",
        "created_at",
        "finished_at",
    )

    def has_add_permission(self, request):
        return False
