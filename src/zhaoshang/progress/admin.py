"""Administration: warning thresholds, the report due day and the departments are edited
here (or on the thresholds page); plans, reports and problems are shown read-only, since
their rules (approval, baselines, closing) live in the pages and the API."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.admin_site import SyntheticColumnMixin, TrackedAdmin
from zhaoshang.progress.models import (
    AnnualPlan,
    Department,
    MonthlyProgress,
    PlanBaseline,
    Problem,
    ProgressSettings,
    WarningRule,
)


@admin.register(WarningRule)
class WarningRuleAdmin(TrackedAdmin):
    list_display = ["code", "measure", "enabled", "amber_from", "red_from", "updated_at"]
    list_editable = ["enabled", "amber_from", "red_from"]
    fields = ["code", "enabled", "amber_from", "red_from"]
    readonly_fields = ["code"]

    @admin.display(description=_("measure"))
    def measure(self, obj):
        return obj.measure

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressSettings)
class ProgressSettingsAdmin(TrackedAdmin):
    list_display = ["__str__", "report_due_day", "updated_at"]
    fields = ["report_due_day"]

    def has_add_permission(self, request):
        return not ProgressSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(TrackedAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]


class ReadOnlyAdmin(SyntheticColumnMixin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BaselineInline(admin.TabularInline):
    model = PlanBaseline
    extra = 0
    fields = ["number", "planned_investment_wan", "planned_start", "planned_completion",
              "reason", "approved_by", "approved_at"]  # fmt: skip
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdmin):
    list_display = ["project", "year", "planned_investment_wan", "planned_start",
                    "planned_completion", "status", "baseline_count", "synthetic_mark"]  # fmt: skip
    list_filter = ["year", "status", "is_synthetic"]
    search_fields = ["project__name", "project__code"]
    list_select_related = ["project"]
    inlines = [BaselineInline]


@admin.register(MonthlyProgress)
class MonthlyProgressAdmin(ReadOnlyAdmin):
    list_display = ["project", "year", "month", "completed_wan", "funds_in_place_wan",
                    "counted_wan", "reported_at", "synthetic_mark"]  # fmt: skip
    list_filter = ["year", "month", "is_synthetic"]
    search_fields = ["project__name", "project__code"]
    list_select_related = ["project"]


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "department", "leader", "deadline", "status",
                    "synthetic_mark"]  # fmt: skip
    list_filter = ["status", "department", "is_synthetic"]
    search_fields = ["title", "project__name", "project__code"]
    list_select_related = ["project", "department"]


@admin.register(PlanBaseline)
class PlanBaselineAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "planned_investment_wan", "planned_start",
                    "planned_completion", "approved_at"]  # fmt: skip
    list_select_related = ["plan__project"]
    search_fields = ["plan__project__name", "plan__project__code"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
