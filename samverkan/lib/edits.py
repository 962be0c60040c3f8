"""Lost-update protection, the form and view side: forms that carry the state they were loaded with, and what a
refused save shows the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, QueryDict
from django.utils import formats
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from samverkan.lib.validation import CleanInputMixin

from .versions import StaleEdit, content_delete, deletion_fingerprint

BoundForm = TypeVar("BoundForm", bound=forms.BaseForm)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class VersionedForm(CleanInputMixin, forms.Form):
    """Carries the version the object had when the form was loaded, so a save over a newer one is refused."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, version: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = version


class VersionedModelForm(VersionedForm, forms.ModelForm):
    """A model form carrying the version of the instance it edits; a new instance has none yet."""

    def __init__(self, *args, **kwargs) -> None:
        instance = kwargs.get("instance")
        version = getattr(instance, "version", None) if instance is not None and instance.pk else None
        super().__init__(*args, version=version, **kwargs)


class ConfirmForm(CleanInputMixin, forms.Form):
    """An action on something shown on the page (sign, delete, approve), carrying the state it was shown in as a
    fingerprint, so that acting on something that has changed since is refused."""

    loaded_fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, version: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loaded_fingerprint"].initial = version


def last_saved(instance: models.Model) -> tuple[str, str]:
    """Who saved the instance last, and when, as its history records it."""
    latest = instance.history.select_related("history_user").first()
    if latest is None:
        return "–", "–"
    who = (latest.history_user.get_full_name() or latest.history_user.get_username()) if latest.history_user else "–"
    return who, formats.date_format(localtime(latest.history_date), "DATETIME_FORMAT")


def stale_message(instance: models.Model) -> str:
    who, when = last_saved(instance)
    return _(
        "Someone else saved this while you were editing (%(who)s, %(when)s). Your changes have not been saved "
        "but are kept in the form below. Check the saved version, then save again if your changes should apply."
    ) % {"who": who, "when": when}


def changed_message() -> str:
    """For an action refused because what it acts on changed after the page was loaded."""
    return _(
        "Someone else changed this after you opened the page. Nothing has been done and what you typed is kept "
        "below. Check what is shown now, then try again."
    )


def show_refusal(form: forms.BaseForm, refusal: ValidationError) -> None:
    """A change the service refused (the agreement was signed while the form was open, say) as the form's error,
    with what the user typed kept in the form."""
    form.add_error(None, refusal.messages)


def with_version(data: QueryDict, version: int | str, name: str = "loaded_version") -> QueryDict:
    """The user's input, carrying the version that is now stored so that a deliberate second save goes through."""
    data = data.copy()
    data[name] = str(version)
    return data


def stale_form(
    build: Callable[[QueryDict], BoundForm],
    *,
    data: QueryDict,
    current: int | str,
    message: str,
    name: str = "loaded_version",
) -> BoundForm:
    """After a StaleEdit: the form built again on what the user typed, now carrying the `current` stored version (or
    fingerprint, under `name`), with `message` as its error. Saving it again is then a deliberate overwrite."""
    form = build(with_version(data, current, name))
    form.is_valid()
    form.add_error(None, message)
    return form


def delete_on_confirm(request: HttpRequest, instance: models.Model) -> ConfirmForm | None:
    """Delete the instance once its confirmation is posted, and return None; otherwise the confirmation form, with
    a message if the instance or anything under it changed after the form was loaded."""
    form = ConfirmForm(request.POST or None, version=deletion_fingerprint(instance))
    if request.method != "POST" or not form.is_valid():
        return form
    try:
        content_delete(instance=instance, loaded_fingerprint=form.cleaned_data["loaded_fingerprint"])
    except StaleEdit:
        return stale_form(
            ConfirmForm,
            data=request.POST,
            current=deletion_fingerprint(instance),
            message=changed_message(),
            name="loaded_fingerprint",
        )
    except ValidationError as refusal:
        show_refusal(form, refusal)
        return form
    return None
