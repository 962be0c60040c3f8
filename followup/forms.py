from __future__ import annotations

from pathlib import PureWindowsPath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from agreements.models import Organisation
from samverkan.lib.edits import ConfirmForm, DateInput, VersionedModelForm
from samverkan.lib.validation import FORBIDDEN_CHARACTERS, CleanInputMixin

from .models import (
    ActivityOutcome,
    CommitmentOutcome,
    Evaluation,
    FocusAreaSummary,
    FollowUpDeadline,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
    evidence_extension,
    evidence_stored_name,
)


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


class CommitmentOutcomeForm(VersionedModelForm):
    """The year's outcome of a commitment, with a comment from each of the user's parties that made it."""

    # A link typed without a scheme is taken as https (Django 6's default, chosen here already).
    evidence_link = forms.URLField(
        label=CommitmentOutcome._meta.get_field("evidence_link").verbose_name.capitalize(),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    class Meta:
        model = CommitmentOutcome
        fields = ["status", "achieved", "evidence_link", "evidence_file"]

    def __init__(self, *args, parties: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.comments = {c.party_id: c for c in self.instance.party_comments.all()}
        for party in parties:
            self.fields[f"comment_{party.pk}"] = forms.CharField(
                label=_("Comment from %(party)s") % {"party": party.name},
                required=False,
                widget=_rows(2),
                max_length=10_000,
                initial=self.comments[party.pk].text if party.pk in self.comments else "",
            )
        if self.instance.commitment.target_value is None:
            del self.fields["achieved"]
        elif self.instance.commitment.target_text:
            # Beside the number counted, the target as the agreement words it, which the number may only stand for.
            # Help texts are printed unescaped, and this one holds what a user typed.
            target = escape(self.instance.commitment.target_text)
            self.fields["achieved"].help_text = _("Target: %(target)s") % {"target": target}

    def clean_evidence_file(self):
        """A new file is stored under a name of our own with the extension of what its content is; the name it
        came with is kept for display. Clearing the file clears that name too."""
        file = self.cleaned_data.get("evidence_file")
        if isinstance(file, UploadedFile):
            extension = evidence_extension(file)
            # Both separators: a browser on Windows may send the whole path.
            name = FORBIDDEN_CHARACTERS.sub("", PureWindowsPath(file.name or "").name).strip()
            self.instance.evidence_name = name[-255:] or f"underlag.{extension}"
            file.name = evidence_stored_name(extension)
        elif file is False:
            self.instance.evidence_name = ""
        return file

    def save_comments(self) -> None:
        for name, text in self.cleaned_data.items():
            if name.startswith("comment_"):
                party_id = int(name.removeprefix("comment_"))
                comment = self.comments.get(party_id) or PartyComment(outcome=self.instance, party_id=party_id)
                if comment.text != text or comment.pk is None:
                    comment.text = text
                    comment.save()


class ActivityOutcomeForm(VersionedModelForm):
    class Meta:
        model = ActivityOutcome
        fields = ["status", "comment"]
        widgets = {"comment": _rows(2)}


class IndicatorValueForm(VersionedModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["value", "source", "comment"]
        widgets = {"comment": _rows(2)}


class FocusAreaSummaryForm(VersionedModelForm):
    class Meta:
        model = FocusAreaSummary
        fields = ["summary", "conclusions"]
        widgets = {"summary": _rows(4), "conclusions": _rows(3)}


class ReportTextForm(VersionedModelForm):
    class Meta:
        model = FollowUpReport
        fields = ["summary", "conclusions"]
        widgets = {"summary": _rows(6), "conclusions": _rows(5)}


class StartReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    copy_previous = forms.BooleanField(
        label=_("Start from last year's follow-up"),
        required=False,
        initial=True,
        help_text=_("Statuses and texts are carried over; the numbers are the new year's to fill in."),
    )

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]


class DeadlineForm(CleanInputMixin, forms.ModelForm):
    """When a year's follow-up is to be approved by; a year that has one already gets the new date."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    class Meta:
        model = FollowUpDeadline
        fields = ["year", "due_on", "note"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]

    def validate_unique(self) -> None:
        """Setting a year's deadline again replaces it (the service does), rather than being refused."""


class SendBackForm(ConfirmForm):
    """The police send a submitted year back to the municipality, saying what is missing."""

    comment = forms.CharField(label=_("What the municipality should change"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(ConfirmForm):
    approved_on = forms.DateField(label=_("Approved by the council on"), widget=DateInput())
    case_number = forms.CharField(label=_("Case number (diarienummer)"), max_length=50)


class EvaluationForm(VersionedModelForm):
    """The parties' evaluation of the period and their conclusions for the next one."""

    class Meta:
        model = Evaluation
        fields = ["text", "conclusions"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12}), "conclusions": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # Not written yet when the form was loaded: version 0, so that a first save by someone else meanwhile
            # is caught like any later one.
            self.fields["loaded_version"].initial = 0
