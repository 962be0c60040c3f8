"""The form on which the parties' signatures are recorded."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from samverkan.lib.edits import ConfirmForm, DateInput


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
