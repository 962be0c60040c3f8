"""The task that makes an export: its parts one by one, the count of those done written as it goes (the page
reads it), then the file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

from .contents import LEFT_OUT, Part, filename_of, parts_of, spooled, workbook, write_zip
from .models import Export

logger = logging.getLogger(__name__)


@task()
def export_make(export_id: int) -> None:
    """Make the export, unless it is finished already (run twice, it is made once) or gone."""
    export = Export.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.is_finished:
        return
    try:
        # In the product's language, as the pages are: the worker has no request to take one from.
        with translation.override(settings.LANGUAGE_CODE):
            _make(export)
    except Exception:
        logger.exception("Export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(state=Export.State.FAILED, finished_at=timezone.now())
        raise


def _make(export: Export) -> None:
    parts = parts_of(export)
    Export.objects.filter(pk=export.pk).update(state=Export.State.RUNNING, total=len(parts), done=0)
    left_out: list[str] = []

    def made() -> Iterator[tuple[Part, Any]]:
        for done, part in enumerate(parts, start=1):
            try:
                content = part.make()
            except LEFT_OUT:
                logger.warning("Export %s left out %s", export.pk, part.name)
                left_out.append(part.name)
            else:
                yield part, content
            Export.objects.filter(pk=export.pk).update(done=done)

    if export.kind == Export.Kind.YEAR_PDFS:
        with spooled() as stored:
            write_zip(made(), stored)
            stored.seek(0)
            export.file.save(filename_of(export), File(stored), save=False)
    else:
        export.file.save(filename_of(export), ContentFile(workbook(made())), save=False)
    Export.objects.filter(pk=export.pk).update(
        state=Export.State.DONE, file=export.file.name, left_out=left_out, finished_at=timezone.now()
    )
