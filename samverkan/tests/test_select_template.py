"""Our select template (options written in place, not included one by one) gives Django's own HTML."""

from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting


class Choices(forms.Form):
    single = forms.ChoiceField(choices=[("1", "Ett"), ("2", "Två <b>")], initial="2")
    grouped = forms.MultipleChoiceField(choices=[("Grupp", [("x", "X"), ("y", "Y")]), ("z", "Z")], initial=["y"])


def without_blank_lines(html: str) -> str:
    return "\n".join(line for line in html.splitlines() if line.strip())


def test_a_select_renders_as_djangos_own():
    for name in ("single", "grouped"):
        ours = Choices(renderer=TemplatesSetting())[name].as_widget()
        djangos = Choices(renderer=DjangoTemplates())[name].as_widget()
        assert "<option" in ours and "selected" in ours
        assert without_blank_lines(ours) == without_blank_lines(djangos), name
