"""Administrative units: reference data from the statistical division codes, plus aliases."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When

from zhaoshang.regions.home import home_code
from zhaoshang.regions.models import Level, Region, RegionAlias

# Foreign keys whose value must be a township-level unit (镇, 街道, zone): their
# autocomplete offers only those, the home county's first.
TOWNSHIP_FIELDS = {("projects", "project", "unit"), ("core", "userprofile", "unit")}


class RegionAliasInline(admin.TabularInline):
    model = RegionAlias
    fields = ["alias", "note"]
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "level", "kind", "parent", "merged_with"]
    list_display_links = ["code", "name"]
    list_filter = ["level", "kind"]
    list_select_related = ["parent", "merged_with"]
    search_fields = ["^code", "name", "short_name", "aliases__alias"]
    inlines = [RegionAliasInline]
    autocomplete_fields = ["parent", "merged_with"]
    fields = ["code", "name", "short_name", "level", "kind", "parent", "merged_with"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Reference data: a loaded unit keeps its code, name, level and place in the tree.
        if obj is None:
            return []
        return ["code", "name", "level", "kind", "parent"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            key = (
                request.GET.get("app_label"),
                request.GET.get("model_name"),
                request.GET.get("field_name"),
            )
            if key in TOWNSHIP_FIELDS:
                queryset = queryset.filter(level=Level.TOWNSHIP)
            home = home_code()  # the home region's units first (a county's, a city's)
            queryset = queryset.annotate(
                home_first=Case(
                    When(code__startswith=home, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            ).order_by("home_first", "level", "code")
        return queryset, may_have_duplicates


@admin.register(RegionAlias)
class RegionAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "region", "note"]
    list_select_related = ["region"]
    search_fields = ["alias", "region__name", "region__short_name", "^region__code"]
    autocomplete_fields = ["region"]
