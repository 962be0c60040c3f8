"""The archive: documents rendered once when they were signed or approved, stored with the checksum that proves
them unchanged, and served only while they still match it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def archive_path(instance: ArchivedFile, filename: str) -> str:
    return f"{instance.archive_folder()}/{filename}"


class ArchivedFile(models.Model):
    """A document as rendered once when it was signed or approved, with the checksum that proves it unchanged."""

    file = models.FileField(upload_to=archive_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.file.name


def store_archived(archived: ArchivedFile, content: bytes, name: str) -> None:
    """Store a rendered document with its checksum; the name ends with the checksum's start, so it is unique."""
    archived.sha256 = hashlib.sha256(content).hexdigest()
    archived.size = len(content)
    archived.file.save(f"{name}-{archived.sha256[:12]}.pdf", ContentFile(content))


@contextmanager
def archiving() -> Iterator[list[ArchivedFile]]:
    """A transaction that archives documents: the caller appends each archive entry to the list it is given before
    storing it, and if the transaction does not commit their files are deleted again. The document is rendered
    inside the transaction, so that it shows exactly what is committed, and no archive file outlives a signing or
    an approval that did not happen."""
    stored: list[ArchivedFile] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        for archived in stored:
            if archived.file:
                archived.file.delete(save=False)
        raise


class ArchiveCorrupted(Exception):
    """An archived PDF no longer matches the checksum it was archived with."""


def verified_content(archived: ArchivedFile) -> bytes:
    """An archived file's content (anything with `file` and `sha256`), provided its checksum still matches;
    otherwise ArchiveCorrupted."""
    try:
        with archived.file.open("rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        raise ArchiveCorrupted(archived) from None
    if hashlib.sha256(content).hexdigest() != archived.sha256:
        raise ArchiveCorrupted(archived)
    return content


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def pdf_too_large(request: HttpRequest, agreement: models.Model) -> HttpResponse:
    """The page for a document whose layout hit its time or memory limit; nothing was signed or approved."""
    return render(request, "pdf_too_large.html", {"agreement": agreement}, status=503)


def archived_pdf_response(request: HttpRequest, archived: ArchivedFile, *, agreement: models.Model) -> HttpResponse:
    """The archived PDF as it was archived, provided its checksum still matches; otherwise a page saying so (the
    administrators are told through the error log)."""
    try:
        content = verified_content(archived)
    except ArchiveCorrupted:
        logger.error(
            "Archived %s %s of agreement %s does not match its checksum",
            archived._meta.label,
            archived.pk,
            agreement.pk,
        )
        return render(request, "archive_corrupted.html", {"agreement": agreement, "archived": archived}, status=500)
    return pdf_response(content, archived.file.name.rsplit("/", 1)[-1])
