"""The documents app's periodic jobs."""

from __future__ import annotations

from django_tasks import task

from samverkan.lib.schedule import periodic

from .wordimport import sweep_abandoned_imports


@periodic("17 * * * *", description="Delete Word files uploaded for an import more than a day ago and never confirmed.")
@task()
def sweep_imports(scheduled_for: str) -> int:
    """Deleting what is more than a day old is the same whenever and however often it runs."""
    return sweep_abandoned_imports()
