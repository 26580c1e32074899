"""The enterprise and investor registry. Every save and delete is kept in the history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.admin_site import (
    SyntheticColumnMixin,
    TrackedAdmin,
    TrackedAdminForm,
    money_display,
)
from zhaoshang.enterprises.models import (
    AliasKind,
    Contact,
    Enterprise,
    EnterpriseAlias,
    Lead,
    Visit,
)
from zhaoshang.lib.money import AmountError, parse_amount


class EnterpriseAdminForm(TrackedAdminForm):
    def clean_country(self):
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError(
                _("“%(value)s” is not a two-letter country code (CN, DE, US)"),
                params={"value": self.cleaned_data.get("country")},
                code="country",
            )
        return country


class EnterpriseAliasInline(admin.TabularInline):
    model = EnterpriseAlias
    fields = ["alias", "kind"]
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["name", "title", "phone", "email", "note"]
    extra = 0


class VisitInline(admin.TabularInline):
    model = Visit
    fields = ["visited_on", "by", "lead", "summary"]
    autocomplete_fields = ["by", "lead"]
    extra = 0
    ordering = ["-visited_on"]


@admin.register(Enterprise)
class EnterpriseAdmin(SyntheticColumnMixin, TrackedAdmin):
    form = EnterpriseAdminForm
    list_display = [
        "name",
        "credit_code",
        "country",
        "region",
        "parent",
        "is_fortune500",
        "is_listed",
        "is_specialised",
        "is_high_tech",
        "synthetic_mark",
    ]
    list_select_related = ["region", "parent"]
    list_filter = [
        "country",
        "is_fortune500",
        "is_listed",
        "is_specialised",
        "is_high_tech",
        "is_synthetic",
    ]
    search_fields = ["name", "aliases__alias", "=credit_code", "stock_code"]
    autocomplete_fields = ["parent", "industry", "region", "sources"]
    inlines = [EnterpriseAliasInline, ContactInline, VisitInline]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "credit_code", "country", "parent"]}),
        (
            _("Industry and location"),
            {"fields": ["industry", "region", "business_scope", "size_band"]},
        ),
        (
            _("Flags"),
            {
                "fields": [
                    "is_fortune500",
                    "is_listed",
                    "stock_code",
                    "is_specialised",
                    "is_high_tech",
                ]
            },
        ),
        (
            _("Other"),
            {"fields": ["website", "note", "sources", "is_synthetic", "created_at", "updated_at"]},
        ),
    ]

    def related_state(self, obj) -> dict[str, Any]:
        return {
            "aliases": sorted(
                f"{alias} ({AliasKind(kind).label if kind in AliasKind.values else kind})"
                for alias, kind in EnterpriseAlias.objects.filter(enterprise=obj).values_list(
                    "alias", "kind"
                )
            ),
            "sources": sorted(str(s) for s in obj.sources.all()),
        }

    def history_label(self, key: str) -> str:
        if key == "aliases":
            return str(_("aliases"))
        return super().history_label(key)


@admin.register(EnterpriseAlias)
class EnterpriseAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "kind", "enterprise"]
    list_filter = ["kind"]
    list_select_related = ["enterprise"]
    search_fields = ["alias", "enterprise__name"]
    autocomplete_fields = ["enterprise"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "enterprise", "phone", "email"]
    list_select_related = ["enterprise"]
    search_fields = ["name", "title", "phone", "email", "enterprise__name"]
    autocomplete_fields = ["enterprise"]


class LeadAdminForm(TrackedAdminForm):
    """The estimated investment may be typed as written (`约5亿元`): it is read into 万元."""

    def clean(self):
        data = super().clean()
        text = (data.get("estimated_investment_text") or "").strip()
        typed_number = (
            "estimated_investment_wan" in self.changed_data
            and data.get("estimated_investment_wan") is not None
        )
        if text and "estimated_investment_text" in self.changed_data and not typed_number:
            try:
                data["estimated_investment_wan"] = parse_amount(text).value_wan
            except AmountError as exc:
                self.add_error("estimated_investment_text", str(exc))
        return data


class LeadVisitInline(admin.TabularInline):
    model = Visit
    fields = ["visited_on", "enterprise", "by", "summary"]
    autocomplete_fields = ["enterprise", "by"]
    extra = 0
    ordering = ["-visited_on"]


@admin.register(Lead)
class LeadAdmin(SyntheticColumnMixin, TrackedAdmin):
    form = LeadAdminForm
    list_display = [
        "title",
        "enterprise",
        "chain",
        "status",
        "owner",
        "next_follow_up",
        "estimated_investment",
        "synthetic_mark",
    ]
    list_select_related = ["enterprise", "chain", "owner"]
    list_filter = ["status", "origin", "chain", "is_synthetic"]
    search_fields = ["title", "enterprise__name", "origin_note"]
    autocomplete_fields = ["enterprise", "chain", "source", "owner", "project"]
    date_hierarchy = "next_follow_up"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [LeadVisitInline]
    fieldsets = [
        (None, {"fields": ["title", "enterprise", "description", "chain"]}),
        (
            _("Estimated investment"),
            {"fields": [("estimated_investment_text", "estimated_investment_wan")]},
        ),
        (_("Origin"), {"fields": ["origin", "origin_note", "source"]}),
        (_("Follow-up"), {"fields": ["status", "owner", "next_follow_up", "project"]}),
        (_("Other"), {"fields": ["is_synthetic", "created_at", "updated_at"]}),
    ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("owner", request.user.pk)
        return initial

    @admin.display(description=_("estimated investment"), ordering="estimated_investment_wan")
    def estimated_investment(self, obj):
        return money_display(obj.estimated_investment_wan)


@admin.register(Visit)
class VisitAdmin(TrackedAdmin):
    list_display = ["visited_on", "enterprise", "lead", "by"]
    list_select_related = ["enterprise", "lead", "by"]
    search_fields = ["enterprise__name", "lead__title", "summary"]
    autocomplete_fields = ["enterprise", "lead", "by"]
    date_hierarchy = "visited_on"
    fields = ["visited_on", "enterprise", "lead", "by", "summary"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("by", request.user.pk)
        initial.setdefault("visited_on", timezone.localdate())
        return initial
