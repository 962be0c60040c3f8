"""Form widgets for choices among hundreds: every organisation in the country, say."""

from __future__ import annotations

from functools import cached_property
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import normalize_choices
from django.utils.safestring import SafeString, mark_safe


class Choices(list):
    """(value, label) choices shared by many selects, a formset's rows: their options are written once."""

    @cached_property
    def options(self) -> str:
        return "".join(f'<option value="{escape(str(value))}">{escape(str(label))}</option>' for value, label in self)


class LongSelect(forms.Select):
    """A select written in one pass: Django writes each option through a template of its own, which for the 400
    organisations of every party row took most of a page's time. The same HTML as forms.Select, without option
    groups; give a formset's rows one `Choices` so that they are read and written once."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value) -> None:
        # Shared choices stay as they are: normalising them would copy them, and their options be written again.
        self._choices = value if isinstance(value, Choices) else normalize_choices(value)

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = self.choices if isinstance(self.choices, Choices) else Choices(self.choices)
        options = choices.options
        for chosen in set(self.format_value(value)):
            option = f'<option value="{escape(chosen)}">'
            options = options.replace(option, f"{option[:-1]} selected>", 1)
        # Every value and label is escaped in `options`, the name and attributes as forms.Select escapes them.
        return mark_safe(
            f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>{options}</select>'
        )
