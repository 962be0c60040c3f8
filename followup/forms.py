from __future__ import annotations

from pathlib import PureWindowsPath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from agreements.models import Organisation
from samverkan.lib.edits import ConfirmForm, DateInput, VersionedModelForm
from samverkan.lib.numbers import format_number, implausible_jump, percentage_error, valid_percentage
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
    Status,
    combined_status,
    evidence_extension,
    evidence_stored_name,
)


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


class PlausibleValueForm(VersionedModelForm):
    """A form whose number is checked against last year's: a tenfold jump either way is saved only once the user
    confirms it, with the box that then appears beside the error ("Ja, värdet stämmer")."""

    checked_field: str

    def __init__(self, *args, previous=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.previous = previous
        if previous is not None and self.checked_field in self.fields:
            self.fields["value_confirmed"] = forms.BooleanField(
                label=_("Yes, the value is correct"), required=False, widget=forms.HiddenInput
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        value = cleaned.get(self.checked_field)
        if (
            "value_confirmed" in self.fields
            and self.checked_field in self.changed_data
            and implausible_jump(value, self.previous)
            and not cleaned.get("value_confirmed")
        ):
            self.fields["value_confirmed"].widget = forms.CheckboxInput()
            self.add_error(
                self.checked_field,
                _(
                    "That is ten times last year's value (%(previous)s) or a tenth of it. Check the number, and "
                    "tick “Yes, the value is correct” if it is."
                )
                % {"previous": format_number(self.previous)},
            )
        return cleaned


class CommitmentOutcomeForm(PlausibleValueForm):
    """The year's outcome of a commitment, with a comment from each of the user's parties that made it."""

    # A link typed without a scheme is taken as https (Django 6's default, chosen here already).
    evidence_link = forms.URLField(
        label=CommitmentOutcome._meta.get_field("evidence_link").verbose_name.capitalize(),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    checked_field = "achieved"

    class Meta:
        model = CommitmentOutcome
        fields = ["status", "achieved", "evidence_link", "evidence_file"]

    def __init__(
        self, *args, parties: list[Organisation], reporters: dict[int, int | None] | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.comments = {c.party_id: c for c in self.instance.party_comments.all()}
        self.reporters = reporters or {}
        # A joint commitment has a status per party and its own is derived from theirs, so that neither party's
        # save decides the other's part.
        self.joint = len(self.instance.commitment.parties.all()) > 1
        if self.joint:
            del self.fields["status"]
        for party in parties:
            comment = self.comments.get(party.pk)
            if self.joint:
                self.fields[f"status_{party.pk}"] = forms.ChoiceField(
                    label=_("Status for %(party)s") % {"party": party.name},
                    choices=[("", _("Not reported")), *Status.choices],
                    required=False,
                    initial=comment.status if comment else "",
                )
            self.fields[f"comment_{party.pk}"] = forms.CharField(
                label=_("Comment from %(party)s") % {"party": party.name},
                required=False,
                widget=_rows(2),
                max_length=10_000,
                initial=comment.text if comment else "",
            )
        commitment = self.instance.commitment
        if commitment.target_value is None:
            del self.fields["achieved"]
            self.fields.pop("value_confirmed", None)
        else:
            # Beside the number counted, the target: as the agreement words it, which the number may only stand for,
            # or as its number. Help texts are printed unescaped, and this one holds what a user typed.
            target = escape(commitment.target_text or target_words(commitment))
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
        """Save the user's parties' comments (and statuses), marked as reported by another party where so, then
        derive a joint commitment's status from every party's as stored now."""
        for name, text in self.cleaned_data.items():
            if name.startswith("comment_"):
                party_id = int(name.removeprefix("comment_"))
                comment = self.comments.get(party_id) or PartyComment(outcome=self.instance, party_id=party_id)
                status = self.cleaned_data.get(f"status_{party_id}", comment.status)
                reporter = self.reporters.get(party_id)
                if (comment.text, comment.status, comment.reported_by_id) != (text, status, reporter) or not comment.pk:
                    comment.text, comment.status, comment.reported_by_id = text, status, reporter
                    comment.save()
        if self.joint:
            statuses = list(PartyComment.objects.filter(outcome=self.instance).values_list("status", flat=True))
            status = combined_status(statuses)
            if status != self.instance.status:
                self.instance.status = status
                self.instance.save(update_fields=["status"])


class ActivityOutcomeForm(VersionedModelForm):
    class Meta:
        model = ActivityOutcome
        fields = ["status", "comment"]
        widgets = {"comment": _rows(2)}


def target_words(commitment) -> str:
    """A commitment's numeric target in words: "at least 5 krogtillsyner per year"."""
    return _("at least %(value)s %(unit)s %(scope)s") % {
        "value": commitment.target_value,
        "unit": commitment.target_unit,
        "scope": commitment.get_target_scope_display(),
    }


class IndicatorValueForm(PlausibleValueForm):
    """The indicator's value for the year; a percentage within 0–100."""

    checked_field = "value"

    class Meta:
        model = IndicatorValue
        fields = ["value", "source", "comment"]
        widgets = {"comment": _rows(2)}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        indicator = self.instance.indicator
        if indicator.target_value is not None:
            self.fields["value"].help_text = escape(
                _("Target value: %(target)s %(unit)s")
                % {"target": format_number(indicator.target_value), "unit": indicator.unit}
            )

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if self.instance.indicator.is_percentage and not valid_percentage(value):
            raise forms.ValidationError(percentage_error())
        return value


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


def period_key(value: str) -> tuple[int, int]:
    """A choice of year or period, "2026" or "2026-2", as (year, period)."""
    year, _dash, period = value.partition("-")
    return int(year), int(period or 0)


def period_choices(periods: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """(year, period, label) as choices: the whole year chosen by its number, as it always was."""
    return [(f"{year}-{period}" if period else str(year), label) for year, period, label in periods]


class StartReportForm(forms.Form):
    """The year, or the period of a year, whose follow-up is started; `year` is cleaned to (year, period)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=period_key)
    copy_previous = forms.BooleanField(
        label=_("Start from the previous follow-up"),
        required=False,
        initial=True,
        help_text=_("Statuses and texts are carried over; the numbers are the new period's to fill in."),
    )

    def __init__(self, *args, periods: list[tuple[int, int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = period_choices(periods)
        if any(period for _year, period, _label in periods):
            self.fields["year"].label = _("Period")


class DeadlineForm(CleanInputMixin, forms.ModelForm):
    """When the follow-up of a year or period is to be approved by; one that has a deadline already gets the new
    date."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=period_key)

    class Meta:
        model = FollowUpDeadline
        fields = ["year", "due_on", "note"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, periods: list[tuple[int, int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = period_choices(periods)
        if any(period for _year, period, _label in periods):
            self.fields["year"].label = _("Period")

    def clean(self) -> dict:
        cleaned = super().clean()
        if "year" in cleaned:
            cleaned["year"], cleaned["period"] = cleaned["year"]
        return cleaned

    def validate_unique(self) -> None:
        """Setting a deadline again replaces it (the service does), rather than being refused."""


class SendBackForm(ConfirmForm):
    """The police's reason for sending the follow-up back to the municipality."""

    comment = forms.CharField(label=_("What should the municipality look at again?"), max_length=5000, widget=_rows(3))


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
