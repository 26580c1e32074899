"""Shared pieces of the administration site: tracked saves, change-history tables, columns.

Every app's `admin.py` builds on these. A `TrackedAdmin` saves through
`zhaoshang.core.history.save_tracked` (who, when, before, after, reason), records a
"delete" entry before deleting, records changes made in its inlines too, and shows the
object's change history as a read-only table on its change page. For a model with a
`version`, its change page carries the version it was loaded at and a save checks it; every
recorded change, inline ones included, counts in the version (#13 item 7).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.history import (
    bump_version,
    describe,
    history_for,
    record,
    save_tracked,
    snapshot,
)
from zhaoshang.core.models import ChangeAction, ChangeLog
from zhaoshang.lib.money import Qualifier, format_wan

EMPTY = "—"
HISTORY_LIMIT = 100


# --------------------------------------------------------------------------- columns


def money_display(value, qualifier: str | None = None) -> str:
    """An amount in 万元 as a clerk reads it: `超100亿元`, `5000万元` (English UI: CNY …)."""
    if value is None:
        return EMPTY
    lang = "zh" if (get_language() or "zh").lower().startswith("zh") else "en"
    try:
        return format_wan(value, Qualifier(qualifier or Qualifier.EXACT.value), lang=lang)
    except ValueError:  # a negative amount slipped in: show it rather than fail the page
        return str(value)


def synthetic_badge(is_synthetic: bool) -> str:
    """A visible mark for invented demo rows; nothing for real ones."""
    if not is_synthetic:
        return ""
    return format_html(
        '<span style="background:#f5dd5d;color:#3a2f00;padding:1px 6px;border-radius:3px;'
        'font-weight:bold;white-space:nowrap">{}</span>',
        _("synthetic"),
    )


class SyntheticColumnMixin:
    """Adds the `synthetic_mark` column: put it in `list_display`."""

    @admin.display(description=_("synthetic"), ordering="is_synthetic")
    def synthetic_mark(self, obj) -> str:
        return synthetic_badge(obj.is_synthetic)


# --------------------------------------------------------------------------- history


def field_label(model: type[models.Model] | None, key: str) -> str:
    if model is not None:
        try:
            return str(capfirst(model._meta.get_field(key).verbose_name))
        except FieldDoesNotExist:
            pass
    return key


def _label_function(model: type[models.Model] | None):
    """The labeller of the model's admin when it has one (reverse relations, …)."""
    model_admin = admin.site._registry.get(model) if model is not None else None
    if isinstance(model_admin, TrackedAdmin):
        return model_admin.history_label
    return lambda key: field_label(model, key)


def _short(text: str) -> str:
    return Truncator(text).chars(200)


def change_rows(log: ChangeLog, model: type[models.Model] | None) -> list[tuple[str, str, str]]:
    """(label, before, after) per changed field, in the reader's language.

    Labels and values come from `history.describe` (verbose names, choice labels, stage
    dates) so the admin reads like the ledger's pages; keys it cannot name (reverse
    relations such as an enterprise's aliases) are named by the model's admin.
    """
    changes = log.changes if isinstance(log.changes, dict) else {}
    if not changes:
        return []
    label = _label_function(model)
    if model is None:  # a model that no longer exists
        return [
            (key, _short(str(pair[0])), _short(str(pair[1])))
            for key, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
    rows = []
    for key, (text, before, after) in zip(changes, describe(log), strict=True):
        rows.append((label(key) if text == key else text, _short(before), _short(after)))
    return rows


def render_changes(log: ChangeLog, model: type[models.Model] | None = None) -> str:
    """The fields of one log entry, one per line: `label: before → after`."""
    rows = change_rows(log, model)
    if not rows:
        return EMPTY
    return format_html_join(
        "",
        '<div><strong>{}</strong>: <span style="color:#888">{}</span> → {}</div>',
        rows,
    )


def user_display(user) -> str:
    if user is None:
        return str(_("system"))
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.get_username()})" if full else user.get_username()


def render_history(obj: models.Model | None, limit: int = HISTORY_LIMIT) -> str:
    """The change history of `obj` as a small table (newest first), escaped throughout."""
    if obj is None or obj.pk is None:
        return str(_("The history starts when the record is saved."))
    logs = list(history_for(obj)[: limit + 1])
    if not logs:
        return str(_("No changes recorded."))
    model = type(obj)
    rows = format_html_join(
        "",
        '<tr><td style="white-space:nowrap">{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>",
        (
            (
                localtime(log.at).strftime("%Y-%m-%d %H:%M"),
                user_display(log.user),
                log.get_action_display(),
                render_changes(log, model),
                log.reason or EMPTY,
            )
            for log in logs[:limit]
        ),
    )
    table = format_html(
        '<table class="zs-history" style="width:100%"><thead><tr><th>{}</th><th>{}</th>'
        "<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("when"),
        _("who"),
        _("action"),
        _("before → after"),
        _("reason"),
        rows,
    )
    if len(logs) > limit:
        try:
            from django.contrib.contenttypes.models import ContentType

            ct = ContentType.objects.get_for_model(model)
            url = reverse("admin:core_changelog_changelist")
            link = format_html(
                '<p><a href="{}?content_type__id__exact={}&amp;object_id={}">{}</a></p>',
                url,
                ct.pk,
                obj.pk,
                _("Show the whole history"),
            )
        except NoReverseMatch:
            link = ""
        table = format_html("{}{}", table, link)
    return table


