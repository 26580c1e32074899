"""Industrial chains (产业链)."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.chains.models import (
    Chain,
    ChainLeader,
    ChainOfficial,
    ChainTask,
    ChainTaskNote,
    EnterpriseProfile,
    Node,
    Placement,
    ProjectPlacement,
    SupplyLink,
    TargetWeights,
    TaskThresholds,
)
from zhaoshang.core.admin_site import TrackedAdmin


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


# --- nodes, placements, leaders and the facts the target score reads ----------------------


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["name", "chain", "code", "position", "parent", "order"]
    list_filter = ["chain", "position"]
    list_select_related = ["chain", "parent"]
    search_fields = ["code", "name", "name_en"]
    fields = ["chain", "code", "name", "name_en", "position", "parent", "order", "description",
              "products", "keywords", "industry_codes"]  # fmt: skip
    autocomplete_fields = ["parent"]


class PlacementAdminBase(admin.ModelAdmin):
    list_display = ["node", "confidence", "origin", "is_active", "decided_by", "decided_at"]
    list_filter = ["origin", "is_active", "node__chain"]
    fields = ["node", "confidence", "evidence", "origin", "is_active", "note", "decided_by",
              "decided_at", "created_at"]  # fmt: skip
    readonly_fields = ["decided_by", "decided_at", "created_at"]
    autocomplete_fields = ["node"]


@admin.register(Placement)
class PlacementAdmin(PlacementAdminBase):
    list_display = ["enterprise", *PlacementAdminBase.list_display]
    list_select_related = ["enterprise", "node__chain", "decided_by"]
    search_fields = ["enterprise__name", "node__name"]
    fields = ["enterprise", *PlacementAdminBase.fields]
    autocomplete_fields = ["enterprise", "node"]


@admin.register(ProjectPlacement)
class ProjectPlacementAdmin(PlacementAdminBase):
    list_display = ["project", *PlacementAdminBase.list_display]
    list_select_related = ["project", "node__chain", "decided_by"]
    search_fields = ["project__name", "project__code", "node__name"]
    fields = ["project", *PlacementAdminBase.fields]
    autocomplete_fields = ["project", "node"]


@admin.register(ChainLeader)
class ChainLeaderAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "chain", "node", "note", "source"]
    list_filter = ["chain"]
    list_select_related = ["enterprise", "chain", "node", "source"]
    search_fields = ["enterprise__name", "chain__name"]
    fields = ["chain", "enterprise", "node", "note", "source"]
    autocomplete_fields = ["enterprise", "node", "source"]


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "stated_cadence_months", "source", "is_synthetic"]
    list_select_related = ["enterprise", "source"]
    search_fields = ["enterprise__name", "products"]
    fields = ["enterprise", "products", "stated_cadence_months", "source", "is_synthetic"]
    autocomplete_fields = ["enterprise", "source"]


@admin.register(SupplyLink)
class SupplyLinkAdmin(admin.ModelAdmin):
    list_display = ["supplier", "customer", "note", "source", "is_synthetic"]
    list_select_related = ["supplier", "customer", "source"]
    search_fields = ["supplier__name", "customer__name"]
    fields = ["supplier", "customer", "note", "source", "is_synthetic"]
    autocomplete_fields = ["supplier", "customer", "source"]


@admin.register(TargetWeights)
class TargetWeightsAdmin(admin.ModelAdmin):
    list_display = ["name", "fit", "size", "expansion", "relationship", "links"]
    fields = ["name", "fit", "size", "expansion", "relationship", "links"]


# --- who answers for a chain and its tasks (pages: /chains/<code>/tasks/) ------------------


@admin.register(ChainOfficial)
class ChainOfficialAdmin(TrackedAdmin):
    list_display = ["name", "chain", "role", "title", "unit", "is_synthetic", "removed_at"]
    list_filter = ["chain", "role", "is_synthetic"]
    list_select_related = ["chain"]
    search_fields = ["name", "title", "unit", "chain__name"]
    fields = ["chain", "role", "name", "title", "unit", "phone", "is_synthetic", "removed_at"]


class ChainTaskNoteInline(admin.TabularInline):
    model = ChainTaskNote
    fields = ["on", "text", "created_by", "is_synthetic"]
    readonly_fields = ["created_by"]
    extra = 0


@admin.register(ChainTask)
class ChainTaskAdmin(TrackedAdmin):
    list_display = ["goal", "chain", "kind", "owner", "deadline", "status", "is_synthetic"]
    list_filter = ["chain", "kind", "status", "is_synthetic"]
    list_select_related = ["chain"]
    search_fields = ["goal", "owner", "chain__name"]
    fields = ["chain", "node", "kind", "goal", "target_count", "target_unit", "achieved_count",
              "owner", "deadline", "status", "done_on", "is_synthetic", "removed_at"]  # fmt: skip
    autocomplete_fields = ["node"]
    inlines = [ChainTaskNoteInline]


@admin.register(ChainTaskNote)
class ChainTaskNoteAdmin(admin.ModelAdmin):
    list_display = ["on", "task", "text", "is_synthetic"]
    list_select_related = ["task__chain"]
    search_fields = ["text", "task__goal"]
    fields = ["task", "on", "text", "is_synthetic"]
    raw_id_fields = ["task"]


@admin.register(TaskThresholds)
class TaskThresholdsAdmin(admin.ModelAdmin):
    """When a chain task's light turns amber and red (the row named `default`)."""

    list_display = ["name", "amber_days", "red_days"]
    fields = ["name", "amber_days", "red_days"]
