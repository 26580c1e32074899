"""Administration of users (with role and unit), API tokens, sources and the change history."""

from __future__ import annotations

from axes.models import AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zhaoshang.core.admin_site import EMPTY, render_changes, user_display
from zhaoshang.core.models import ApiToken, ChangeAction, ChangeLog, Source, UserProfile
from zhaoshang.core.templatetags.zs import weblink

admin.site.site_header = format_lazy(
    _("{site} — administration"), site=settings.ZHAOSHANG_SITE_NAME
)
admin.site.site_title = format_lazy(_("{site} — administration"), site=settings.ZHAOSHANG_SITE_NAME)
admin.site.index_title = _("Ledger administration")


# --------------------------------------------------------------------------- users


class UserProfileForm(forms.ModelForm):
    class Meta:
        model = UserProfile
        fields = ["role", "unit"]

    def has_changed(self):
        # A new account always gets its profile (read-only leader unless set otherwise).
        return self.instance.pk is None or super().has_changed()


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    form = UserProfileForm
    fields = ["role", "unit"]
    autocomplete_fields = ["unit"]
    can_delete = False
    min_num = 0
    max_num = 1
    verbose_name = _("role and unit")
    verbose_name_plural = _("role and unit")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [UserProfileInline]
    list_display = [
        "username",
        "full_name",
        "role",
        "unit",
        "is_active",
        "is_staff",
        "last_login",
    ]
    list_filter = ["profile__role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["profile", "profile__unit"]
    search_fields = ["username", "first_name", "last_name", "email"]

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.get_full_name() or EMPTY

    @admin.display(description=_("role"), ordering="profile__role")
    def role(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile is not None else EMPTY

    @admin.display(description=_("township unit"), ordering="profile__unit")
    def unit(self, obj):
        profile = getattr(obj, "profile", None)
        return str(profile.unit) if profile is not None and profile.unit_id else EMPTY


# --------------------------------------------------------------------------- API tokens


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued here (the key is shown once) and revoked; the key hash never shows."""

    list_display = ["token", "name", "user", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    exclude = ["key_hash"]

    @admin.display(description=_("token"), ordering="prefix")
    def token(self, obj):
        return f"{obj.prefix}…"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"]
        return ["user", "name", "token", "created_at", "last_used_at", "revoked"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "token", "created_at", "last_used_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = ApiToken.issue(obj.user, name=obj.name)
        # The admin goes on with `obj` (redirects, log entry): make it the stored token.
        obj.pk = token.pk
        obj.prefix, obj.key_hash, obj.created_at = token.prefix, token.key_hash, token.created_at
        obj._state.adding = False
        obj._state.db = token._state.db
        self.message_user(
            request,
            format_html(
                "{} <code style='user-select:all'>{}</code>",
                _("The new token is shown only this once; copy it now:"),
                key,
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked=False).update(revoked=True)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


# --------------------------------------------------------------------------- sources


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "document", "link"]
    search_fields = ["title", "publisher", "document", "url", "note"]
    date_hierarchy = "published_on"
    fields = ["title", "publisher", "published_on", "url", "document", "note"]

    @admin.display(description=_("URL"), ordering="url")
    def link(self, obj):
        if not weblink(obj.url):  # a javascript: or data: address is shown as text
            return obj.url or EMPTY
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.url, _("open"))


# --------------------------------------------------------------------------- history


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    """The change history: read by everyone allowed, written only by the ledger itself."""

    list_display = ["at", "object_link", "content_type", "action", "by"]
    list_display_links = ["at"]
    list_filter = ["content_type", "action"]
    list_select_related = ["content_type", "user"]
    search_fields = ["object_repr", "=object_id", "reason", "user__username"]
    show_full_result_count = False
    fields = [
        "at",
        "by",
        "action",
        "content_type",
        "object_link",
        "object_id",
        "changes_table",
        "reason",
    ]
    readonly_fields = fields

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, obj):
        if obj.action == ChangeAction.DELETE:
            return obj.object_repr
        ct = obj.content_type
        try:
            url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)

    @admin.display(description=_("by"), ordering="user__username")
    def by(self, obj):
        return user_display(obj.user)

    @admin.display(description=_("changes"))
    def changes_table(self, obj):
        return render_changes(obj, obj.content_type.model_class())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --------------------------------------------------------------------------- sign-in throttling

# axes registers three models. Its access attempts stay: each row counts failed sign-ins of
# one account from one address, and deleting the rows unlocks. The two logs go: we write
# neither (AXES_DISABLE_ACCESS_LOG, no failure log), and empty pages would only puzzle.
for _model in (AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
