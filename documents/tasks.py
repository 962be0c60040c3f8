"""A draft's PDF laid out in advance: after every change, a task lays it out into the shared cache of laid-out PDFs,
so that the PDF button finds it there."""

from __future__ import annotations

from contextlib import suppress

from django.conf import settings
from django.dispatch import receiver
from django_tasks import task

from agreements.models import Agreement, agreement_changed
from samverkan.lib.oncommit import enqueue_once_on_commit
from samverkan.lib.pdf import RenderTooLarge

from .pdf import agreement_pdf


@task()
def lay_out_agreement_pdf(agreement_id: int) -> None:
    """Lay out the PDF of the agreement as it is now, unless it is signed (its PDF is archived) or gone."""
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    if agreement is None or agreement.is_frozen:
        return
    with suppress(RenderTooLarge):  # logged; the PDF button will say so in its turn
        agreement_pdf(agreement)


@receiver(agreement_changed)
def _lay_out_after_the_change(sender, *, agreement_id: int, **kwargs) -> None:
    if settings.PDF_IN_ADVANCE:
        enqueue_once_on_commit(lay_out_agreement_pdf, agreement_id)
