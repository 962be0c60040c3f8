from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from agreements.forms import MAX_ROWS
from agreements.models import Organisation, Party
from focusareas.models import Commitment, FocusArea, Indicator
from samverkan.lib.edits import ConfirmForm, DateInput, VersionedModelForm
from samverkan.lib.validation import CleanInputMixin

from .models import AttendedCommitment, CrimeCount, Factor, IndicatorSeries, Measure, Place, Week, YearlyPicture
from .setup import SetupKind

# A municipality's reporters are some 40; what a form posts stays well within Django's 1000 fields.
MAX_SETUP_ROWS = 150


class SetupFormSet(forms.BaseModelFormSet):
    """A municipality's factors, places or reporters, edited together; a name (or address) once per municipality."""

    kind: SetupKind

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            value = (form.cleaned_data or {}).get(self.kind.unique)
            if not value:
                continue
            key = value.strip().casefold()
            if key in seen:
                form.add_error(self.kind.unique, _("This appears twice in the list."))
            seen.add(key)


class SetupForm(CleanInputMixin, forms.ModelForm):
    def has_changed(self) -> bool:
        # A new row offered with a value (the EST checklist) is saved as offered, not only once edited.
        return super().has_changed() or (self.instance.pk is None and bool(self.initial))


def setup_formset(kind: SetupKind, *, extra: int):
    formset = forms.modelformset_factory(
        kind.model,
        form=SetupForm,
        formset=SetupFormSet,
        fields=kind.fields,
        extra=extra,
        max_num=MAX_SETUP_ROWS,
        absolute_max=MAX_SETUP_ROWS,
        validate_max=True,
    )
    formset.kind = kind
    return formset


SCALE = [
    ("x", _("Don't know")),
    ("0", _("0 – no problems")),
    ("1", _("1 – small problems")),
    ("2", _("2 – clear problems")),
    ("3", _("3 – great problems")),
]


