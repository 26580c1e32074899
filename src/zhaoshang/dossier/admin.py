"""The administration's view of project files: read and search; changes go through the
project page, where rights, versions and the history are kept."""

from django.contrib import admin

from zhaoshang.dossier.models import (
    Approval,
    BureauMember,
    ChecklistStep,
    ChecklistTemplate,
    Document,
    ProjectPerson,
)


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


class ChecklistStepInline(admin.TabularInline):
    model = ChecklistStep
    extra = 1
    fields = ("order", "item", "name", "department", "days_before_start")


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    """要素保障 templates are data the city administrator keeps: which kind of project
    needs which approvals, from which bureau, how long before the planned start."""

    list_display = ("name", "sections", "natures", "priority", "is_active")
    list_editable = ("priority", "is_active")
    inlines = [ChecklistStepInline]


@admin.register(BureauMember)
class BureauMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "department")
    list_select_related = ("user", "department")
    autocomplete_fields = ("user",)


@admin.register(ChecklistStep)
class ChecklistStepAdmin(admin.ModelAdmin):
    """Every template's items in one list (each template's page edits its own)."""

    list_display = ("template", "order", "item", "name", "department", "days_before_start")
    list_filter = ("template", "item", "department")
    list_select_related = ("template", "department")
