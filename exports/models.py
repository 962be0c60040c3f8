from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def export_path(instance: Export, filename: str) -> str:
    return f"exports/{instance.requested_by_id}/{filename}"


class Export(models.Model):
    """Many documents put together in one file by a task for the user who asked, with how far it has come."""

    class Kind(models.TextChoices):
        YEAR_PDFS = "year_pdfs", _("All PDFs of a year (zip)")
        AGREEMENTS_WORKBOOK = "agreements_workbook", _("The agreements and their commitments (Excel)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Under way")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    FINISHED = (State.DONE, State.FAILED)

    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_path, blank=True, max_length=300)
    # The documents left out (a PDF that could not be laid out, an archived file that fails its checksum).
    left_out = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year or ''}".strip()

    def get_absolute_url(self) -> str:
        return reverse("exports:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def progress_stamp(self) -> str:
        """What the progress shown says: the page asks again only to learn whether it has changed."""
        return f"{self.state}:{self.done}:{self.total}"

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
