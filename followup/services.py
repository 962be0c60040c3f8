"""Starting a year's follow-up, filling it in, and taking it through submission, confirmation and approval."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.forms import ModelForm
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agreements.models import Agreement
from focusareas.models import ActivityRow, Commitment, FocusArea, Indicator
from samverkan.lib.archive import archiving, store_archived
from samverkan.lib.versions import StaleEdit, claim_fingerprint, claim_version, fingerprint, versions

from .access import confirming_stage, may_approve, may_confirm, may_send_back, may_submit
from .forms import CommitmentOutcomeForm, EvaluationForm
from .mail import (
    send_followup_approved,
    send_followup_confirmed,
    send_followup_sent_back,
    send_followup_submitted,
)
from .models import (
    ActivityOutcome,
    ArchivedReport,
    CommitmentOutcome,
    Evaluation,
    FocusAreaSummary,
    FollowUpDeadline,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
)
from .revisions import revision_chain, same_items


@transaction.atomic
def report_start(*, agreement: Agreement, year: int, period: int = 0, copy_previous: bool) -> FollowUpReport:
    """A new report for the year, or the period of it, with a line for every activity, commitment, indicator and
    focus area, empty or with the previous period's statuses and texts carried over (numbers are not: they are the
    new period's to report)."""
    if not agreement.is_frozen:
        raise ValidationError(_("An agreement is followed up once it is signed."))
    # The revisions share their years: one reported under an earlier (or later) revision is not started again.
    chain = revision_chain(agreement, later=True)
    same_time = Q(year=year) if period == 0 else Q(year=year, period__in=[0, period])
    elsewhere = (
        FollowUpReport.objects.filter(same_time, agreement_id__in=chain)
        .exclude(agreement=agreement)
        .values_list("agreement__revision", flat=True)
        .first()
    )
    if elsewhere is not None:
        raise ValidationError(
            _("%(year)s is already followed up under revision %(revision)s of the agreement.")
            % {"year": year, "revision": elsewhere}
        )
    report = FollowUpReport(agreement=agreement, year=year, period=period)
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Someone started the same period at the same moment, after full_clean() had found none.
        unique = next(c for c in FollowUpReport._meta.constraints if c.name == "followup_one_report_per_period")
        raise ValidationError(unique.violation_error_message) from None
    previous = (
        FollowUpReport.objects.filter(Q(year__lt=year) | Q(year=year, period__lt=period), agreement_id__in=chain)
        .order_by("-year", "-period")
        .first()
        if copy_previous
        else None
    )
    # Last year's lines by the items of this revision they follow up (the same items, if under an earlier one).
    commitments, rows, focus_areas = (same_items(agreement, chain, m) for m in (Commitment, ActivityRow, FocusArea))
    last_commitments = (
        {commitments.get(o.commitment_id): o for o in previous.commitment_outcomes.all()} if previous else {}
    )
    last_comments = (
        {
            (commitments.get(c.outcome.commitment_id), c.party_id): c
            for c in PartyComment.objects.filter(outcome__report=previous).select_related("outcome")
        }
        if previous
        else {}
    )
    last_rows = {rows.get(o.row_id): o for o in previous.activity_outcomes.all()} if previous else {}
    last_summaries = (
        {focus_areas.get(s.focus_area_id): s for s in previous.focus_area_summaries.all()} if previous else {}
    )

    for commitment in Commitment.objects.filter(agreement=agreement).prefetch_related("parties"):
        last = last_commitments.get(commitment.pk)
        outcome = CommitmentOutcome.objects.create(
            report=report,
            commitment=commitment,
            status=last.status if last else CommitmentOutcome._meta.get_field("status").default,
            evidence_link=last.evidence_link if last else "",
        )
        for party in commitment.parties.all():
            last_comment = last_comments.get((commitment.pk, party.pk))
            PartyComment.objects.create(
                outcome=outcome,
                party=party,
                text=last_comment.text if last_comment else "",
                status=last_comment.status if last_comment else "",
            )
    for row in ActivityRow.objects.filter(focus_area__agreement=agreement):
        last = last_rows.get(row.pk)
        ActivityOutcome.objects.create(
            report=report,
            row=row,
            status=last.status if last else ActivityOutcome._meta.get_field("status").default,
            comment=last.comment if last else "",
        )
    for indicator in Indicator.objects.filter(goal__agreement=agreement):
        IndicatorValue.objects.create(report=report, indicator=indicator)
    for focus_area in FocusArea.objects.filter(agreement=agreement):
        last = last_summaries.get(focus_area.pk)
        FocusAreaSummary.objects.create(
            report=report,
            focus_area=focus_area,
            summary=last.summary if last else "",
            conclusions=last.conclusions if last else "",
        )
    if previous:
        report.summary, report.conclusions = previous.summary, previous.conclusions
        report.save(update_fields=["summary", "conclusions"])
    return report


