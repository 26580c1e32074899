"""The administration's view of project files: read and search; changes go through the
project page, where rights, versions and the history are kept."""

from django.contrib import admin

from zhaoshang.dossier.models import Approval, Document, ProjectPerson


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Approval)
class ApprovalAdmin(ReadOnly):
    list_display = ("project", "item", "name", "department", "planned_on", "done_on", "status")
    list_filter = ("item", "status")
    search_fields = ("project__code", "project__name", "name", "reference")


@admin.register(ProjectPerson)
class ProjectPersonAdmin(ReadOnly):
    list_display = ("project", "role", "name", "title", "phone")
    list_filter = ("role",)
    search_fields = ("project__code", "project__name", "name", "title")


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ("project", "kind", "title", "original_name", "size", "created_at", "removed_at")
    list_filter = ("kind",)
    search_fields = ("project__code", "project__name", "title", "original_name")
