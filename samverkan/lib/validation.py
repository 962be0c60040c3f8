"""What every form refuses whatever the field: characters nobody types, and dates no agreement is about."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

from .numbers import use_number_inputs

# Control characters (tab and line breaks are text), surrogates and the two non-characters: PostgreSQL refuses NUL,
# Excel files and the PDF's XML metadata refuse the others, and no keyboard types them.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
# What any integer column of any of our databases can hold: a signed 64-bit number.
LARGEST_KEY = 2**63 - 1


def reject_control_characters(value: object) -> None:
    if isinstance(value, str) and FORBIDDEN_CHARACTERS.search(value):
        raise ValidationError(
            _("The text contains invisible control characters. Remove them, e.g. by typing the text again."),
            code="control_characters",
        )


class CleanInputMixin:
    """Mixed into every form of the product: text without control characters and dates within 1900–2200, checked
    on each field, including those a form adds in its own __init__; numbers typed with a decimal comma or point
    whatever the browser's language."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_number_inputs(self.fields)

    def full_clean(self) -> None:
        for field in self.fields.values():
            if getattr(field, "_input_checked", False):
                continue
            if isinstance(field, forms.CharField):
                field.validators.append(reject_control_characters)
            elif isinstance(field, forms.DateField):
                field.validators += [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]
            field._input_checked = True
        super().full_clean()


class CleanModelForm(CleanInputMixin, forms.ModelForm):
    """A model form with the product's input checks, for formset factories."""


@models.IntegerField.register_lookup
class IntegerFieldIn(In):
    """`in` on an integer column: a number no such column can hold matches no row, as Django's own `exact`, `lt`
    and `gt` already treat it. SQLite refuses the whole query otherwise, so a form choosing several rows (parties,
    goals) posted with an id of 2**63 would end in a server error instead of a message on the form."""

    def get_prep_lookup(self):
        prepared = super().get_prep_lookup()
        if not self.rhs_is_direct_value():
            return prepared
        return [value for value in prepared if not isinstance(value, int) or -LARGEST_KEY - 1 <= value <= LARGEST_KEY]
