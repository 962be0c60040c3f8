"""The exports' periodic job: a finished export is kept a week, then deleted with its file."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from samverkan.lib.schedule import periodic

from .models import Export

KEPT_DAYS = 7


@periodic("15 3 * * *", description="Delete finished exports older than a week, with their files.")
@task()
def exports_forget(scheduled_for: str) -> None:
    """Delete the exports finished more than KEPT_DAYS before now, and their files; run twice, the same."""
    for export in Export.objects.filter(finished_at__lt=timezone.now() - timedelta(days=KEPT_DAYS)):
        if export.file:
            export.file.delete(save=False)
        export.delete()
