"""The form on which the parties' signatures are recorded, and the forms bringing in an agreement from Word."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from samverkan.lib.edits import ConfirmForm, DateInput
from samverkan.lib.validation import CleanInputMixin

from .wordimport import MAX_DOCX_BYTES, check_docx


class SignForm(ConfirmForm):
    """The signatures as they were made: place and date, and the day each signatory signed."""

    signing_place = forms.CharField(label=_("Place of signing"), max_length=100)
    signing_date = forms.DateField(label=_("Date of signing"), widget=DateInput())

    def __init__(self, *args, agreement: Agreement, version: str | None = None, **kwargs) -> None:
        kwargs.setdefault("initial", {"signing_place": agreement.signing_place, "signing_date": agreement.signing_date})
        super().__init__(*args, version=version, **kwargs)
        self.signatories = list(agreement.signatories.select_related("party"))
        for signatory in self.signatories:
            self.fields[f"signed_on_{signatory.pk}"] = forms.DateField(
                label=_("%(name)s (%(party)s) signed on") % {"name": signatory.name, "party": signatory.party.name},
                widget=DateInput(),
            )

    def signed_on(self) -> dict[int, object]:
        return {s.pk: self.cleaned_data[f"signed_on_{s.pk}"] for s in self.signatories}


class PublishForm(ConfirmForm):
    """The day a citizen promise is published."""

    published_on = forms.DateField(label=_("Date of publication"), widget=DateInput())


class DocxImportForm(CleanInputMixin, forms.Form):
    """A Word file to bring in as a new agreement, recognised as one by its content."""

    file = forms.FileField(
        label=_("Word document (.docx)"),
        help_text=_("At most 10 MB. Headings, lists, tables and signatures are read; the draft can be edited after."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to take the title from the document."),
    )

    def clean_file(self) -> UploadedFile:
        file = self.cleaned_data["file"]
        if file.size > MAX_DOCX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_large")
        file.seek(0)
        check_docx(file.read())
        file.seek(0)
        return file


class DocxImportConfirmForm(CleanInputMixin, forms.Form):
    """Creating the draft a preview showed: the upload it was made from, named by the key kept in the session."""

    token = forms.UUIDField(widget=forms.HiddenInput)
