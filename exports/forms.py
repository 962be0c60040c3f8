from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.lib.validation import CleanInputMixin

from .models import Export


class ExportForm(CleanInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=Export.Kind.choices, widget=forms.RadioSelect)
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=_("For all PDFs of a year: the agreements running that year and that year's follow-ups."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("kind") == Export.Kind.YEAR_PDFS and cleaned.get("year") is None and "year" not in self.errors:
            self.add_error("year", _("Choose the year whose PDFs you want."))
        return cleaned
