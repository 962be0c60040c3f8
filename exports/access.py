"""Who may see an export: only the user who asked for it, whatever else they may read."""

from __future__ import annotations

from django.http import Http404

from .models import Export


def get_export_for_user(user, pk: int) -> Export:
    """The export if the user asked for it; 404 for everyone else, administrators too."""
    export = Export.objects.filter(pk=pk, requested_by_id=user.pk).first()
    if export is None:
        raise Http404
    return export
