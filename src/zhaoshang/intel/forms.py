from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhaoshang.lib.extract.files import MAX_BYTES


def _file_help() -> str:
    # in the reader's language when shown: `_(...) % {...}` here would fix it at import
    return gettext(".txt (UTF-8 or GBK), .docx or .html, at most %(mb)d MB") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }


class ArticleForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": _("Paste the article here")}),
    )
    file = forms.FileField(
        label=_("or upload a file"),
        required=False,
        help_text=lazy(_file_help, str)(),
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    source_url = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=500,
        help_text=_("Web address, or the paper or site it came from"),
    )
    published_on = forms.CharField(
        label=_("Published on"),
        required=False,
        help_text=_("2023-01-31, 2023-01 or 2023; relative dates in the text are read against it"),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    unit = forms.CharField(label=_("Township unit"), required=False, max_length=20)
