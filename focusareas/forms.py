from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Organisation, Section
from samverkan.lib.edits import ConfirmForm, VersionedForm, VersionedModelForm
from samverkan.lib.numbers import percentage_error, valid_percentage
from samverkan.lib.validation import CleanInputMixin

from .models import ActionPlan, ActivityRow, Commitment, FocusArea, FocusAreaSection, Goal, Indicator
from .paste import PastedRow, PasteError, parse_commitments, parse_table


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class AgreementItemForm(VersionedModelForm):
    """A form for something that belongs to an agreement; choices are limited to that agreement's own things."""

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        limits = {
            "placement": Section.objects.filter(agreement=agreement).order_by("part", "order", "pk"),
            "parties": Organisation.objects.filter(agreement_parties__agreement=agreement).order_by(
                "agreement_parties__order"
            ),
            "focus_area": FocusArea.objects.filter(agreement=agreement),
            "action_plan": ActionPlan.objects.filter(agreement=agreement),
            "goals": Goal.objects.filter(agreement=agreement),
        }
        for name, queryset in limits.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        if "section" in self.fields:
            # Only the sections of the item's own focus area; none to choose, no field.
            focus_area_id = getattr(self.instance, "focus_area_id", None)
            sections = FocusAreaSection.objects.filter(focus_area_id=focus_area_id) if focus_area_id else None
            if sections is not None and sections.exists():
                self.fields["section"].queryset = sections
            elif not getattr(self.instance, "section_id", None):
                del self.fields["section"]
            else:
                self.fields["section"].queryset = FocusAreaSection.objects.none()
        if "goals" in self.fields and not limits["goals"].exists():
            del self.fields["goals"]  # nothing to choose yet
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = self.layout()

    def layout(self) -> Layout:
        return Layout(*self.fields)


class FocusAreaForm(AgreementItemForm):
    class Meta:
        model = FocusArea
        fields = ["title", "group_heading", "placement", "prioritised", "description"]


class FocusAreaSectionForm(AgreementItemForm):
    class Meta:
        model = FocusAreaSection
        fields = ["heading", "body"]


class ActivityRowForm(AgreementItemForm):
    class Meta:
        model = ActivityRow
        fields = ["section", "activity", "measure", "follow_up", "goal_effect", "goals"]
        widgets = {
            "activity": _text(),
            "measure": _text(),
            "follow_up": _text(),
            "goal_effect": _text(),
            "goals": forms.CheckboxSelectMultiple,
        }


class CommitmentForm(AgreementItemForm):
    def layout(self) -> Layout:
        return Layout(
            "loaded_version",
            "parties",
            "text",
            Row(Column("target_group"), Column("responsible_role")),
            Row(Column("target_value"), Column("target_unit"), Column("target_scope")),
            "target_text",
            Row(Column("timing"), Column("place")),
            "milestones",
            "third_parties",
            Row(Column("focus_area"), Column("action_plan")),
            *(["section"] if "section" in self.fields else []),
            *(["goals"] if "goals" in self.fields else []),
        )

    class Meta:
        model = Commitment
        fields = [
            "parties",
            "text",
            "target_group",
            "responsible_role",
            "target_value",
            "target_unit",
            "target_scope",
            "target_text",
            "timing",
            "milestones",
            "place",
            "third_parties",
            "focus_area",
            "action_plan",
            "section",
            "goals",
        ]
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "goals": forms.CheckboxSelectMultiple,
            "text": _text(4),
            "milestones": _text(3),
        }
        help_texts = {"parties": _("Choose every party for a joint commitment.")}


class GoalForm(AgreementItemForm):
    class Meta:
        model = Goal
        fields = ["kind", "text", "focus_area"]
        widgets = {"text": _text(2)}


class IndicatorForm(CleanInputMixin, forms.ModelForm):
    """The goal's indicator; leaving "what is measured" empty means the goal has none."""

    class Meta:
        model = Indicator
        fields = ["name", "source", "unit", "direction", "baseline_year", "baseline_value", "target_value"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    @property
    def is_wanted(self) -> bool:
        return bool(self.is_bound and self.data.get(self.add_prefix("name"), "").strip())

    def clean(self) -> dict:
        cleaned = super().clean()
        if not (cleaned.get("name") or "").strip():
            return cleaned
        for name in ("source", "direction"):
            if not cleaned.get(name):
                self.add_error(name, forms.Field.default_error_messages["required"])
        if Indicator(unit=cleaned.get("unit") or "").is_percentage:
            for name in ("baseline_value", "target_value"):
                if name not in self.errors and not valid_percentage(cleaned.get(name)):
                    self.add_error(name, percentage_error())
        return cleaned

    def _post_clean(self) -> None:
        # An indicator nobody asked for is not validated against the model.
        if self.is_wanted:
            super()._post_clean()


class ActionPlanForm(AgreementItemForm):
    class Meta:
        model = ActionPlan
        fields = ["title", "year"]


class PasteForm(ConfirmForm):
    table = forms.CharField(
        label=_("Table rows"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            "Copy the rows of the table in Word or Excel (with or without the header row Aktivitet, Åtgärd, "
            "Uppföljning, Mål/Effekt) and paste them here."
        ),
        max_length=1_000_000,
    )

    def clean_table(self) -> list[PastedRow]:
        try:
            return parse_table(self.cleaned_data["table"])
        except PasteError as error:
            raise forms.ValidationError(str(error)) from None


class CommitmentsPasteForm(ConfirmForm):
    """A list pasted from Word or typed line by line, one commitment per item, made by the parties chosen."""

    parties = forms.ModelMultipleChoiceField(
        label=_("Who commits"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every party for joint commitments."),
    )
    text = forms.CharField(
        label=_("List of commitments"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Copy the list in Word and paste it here, or write one commitment per line. Bullets, numbers and "
            "“Polisen förbinder sig att” at the start of each item are left out."
        ),
        max_length=1_000_000,
    )

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = Organisation.objects.filter(agreement_parties__agreement=agreement).order_by(
            "agreement_parties__order"
        )

    def clean_text(self) -> list[str]:
        try:
            return parse_commitments(self.cleaned_data["text"])
        except PasteError as error:
            raise forms.ValidationError(str(error)) from None


class CommentForm(CleanInputMixin, forms.Form):
    """A comment in the thread of a part of the document."""

    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, strip=True)


class ReviewCommentForm(VersionedForm):
    """A reviewer's decision on a commitment, or anyone's comment on it, made on the version the page showed."""

    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False, strip=True
    )
