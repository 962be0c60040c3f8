"""Numbers typed the Swedish way whatever the browser's language: "52,5", "52.5" and "1 234,5" are all numbers.

A browser's `<input type=number>` reads what is typed in the browser's own locale (an English one takes the comma of
"52,5" for a thousands separator and posts 525) and posts nothing at all for what it cannot read, so every number is
typed in a text input and read here instead.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

# Spaces a number may be grouped with: the ordinary one, the no-break space and the narrow no-break space.
GROUP_SEPARATORS = (" ", "\u00a0", "\u202f")


def normalise_number(text: str) -> str:
    """The number as Python reads it ("1234.5"), or the text unchanged when it is no number of ours: the field
    then says so. A comma is the decimal sign; with both a comma and a point, the last is the decimal sign and
    the other groups the digits."""
    value = text.strip().replace("\u2212", "-")
    for separator in GROUP_SEPARATORS:
        value = value.replace(separator, "")
    if "," in value and "." in value:
        decimal, group = (",", ".") if value.rfind(",") > value.rfind(".") else (".", ",")
        value = value.replace(group, "").replace(decimal, ".")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    return value


def format_number(value: object) -> str:
    """A stored number as a Swede writes it: a decimal comma, no trailing zeros after it."""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
        return format(value, "f").replace(".", ",")
    return str(value)


class NumberInput(forms.TextInput):
    """A text input for a number, with the keyboard of digits on a phone, read with a decimal comma or point."""

    def __init__(self, attrs: dict | None = None, *, decimals: bool = True) -> None:
        super().__init__({"inputmode": "decimal" if decimals else "numeric", **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return normalise_number(value) if isinstance(value, str) else value

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, str):
            # What the user typed, read back: shown with the decimal comma they typed it with.
            return value.replace(".", ",") if value.count(".") == 1 else value
        return format_number(value)


def use_number_inputs(form_fields: dict) -> None:
    """Every visible number field of a form typed in a NumberInput (the bounds stay in the field's validators)."""
    for field in form_fields.values():
        if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)) and not field.widget.is_hidden:
            attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("min", "max", "step")}
            decimals = isinstance(field, (forms.DecimalField, forms.FloatField))  # both are IntegerFields to Django
            field.widget = NumberInput(attrs, decimals=decimals)


def valid_percentage(value: Decimal | None) -> bool:
    """Whether a value in per cent lies within 0–100 (no value is valid: the field says if it is needed)."""
    return value is None or 0 <= value <= 100


def percentage_error() -> str:
    return _("A percentage lies between 0 and 100.")


def implausible_jump(value: Decimal | int | None, previous: Decimal | int | None) -> bool:
    """Whether a value is ten times last year's or more, or a tenth or less: a slip of the decimal sign, usually."""
    if value is None or previous is None or value <= 0 or previous <= 0:
        return False
    return value >= 10 * previous or 10 * value <= previous
