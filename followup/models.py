from __future__ import annotations

import uuid
import zipfile
from datetime import date, timedelta

import filetype
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, Organisation, in_transaction
from focusareas.models import ActivityRow, Commitment, FocusArea, Indicator
from samverkan.lib.archive import ArchivedFile

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# The kinds of evidence accepted, by the extension each is stored under. The kind is read from the content: the
# name and the browser's word are not proof.
EVIDENCE_EXTENSIONS = {"pdf", "png", "jpg", "gif", "webp", "docx", "xlsx", "pptx", "odt", "ods"}
# Office documents are zip files; which one a file is, its parts say: OOXML's main part beside its content types,
# ODF's mimetype entry.
OOXML_MAIN_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


# Sent (report_id=…) in the transaction of every write to a report that is not approved or to its lines, once the
# write is let through: the report's PDF is laid out anew.
report_changed = Signal()


class ReportFrozen(ValidationError):
    """A change to an approved follow-up report or to any line of it."""

    def __init__(self) -> None:
        super().__init__(_("The follow-up is approved and can no longer be changed."), code="frozen")


class Status(models.TextChoices):
    """How far an activity or a commitment has come in the year."""

    NOT_STARTED = "not_started", _("Not started")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    PARTLY_DONE = "partly_done", _("Partly done")
    NOT_DONE = "not_done", _("Not done")
    DROPPED = "dropped", _("Dropped")


MAX_PERIOD = 4  # the quarters; a half-yearly follow-up has periods 1 and 2, a yearly one period 0, the whole year


def period_label(year: int, period: int, frequency: int) -> str:
    """A follow-up period in words: "2026", "kvartal 2 2026", "första halvåret 2026"."""
    if period == 0:
        return str(year)
    if frequency == Agreement.FollowUpFrequency.HALF_YEARLY:
        if period == 1:
            return gettext("first half of %(year)s") % {"year": year}
        return gettext("second half of %(year)s") % {"year": year}
    return gettext("quarter %(quarter)s %(year)s") % {"quarter": period, "year": year}


def period_slug(period: int, frequency: int) -> str:
    """How a period within the year is named in addresses: "kvartal-2", "halvar-1"; the whole year has none."""
    if period == 0:
        return ""
    return f"{'halvar' if frequency == Agreement.FollowUpFrequency.HALF_YEARLY else 'kvartal'}-{period}"


