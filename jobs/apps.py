from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class JobsConfig(AppConfig):
    """The work that runs on its own: the worker that takes tasks from the database queue, the schedule of the
    periodic jobs, and taking back the tasks of a worker that died."""

    default = True  # this module holds two configurations
    name = "jobs"
    verbose_name = _("Background work")

    def ready(self) -> None:
        from samverkan.lib import tasks  # noqa: F401  (failed tasks are logged by its receiver)


class TaskQueueConfig(TasksAppConfig):
    """django-tasks-db's queue table, named in the administration in the user's language."""

    default = False
    verbose_name = _("Task queue")
