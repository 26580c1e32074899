"""The lead pages' forms: text in, the services decide (every rule lives in `services`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from zhaoshang.enterprises.models import InteractionKind, Lead, LeadOrigin, LeadStatus
from zhaoshang.projects.services import version_missing


def node_label(node) -> str:
    """`新能源 / 光伏组件`, or `New energy / PV modules` on an English page (names as data)."""
    if (get_language() or "").startswith("en"):
        return f"{node.chain.name_en or node.chain.name} / {node.name_en or node.name}"
    return f"{node.chain.name} / {node.name}"


class ServiceErrors:
    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class Versioned:
    """A hidden `version` (the one the page was loaded at), required when editing: checked in
    `clean` and said above the form, as on the project form, since nobody sees the field."""

    what = "lead"

    def _require_version(self, data: dict) -> None:
        if data.get("version") is None:
            self.errors.pop("version", None)
            self.add_error(None, version_missing(gettext(self.what)))


class LeadForm(ServiceErrors, Versioned, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=1000)
    enterprise = forms.CharField(
        label=_("Enterprise"), required=False, help_text=_("Name, alias or credit code")
    )
    origin = forms.ChoiceField(label=_("Origin"), choices=LeadOrigin.choices, required=False)
    origin_note = forms.CharField(
        label=_("Origin detail"), required=False, help_text=_("e.g. who referred it, the event")
    )
    estimated_investment = forms.CharField(
        label=_("Expected investment"),
        required=False,
        help_text=_("e.g. 约5亿元, 超10亿, 1.5亿美元"),
    )
    node = forms.ChoiceField(label=_("Chain node"), required=False)
    unit = forms.CharField(
        label=_("Intended location"), required=False, help_text=_("Township unit or park")
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    next_action = forms.CharField(label=_("Next action"), required=False)
    next_follow_up = forms.CharField(label=_("Next action date"), required=False,
                                     widget=_date_input())  # fmt: skip
    expected_signing_on = forms.CharField(label=_("Expected signing date"), required=False,
                                          widget=_date_input())  # fmt: skip
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea({"rows": 3}))  # fmt: skip

    def __init__(self, *args, nodes=(), teams=(), creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [("", "—")] + [(str(n.pk), node_label(n)) for n in nodes]
        self.fields["team"].choices = [("", "—")] + [(str(t.pk), t.name) for t in teams]
        self.creating = creating
        if not creating:
            del self.fields["team"]  # the team changes by a hand-over, with its history
        else:
            del self.fields["version"]

    def clean(self):
        data = super().clean()
        if not self.creating:
            self._require_version(data)
        return data

    @staticmethod
    def initial_for(lead: Lead) -> dict:
        return {
            "title": lead.title,
            "enterprise": lead.enterprise.name if lead.enterprise_id else "",
            "origin": lead.origin,
            "origin_note": lead.origin_note,
            "estimated_investment": lead.estimated_investment_text
            or (format(lead.estimated_investment_wan.normalize(), "f") + "万元"
                if lead.estimated_investment_wan is not None else ""),
            "node": str(lead.node_id or ""),
            "unit": lead.unit.name if lead.unit_id else "",
            "next_action": lead.next_action,
            "next_follow_up": lead.next_follow_up.isoformat() if lead.next_follow_up else "",
            "expected_signing_on": lead.expected_signing_on.isoformat()
            if lead.expected_signing_on else "",
            "description": lead.description,
            "version": lead.version,
        }  # fmt: skip

    def service_data(self, changed_only: bool) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        names = self.changed_data if changed_only else list(data)
        return {k: data[k] for k in names if k in data}


class InteractionForm(ServiceErrors, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    date = forms.CharField(label=_("Date"), widget=_date_input())
    place = forms.CharField(label=_("Place"), required=False)
    our_participants = forms.CharField(label=_("Our participants"), required=False)
    their_participants = forms.CharField(label=_("Their participants"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))
    outcome = forms.CharField(label=_("Outcome"), required=False)
    next_step = forms.CharField(label=_("Next step"), required=False)
    next_step_on = forms.CharField(label=_("Next step date"), required=False,
                                   widget=_date_input())  # fmt: skip


class InteractionEditForm(Versioned, InteractionForm):
    """Correcting a recorded interaction: its fields, the version it was loaded at, why."""

    what = "interaction"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Why the correction"), required=False)

    @staticmethod
    def initial_for(visit) -> dict:
        return {
            "kind": visit.kind, "date": visit.visited_on.isoformat(), "place": visit.place,
            "our_participants": visit.our_participants,
            "their_participants": visit.their_participants, "notes": visit.summary,
            "outcome": visit.outcome, "next_step": visit.next_step, "version": visit.version,
        }  # fmt: skip

    def clean(self):
        data = super().clean()
        self._require_version(data)
        return data

    def service_data(self) -> dict:
        """The fields changed since the page was loaded (an empty next-step date means none)."""
        data = dict(self.cleaned_data)
        names = [n for n in self.changed_data if n not in ("version", "reason")]
        return {k: data[k] for k in names if k in data}


class StatusForm(ServiceErrors, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in LeadStatus.choices if v != LeadStatus.WON],
    )
    reason = forms.CharField(label=_("Reason"), required=False)
    on = forms.CharField(label=_("Date"), required=False, widget=_date_input())


class ReferForm(ServiceErrors, forms.Form):
    to_owner = forms.ChoiceField(label=_("To owner"), required=False)
    to_team = forms.ChoiceField(label=_("To team"), required=False)
    note = forms.CharField(label=_("Why"), required=False)

    def __init__(self, *args, users=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_owner"].choices = [("", "—")] + [(str(u.pk), u.username) for u in users]
        self.fields["to_team"].choices = [("", "—")] + [(str(t.pk), t.name) for t in teams]


class ConvertForm(ServiceErrors, forms.Form):
    name = forms.CharField(label=_("Project name"), required=False,
                           help_text=_("Blank: the lead's title"))  # fmt: skip
    unit = forms.CharField(label=_("Township unit"), required=False,
                           help_text=_("Blank: the lead's intended location"))  # fmt: skip


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    file = forms.FileField(label=_("File"))