def outcome_save(*, form) -> CommitmentOutcome:
    """Save a commitment's outcome as the form has it, with its parties' comments. An evidence file it replaces or
    clears is deleted once the transaction commits: a save rolled back leaves the line naming its old file."""
    stored = CommitmentOutcome.objects.filter(pk=form.instance.pk).values_list("evidence_file", flat=True).first()
    outcome = form.save()
    form.save_comments()
    if stored and stored != outcome.evidence_file.name:
        storage = outcome.evidence_file.storage
        transaction.on_commit(lambda: storage.delete(stored))
    return outcome


def refuse_unless_open(report: FollowUpReport) -> None:
    if not report.is_open_for_outcomes:
        raise ValidationError(_("The follow-up has been confirmed and can no longer be filled in."))


@transaction.atomic
def report_part_save(*, report: FollowUpReport, forms: list[ModelForm]) -> None:
    """Save a part of the year's report (a focus area, the commitments outside them, or the summary) as its valid
    forms have it: all or nothing, StaleEdit if a line was saved by someone else since the form was loaded, and
    a ValidationError once the report is confirmed."""
    refuse_unless_open(FollowUpReport.objects.select_for_update().get(pk=report.pk))
    # Only what this user changed is written: the other party may be saving its own lines now.
    for form in forms:
        if not form.has_changed():
            continue
        claim_version(instance=form.instance, loaded_version=form.cleaned_data["loaded_version"] or 0)
        if isinstance(form, CommitmentOutcomeForm):
            outcome_save(form=form)
        else:
            form.save()


def report_fingerprint(report: FollowUpReport) -> str:
    """The state of the report and of every line in it: what a submission, confirmation or approval is made on."""
    querysets = [
        FollowUpReport.objects.filter(pk=report.pk),
        CommitmentOutcome.objects.filter(report_id=report.pk),
        PartyComment.objects.filter(outcome__report_id=report.pk),
        ActivityOutcome.objects.filter(report_id=report.pk),
        IndicatorValue.objects.filter(report_id=report.pk),
        FocusAreaSummary.objects.filter(report_id=report.pk),
    ]
    return fingerprint(row for queryset in querysets for row in versions(queryset))


def _locked(report: FollowUpReport, loaded_fingerprint: str | None) -> FollowUpReport:
    """The report, locked for a change of stage; StaleEdit if it changed after the page acting on it was loaded."""
    report = FollowUpReport.objects.select_for_update().select_related("agreement").get(pk=report.pk)
    claim_fingerprint(current=report_fingerprint(report), loaded_fingerprint=loaded_fingerprint)
    return report


@transaction.atomic
def report_submit(*, report: FollowUpReport, user: AbstractBaseUser, loaded_fingerprint: str | None = None) -> None:
    """The municipality hands the filled-in year to the police."""
    report = _locked(report, loaded_fingerprint)
    if report.stage != FollowUpReport.Stage.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    if not may_submit(user, report.agreement):
        raise PermissionDenied
    report.stage = FollowUpReport.Stage.SUBMITTED
    report.sent_back_comment = ""
    report.save(update_fields=["stage", "sent_back_comment"])
    send_followup_submitted(report=report)