def diff_states(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Like `history.diff`, but a key that disappeared counts as a change to None."""
    keys = list(after) + [k for k in before if k not in after]
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


# --------------------------------------------------------------------------- tracked admin


def has_version(model: type[models.Model]) -> bool:
    """Whether the model counts its changes in a `version` (optimistic locking)."""
    return any(f.name == "version" for f in model._meta.concrete_fields)


VERSION_FIELD = "loaded_version"


class TrackedAdminForm(forms.ModelForm):
    """A model form with an optional reason, kept with the change in the history.

    For a model with a `version`, the change page also carries the version it was loaded
    at (`loaded_version`, hidden) and a save checks it: a change someone saved after the
    page was opened is refused, never silently overwritten (#13 item 7). A missing or
    garbled version is refused too.
    """

    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Optional; kept in the change history with who and when."),
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_version(self._meta.model):
            self.fields.pop(VERSION_FIELD, None)
        elif self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None and VERSION_FIELD in self.fields:
            self._check_version(data)
        return data

    def _check_version(self, data) -> None:
        from zhaoshang.projects.services import version_missing, version_stale

        model = self._meta.model
        what = str(model._meta.verbose_name)
        loaded = data.get(VERSION_FIELD)
        self.errors.pop(VERSION_FIELD, None)  # a garbled one is a missing one
        if loaded is None:
            self.add_error(None, version_missing(what))
            return
        rows = model._default_manager.filter(pk=self.instance.pk)
        # The admin's change view runs in a transaction: lock the row until the save, so
        # nobody can save between this check and ours (SQLite takes its write lock at BEGIN).
        if transaction.get_connection(router.db_for_write(model)).in_atomic_block:
            rows = rows.select_for_update()
        now = rows.values_list("version", flat=True).first()
        if now is not None and now != loaded:
            self.add_error(None, version_stale(what, loaded, now))


class TrackedAdmin(admin.ModelAdmin):
    """Saves and deletes that leave a trace in `ChangeLog`, and a history on the change page.

    Subclasses may override `related_state` (a JSON-friendly picture of the inlines and
    many-to-many fields) so that changes made there appear in the history too, and
    `history_label` to name keys that are not model fields.
    """

    form = TrackedAdminForm
    history_fieldset_title = _("Change history")

    # -- history ----------------------------------------------------------------------

    def related_state(self, obj) -> dict[str, Any]:
        return {}

    def history_label(self, key: str) -> str:
        return field_label(self.model, key)

    @admin.display(description=_("change history"))
    def change_history(self, obj) -> str:
        return render_history(obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if "change_history" not in fields:
            fields.append("change_history")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        named = [f for _name, opts in fieldsets for f in opts.get("fields", ())]
        # Without declared fieldsets Django puts every field, these included, in one set.
        if not self.fieldsets:
            first_name, first_opts = fieldsets[0]
            own = ("change_reason", "change_history", VERSION_FIELD)
            rest = [f for f in first_opts["fields"] if f not in own]
            fieldsets[0] = (first_name, {**first_opts, "fields": rest})
            named = rest
        may_change = obj is None or self.has_change_permission(request, obj)
        if (
            obj is not None
            and may_change
            and has_version(self.model)
            and VERSION_FIELD not in named
        ):
            # the hidden version the save is checked against
            first_name, first_opts = fieldsets[0]
            fields = [*first_opts.get("fields", ()), VERSION_FIELD]
            fieldsets[0] = (first_name, {**first_opts, "fields": fields})
        if may_change and "change_reason" not in named:
            fieldsets.append((_("Reason"), {"fields": ["change_reason"]}))
        if obj is not None and "change_history" not in named:
            fieldsets.append(
                (self.history_fieldset_title, {"fields": ["change_history"], "classes": ["wide"]})
            )
        return fieldsets

    # -- saving -----------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        reason = (form.cleaned_data.get("change_reason") or "").strip()
        obj._admin_reason = reason
        obj._admin_related_before = self.related_state(obj) if change else {}
        obj._admin_log = save_tracked(obj, user=request.user, reason=reason)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(obj, "_admin_related_before", {})
        after = self.related_state(obj)
        if change:
            extra = diff_states(before, after)
        else:
            extra = {k: [None, v] for k, v in after.items() if v not in (None, "", [], False)}
        log = getattr(obj, "_admin_log", None)
        if extra:
            if log is None:
                log = record(
                    obj,
                    user=request.user,
                    action=ChangeAction.UPDATE,
                    changes=extra,
                    reason=getattr(obj, "_admin_reason", ""),
                )
                if change:
                    # save_tracked counted changes to the object's own fields; changes made
                    # only in the inlines count too, so holders of the old version hear of them.
                    bump_version(obj)
            else:
                log.changes = {**log.changes, **extra}
                log.save(update_fields=["changes"])
        self.after_tracked_save(request, obj, log, change)

    def after_tracked_save(self, request, obj, log: ChangeLog | None, change: bool) -> None:
        """Hook run once the object and its inlines are saved and the change recorded."""

    # -- deleting ---------------------------------------------------------------------

    def _record_delete(self, request, obj) -> None:
        before = {**snapshot(obj), **self.related_state(obj)}
        record(
            obj,
            user=request.user,
            action=ChangeAction.DELETE,
            changes={k: [v, None] for k, v in before.items() if v not in (None, "", [], False)},
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_delete(request, obj)
            super().delete_queryset(request, queryset)
