"""News articles and their candidates in the admin: read them, correct a candidate, see who
decided what. Decisions themselves are taken on the review pages (they write the ledger)."""

from __future__ import annotations

from django.contrib import admin

from zhaoshang.core.admin_site import TrackedAdmin
from zhaoshang.intel.models import Article, Candidate


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    fields = ("kind", "name", "status", "event", "event_date", "total_investment_wan")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(TrackedAdmin):
    list_display = ("title", "source_url", "published_on", "added_at", "added_by", "is_synthetic")
    list_filter = ("is_synthetic", "published_on")
    search_fields = ("title", "source_url", "text")
    readonly_fields = ("content_hash", "amounts", "reference_date", "extractor_version", "source")
    inlines = [CandidateInline]

    def has_add_permission(self, request):
        return False  # add articles on the news page: it reads them and de-duplicates


@admin.register(Candidate)
class CandidateAdmin(TrackedAdmin):
    list_display = ("name", "kind", "status", "event", "event_date", "article")
    list_filter = ("kind", "status", "event")
    search_fields = ("name", "investor", "evidence")
    list_select_related = ("article",)
    raw_id_fields = ("article", "parent", "lead", "project", "batch_event", "unit", "decided_by")
    readonly_fields = ("spans", "decided_by", "decided_at")

    def has_add_permission(self, request):
        return False
