"""The schedule: each periodic job enqueued once per period, whatever runs it how often, and listed for the
administrator."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import send_mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from jobs.jobs import prune_task_results
from jobs.models import ScheduledRun
from jobs.scheduler import enqueue_due, next_run, period_start
from jobs.tests.helpers import work_the_queue
from samverkan.lib.schedule import PeriodicJob

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY_MORNING = "0 7 * * 1"


@task
def weekly_letter(scheduled_for: str) -> None:
    """A periodic job that writes to someone each week."""
    send_mail(f"Veckobrev {scheduled_for[:10]}", "Veckans läge.", None, ["editor@example.se"])


LETTER = PeriodicJob(name="weekly_letter", rule=MONDAY_MORNING, task=weekly_letter, description="")


def at(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=STOCKHOLM)


def test_a_period_starts_when_the_rule_fires_in_stockholm_time():
    assert period_start(MONDAY_MORNING, at(2026, 11, 23, 7, 0)) == at(2026, 11, 23, 7, 0)
    assert period_start(MONDAY_MORNING, at(2026, 11, 23, 6, 59, 59)) == at(2026, 11, 16, 7, 0)
    assert period_start(MONDAY_MORNING, at(2026, 11, 25, 12, 0)) == at(2026, 11, 23, 7, 0)
    # 07:00 in Stockholm is 06:00 UTC in winter and 05:00 UTC in summer.
    assert period_start(MONDAY_MORNING, datetime(2026, 6, 29, 5, 0, tzinfo=ZoneInfo("UTC"))) == at(2026, 6, 29, 7, 0)
    assert next_run(MONDAY_MORNING, at(2026, 11, 23, 7, 0)) == at(2026, 11, 30, 7, 0)


def test_two_runs_in_a_period_enqueue_it_once_and_send_one_email(database_queue, mailoutbox):
    wednesday = at(2026, 11, 25, 12, 0)
    first = enqueue_due(jobs=[LETTER], now=wednesday)
    again = enqueue_due(jobs=[LETTER], now=wednesday + timedelta(hours=1))
    work_the_queue()
    work_the_queue()

    assert [run.scheduled_for for run in first] == [at(2026, 11, 23, 7, 0)] and again == []
    letters = DBTaskResult.objects.filter(task_path=f"{__name__}.weekly_letter")
    assert [(result.args_kwargs["kwargs"], result.status) for result in letters] == [
        ({"scheduled_for": "2026-11-23T07:00:00+01:00"}, TaskResultStatus.SUCCESSFUL)
    ]
    assert ScheduledRun.objects.get(job="weekly_letter").task_result_id == str(letters.get().pk)
    assert [message.subject for message in mailoutbox] == ["Veckobrev 2026-11-23"]


def test_a_scheduler_that_was_down_runs_only_the_latest_missed_period(database_queue):
    ScheduledRun.objects.create(job="weekly_letter", scheduled_for=at(2026, 11, 2, 7, 0))
    enqueue_due(jobs=[LETTER], now=at(2026, 11, 25, 12, 0))  # the mornings of 9, 16 and 23 November passed
    enqueue_due(jobs=[LETTER], now=at(2026, 11, 30, 7, 0, 1))  # and the next one comes
    assert list(ScheduledRun.objects.order_by("scheduled_for").values_list("scheduled_for", flat=True)) == [
        at(2026, 11, 2, 7, 0),
        at(2026, 11, 23, 7, 0),
        at(2026, 11, 30, 7, 0),
    ]
    assert DBTaskResult.objects.filter(task_path=f"{__name__}.weekly_letter").count() == 2


def test_the_schedule_lists_each_job_with_its_rule_next_run_and_description(capsys):
    call_command("schedule")
    listing = capsys.readouterr().out
    tomorrow_or_today = next_run("15 3 * * *", timezone.now())
    assert (
        "jobs.jobs.prune_task_results\n"
        "    rule: 15 3 * * *\n"
        f"    next: {tomorrow_or_today:%Y-%m-%d} 03:15 {tomorrow_or_today:%Z}\n"
        "    last: -\n"
        "    Delete the queue's finished tasks (failed ones too) older than TASK_RESULTS_DAYS.\n"
    ) in listing


def test_the_schedule_enqueues_the_periods_due_when_asked(database_queue, capsys):
    call_command("schedule", "--enqueue")
    run = ScheduledRun.objects.get(job="jobs.jobs.prune_task_results")
    assert f"    last: {run.scheduled_for.astimezone(STOCKHOLM):%Y-%m-%d} 03:15" in capsys.readouterr().out
    assert DBTaskResult.objects.get(pk=run.task_result_id).status == TaskResultStatus.READY
    enqueued = ScheduledRun.objects.count()  # one period of each job whose rule has fired
    call_command("schedule", "--enqueue")
    assert ScheduledRun.objects.count() == enqueued


def test_pruning_deletes_only_finished_tasks_older_than_kept(database_queue, settings):
    settings.TASK_RESULTS_DAYS = 30
    old, recent = timezone.now() - timedelta(days=31), timezone.now() - timedelta(days=29)
    results = {}
    for name, status, finished_at in [
        ("old success", TaskResultStatus.SUCCESSFUL, old),
        ("old failure", TaskResultStatus.FAILED, old),
        ("recent failure", TaskResultStatus.FAILED, recent),
        ("waiting", TaskResultStatus.READY, None),
    ]:
        result = weekly_letter.enqueue(scheduled_for=name)
        DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished_at)
        results[name] = result.id

    assert prune_task_results.call(scheduled_for="2026-11-26T03:15:00+01:00") == 2
    kept = set(DBTaskResult.objects.values_list("args_kwargs__kwargs__scheduled_for", flat=True))
    assert kept == {"recent failure", "waiting"}