class FollowUpPeriod:
    """A follow-up that covers a period of its agreement's year: the whole year (period 0), a half or a quarter, as
    the agreement's follow-up frequency says."""

    year: int
    period: int

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.period, self.agreement.follow_up_frequency)

    @property
    def period_slug(self) -> str:
        return period_slug(self.period, self.agreement.follow_up_frequency)

    @property
    def period_in_names(self) -> str:
        """The year, and the period if any, as file names give it: "2026", "2026-kvartal-2"."""
        return f"{self.year}-{self.period_slug}" if self.period else str(self.year)

    @property
    def period_start(self) -> date:
        """The first day of the period."""
        if self.period == 0:
            return date(self.year, 1, 1)
        return date(self.year, (self.period - 1) * (12 // self.agreement.follow_up_frequency) + 1, 1)

    @property
    def period_end(self) -> date:
        """The last day of the period."""
        if self.period == 0:
            return date(self.year, 12, 31)
        months = 12 // self.agreement.follow_up_frequency
        last_month = self.period * months
        return date(self.year + last_month // 12, last_month % 12 + 1, 1) - timedelta(days=1)

    def period_url(self, name: str, *args) -> str:
        """The address of this follow-up's page `name` of the followup app: the yearly ones as they always were."""
        if self.period == 0:
            return reverse(f"followup:{name}", args=[self.agreement_id, self.year, *args])
        return reverse(f"followup:{name}_period", args=[self.agreement_id, self.year, self.period_slug, *args])


class FollowUpReport(FollowUpPeriod, models.Model):
    """The follow-up of an agreement for a year or a period of it, filled in by the parties that follow it up and
    approved by the council."""

    agreement_path = "agreement_id"

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted by the municipality")
        CONFIRMED = "confirmed", _("Confirmed by the police")
        APPROVED = "approved", _("Approved")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="follow_ups")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    period = models.PositiveSmallIntegerField(
        _("period"), default=0, validators=[MaxValueValidator(MAX_PERIOD)], help_text=_("0: the whole year.")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.DRAFT, editable=False)
    summary = models.TextField(_("summary"), blank=True)
    conclusions = models.TextField(_("the parties' conclusions"), blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    case_number = models.CharField(_("case number (diarienummer)"), max_length=50, blank=True, editable=False)
    # Why the police sent the follow-up back to the municipality, shown on the draft until it is submitted again.
    sent_back_comment = models.TextField(_("sent back with the comment"), blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version", "created_at"])

    class Meta:
        ordering = ["agreement", "year", "period"]
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "period"],
                name="followup_one_report_per_period",
                violation_error_message=_("The agreement already has a follow-up for that period."),
            ),
            models.CheckConstraint(condition=Q(period__lte=MAX_PERIOD), name="followup_report_period_in_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} – {self.period_label}"

    def save(self, *args, **kwargs) -> None:
        # Once approved, the report is as the council approved it: nothing of it is saved again.
        with in_transaction(type(self)):
            if self.pk and type(self).stored_as_frozen(self.pk):
                raise ReportFrozen
            super().save(*args, **kwargs)
            if not self.is_frozen:
                report_changed.send(sender=type(self), report_id=self.pk)

    def get_absolute_url(self) -> str:
        return self.period_url("report")

    def delete(self, *args, **kwargs):
        with in_transaction(type(self)):
            if type(self).stored_as_frozen(self.pk):
                raise ReportFrozen
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if self.agreement_id and self.year and not self.agreement.is_active_in(self.year):
            raise ValidationError({"year": _("The year is outside the agreement's period.")})
        if self.agreement_id and self.period not in self.agreement.follow_up_periods:
            raise ValidationError({"period": _("The agreement is not followed up for that period.")})

    @classmethod
    def stored_as_frozen(cls, pk: int | None) -> bool:
        """Whether the report is approved as stored, read under a lock on its row held to the end of the caller's
        transaction: approving takes the same lock, so a change to a line and an approval happen one after the
        other, never interleaved."""
        stage = cls.objects.select_for_update().filter(pk=pk).values_list("stage", flat=True).first()
        return stage == cls.Stage.APPROVED

    @property
    def is_frozen(self) -> bool:
        return self.stage == self.Stage.APPROVED

    @property
    def is_open_for_outcomes(self) -> bool:
        """Both parties fill in the year until the police have confirmed it."""
        return self.stage in (self.Stage.DRAFT, self.Stage.SUBMITTED)


class FollowUpDeadlineQuerySet(models.QuerySet):
    def overdue(self, today: date) -> FollowUpDeadlineQuerySet:
        """The deadlines past whose period's follow-up is not approved."""
        approved = FollowUpReport.objects.filter(
            agreement=OuterRef("agreement"),
            year=OuterRef("year"),
            period=OuterRef("period"),
            stage=FollowUpReport.Stage.APPROVED,
        )
        return self.filter(due_on__lt=today).exclude(Exists(approved))


class FollowUpDeadline(FollowUpPeriod, models.Model):
    """When the follow-up of a year (or of a period of it) is to be approved by, as the municipality sets it ("before
    the council's meeting in March"): reminders go out before it, and a period not approved by then is overdue."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="follow_up_deadlines")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    period = models.PositiveSmallIntegerField(
        _("period"), default=0, validators=[MaxValueValidator(MAX_PERIOD)], help_text=_("0: the whole year.")
    )
    due_on = models.DateField(_("to be approved by"))
    note = models.CharField(
        _("what the date is"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “before the council's meeting in March”."),
    )

    history = HistoricalRecords()
    objects = FollowUpDeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "year", "period"]
        verbose_name = _("follow-up deadline")
        verbose_name_plural = _("follow-up deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "period"],
                name="followup_one_deadline_per_period",
                violation_error_message=_("The agreement already has a deadline for that period."),
            ),
            models.CheckConstraint(condition=Q(period__lte=MAX_PERIOD), name="followup_deadline_period_in_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} – {self.period_label}: {self.due_on}"

    def clean(self) -> None:
        if self.due_on and self.year and self.due_on.year < self.year:
            raise ValidationError({"due_on": _("A year's follow-up is due after the year has begun.")})


class ReportContent(models.Model):
    """Part of a follow-up report: refused to change once the report is approved."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        with in_transaction(type(self)):
            self.refuse_if_frozen()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with in_transaction(type(self)):
            self.refuse_if_frozen()
            return super().delete(*args, **kwargs)

    def refuse_if_frozen(self) -> None:
        """Raise ReportFrozen if the report is approved. Call it in the transaction of the write it guards: it locks
        the report's row, as approving does, so that a line saved while the report is being approved either lands
        before the approval checks what it approves or is refused. Every write to a line passes here, so here
        `report_changed` is sent."""
        if FollowUpReport.stored_as_frozen(self.report_id):
            raise ReportFrozen
        report_changed.send(sender=type(self), report_id=self.report_id)


def cascade_unless_approved(collector, field, sub_objs, using) -> None:
    """Delete a report's lines with what they follow up, unless a report is approved: the approved year is a record,
    and a delete cascading to its lines would bypass its freeze."""
    approved = field.model._base_manager.filter(
        pk__in=[line.pk for line in sub_objs], report__stage=FollowUpReport.Stage.APPROVED
    )
    if approved.exists():
        raise models.ProtectedError(
            _("It is followed up in an approved follow-up, which can no longer be changed, so it cannot be deleted."),
            set(approved),
        )
    models.CASCADE(collector, field, sub_objs, using)


def evidence_path(instance: CommitmentOutcome, filename: str) -> str:
    return f"evidence/{instance.report.agreement_id}/{instance.report.year}/{filename}"


def evidence_extension(file) -> str:
    """The extension an evidence file is stored under, decided by its content; ValidationError for anything but a
    PDF, an image (PNG, JPEG, GIF, WebP) or an office document (docx, xlsx, pptx, odt, ods)."""
    if file.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="evidence_size")
    file.seek(0)
    kind = filetype.guess(file.read(8192))
    file.seek(0)
    extension = None if kind is None else {"apng": "png"}.get(kind.extension, kind.extension)
    if extension in ("zip", "docx", "xlsx", "pptx", "odt", "ods"):
        extension = _office_extension(file)
    if extension not in EVIDENCE_EXTENSIONS:
        raise ValidationError(
            _(
                "Only PDF files, images (PNG, JPEG, GIF, WebP) and office documents (docx, xlsx, pptx, odt, ods) "
                "can be attached."
            ),
            code="evidence_type",
        )
    return extension


def _office_extension(file) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.getinfo("mimetype").file_size > 100:
                    return None
                return ODF_MIMETYPES.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                return next((extension for part, extension in OOXML_MAIN_PARTS.items() if part in names), None)
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    finally:
        file.seek(0)


def validate_evidence(file) -> None:
    evidence_extension(file)


def evidence_stored_name(extension: str) -> str:
    """A name of our own for an evidence file: what users called it is kept apart, for display only."""
    return f"{uuid.uuid4().hex}.{extension}"


class CommitmentOutcome(ReportContent):
    """What came of a commitment in the report's year."""

    agreement_path = "report__agreement_id"

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="commitment_outcomes")
    commitment = models.ForeignKey(Commitment, on_delete=cascade_unless_approved, related_name="outcomes")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    achieved = models.PositiveIntegerField(
        _("achieved"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)], help_text=_("How many.")
    )
    evidence_link = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    evidence_file = models.FileField(
        _("evidence (file)"), upload_to=evidence_path, blank=True, validators=[validate_evidence], max_length=300
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("commitment outcome")
        verbose_name_plural = _("commitment outcomes")
        constraints = [
            models.UniqueConstraint(fields=["report", "commitment"], name="followup_one_outcome_per_commitment")
        ]

    def __str__(self) -> str:
        return f"{self.commitment} ({self.report.year})"


def combined_status(statuses: list[str]) -> str:
    """A joint commitment's status from its parties' own: theirs when they agree; "partly done" when some have done
    (part of) it and others not; otherwise the least advanced. A party that has not reported is left out."""
    reported = [status for status in statuses if status]
    if not reported:
        return Status.NOT_STARTED
    if len(set(reported)) == 1:
        return reported[0]
    if any(status in (Status.DONE, Status.PARTLY_DONE) for status in reported):
        return Status.PARTLY_DONE
    return min(reported, key=LEAST_ADVANCED_FIRST.index)


LEAST_ADVANCED_FIRST = [Status.NOT_DONE, Status.NOT_STARTED, Status.ONGOING, Status.DROPPED]


class PartyComment(ReportContent):
    """A party's own words on what it did for a commitment in the year, and for a joint commitment its own status;
    written by the party, or for a partner without users of its own by the municipality (`reported_by`)."""

    agreement_path = "outcome__report__agreement_id"

    outcome = models.ForeignKey(CommitmentOutcome, on_delete=models.CASCADE, related_name="party_comments")
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("party"))
    text = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, blank=True)
    reported_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party's comment")
        verbose_name_plural = _("parties' comments")
        constraints = [models.UniqueConstraint(fields=["outcome", "party"], name="followup_one_comment_per_party")]

    def __str__(self) -> str:
        return f"{self.party}: {self.text[:40]}"

    @property
    def report_id(self) -> int:
        return self.outcome.report_id


