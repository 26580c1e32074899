"""The project ledger in the administration site.

Saves go through `save_tracked` (see `zhaoshang.core.admin_site.TrackedAdmin`); the stage
is read-only in the change form and changes on its own page through
`zhaoshang.projects.services.change_stage`, which records the date and who.
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Count, Exists, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.admin_site import (
    EMPTY,
    SyntheticColumnMixin,
    TrackedAdmin,
    TrackedAdminForm,
    money_display,
)
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.lib.money import AmountError
from zhaoshang.projects import rules
from zhaoshang.projects.access import can_edit_project
from zhaoshang.projects.models import (
    FORWARD,
    STAGE_ORDER,
    BatchEvent,
    MujunThreshold,
    Project,
    ProjectInvestor,
    ProjectList,
    ProjectListEntry,
    ProjectSource,
    Stage,
    StageDate,
    stage_index,
)
from zhaoshang.projects.services import (
    AMOUNT_FIELDS,
    PartialDate,
    change_stage,
    check_stage_dates,
    next_project_code,
)
from zhaoshang.regions.home import township_units

# --------------------------------------------------------------------------- filters


class HomeTownshipFilter(admin.RelatedFieldListFilter):
    """Township units of the home region only (not every township of the province)."""

    def field_choices(self, field, request, model_admin):
        units = township_units(request.user)
        return [(unit.code, str(unit)) for unit in units]


# --------------------------------------------------------------------------- forms


class ProjectAdminForm(TrackedAdminForm):
    """Amounts may be typed as written (`超100亿元`, `约5亿美元`): they are read into 万元."""

    class Meta:  # the admin supplies the model and the fields
        widgets = {
            **{
                f"{name}_text": forms.TextInput(
                    attrs={"size": 16, "placeholder": _("e.g. 超100亿元")}
                )
                for name in AMOUNT_FIELDS
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields.get("code")
        if code is not None:  # the rules check its length, with the message of every path
            code.validators = [v for v in code.validators if not isinstance(v, MaxLengthValidator)]
            code.max_length = None

    def clean(self):
        """The ledger's rules (`projects.rules`) on what the admin's fields hold: the texts,
        amounts as written, the project code, the reason a status needs."""
        data = super().clean()  # the version check first (`TrackedAdminForm`)
        for key in rules.TEXT_FIELDS:  # the text rule: limits, control and bidi characters
            if key in self.changed_data and data.get(key):
                try:
                    data[key] = rules.text(key, data[key])
                except rules.RuleError as exc:
                    self.add_error(key, str(exc))
        if "code" in self.changed_data and data.get("code"):
            try:
                data["code"] = rules.code(data["code"])
            except rules.RuleError as exc:
                self.add_error("code", str(exc))
        for name in AMOUNT_FIELDS:
            text_key, wan_key = f"{name}_text", f"{name}_wan"
            text = (data.get(text_key) or "").strip()
            if not text or text_key not in self.changed_data:
                continue
            if wan_key in self.changed_data and data.get(wan_key) is not None:
                continue  # the clerk typed the number too: keep it
            try:
                columns = rules.amount(name, text, typed=True)
            except (rules.RuleError, AmountError) as exc:
                self.add_error(text_key, str(exc))
                continue
            data.update({k: v for k, v in columns.items() if k in self.fields or k == wan_key})
            for column, value in columns.items():
                setattr(self.instance, column, value)
        land = (data.get("land_area_text") or "").strip()
        if (
            land
            and "land_area_text" in self.changed_data
            and not ("land_area_mu" in self.changed_data and data.get("land_area_mu") is not None)
        ):
            try:  # the area as written (约120亩, 8公顷): the ledger's one rule reads it
                columns = rules.land_area(land)
            except (rules.RuleError, AmountError) as exc:
                self.add_error("land_area_text", str(exc))
            else:
                data.update(columns)
                for column, value in columns.items():
                    setattr(self.instance, column, value)
        status = data.get("status")
        if "status" in self.changed_data:
            missing = rules.status_reason_missing(status, data.get("status_reason") or "")
            if missing:
                self.add_error("status_reason", missing)
        return data


class StageChangeForm(forms.Form):
    to = forms.ChoiceField(label=_("new stage"))
    on = forms.CharField(
        label=_("date"),
        max_length=20,
        widget=forms.TextInput(attrs={"size": 12, "placeholder": "2023-03-15"}),
        help_text=_(
            "When the project reached the new stage: 2023-03-15, or 2023-03 (2023年3月) "
            "or 2023 when the source gives only the month or the year."
        ),
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Needed when going back a stage."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate().isoformat()
        forward = [(s, Stage(s).label) for s in STAGE_ORDER if s in FORWARD[project.stage]]
        back = [
            (s, Stage(s).label) for s in STAGE_ORDER if stage_index(s) < stage_index(project.stage)
        ]
        choices: list[Any] = [("", "---------")]
        if forward:
            choices.append((_("Forward"), forward))
        if back:
            choices.append((_("Back (needs a reason)"), back))
        self.fields["to"].choices = choices


STAGE_TEMPLATE = """{% extends "admin/base_site.html" %}
{% load i18n admin_urls %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">{% translate 'Home' %}</a>
&rsaquo; <a href="{% url 'admin:app_list' app_label=opts.app_label %}">{{ opts.app_config.verbose_name }}</a>
&rsaquo; <a href="{% url opts|admin_urlname:'changelist' %}">{{ opts.verbose_name_plural|capfirst }}</a>
&rsaquo; <a href="{{ change_url }}">{{ original|truncatechars:40 }}</a>
&rsaquo; {{ title }}
</div>{% endblock %}
{% block content %}<div id="content-main">
<p>{{ current_label }}: <strong>{{ original.get_stage_display }}</strong></p>
<form method="post" novalidate>{% csrf_token %}
{% if form.non_field_errors %}<p class="errornote">{{ form.non_field_errors|join:" " }}</p>{% endif %}
<fieldset class="module aligned">
{% for field in form %}<div class="form-row{% if field.errors %} errors{% endif %}">
{{ field.errors }}
<div class="flex-container">{{ field.label_tag }} {{ field }}</div>
{% if field.help_text %}<div class="help">{{ field.help_text }}</div>{% endif %}
</div>{% endfor %}
</fieldset>
<div class="submit-row"><input type="submit" value="{% translate 'Save' %}" class="default">
<a href="{{ change_url }}" class="closelink">{% translate 'Cancel' %}</a></div>
</form></div>{% endblock %}
"""


@functools.cache
def _stage_template():
    return engines["django"].from_string(STAGE_TEMPLATE)


# --------------------------------------------------------------------------- inlines


class ProjectInvestorInline(admin.TabularInline):
    model = ProjectInvestor
    fields = ["enterprise", "role", "share_percent"]
    autocomplete_fields = ["enterprise"]
    extra = 0


class StageDateFormSet(BaseInlineFormSet):
    """Stage dates must not go backwards, nor be actual beyond the project's stage."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        planned: dict[str, Any] = {}
        actual: dict[str, Any] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            old = form.initial.get("stage") if form.instance.pk else None
            if old and old != data.get("stage"):
                planned.setdefault(old, None)
                actual.setdefault(old, None)
            stage = data.get("stage")
            if not stage:
                continue
            if self.can_delete and self._should_delete_form(form):
                planned.setdefault(stage, None)
                actual.setdefault(stage, None)
                continue
            for prefix, target in (("planned", planned), ("actual", actual)):
                on = data.get(f"{prefix}_on")
                precision = data.get(f"{prefix}_precision") or "day"
                target[stage] = None if on is None else PartialDate(on, precision)
        errors = check_stage_dates(
            self.instance, planned, actual, creating=self.instance._state.adding
        )
        if errors:
            raise ValidationError(list(errors.values()))


class StageDateInline(admin.TabularInline):
    model = StageDate
    formset = StageDateFormSet
    fields = [
        "stage",
        "planned_on",
        "planned_precision",
        "actual_on",
        "actual_precision",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = ["recorded_by", "recorded_at"]
    extra = 0
    ordering = ["id"]


class ProjectSourceInline(admin.TabularInline):
    model = ProjectSource
    fields = ["source", "note"]
    autocomplete_fields = ["source"]
    extra = 0


# --------------------------------------------------------------------------- projects


@admin.register(Project)
class ProjectAdmin(SyntheticColumnMixin, TrackedAdmin):
    form = ProjectAdminForm
    list_display = [
        "code",
        "name",
        "unit",
        "stage",
        "status",
        "total_investment",
        "synthetic_mark",
    ]
    list_display_links = ["code", "name"]
    list_select_related = ["unit"]
    list_filter = [
        "stage",
        "status",
        ("unit", HomeTownshipFilter),
        "is_foreign",
        "is_synthetic",
        "nature",
    ]
    # The search itself is `get_search_results`; this list only turns the search box on.
    search_fields = ["code", "name", "national_code", "investors__name"]
    show_full_result_count = False
    list_per_page = 50
    autocomplete_fields = ["unit", "industry", "chain", "parent"]
    inlines = [ProjectInvestorInline, StageDateInline, ProjectSourceInline]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "code",
                    "national_code",
                    "name",
                    ("parent", "phase_label"),
                    "category",
                    "description",
                    "publish_oc4ids",
                ]
            },
        ),
        (
            _("Location and classification"),
            {
                "fields": [
                    "unit",
                    "address",
                    "industry",
                    "chain",
                    "is_foreign",
                    "nature",
                    ("land_area_text", "land_area_mu", "land_area_qualifier"),
                ]
            },
        ),
        (
            _("Stage and status"),
            {"fields": ["stage", "status", "status_reason", "status_since"]},
        ),
        (
            _("Amounts"),
            {
                "description": _(
                    "Type an amount as written (超100亿元, 约5亿美元) and it is read into "
                    "10k CNY; or type the number in 10k CNY directly."
                ),
                "fields": [
                    ("total_investment_text", "total_investment_wan", "total_investment_qualifier"),
                    ("signed_amount_text", "signed_amount_wan", "signed_amount_qualifier"),
                    (
                        "registered_capital_text",
                        "registered_capital_wan",
                        "registered_capital_qualifier",
                    ),
                    (
                        "registered_capital_currency",
                        "registered_capital_original",
                        "registered_capital_rate",
                    ),
                    (
                        "foreign_investment_text",
                        "foreign_investment_wan",
                        "foreign_investment_qualifier",
                    ),
                    (
                        "foreign_investment_currency",
                        "foreign_investment_original",
                        "foreign_investment_rate",
                    ),
                ],
            },
        ),
        (
            _("Expected at full production"),
            {
                "fields": [
                    ("expected_revenue_text", "expected_revenue_wan", "expected_revenue_qualifier"),
                    ("expected_tax_text", "expected_tax_wan", "expected_tax_qualifier"),
                    ("expected_output_text", "expected_output_wan", "expected_output_qualifier"),
                    "expected_jobs",
                    "capacity",
                ]
            },
        ),
        (
            _("Other"),
            {
                "fields": [
                    "is_synthetic",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "version",
                    "lists_and_events",
                ]
            },
        ),
    ]

    # -- list -------------------------------------------------------------------------

    @admin.display(description=_("total investment"), ordering="total_investment_wan")
    def total_investment(self, obj):
        return money_display(obj.total_investment_wan, obj.total_investment_qualifier)

    def get_search_results(self, request, queryset, search_term):
        """Code, name, national code, or an investor's name or alias; each word must match.

        Investors are matched in a subquery rather than a join, so no row is doubled and
        the 100,000-row list needs no DISTINCT.
        """
        words = [
            unescape_string_literal(w) if w[:1] in {'"', "'"} and w[-1:] == w[:1] else w
            for w in smart_split(search_term)
        ]
        for word in words:
            investor = ProjectInvestor.objects.filter(project=OuterRef("pk")).filter(
                Q(enterprise__name__icontains=word) | Q(enterprise__aliases__alias__icontains=word)
            )
            queryset = queryset.filter(
                Q(code__icontains=word)
                | Q(name__icontains=word)
                | Q(national_code__icontains=word)
                | Exists(investor)
            )
        return queryset, False

    # -- change form ------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        out = []
        for name, opts in fieldsets:
            fields = ["stage_and_action" if f == "stage" else f for f in opts.get("fields", ())]
            out.append((name, {**opts, "fields": fields}))
        return out

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "updated_at", "version"]
        fields += ["created_by", "created_at", "lists_and_events"]
        if obj is not None:
            fields += ["code", "stage_and_action"]
        return fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("code", next_project_code())
        return initial

    @admin.display(description=_("stage"))
    def stage_and_action(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_stage", args=[quote(obj.pk)]
        )
        return format_html(
            '<strong>{}</strong>&nbsp;&nbsp;<a class="button" href="{}">{}</a>'
            '<div class="help">{}</div>',
            obj.get_stage_display(),
            url,
            _("Change stage…"),
            _("The stage changes on its own page, which records the date and who."),
        )

    @admin.display(description=_("on lists and in events"))
    def lists_and_events(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        names = [str(x) for x in obj.lists.all()] + [str(x) for x in obj.batch_events.all()]
        return "、".join(names) or EMPTY

    # -- permissions ------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_project(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_project(request.user, obj))

    # -- saving -----------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None and request.user.is_authenticated:
            obj.created_by = request.user
        if change and "status" in form.changed_data and "status_since" not in form.changed_data:
            obj.status_since = timezone.localdate()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not StageDate:
            super().save_formset(request, form, formset, change)
            return
        # A changed actual date records who and when, as `change_stage` does.
        touched = {
            id(f.instance)
            for f in formset.forms
            if f.has_changed() and {"actual_on", "actual_precision", "stage"} & set(f.changed_data)
        }
        instances = formset.save(commit=False)
        for gone in formset.deleted_objects:
            gone.delete()
        now = timezone.now()
        for sd in instances:
            if id(sd) in touched:
                sd.recorded_by = request.user if sd.actual_on else None
                sd.recorded_at = now if sd.actual_on else None
            sd.save()
        formset.save_m2m()

    def related_state(self, obj) -> dict[str, Any]:
        state: dict[str, Any] = {
            "investors": list(
                ProjectInvestor.objects.filter(project=obj)
                .order_by("id")
                .values_list("enterprise__name", flat=True)
            ),
            "sources": sorted(
                ProjectSource.objects.filter(project=obj).values_list("source__title", flat=True)
            ),
        }
        # Stage dates as `change_stage` records them: 2023-03-15, 2023-03 or 2023.
        for sd in StageDate.objects.filter(project=obj):
            for prefix in ("planned", "actual"):
                value = sd.partial(prefix)
                if value is not None:
                    state[f"{prefix}_{sd.stage}"] = str(value)
        return state

    # -- the stage page ---------------------------------------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_stage"
        return [
            path(
                "<path:object_id>/stage/",
                self.admin_site.admin_view(self.stage_view),
                name=name,
            ),
            *super().get_urls(),
        ]

    def stage_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[quote(obj.pk)]
        )
        form = StageChangeForm(request.POST or None, project=obj)
        if request.method == "POST" and form.is_valid():
            try:
                change_stage(
                    user=request.user,
                    project=obj,
                    to=form.cleaned_data["to"],
                    on=form.cleaned_data["on"].strip(),
                    reason=form.cleaned_data["reason"].strip(),
                )
            except InputError as exc:
                for key, msgs in exc.fields.items():
                    field = {"stage": "to"}.get(key, key)
                    form.add_error(field if field in form.fields else None, msgs)
            except NotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                obj.refresh_from_db()
                self.message_user(
                    request,
                    _("“%(project)s” is now at stage %(stage)s.")
                    % {"project": obj, "stage": obj.get_stage_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change stage"),
            "subtitle": str(obj),
            "opts": self.opts,
            "original": obj,
            "form": form,
            "change_url": change_url,
            "current_label": _("Current stage"),
        }
        return TemplateResponse(request, _stage_template(), context)


# --------------------------------------------------------------------------- lists, events


class ProjectListEntryInline(admin.TabularInline):
    model = ProjectListEntry
    fields = ["project", "planned_investment_wan"]
    autocomplete_fields = ["project"]
    extra = 0
    verbose_name = _("member project")
    verbose_name_plural = _("member projects")


@admin.register(ProjectList)
class ProjectListAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "level",
        "year",
        "issuer",
        "declared_project_count",
        "member_count",
        "planned_investment",
    ]
    list_filter = ["level", "year"]
    search_fields = ["name", "issuer"]
    autocomplete_fields = ["source"]
    inlines = [ProjectListEntryInline]
    fields = [
        "name",
        "level",
        "year",
        "issuer",
        "declared_project_count",
        ("planned_investment_wan", "planned_investment_qualifier"),
        "source",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("entries"))

    @admin.display(description=_("projects recorded"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count

    @admin.display(description=_("annual planned investment"), ordering="planned_investment_wan")
    def planned_investment(self, obj):
        return money_display(obj.planned_investment_wan, obj.planned_investment_qualifier)


@admin.register(BatchEvent)
class BatchEventAdmin(TrackedAdmin):
    list_display = [
        "name",
        "kind",
        "date",
        "unit",
        "declared_project_count",
        "project_count",
        "declared_total",
        "status",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["unit"]
    search_fields = ["name", "place"]
    date_hierarchy = "date"
    autocomplete_fields = ["unit", "source", "projects"]
    fields = [
        "name",
        "kind",
        ("date", "date_precision"),
        "place",
        "unit",
        "declared_project_count",
        ("declared_total_wan", "declared_total_qualifier"),
        "projects",
        "source",
        "status",
        ("window_start", "window_end"),
        "is_synthetic",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_project_count=Count("projects"))

    @admin.display(description=_("projects recorded"), ordering="_project_count")
    def project_count(self, obj):
        return obj._project_count

    @admin.display(description=_("total investment (as published)"), ordering="declared_total_wan")
    def declared_total(self, obj):
        return money_display(obj.declared_total_wan, obj.declared_total_qualifier)


@admin.register(MujunThreshold)
class MujunThresholdAdmin(admin.ModelAdmin):
    """亩均 thresholds kept as data (projects.mujun): each with where its figures come from."""

    list_display = (
        "name",
        "industry_prefix",
        "min_investment_per_mu_wan",
        "min_output_per_mu_wan",
        "min_tax_per_mu_wan",
        "binding",
        "active",
    )
    list_filter = ("active", "binding")
    search_fields = ("name", "industry_prefix", "source_title")
