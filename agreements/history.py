"""The agreement's change log, read from the records django-simple-history keeps of every save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.utils import formats
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from .models import Agreement, Organisation, agreement_content_models, content_parent_field

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
HIDDEN_FIELDS = {"id", "agreement"}
LONG_TEXT = (models.TextField,)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    is_long: bool


@dataclass
class Change:
    when: datetime
    who: str
    action: str
    kind: str
    subject: str
    fields: list[FieldChange]


def _display(field: models.Field, value: object, names: dict[tuple[type, int], str]) -> str:
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(field, LONG_TEXT):
        return strip_tags(str(value)).strip()
    return str(value)


def _subject(record) -> str:
    for attr in ("heading", "name", "title", "activity", "text"):
        if hasattr(record, attr):
            return strip_tags(getattr(record, attr))
    return str(getattr(record, "organisation", ""))


def _history_records(agreement: Agreement) -> list[tuple[type[models.Model], list]]:
    """The history records of the agreement and of all its content, deleted content included: each model's records
    are found by the ids of what it hangs under, as those ids appear in that model's own records."""
    ids: dict[type[models.Model], set[int]] = {Agreement: {agreement.pk}}
    loaded = []
    for model in agreement_content_models():
        if not hasattr(model, "history"):
            continue
        if model is Agreement:
            records = Agreement.history.filter(id=agreement.pk)
        else:
            parent = content_parent_field(model)
            records = model.history.filter(**{f"{parent.attname}__in": ids.get(parent.related_model, ())})
        records = list(records.select_related("history_user").order_by("history_date", "history_id"))
        ids.setdefault(model, set()).update(record.id for record in records)
        loaded.append((model, records))
    return loaded


def agreement_changes(agreement: Agreement) -> list[Change]:
    """Every recorded change to the agreement and what hangs under it, newest first."""
    loaded = _history_records(agreement)
    organisation_ids = {
        getattr(record, attname)
        for model, records in loaded
        for record in records
        for attname in ("organisation_id", "party_id")
        if hasattr(record, attname)
    }
    names: dict[tuple[type, int], str] = {
        (Organisation, pk): name
        for pk, name in Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name")
    }
    for model, records in loaded:
        names.update({(model, record.id): _subject(record) for record in records})

    changes: list[Change] = []
    for model, records in loaded:
        fields = [f for f in model.history.model.tracked_fields if f.name not in HIDDEN_FIELDS]
        previous: dict[int, object] = {}
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            if record.history_type == "~" and before is not None:
                shown = [f for f in fields if getattr(before, f.attname) != getattr(record, f.attname)]
            elif record.history_type == "+":
                shown = [f for f in fields if getattr(record, f.attname) not in (None, "")]
            else:
                shown = []
            if record.history_type == "~" and not shown:
                continue
            user = record.history_user
            changes.append(
                Change(
                    when=record.history_date,
                    who=(user.get_full_name() or user.get_username()) if user else "–",
                    action=str(ACTIONS[record.history_type]),
                    kind=str(model._meta.verbose_name).capitalize(),
                    subject=_subject(record),
                    fields=[
                        FieldChange(
                            label=str(f.verbose_name).capitalize(),
                            old=_display(f, getattr(before, f.attname), names) if before is not None else "",
                            new=_display(f, getattr(record, f.attname), names),
                            is_long=isinstance(f, LONG_TEXT),
                        )
                        for f in shown
                    ],
                )
            )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes
