""" "Att göra": what waits for a user. Each app's `todo.py` has `items_for(user)` yielding the steps that wait for that
user in its part of the domain, derived from the state of the data (nothing to keep in step with it)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps


@dataclass(frozen=True)
class TodoItem:
    what: str  # the step, in the user's language: "Granska åtagandena"
    document: str  # the agreement or report it concerns
    url: str
    since: datetime | None  # when it began to wait for the user
    due: date | None = None  # when it is to be done by, if a deadline was set


def items_for(user) -> list[TodoItem]:
    """Every app's waiting steps for `user`, the longest waiting first."""
    items: list[TodoItem] = []
    for config in apps.get_app_configs():
        if f"{config.name}.todo" == __name__:  # the plumbing is an installed app too: this registry is not a source
            continue
        try:
            module = importlib.import_module(f"{config.name}.todo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.todo":
                raise
            continue
        items.extend(module.items_for(user))
    return sorted(items, key=lambda item: (item.since is None, item.since or datetime.min))


def entered_since(history: Iterable[tuple[int, str, datetime]], value: str) -> dict[int, datetime]:
    """From history records `(object id, state, when)` in time order, since when each object has been in `value`
    without a break: the moment a step began to wait, read from the history every write records anyway."""
    since: dict[int, datetime] = {}
    for pk, state, when in history:
        if state != value:
            since.pop(pk, None)
        else:
            since.setdefault(pk, when)
    return since