class ActivityOutcome(ReportContent):
    """What came of an activity row in the report's year."""

    agreement_path = "report__agreement_id"

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="activity_outcomes")
    row = models.ForeignKey(ActivityRow, on_delete=cascade_unless_approved, related_name="outcomes")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("activity outcome")
        verbose_name_plural = _("activity outcomes")
        constraints = [models.UniqueConstraint(fields=["report", "row"], name="followup_one_outcome_per_row")]

    def __str__(self) -> str:
        return f"{self.row} ({self.report.year})"


class IndicatorValue(ReportContent):
    """An indicator's measured value for the report's year."""

    agreement_path = "report__agreement_id"

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=cascade_unless_approved, related_name="values")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="followup_one_value_per_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.report.year})"


class FocusAreaSummary(ReportContent):
    """The year in one focus area, in the parties' words."""

    agreement_path = "report__agreement_id"

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="focus_area_summaries")
    focus_area = models.ForeignKey(FocusArea, on_delete=cascade_unless_approved, related_name="summaries")
    summary = models.TextField(_("summary"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("focus area summary")
        verbose_name_plural = _("focus area summaries")
        constraints = [
            models.UniqueConstraint(fields=["report", "focus_area"], name="followup_one_summary_per_focus_area")
        ]

    def __str__(self) -> str:
        return f"{self.focus_area} ({self.report.year})"


class Evaluation(models.Model):
    """The parties' evaluation of the whole agreement period, written after it ends."""

    agreement_path = "agreement_id"

    agreement = models.OneToOneField(Agreement, on_delete=models.PROTECT, related_name="evaluation")
    text = models.TextField(_("evaluation"), blank=True)
    conclusions = models.TextField(_("conclusions for the next period"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return str(self.agreement)


class ArchivedReport(ArchivedFile):
    """The approved annual report's PDF."""

    report = models.OneToOneField(FollowUpReport, on_delete=models.PROTECT, related_name="archived")

    class Meta:
        verbose_name = _("archived annual report")
        verbose_name_plural = _("archived annual reports")

    def archive_folder(self) -> str:
        return f"archive/{self.report.agreement_id}/followup"
