"""Ledger forms. They only carry what the user typed; the services parse, check and save,
so the rules are the same for pages, API and CLI. Every field is text, so a refused
value comes back exactly as it was typed."""

from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhaoshang.chains.models import Chain
from zhaoshang.lib.money import Qualifier, format_wan
from zhaoshang.projects.models import STAGE_ORDER, Nature, Project, Stage, Status
from zhaoshang.projects.mujun import show_area
from zhaoshang.projects.services import version_missing

AMOUNTS = (
    ("total_investment", _("Total investment")),
    ("signed_amount", _("Signed amount")),
    ("registered_capital", _("Registered capital")),
    ("foreign_investment", _("Foreign investment")),
    ("expected_revenue", _("Expected yearly revenue")),
    ("expected_tax", _("Expected yearly tax")),
    ("expected_output", _("Expected yearly output value")),
)
AMOUNT_NAMES = tuple(name for name, _label in AMOUNTS)
PLANNED = ("started", "completed", "in_production", "full_production")


def _text(label, *, required=False, max_length=None, help_text="", **attrs) -> forms.CharField:
    """A text box. `max_length` only stops the typing in the browser: the ledger's rules
    (`projects.rules`) check the length, with the message every other path gives."""
    if max_length is not None:
        attrs["maxlength"] = max_length
    field = forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        strip=True,
        widget=forms.TextInput(attrs=attrs) if attrs else forms.TextInput,
    )
    return _rules_check_characters(field)


def _rules_check_characters(field: forms.CharField) -> forms.CharField:
    """Leave NUL to the ledger's text rule, which refuses every control character with the
    message the API and the import give (Django's own says only "null characters")."""
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]
    return field


def amount_initial(project: Project, name: str) -> str:
    """The amount as the user wrote it, else its normalised form (which reads back the same)."""
    text = getattr(project, f"{name}_text")
    if text:
        return text
    value = getattr(project, f"{name}_wan")
    if value is None:
        return ""
    return format_wan(value, Qualifier(getattr(project, f"{name}_qualifier")), lang="zh")


def land_area_initial(project: Project) -> str:
    """The land area as written, else its number in 亩 with its qualifier word."""
    if project.land_area_text or project.land_area_mu is None:
        return project.land_area_text
    return show_area(project.land_area_mu, project.land_area_qualifier, lang="zh")


