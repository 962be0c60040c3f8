"""What waits for a user in the situation picture: a closed week whose meeting has not set its picture yet."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from samverkan.lib.todo import TodoItem

from .access import municipalities_met_by
from .models import Week


def items_for(user) -> Iterator[TodoItem]:
    weeks = Week.objects.filter(
        municipality__in=municipalities_met_by(user), closed_at__isnull=False, reported_at__isnull=True, situation=""
    ).select_related("municipality")
    for week in weeks:
        yield TodoItem(
            what=_("Set the week's situation picture"),
            document=_("%(municipality)s, week %(week)s")
            % {"municipality": week.municipality.name, "week": week.number},
            url=week.get_absolute_url(),
            since=week.closed_at,
        )
