"""Teams and service levels are set up in the administration; the lead's own records
(stage log, hand-overs, documents) are read here and written through the lead's page."""

from django.contrib import admin

from zhaoshang.core.history import save_tracked
from zhaoshang.leads import sla
from zhaoshang.leads.models import (
    EventContact,
    LeadDocument,
    Referral,
    ServiceLevel,
    StageChange,
    Team,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "unit", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("members",)

    def save_model(self, request, obj, form, change):
        save_tracked(obj, user=request.user)


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ("kind", "stage", "min_investment_wan", "days", "is_active")
    list_filter = ("kind", "stage", "is_active")

    def save_model(self, request, obj, form, change):
        save_tracked(obj, user=request.user)
        sla.recompute_all()  # every lead's deadline follows the new rule at once

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        sla.recompute_all()


@admin.register(StageChange)
class StageChangeAdmin(ReadOnly):
    list_display = ("lead", "from_stage", "to_stage", "on", "by")
    list_filter = ("to_stage",)


@admin.register(Referral)
class ReferralAdmin(ReadOnly):
    list_display = ("lead", "from_owner", "from_team", "to_owner", "to_team", "at", "by")


@admin.register(LeadDocument)
class LeadDocumentAdmin(ReadOnly):
    list_display = ("lead", "title", "original_name", "size", "created_at")


@admin.register(EventContact)
class EventContactAdmin(ReadOnly):
    """Recorded and made leads on the event's page (`leads.contacts`), read here."""

    list_display = ("firm_name", "person", "title", "event", "enterprise", "lead", "created_at")
    list_select_related = ("event", "enterprise", "lead")
    search_fields = ("firm_name", "person")
