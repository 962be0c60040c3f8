from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """A periodic job's period, enqueued once: its unique key is what keeps two schedulers, a restart or a retry
    from enqueueing the same period twice."""

    job = models.CharField(_("job"), max_length=200)
    scheduled_for = models.DateTimeField(_("scheduled for"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_result_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-scheduled_for", "job"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "scheduled_for"],
                name="scheduled_run_once_per_period",
                violation_error_message=_("This period of the job has already been enqueued."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.scheduled_for:%Y-%m-%d %H:%M}"


class Worker(models.Model):
    """A running worker process, seen alive at its last heartbeat: a task it was running when it stopped being seen
    is given back to the queue."""

    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["host", "pid"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
