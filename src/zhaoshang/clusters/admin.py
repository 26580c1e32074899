"""Industrial clusters with their targets, and the indicators by period."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from zhaoshang.clusters.models import Cluster, Indicator, IndicatorDefinition


def _plain_number(value) -> str:
    if value is None:
        return "—"
    text = format(value.normalize(), "f")
    return text


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "cluster"
    fields = [
        "code",
        "name",
        "region",
        "year",
        "period",
        "kind",
        "qualifier",
        "value",
        "unit_of_measure",
        "note",
        "source",
    ]
    autocomplete_fields = ["region", "source"]
    extra = 0
    verbose_name = _("indicator or target")
    verbose_name_plural = _("indicators and targets")


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "indicator_count", "source"]
    list_select_related = ["unit", "source"]
    search_fields = ["name", "description", "unit__name", "unit__short_name"]
    list_filter = ["chains"]
    fields = ["name", "unit", "chains", "description", "source"]
    autocomplete_fields = ["unit", "source", "chains"]
    inlines = [IndicatorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_indicator_count=Count("indicators"))

    @admin.display(description=_("indicators"), ordering="_indicator_count")
    def indicator_count(self, obj):
        return obj._indicator_count


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "region",
        "cluster",
        "period",
        "kind",
        "shown_value",
        "unit_of_measure",
    ]
    list_filter = ["kind", "year", "qualifier"]
    list_select_related = ["region", "cluster"]
    search_fields = ["code", "name", "cluster__name", "region__name", "region__short_name"]
    autocomplete_fields = ["region", "cluster", "source"]
    fieldsets = [
        (None, {"fields": ["code", "name", "region", "cluster"]}),
        (_("Period"), {"fields": ["year", "period", "kind"]}),
        (_("Value"), {"fields": ["qualifier", "value", "unit_of_measure"]}),
        (_("Other"), {"fields": ["note", "source"]}),
    ]

    @admin.display(description=_("value"), ordering="value")
    def shown_value(self, obj):
        prefix = {"at_least": "≥ ", "approx": "≈ ", "at_most": "≤ "}.get(obj.qualifier, "")
        return f"{prefix}{_plain_number(obj.value)}"


class IndicatorDefinitionForm(forms.ModelForm):
    """Checks a derived indicator's formula as the service does (known codes, no cycle)."""

    class Meta:
        model = IndicatorDefinition
        fields = [
            "code",
            "name",
            "name_en",
            "unit_of_measure",
            "value_type",
            "formula",
            "description",
            "order",
            "source",
        ]

    def clean_formula(self):
        from zhaoshang.clusters.formula import FormulaError
        from zhaoshang.clusters.services import check_formula

        text = " ".join((self.cleaned_data.get("formula") or "").split())
        code = self.cleaned_data.get("code") or self.instance.code
        if text:
            known = dict(
                IndicatorDefinition.objects.exclude(code=code).values_list("code", "formula")
            )
            try:
                check_formula(text, code=code, known=known)
            except FormulaError as exc:
                raise forms.ValidationError(str(exc)) from None
        return text


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    form = IndicatorDefinitionForm
    list_display = ["code", "name", "unit_of_measure", "value_type", "formula"]
    list_filter = ["value_type"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["source"]
