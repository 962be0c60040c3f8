from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from .setup import SetupKind


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


class SetupForm(forms.ModelForm):
    def has_changed(self) -> bool:
        # A new row offered with a value (the EST checklist) is saved as offered, not only once edited.
        return super().has_changed() or (self.instance.pk is None and bool(self.initial))


def setup_formset(kind: SetupKind, *, extra: int):
    formset = forms.modelformset_factory(
        kind.model, form=SetupForm, formset=SetupFormSet, fields=kind.fields, extra=extra
    )
    formset.kind = kind
    return formset
