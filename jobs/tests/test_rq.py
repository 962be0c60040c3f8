"""The move to RQ on Redis (django-tasks-rq): the same task code runs there, e-mails, their retries and the
schedule included. Runs against the Redis at 127.0.0.1:6379, as CI's machine has one."""

from datetime import timedelta

import django_rq
import pytest
from django.utils import timezone
from django_tasks_rq.backend import Job
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from jobs.jobs import prune_task_results
from jobs.models import ScheduledRun
from jobs.scheduler import enqueue_due
from jobs.tests.helpers import redis_reachable
from samverkan.lib.mail import send_on_commit
from samverkan.lib.schedule import PeriodicJob

pytestmark = [
    pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379 to run the RQ backend against"),
    pytest.mark.django_db,
]

MESSAGE = {"user": "Anna Editor", "title": "Hamnstad", "link": "https://samverkan.example.se/"}


@pytest.fixture
def rq_queue(settings):
    """The tasks go to RQ, in a Redis database of the tests' own, emptied before and after."""
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


def work() -> None:
    """An RQ worker in this process (no fork, so in the test's transaction) until the queue is empty."""
    django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker).work(burst=True)


def test_an_email_and_a_periodic_job_run_on_rq(rq_queue, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit("review_requested", to=["reviewer@example.se"], context=MESSAGE)
    enqueue_due(jobs=[PeriodicJob(name="prune", rule="15 3 * * *", task=prune_task_results, description="")])
    assert rq_queue.count == 2 and mailoutbox == []
    work()

    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["reviewer@example.se"], "Att granska: Hamnstad")
    ]
    run = ScheduledRun.objects.get()
    assert django_rq.get_queue("default").fetch_job(run.task_result_id).get_status() == "finished"


def test_a_retry_waits_in_rqs_schedule(rq_queue, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "jobs.tests.test_rq.MailServerDown"
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit("review_requested", to=["reviewer@example.se"], context=MESSAGE)
    work()

    scheduled = ScheduledJobRegistry(queue=rq_queue)
    [job_id] = scheduled.get_job_ids()
    retry = rq_queue.fetch_job(job_id)
    assert retry.kwargs["attempt"] == 2 and mailoutbox == []
    due = timezone.now() + timedelta(seconds=60)
    assert abs(scheduled.get_scheduled_time(job_id) - due) < timedelta(seconds=10)


class MailServerDown:
    """A mail backend whose server cannot be reached."""

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")
