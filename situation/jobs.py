"""The weekly EST cycle on the calendar: each job works on the week of the moment it is scheduled for, and does
its work once per week however often it runs."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django_tasks import task

from samverkan.lib.schedule import periodic

from . import services
from .models import Week


def _day(scheduled_for: str) -> date:
    moment = datetime.fromisoformat(scheduled_for)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).date()


def _weeks(scheduled_for: str):
    return Week.objects.filter(monday=services.monday_of(_day(scheduled_for))).select_related("municipality")


@periodic("0 7 * * 2", description="Tuesday: the week's EST survey to every reporter")
@task
def send_survey(scheduled_for: str) -> int:
    monday = services.monday_of(_day(scheduled_for))
    return sum(
        services.week_invite(municipality=municipality, monday=monday)
        for municipality in services.surveyed_municipalities()
    )


@periodic("0 7 * * 3", description="Wednesday: a reminder to the reporters who have not answered")
@task
def remind_reporters(scheduled_for: str) -> int:
    return sum(services.week_remind(week=week) for week in _weeks(scheduled_for))


@periodic("0 8 * * 4", description="Thursday morning: the week's survey closes before the meeting")
@task
def close_survey(scheduled_for: str) -> int:
    return sum(services.week_close(week=week) for week in _weeks(scheduled_for))


@periodic("0 7 * * 5", description="Friday morning: the weekly report to the reporters and the parties")
@task
def send_weekly_report(scheduled_for: str) -> int:
    return sum(services.week_report(week=week) for week in _weeks(scheduled_for))


@periodic("30 3 * * *", description="Every night: free texts of answers kept longer than allowed are emptied")
@task
def expire_free_texts(scheduled_for: str) -> int:
    return services.free_texts_expire(today=_day(scheduled_for))
