"""The document's format: its name, its text, how each field's value is written in it and read back, and where
in it a fault is."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from samverkan.lib.validation import EARLIEST_DATE, LATEST_DATE, reject_control_characters

FORMAT = "samverkan-agreement/1"
# Counters against lost updates count one database's saves; they are not part of the content.
BOOKKEEPING = {"version"}


class TransferError(Exception):
    """A document that cannot be imported as it is, or an agreement that cannot be exported as it is."""


def document_dumps(document: dict[str, Any]) -> str:
    """The document as text, the same bytes for the same content."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# --- Values ----------------------------------------------------------------------------------------------------


def _carried(f: models.Field) -> bool:
    """Whether a field travels: not the id, not bookkeeping, and no value unique in one database."""
    if f.primary_key or f.name in BOOKKEEPING:
        return False
    return f.is_relation or not f.unique


def _plain_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields carried as values; relations and files are carried by each model's own code."""
    return [
        f
        for f in model._meta.concrete_fields
        if _carried(f) and not f.is_relation and not isinstance(f, models.FileField)
    ]


def _encode(f: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(f, models.DateTimeField):
        return _moment(value)
    if isinstance(f, models.DateField | models.DecimalField | models.UUIDField):
        return str(value)
    return value


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _decode(f: models.Field, value: Any) -> Any:
    """A value of the document as the field holds it, under the rules every form applies: no control characters,
    no date outside 1900–2200."""
    if value is None:
        return None
    value = f.to_python(value)
    reject_control_characters(value)
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        MinValueValidator(EARLIEST_DATE)(day)
        MaxValueValidator(LATEST_DATE)(day)
    return value


def _values(instance: models.Model) -> dict[str, Any]:
    return {f.name: _encode(f, getattr(instance, f.attname)) for f in _plain_fields(type(instance))}


def _assign(instance: models.Model, data: dict[str, Any]) -> None:
    # A field the document lacks (one added after it was written) keeps its default.
    errors: dict[str, list[str]] = {}
    for f in _plain_fields(type(instance)):
        if f.name in data:
            try:
                setattr(instance, f.attname, _decode(f, data[f.name]))
            except ValidationError as error:
                errors[f.name] = error.messages
    if errors:
        raise ValidationError(errors)


def _timestamps(model: type[models.Model]) -> list[models.Field]:
    return [f for f in _plain_fields(model) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]


def _file(name: str, content: bytes) -> dict[str, Any]:
    return {
        "name": PurePosixPath(name).name,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "content": base64.b64encode(content).decode("ascii"),
    }


# --- Places ----------------------------------------------------------------------------------------------------


@contextmanager
def _at(where: str) -> Iterator[None]:
    """Whatever is wrong with the part of the document at `where` is refused with a message naming the place."""
    try:
        yield
    except ValidationError as error:
        raise TransferError(f"{_located(where, error)} Nothing was imported.") from None
    except KeyError as error:
        raise TransferError(f"{where}: {error.args[0]!r} is missing. Nothing was imported.") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise TransferError(f"{where}: not what an export holds ({error}). Nothing was imported.") from None


def _located(where: str, error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return f"{where}: {' '.join(error.messages)}"
    return " ".join(
        f"{where if name == NON_FIELD_ERRORS else f'{where}.{name}'}: {' '.join(messages)}"
        for name, messages in error.message_dict.items()
    )


def _items(container: dict[str, Any], key: str, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """The objects listed under the key, each with where it is in the document."""
    path = f"{where}.{key}" if where else key
    if key not in container:
        raise TransferError(f"{where or 'The document'}: {key!r} is missing. Nothing was imported.")
    items = container[key]
    if not isinstance(items, list):
        raise TransferError(f"{path}: a list was expected, not {type(items).__name__}. Nothing was imported.")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise TransferError(
                f"{path}[{index}]: an object was expected, not {type(item).__name__}. Nothing was imported."
            )
    return [(f"{path}[{index}]", item) for index, item in enumerate(items)]
