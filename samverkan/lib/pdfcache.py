"""The PDFs laid out so far, shared by every worker on every machine through the database: a document is laid out
once for its content (the digest of everything that goes into it), and a request for content that is being laid
out waits for that render instead of starting a second one. Entries above PDF_CACHE_ENTRY_BYTES are not kept, and
the least recently used go once all of them together pass PDF_CACHE_TOTAL_BYTES."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.utils import timezone

logger = logging.getLogger(__name__)

# How often a request waiting for a render under way looks whether it is done.
WAIT_POLL_SECONDS = 0.05
# A claim older than a render may take plus this is left by a process that died: another takes it over.
CLAIM_GRACE_SECONDS = 15
# last_used is written at most this often per entry, not on every download.
TOUCH_SECONDS = 60


class RenderedPdf(models.Model):
    """A PDF laid out for one content, found by its digest; without content while it is being laid out (the claim
    that makes every other request for the same content wait)."""

    digest = models.CharField(max_length=64, unique=True)
    content = models.BinaryField(null=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "rendered PDF"

    def __str__(self) -> str:
        return self.digest


def cached_pdf(digest: str, render: Callable[[], bytes]) -> bytes:
    """The PDF for the digest: from the cache, from the render of it under way (waited for), or from `render`
    called here, once, and kept for the next request."""
    while True:
        found = RenderedPdf.objects.filter(digest=digest).values_list("pk", "content", "created_at", "last_used")
        row = found.first()
        if row is None:
            claim = _claim(digest)
            if claim is not None:
                return _render_and_keep(claim, render)
            continue  # another request claimed it since we looked: wait for that render
        pk, content, claimed_at, last_used = row
        if content is not None:
            if timezone.now() - last_used > timedelta(seconds=TOUCH_SECONDS):
                RenderedPdf.objects.filter(pk=pk).update(last_used=timezone.now())
            return bytes(content)
        if timezone.now() - claimed_at > _claim_lifetime() and _take_over(pk, claimed_at):
            logger.warning("A PDF render claimed at %s never finished; laid out again", claimed_at)
            return _render_and_keep(pk, render)
        time.sleep(WAIT_POLL_SECONDS)


def _claim_lifetime() -> timedelta:
    return timedelta(seconds=settings.PDF_RENDER_SECONDS + CLAIM_GRACE_SECONDS)


def _claim(digest: str) -> int | None:
    """Claim the render of the digest; None if another request holds the claim (or has kept the PDF) already. On
    PostgreSQL an insert of a digest that another transaction inserted and has not committed yet waits for it."""
    try:
        with transaction.atomic():
            return RenderedPdf.objects.create(digest=digest).pk
    except IntegrityError:
        return None


def _take_over(pk: int, claimed_at) -> bool:
    """Take over a claim left by a process that died, unless another request took it over first."""
    return bool(
        RenderedPdf.objects.filter(pk=pk, content__isnull=True, created_at=claimed_at).update(created_at=timezone.now())
    )


def _render_and_keep(pk: int, render: Callable[[], bytes]) -> bytes:
    try:
        pdf = render()
    except BaseException:
        # Those waiting see the claim gone and lay it out themselves, one at a time.
        RenderedPdf.objects.filter(pk=pk, content__isnull=True).delete()
        raise
    if len(pdf) > settings.PDF_CACHE_ENTRY_BYTES:
        RenderedPdf.objects.filter(pk=pk, content__isnull=True).delete()
        return pdf
    RenderedPdf.objects.filter(pk=pk).update(content=pdf, size=len(pdf), last_used=timezone.now())
    _evict()
    return pdf


def _evict() -> None:
    """Delete the least recently used PDFs until all of them together fit PDF_CACHE_TOTAL_BYTES."""
    excess = (RenderedPdf.objects.aggregate(total=Sum("size"))["total"] or 0) - settings.PDF_CACHE_TOTAL_BYTES
    if excess <= 0:
        return
    doomed = []
    for pk, size in RenderedPdf.objects.filter(size__gt=0).order_by("last_used", "pk").values_list("pk", "size"):
        doomed.append(pk)
        excess -= size
        if excess <= 0:
            break
    RenderedPdf.objects.filter(pk__in=doomed).delete()
