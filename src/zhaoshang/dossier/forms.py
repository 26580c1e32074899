"""Forms of a project's file: they read what a person typed; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.dossier.models import Approval, Document, ProjectPerson
from zhaoshang.progress.models import Department


class PersonForm(forms.ModelForm):
    class Meta:
        model = ProjectPerson
        fields = ["role", "name", "title", "phone", "note"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }


class ApprovalForm(forms.ModelForm):
    class Meta:
        model = Approval
        fields = [
            "item", "name", "department", "status", "planned_on", "done_on", "reference",
            "document", "note",
        ]  # fmt: skip
        widgets = {
            "planned_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")
        documents = Document.objects.filter(project=project, removed_at__isnull=True)
        self.fields["document"].queryset = documents.order_by("-created_at")


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.jpg,.jpeg,.png,.webp"}
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional; the file name without its extension when left empty."),
    )


class CloseElementForm(forms.Form):
    """Mark an approval or input obtained. The date stays text here: the service reads it
    and names the value it cannot read."""

    done_on = forms.CharField(
        label=_("Date obtained"),
        max_length=40,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(label=_("Document number"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Document"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.jpg,.jpeg,.png,.webp"}
        ),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)
