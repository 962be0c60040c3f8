"""The weekly meeting's attendance as the follow-up of the commitment to attend it: how many of the year's meetings
each party attended, in the words and with the status the follow-up is prefilled with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from agreements.models import Organisation
from followup.models import Status

from .models import Week

PLACEHOLDERS = {"attended": "\x00", "meetings": "\x01"}


@dataclass(frozen=True)
class YearAttendance:
    meetings: int  # the year's meetings that recorded the parties present
    attended: dict[int, int]  # {organisation id: meetings it attended}


def attendance_between(municipality: Organisation, start: date, end: date) -> YearAttendance:
    """The meetings from `start` to `end` (a year, or a quarter or half-year) that recorded who was present, and how
    many of them each party attended."""
    weeks = Week.objects.filter(municipality=municipality, monday__range=(start, end))
    present = Week.attended_by.through.objects.filter(week__in=weeks)
    return YearAttendance(
        meetings=present.values("week_id").distinct().count(),
        attended=dict(present.values_list("organisation_id").annotate(n=Count("week_id")).order_by()),
    )


def _template() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Attended %(attended)s of %(meetings)s weekly meetings (read from the EST meetings' attendance).")


def attendance_text(attended: int, meetings: int) -> str:
    """The party's comment, in the follow-up's language, marked as read from the attendance."""
    return _template() % {"attended": attended, "meetings": meetings}


def read_attendance_text(text: str) -> tuple[int, int] | None:
    """(attended, meetings) of a comment written by attendance_text, or None for anything a user wrote."""
    pattern = re.escape(_template() % PLACEHOLDERS)
    pattern = pattern.replace(re.escape("\x00"), "(?P<attended>[0-9]+)").replace(
        re.escape("\x01"), "(?P<meetings>[0-9]+)"
    )
    match = re.fullmatch(pattern, text.strip())
    return (int(match["attended"]), int(match["meetings"])) if match else None


def attendance_status(attended: int, meetings: int, *, year_over: bool) -> str:
    """Done when the party attended every meeting of a year that is over, not done when it attended none, partly
    done in between; while the year runs, ongoing once it has attended."""
    if not year_over:
        return Status.ONGOING if attended else Status.NOT_STARTED
    if attended >= meetings:
        return Status.DONE
    return Status.PARTLY_DONE if attended else Status.NOT_DONE