class AnswerForm(CleanInputMixin, forms.Form):
    """A reporter's answer: for each place, how the past week was for each factor, and anything else to tell."""

    free_text = forms.CharField(
        label=_("Anything else to tell about the past week?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the security unit and the police read it; it is deleted after a while."),
    )

    def __init__(self, *args, factors: list[Factor], places: list[Place], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.places = [(place, [f"rating-{factor.pk}-{place.pk}" for factor in factors]) for place in places]
        for place in places:
            for factor in factors:
                self.fields[f"rating-{factor.pk}-{place.pk}"] = forms.ChoiceField(
                    label=factor.name, choices=SCALE, initial="x"
                )
        self.order_fields([name for _place, names in self.places for name in names] + ["free_text"])

    def groups(self):
        """(place, its bound fields), for a fieldset per place."""
        return [(place, [self[name] for name in names]) for place, names in self.places]

    def ratings(self) -> dict[tuple[int, int], int | None]:
        result = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("rating-"):
                _prefix, factor, place = name.split("-")
                result[int(factor), int(place)] = None if value == "x" else int(value)
        return result


class WeekForm(VersionedModelForm):
    """The Thursday meeting's notes on the week."""

    class Meta:
        model = Week
        fields = [
            "situation",
            "priorities",
            "previous_priorities",
            "observations",
            "police_intelligence",
            "attendance",
            "attended_by",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields} | {
            "attended_by": forms.CheckboxSelectMultiple
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The parties of the municipality's agreements: those whose commitment to attend is followed up.
        self.fields["attended_by"].queryset = Organisation.objects.filter(
            pk__in=Party.objects.filter(agreement__parties=self.instance.municipality_id).values("organisation_id")
        ).order_by("name")


class StatisticsUploadForm(CleanInputMixin, forms.Form):
    """A month's (or several years') statistics exported from the police's or the municipality's system."""

    source = forms.ChoiceField(label=_("Statistics"), choices=CrimeCount.Source.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel (.xlsx) with the columns Datum or Månad (YYYY-MM-DD or YYYY-MM), Brottstyp, Plats and "
            "Antal. Importing a month again replaces it."
        ),
    )


class SafetySurveyUploadForm(CleanInputMixin, forms.Form):
    """The results of the police's safety survey (trygghetsmätning), one or more years."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel (.xlsx) with the columns År, Område, Problem and Index, a row per problem of each area; the "
            "problem “Problemindex” gives the area's overall index and “Andel trygga” the share who feel safe, in "
            "per cent. Importing a year again replaces it."
        ),
    )


class SafetySurveyForm(CleanInputMixin, forms.Form):
    """One area's results of the police's safety survey, typed in from the police's report."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    area = forms.CharField(label=_("Area"), max_length=200)
    problem_index = forms.DecimalField(
        label=_("Problem index, all problems"), required=False, min_value=0, max_value=10, decimal_places=2
    )
    safe_share = forms.DecimalField(
        label=_("Share who feel safe, per cent"), required=False, min_value=0, max_value=100, decimal_places=1
    )


class ProblemIndexForm(CleanInputMixin, forms.Form):
    """A row of the survey's table: a problem and its index."""

    problem = forms.CharField(label=_("Problem"), max_length=200, required=False)
    value = forms.DecimalField(label=_("Index"), required=False, min_value=0, max_value=10, decimal_places=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("problem") and cleaned.get("value") is None and "value" not in self.errors:
            self.add_error("value", _("Give the problem's index."))
        if cleaned.get("value") is not None and not cleaned.get("problem"):
            self.add_error("problem", _("Name the problem the index is of."))
        return cleaned


class ProblemIndexFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            problem = (form.cleaned_data or {}).get("problem", "").strip().casefold()
            if problem and problem in seen:
                form.add_error("problem", _("This appears twice in the list."))
            seen.add(problem)

    def results(self) -> dict[str, Decimal]:
        return {
            f.cleaned_data["problem"].strip(): f.cleaned_data["value"]
            for f in self.forms
            if f.cleaned_data.get("problem")
        }


problem_index_formset = forms.formset_factory(
    # Three empty rows beside those offered, for problems the survey before did not ask about.
    ProblemIndexForm,
    formset=ProblemIndexFormSet,
    extra=3,
    max_num=40,
    absolute_max=40,
    validate_max=True,
)


class StatisticsConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)


class IndicatorSeriesForm(CleanInputMixin, forms.ModelForm):
    """Which statistics an agreement's indicator is read from."""

    class Meta:
        model = IndicatorSeries
        fields = ["indicator", "source", "crime_type", "place"]

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        indicators = self.fields["indicator"]
        indicators.queryset = (
            Indicator.objects.filter(goal__agreement__parties=municipality)
            .select_related("goal__agreement")
            .order_by("goal__agreement__title", "name")
        )
        indicators.label_from_instance = lambda indicator: f"{indicator.name} ({indicator.goal.agreement.title})"


class AttendedCommitmentForm(forms.ModelForm):
    """Which commitment of the municipality's agreements is the one to attend the weekly meeting."""

    class Meta:
        model = AttendedCommitment
        fields = ["commitment"]

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        commitments = self.fields["commitment"]
        commitments.queryset = (
            Commitment.objects.filter(agreement__parties=municipality)
            .select_related("agreement")
            .order_by("agreement__title", "agreement__revision", "order", "pk")
        )
        commitments.label_from_instance = lambda c: (
            _("%(text)s (%(agreement)s, revision %(revision)s)")
            % {
                "text": c.text,
                "agreement": c.agreement.title,
                "revision": c.agreement.revision,
            }
        )


class YearlyPictureForm(VersionedModelForm):
    class Meta:
        model = YearlyPicture
        fields = ["analysis", "sources"]
        widgets = {"analysis": forms.Textarea(attrs={"rows": 8}), "sources": forms.Textarea(attrs={"rows": 4})}


class MeasureForm(CleanInputMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["problem", "measure", "responsible", "timing", "focus_area", "indicator", "order"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 2}), "measure": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.filter(agreement__parties=municipality).select_related(
            "agreement"
        )
        self.fields["focus_area"].label_from_instance = lambda area: f"{area.title} ({area.agreement.title})"
        self.fields["indicator"].queryset = Indicator.objects.filter(goal__agreement__parties=municipality)


MeasureFormSet = forms.modelformset_factory(
    Measure, form=MeasureForm, extra=1, can_delete=True, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
)


class YearlyApproveForm(CleanInputMixin, forms.Form):
    """The council's decision: the date and the case number (diarienummer)."""

    approved_on = forms.DateField(label=_("Approved by the council on"), widget=DateInput())
    case_number = forms.CharField(label=_("Case number (diarienummer)"), max_length=50)


class PlanCarryForm(ConfirmForm):
    """Confirming what carrying the åtgärdsplan over does, as previewed, with the parties of each measure whose
    responsible names none of the agreement's parties (or more than one of a kind) chosen by the user."""

    def __init__(self, *args, carried: list, parties: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unclear = [line for line in carried if line.unclear]
        for line in self.unclear:
            field = forms.ModelMultipleChoiceField(
                label=_("Who commits to “%(measure)s”?") % {"measure": Truncator(line.measure.measure).chars(80)},
                queryset=Organisation.objects.filter(pk__in=[party.pk for party in parties]),
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Choose the party or parties that commit to this measure.")},
                initial=[party.pk for party in line.commitment.parties.all()] if line.commitment else None,
            )
            self.fields[f"parties_{line.measure.pk}"] = field
            line.field_name = f"parties_{line.measure.pk}"

    def chosen_parties(self) -> dict[int, list[Organisation]]:
        return {line.measure.pk: list(self.cleaned_data[f"parties_{line.measure.pk}"]) for line in self.unclear}