@transaction.atomic
def report_confirm(*, report: FollowUpReport, user: AbstractBaseUser, loaded_fingerprint: str | None = None) -> None:
    """The police confirm the follow-up (or the side that follows it up alone confirms its draft), which then goes to
    the council for approval."""
    report = _locked(report, loaded_fingerprint)
    if report.stage != confirming_stage(report.agreement):
        raise ValidationError(_("Only a submitted follow-up can be confirmed."))
    if not may_confirm(user, report.agreement):
        raise PermissionDenied
    report.stage = FollowUpReport.Stage.CONFIRMED
    report.save(update_fields=["stage"])
    send_followup_confirmed(report=report)


@transaction.atomic
def report_send_back(
    *, report: FollowUpReport, user: AbstractBaseUser, comment: str, loaded_fingerprint: str | None = None
) -> None:
    """The police send the submitted follow-up back to the municipality with a comment, instead of confirming it:
    it is a draft again, with the comment shown on it until it is submitted again."""
    report = _locked(report, loaded_fingerprint)
    if report.stage != FollowUpReport.Stage.SUBMITTED:
        raise ValidationError(_("Only a submitted follow-up can be sent back."))
    if not may_send_back(user, report.agreement):
        raise PermissionDenied
    report.stage = FollowUpReport.Stage.DRAFT
    report.sent_back_comment = comment
    report.save(update_fields=["stage", "sent_back_comment"])
    send_followup_sent_back(report=report)


def report_approve(
    *,
    report: FollowUpReport,
    user: AbstractBaseUser,
    approved_on: date,
    case_number: str,
    loaded_fingerprint: str | None = None,
) -> ArchivedReport:
    """The council's approval: the report is frozen and its PDF archived with its checksum, all or nothing."""
    from .pdf import annual_report_pdf

    with archiving() as archives:
        report = _locked(report, loaded_fingerprint)
        if report.stage != FollowUpReport.Stage.CONFIRMED:
            raise ValidationError(_("The police must confirm the follow-up before it is approved."))
        if not may_approve(user, report.agreement):
            raise PermissionDenied
        report.stage = FollowUpReport.Stage.APPROVED
        report.approved_on = approved_on
        report.case_number = case_number
        report.save(update_fields=["stage", "approved_on", "case_number"])
        archived = ArchivedReport(report=report, archived_by=user)
        archives.append(archived)
        name = f"uppfoljning-{slugify(report.agreement.title)}-{report.period_in_names}"
        store_archived(archived, annual_report_pdf(report), name)
        send_followup_approved(report=report)
    return archived


@transaction.atomic
def deadline_set(*, agreement: Agreement, year: int, period: int = 0, due_on: date, note: str) -> FollowUpDeadline:
    """Set (or move) the date by which the year's (or period's) follow-up is to be approved; an approved one has no
    deadline left."""
    approved = FollowUpReport.objects.filter(
        agreement=agreement, year=year, period=period, stage=FollowUpReport.Stage.APPROVED
    )
    if approved.exists():
        raise ValidationError(_("The follow-up of that year is approved already."))
    list(Agreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk"))  # one setting at a time
    deadline = FollowUpDeadline.objects.filter(
        agreement=agreement, year=year, period=period
    ).first() or FollowUpDeadline(agreement=agreement, year=year, period=period)
    deadline.due_on, deadline.note = due_on, note
    deadline.full_clean()
    deadline.save()
    return deadline


def evaluation_save(*, form: EvaluationForm) -> Evaluation:
    """Save the evaluation unless someone else saved it, or wrote it first, since the form was loaded."""
    try:
        with transaction.atomic():
            if form.instance.pk is not None:
                claim_version(instance=form.instance, loaded_version=form.cleaned_data["loaded_version"] or 0)
            return form.save()
    except IntegrityError:
        # Two first saves at the same moment: an agreement has one evaluation, and the other one is it now.
        raise StaleEdit from None