class ProjectForm(forms.Form):
    """Create or edit a project. `creating` adds the code, the stage and its date."""

    name = _text(_("Project name"), required=True, max_length=300)
    code = _text(
        _("Project code"),
        max_length=32,
        help_text=_("Leave empty to get the next free code (320582-<year>-nnnn)."),
    )
    national_code = _text(
        _("National investment-project code"),
        max_length=24,
        help_text=_("e.g. 2023-320582-36-03-512345"),
    )
    # a picker of the units this user may use (`units=` of the form); the value is still
    # text that the services read, so a unit written elsewhere (a name, an alias) comes back
    # as it was typed, with the services' message, instead of vanishing
    unit = _rules_check_characters(
        forms.CharField(label=_("Township unit"), required=False, widget=forms.Select)
    )
    address = _text(_("Address"), max_length=300)
    industry = _text(
        _("Industry (GB/T 4754-2017)"),
        help_text=_("Type to search by code or name (3841, 锂离子电池)."),
        list="industry-options",
        autocomplete="off",
    )
    chain = forms.ChoiceField(label=_("Industrial chain"), required=False)
    is_foreign = forms.BooleanField(label=_("Foreign-invested"), required=False)
    publish_oc4ids = forms.BooleanField(
        label=_("Publish as open data (OC4IDS)"),
        required=False,
        help_text=_(
            "Public and infrastructure projects are published anyway; tick to publish this one too."
        ),
    )
    nature = forms.ChoiceField(label=_("New or expansion"), choices=Nature.choices)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.LEAD)
    stage_date = _text(
        _("Date of that stage"),
        help_text=_("When it was reached: 2023-03-15, 2023-03 or 2023. Empty if unknown."),
    )
    investors = _text(
        _("Investors"),
        help_text=_(
            "Names or aliases, separated by ; (采埃孚; 信义光能). New names are registered."
        ),
    )
    parent = _text(_("Phase of (parent project code)"), max_length=32)
    phase_label = _text(_("Phase"), max_length=50, help_text=_("e.g. 首期, 二期"))
    category = _text(_("Category"), max_length=100)
    capacity = _text(_("Capacity"), max_length=200, help_text=_("e.g. 60GWh, 月产1000万只"))
    land_area = _text(
        _("Land area (mu)"),
        max_length=200,
        help_text=_("As written (120亩, 约120亩, 8公顷). Used for the per-mu (亩均) figures."),
    )
    expected_jobs = _text(_("Jobs at full production"))
    description = _rules_check_characters(
        forms.CharField(
            label=_("Construction content and scale"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    )
    reason = _text(
        _("Note for the change history"),
        max_length=500,
        help_text=_("Optional: why or from where."),
    )
    # The version the page was loaded at, required when editing (checked in `clean`, so the
    # message shows above the form rather than beside a field nobody sees).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, creating: bool, units=None, unit_fixed: bool = False, **kwargs):
        """`units`: the township units the user may put a project in (a town editor: its own
        unit and its 区镇合一 partner); `unit_fixed`: no "no unit" choice (a town editor's
        project is always in its unit)."""
        super().__init__(*args, **kwargs)
        self.creating = creating
        self._set_unit_choices(units or [], unit_fixed)
        for name, label in AMOUNTS:
            self.fields[name] = _text(label, max_length=200, autocomplete="off")
        for stage in PLANNED:
            self.fields[f"planned_{stage}"] = _text(
                _("Planned date: %(stage)s") % {"stage": Stage(stage).label}
            )
        self.fields["chain"].choices = [("", "—")] + [
            (c.code, c.name) for c in Chain.objects.order_by("order", "code")
        ]
        if creating:
            del self.fields["version"]
        else:
            for name in ("code", "stage", "stage_date"):
                del self.fields[name]

    def _set_unit_choices(self, units, fixed: bool) -> None:
        choices = [] if fixed else [("", "—")]
        choices += [(u.code, str(u)) for u in units]
        current = str(self.data.get("unit", "") if self.is_bound else self.initial.get("unit", ""))
        if current.strip() and current not in {code for code, _label in choices}:
            choices.append((current, current))  # as typed/stored; the services judge it
        field = self.fields["unit"]
        field.widget.choices = choices
        if fixed:
            field.help_text = _("Town editors create and edit projects of their own unit.")

    def unit_label(self, value) -> str:
        """The unit as the picker shows it (the conflict table names units, not codes)."""
        return dict(self.fields["unit"].widget.choices).get(value, value)

    def clean(self):
        data = super().clean()
        if not self.creating and data.get("version") is None:
            # without it a save would overwrite whatever someone else saved meanwhile; said
            # above the form, as nobody sees the hidden field (a garbled one included)
            self.errors.pop("version", None)
            self.add_error(None, version_missing(gettext("project")))
        return data

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        planned = {
            sd.stage: sd.display("planned") for sd in project.stage_dates.all() if sd.planned_on
        }
        initial = {
            "name": project.name,
            "national_code": project.national_code,
            "unit": project.unit_id or "",
            "address": project.address,
            "industry": str(project.industry) if project.industry_id else "",
            "chain": project.chain.code if project.chain_id else "",
            "is_foreign": project.is_foreign,
            "publish_oc4ids": project.publish_oc4ids,
            "nature": project.nature,
            "investors": "; ".join(link.enterprise.name for link in project.investor_links.all()),
            "parent": project.parent.code if project.parent_id else "",
            "phase_label": project.phase_label,
            "category": project.category,
            "capacity": project.capacity,
            "expected_jobs": "" if project.expected_jobs is None else str(project.expected_jobs),
            "land_area": land_area_initial(project),
            "description": project.description,
            "version": project.version,
        }
        for name in AMOUNT_NAMES:
            initial[name] = amount_initial(project, name)
        for stage in PLANNED:
            initial[f"planned_{stage}"] = planned.get(stage, "")
        return initial

    def service_data(self) -> dict:
        """What to hand to create_project / update_project: on create every filled field,
        on edit only the fields the user changed (an untouched amount keeps its text)."""
        data = self.cleaned_data
        names = [n for n in self.fields if n not in ("reason", "version", "stage_date")]
        if not self.creating:
            names = [n for n in names if n in self.changed_data]
        out: dict = {}
        for name in names:
            value = data.get(name)
            if name == "investors":
                value = [v for v in value.replace("；", ";").split(";") if v.strip()]
            if self.creating and value in ("", None, []):
                continue
            out[name] = value
        if self.creating and data.get("stage_date"):
            out[f"actual_{data['stage']}"] = data["stage_date"]
        return out

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put each service message beside its field (`total_investment_wan` → the amount)."""
        for key, messages in errors.items():
            field = key.removesuffix("_wan")
            if self.creating and field == f"actual_{self.cleaned_data.get('stage')}":
                field = "stage_date"
            if field not in self.fields:
                field = None
            for message in messages:
                self.add_error(field, message)


class StageForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to stage"), choices=Stage.choices)
    on = _text(_("On (date)"), required=True, help_text=_("2023-03-15, 2023-03 or 2023"))
    reason = _text(_("Reason"), max_length=500, help_text=_("Needed when going back a stage."))

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            # forward moves first, then going back; the current stage is not a move
            current = STAGE_ORDER.index(project.stage)
            self.fields["to"].choices = [
                (s, Stage(s).label) for s in STAGE_ORDER if s != project.stage
            ]
            forward = [s for s in STAGE_ORDER if project.can_move_to(s)]
            if forward:
                self.fields["to"].initial = forward[0]
            elif current > 0:
                self.fields["to"].initial = STAGE_ORDER[current - 1]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    on = _text(_("Since (date)"), help_text=_("Empty for today"))
    reason = _text(
        _("Reason"), max_length=2000, help_text=_("Needed for delayed, paused or dropped.")
    )
