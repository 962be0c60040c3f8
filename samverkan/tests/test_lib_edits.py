"""Lost-update protection, the form side: what a form carries back, and how a refused save is shown."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.test import RequestFactory

from agreements.models import Section
from agreements.tests.factories import SectionFactory
from samverkan.lib.edits import (
    ConfirmForm,
    VersionedModelForm,
    delete_on_confirm,
    stale_form,
    with_version,
)
from samverkan.lib.versions import deletion_fingerprint

pytestmark = pytest.mark.django_db


class HeadingForm(VersionedModelForm):
    class Meta:
        model = Section
        fields = ["heading"]


def test_a_model_form_carries_the_version_of_what_it_edits(world):
    section = SectionFactory(agreement=world.agreement)
    Section.objects.filter(pk=section.pk).update(version=7)

    assert HeadingForm(instance=Section.objects.get(pk=section.pk))["loaded_version"].value() == 7
    assert HeadingForm(instance=Section(agreement=world.agreement))["loaded_version"].value() is None


def test_an_action_carries_a_fingerprint_not_a_version():
    form = ConfirmForm(version="f" * 32)

    assert form["loaded_fingerprint"].value() == "f" * 32
    assert "loaded_version" not in form.fields
    assert isinstance(form.fields["loaded_fingerprint"], forms.CharField)


def test_with_version_replaces_only_the_named_field():
    typed = QueryDict("heading=Min+rubrik&loaded_version=3")

    data = with_version(typed, 5)

    assert data["loaded_version"] == "5" and data["heading"] == "Min rubrik"
    assert typed["loaded_version"] == "3"  # what was posted is left as it came
    assert with_version(typed, "abc", name="loaded_fingerprint")["loaded_fingerprint"] == "abc"


def test_a_stale_form_keeps_the_input_and_carries_the_stored_version(world):
    section = SectionFactory(agreement=world.agreement)
    typed = QueryDict(f"heading=Min+rubrik&loaded_version={section.version}")

    form = stale_form(
        lambda data: HeadingForm(data, instance=section),
        data=typed,
        current=section.version + 1,
        message="Någon annan sparade.",
    )

    assert form.is_bound and form.non_field_errors() == ["Någon annan sparade."]
    assert form["heading"].value() == "Min rubrik"
    assert form["loaded_version"].value() == str(section.version + 1)


def _post(data: dict) -> object:
    request = RequestFactory().post("/", data)
    request.user = AnonymousUser()
    return request


def test_delete_on_confirm_refuses_a_stale_confirmation_and_then_deletes(world):
    parent = SectionFactory(agreement=world.agreement)
    loaded = deletion_fingerprint(parent)
    SectionFactory(agreement=world.agreement, parent=parent)

    form = delete_on_confirm(_post({"loaded_fingerprint": loaded}), parent)

    assert form is not None and form.non_field_errors()
    assert Section.objects.filter(pk=parent.pk).exists()
    assert form["loaded_fingerprint"].value() == deletion_fingerprint(parent)

    assert delete_on_confirm(_post({"loaded_fingerprint": form["loaded_fingerprint"].value()}), parent) is None
    assert not Section.objects.filter(agreement=world.agreement).exists()
