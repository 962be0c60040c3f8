from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from samverkan.lib.oncommit import enqueue_once_on_commit

from .models import Export
from .tasks import export_make


@transaction.atomic
def export_start(*, user: AbstractBaseUser, kind: str, year: int | None) -> Export:
    """Ask for an export; a task makes it once the request commits."""
    export = Export(requested_by=user, kind=kind, year=year if kind == Export.Kind.YEAR_PDFS else None)
    export.full_clean()
    export.save()
    enqueue_once_on_commit(export_make, export.pk)
    return export
