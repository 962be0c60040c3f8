"""What changed between two revisions of an agreement: items matched by the keys that copying keeps."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from agreements.models import Agreement, agreement_content_models, content_rows

ADDED = pgettext_lazy("revision", "Added")
REMOVED = pgettext_lazy("revision", "Removed")
CHANGED = pgettext_lazy("revision", "Changed")


@dataclass
class FieldDifference:
    label: str
    diff: SafeString


@dataclass
class ItemChange:
    change: str
    kind: str
    title: str
    fields: list[FieldDifference]


def _plain(value: object) -> str:
    if value is None:
        return ""
    return strip_tags(str(value)).strip()


def text_diff(old: str, new: str) -> SafeString:
    """Word by word: removed words in <del>, added ones in <ins>, everything escaped."""
    removed_words = '<span class="visually-hidden">' + escape(_("removed:")) + " </span>%s"
    added_words = '<span class="visually-hidden">' + escape(_("added:")) + " </span>%s"
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old_words[a1:a2])))
            continue
        # Screen readers do not announce <del> and <ins>, so each says in words what it is.
        if a2 > a1:
            parts.append(f"<del>{removed_words % escape(''.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{added_words % escape(''.join(new_words[b1:b2]))}</ins>")
    return mark_safe("".join(parts))


def value_change(old: str, new: str) -> SafeString:
    """A short value replaced by another: "4 → 6", each side said in words for screen readers."""
    removed = '<span class="visually-hidden">' + escape(_("removed:")) + " </span>"
    added = '<span class="visually-hidden">' + escape(_("added:")) + " </span>"
    return mark_safe(f"<del>{removed}{escape(old or '–')}</del> → <ins>{added}{escape(new or '–')}</ins>")


def _shown(field: models.Field, value: str) -> str:
    """A stored value (as `_plain` wrote it) as the pages show it: a choice by its name, a date and a number in
    Swedish, yes or no."""
    if value == "":
        return ""
    if field.choices:
        return _plain(dict((str(key), name) for key, name in field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value == "True" else _("no")
    if isinstance(field, models.DateField):
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if isinstance(field, (models.IntegerField, models.DecimalField)):
        return formats.number_format(Decimal(value), use_l10n=True)
    return value


def _title(item: models.Model) -> str:
    for name in ("heading", "title", "activity", "text"):
        if _plain(getattr(item, name, "")):  # a section may have no heading
            return _plain(getattr(item, name))[:120]
    return _plain(item)[:120]


def content_snapshot(agreement: Agreement) -> dict:
    """What the comparison reads of an agreement, as plain data that can be stored (e.g. with a party's approval):
    the agreement's compared fields, and for each content model its items by key with their title and fields."""
    items: dict[str, dict[str, dict]] = {}
    for model in agreement_content_models():
        fields = getattr(model, "compared_fields", ()) if model is not Agreement else ()
        if fields:
            items[model._meta.label] = {
                str(item.key): {"title": _title(item), "fields": {name: _plain(getattr(item, name)) for name in fields}}
                for item in content_rows(model, agreement.pk)
            }
    return {
        "title": agreement.title,
        "fields": {name: _plain(getattr(agreement, name)) for name in Agreement.compared_fields},
        "items": items,
    }


def _differences(model: type[models.Model], old: dict, new: dict) -> list[FieldDifference]:
    differences = []
    for name, after in new.items():
        before = old.get(name, "")
        if before != after:
            field = model._meta.get_field(name)
            label = str(field.verbose_name).capitalize()
            # Text changes word by word; a number, a date or a choice is replaced as a whole.
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                shown = text_diff(before, after)
            else:
                shown = value_change(_shown(field, before), _shown(field, after))
            differences.append(FieldDifference(label, shown))
    return differences


def compare(old: Agreement | dict, new: Agreement | dict) -> list[ItemChange]:
    """Every addition, removal and change from `old` to `new` (agreements, or their `content_snapshot`s), in a fixed
    order of kinds."""
    old = old if isinstance(old, dict) else content_snapshot(old)
    new = new if isinstance(new, dict) else content_snapshot(new)
    changes = []
    details = _differences(Agreement, old["fields"], new["fields"])
    if details:
        changes.append(ItemChange(str(CHANGED), str(Agreement._meta.verbose_name).capitalize(), new["title"], details))
    for model in agreement_content_models():
        label = model._meta.label
        if label not in new["items"]:
            continue
        kind = str(model._meta.verbose_name).capitalize()
        before, after = old["items"].get(label, {}), new["items"][label]
        for key, item in after.items():
            if key not in before:
                changes.append(ItemChange(str(ADDED), kind, item["title"], []))
            elif details := _differences(model, before[key]["fields"], item["fields"]):
                changes.append(ItemChange(str(CHANGED), kind, item["title"], details))
        changes += [
            ItemChange(str(REMOVED), kind, item["title"], []) for key, item in before.items() if key not in after
        ]
    return changes
