"""Industrial chains (产业链)."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.chains.models import (
    Chain,
    ChainLeader,
    EnterpriseProfile,
    Node,
    Placement,
    ProjectPlacement,
    SupplyLink,
    TargetWeights,
)


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
