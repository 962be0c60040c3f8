"""The weekly EST cycle's writes: the week opened, the survey sent and closed, answers taken, the meeting's notes
saved, the report sent, and free texts deleted once kept long enough."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import Membership, Organisation, Party
from followup.models import CommitmentOutcome, FollowUpReport, IndicatorValue, Status, combined_status
from samverkan.lib.versions import claim_version

from . import mail
from .attendance import attendance_between, attendance_status, attendance_text, read_attendance_text
from .models import (
    Answer,
    AttendedCommitment,
    CrimeCount,
    Factor,
    IndicatorSeries,
    Place,
    ProblemIndex,
    Rating,
    Reporter,
    SafetySurvey,
    Week,
    YearlyPicture,
)
from .statistics import series_total
from .survey import AreaResult, SurveyReading

ANSWER_SALT = "situation.answer"


class LinkRefused(Exception):
    """A reporter's link that does not (or no longer) lead to an open survey; the message says why."""


def answer_token(*, reporter: Reporter, week: Week) -> str:
    """The signed part of a reporter's personal link: bound to the reporter and the week, and expiring."""
    return signing.dumps({"reporter": reporter.pk, "week": week.pk}, salt=ANSWER_SALT)


def answer_link(*, reporter: Reporter, week: Week) -> str:
    return settings.SITE_URL + reverse("situation:answer", args=[answer_token(reporter=reporter, week=week)])


def reporter_and_week(token: str) -> tuple[Reporter, Week]:
    """The reporter and week of a personal link, or LinkRefused: forged, expired, or the reporter deactivated."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=timedelta(days=settings.EST_ANSWER_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkRefused(_("The link has expired. A new one comes with next week's survey.")) from None
    except signing.BadSignature:
        raise LinkRefused(_("The link is not valid. Use the link in your latest e-mail.")) from None
    try:
        reporter = Reporter.objects.select_related("municipality").get(pk=data["reporter"], active=True)
        week = Week.objects.get(pk=data["week"], municipality=reporter.municipality)
    except (Reporter.DoesNotExist, Week.DoesNotExist, KeyError, TypeError):
        raise LinkRefused(_("The link no longer works. Ask the security unit if you should still report.")) from None
    return reporter, week


def survey_items(municipality: Organisation) -> tuple[QuerySet[Factor], QuerySet[Place]]:
    """The factors and places in use, in their order: what the survey asks about."""
    return (
        Factor.objects.filter(municipality=municipality, active=True),
        Place.objects.filter(municipality=municipality, active=True),
    )


def answer_submit(
    *, week: Week, reporter: Reporter, ratings: dict[tuple[int, int], int | None], free_text: str
) -> Answer:
    """Record a reporter's answer for the week, once; ValidationError if the survey is closed or already answered."""
    with transaction.atomic():
        week = Week.objects.select_for_update().get(pk=week.pk)
        if not week.is_open:
            raise ValidationError(_("The survey for this week has closed."))
        try:
            with transaction.atomic():
                answer = Answer.objects.create(week=week, reporter=reporter, free_text=free_text)
        except IntegrityError:
            raise ValidationError(_("You have already answered this week's survey.")) from None
        Rating.objects.bulk_create(
            Rating(answer=answer, factor_id=factor_id, place_id=place_id, value=value)
            for (factor_id, place_id), value in ratings.items()
        )
    return answer


def week_save(*, week: Week, loaded_version: int | None, attended_by: QuerySet[Organisation] | None = None) -> Week:
    """Save the meeting's notes and the parties present; StaleEdit if someone saved them after the form was loaded."""
    with transaction.atomic():
        claim_version(instance=week, loaded_version=loaded_version if loaded_version is not None else week.version)
        week.full_clean()
        week.save()
        if attended_by is not None:
            week.attended_by.set(attended_by)
    return week


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def surveyed_municipalities() -> QuerySet[Organisation]:
    """The municipalities with reporters, factors and places in use: those whose survey goes out."""
    return (
        Organisation.objects.filter(
            pk__in=Reporter.objects.active().values("municipality_id"),
        )
        .filter(
            pk__in=Factor.objects.filter(active=True).values("municipality_id"),
        )
        .filter(pk__in=Place.objects.filter(active=True).values("municipality_id"))
    )


def _claim(week: Week, field: str) -> bool:
    """Mark the week's step done now, unless it already is: the step's work is then done once per week."""
    return bool(Week.objects.filter(pk=week.pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()}))


def week_invite(*, municipality: Organisation, monday: date) -> int:
    """Tuesday: open the week and send each active reporter their personal link; the number of e-mails sent."""
    with transaction.atomic():
        week, _created = Week.objects.get_or_create(municipality=municipality, monday=monday)
        if not _claim(week, "invited_at"):
            return 0
        reporters = list(Reporter.objects.active().filter(municipality=municipality))
        for reporter in reporters:
            mail.send_invitation(reporter=reporter, week=week, link=answer_link(reporter=reporter, week=week))
    return len(reporters)


def week_remind(*, week: Week) -> int:
    """Wednesday: remind the active reporters who have not answered, while the survey is open."""
    with transaction.atomic():
        if week.invited_at is None or not week.is_open or not _claim(week, "reminded_at"):
            return 0
        reporters = list(
            Reporter.objects.active().filter(municipality=week.municipality_id).exclude(answers__week=week)
        )
        for reporter in reporters:
            mail.send_reminder(reporter=reporter, week=week, link=answer_link(reporter=reporter, week=week))
    return len(reporters)


def week_close(*, week: Week) -> bool:
    """Thursday morning: the survey takes no more answers."""
    return _claim(week, "closed_at")


def report_recipients(week: Week) -> tuple[list[str], list[str]]:
    """Whom the weekly report goes to: those who meet (the municipality's security unit and the police of its
    agreements), who read the police's intelligence in it, and everyone else taking part (the municipality's other
    users and the reporters), who do not."""
    police = Party.objects.filter(
        agreement__parties=week.municipality_id, organisation__kind__in=Organisation.POLICE_KINDS
    ).values("organisation_id")
    members = Membership.objects.filter(user__is_active=True).exclude(user__email="")
    meets = members.filter(
        Q(organisation_id=week.municipality_id, role=Membership.Role.EDITOR)
        | Q(organisation_id__in=police, role=Membership.Role.REVIEWER)
    )
    meeting = set(meets.values_list("user__email", flat=True))
    others = set(members.filter(organisation_id=week.municipality_id).values_list("user__email", flat=True))
    others |= set(Reporter.objects.active().filter(municipality=week.municipality_id).values_list("email", flat=True))
    return sorted(meeting), sorted(others - meeting)


def week_report(*, week: Week) -> int:
    """Friday morning: send the week's report, the police's intelligence in it only to those who meet; the number
    of recipients."""
    with transaction.atomic():
        if not _claim(week, "reported_at"):
            return 0
        meeting, others = report_recipients(week)
        mail.send_weekly_report(week=week, to=meeting, police_notes=True)
        mail.send_weekly_report(week=week, to=others, police_notes=False)
    return len(meeting) + len(others)


def free_texts_expire(*, today: date) -> int:
    """Empty the free texts of answers older than the retention time: the number emptied."""
    limit = today - timedelta(days=settings.EST_FREE_TEXT_RETENTION_DAYS)
    return Answer.objects.filter(week__monday__lt=limit).exclude(free_text="").update(free_text="")


IMPORT_SALT = "situation.statistics"


def statistics_payload(*, municipality: Organisation, source: str, rows: list) -> str:
    """The rows read from a file, signed for the preview's confirmation: what is confirmed is what was shown."""
    data = [[r.month.isoformat(), r.day.isoformat() if r.day else None, r.crime_type, r.place, r.count] for r in rows]
    return signing.dumps({"source": source, "rows": data}, salt=f"{IMPORT_SALT}.{municipality.pk}", compress=True)


def statistics_import(*, municipality: Organisation, payload: str) -> list[date]:
    """Store the previewed rows; each month in them replaces what was imported for that month and source before.
    The months imported, or ValidationError if the preview is too old or not this municipality's."""
    try:
        data = signing.loads(payload, salt=f"{IMPORT_SALT}.{municipality.pk}", max_age=timedelta(hours=2))
    except signing.BadSignature:
        raise ValidationError(_("The preview is too old. Choose the file again.")) from None
    source = data["source"]
    rows = [
        CrimeCount(
            municipality=municipality,
            source=source,
            month=date.fromisoformat(month),
            day=date.fromisoformat(day) if day else None,
            crime_type=crime_type,
            place=place,
            count=count,
        )
        for month, day, crime_type, place, count in data["rows"]
    ]
    months = sorted({row.month for row in rows})
    with transaction.atomic():
        CrimeCount.objects.filter(municipality=municipality, source=source, month__in=months).delete()
        CrimeCount.objects.bulk_create(rows, batch_size=2000)
    return months


SURVEY_SALT = "situation.safety_survey"


def safety_survey_payload(*, municipality: Organisation, reading: SurveyReading) -> str:
    """The results read from a file, signed for the preview's confirmation: what is confirmed is what was shown."""
    data = [
        [
            year,
            area,
            "" if result.problem_index is None else str(result.problem_index),
            "" if result.safe_share is None else str(result.safe_share),
            [[problem, str(value)] for problem, value in result.problems.items()],
        ]
        for (year, area), result in reading.results.items()
    ]
    return signing.dumps(data, salt=f"{SURVEY_SALT}.{municipality.pk}", compress=True)


def safety_survey_import(*, municipality: Organisation, payload: str) -> list[int]:
    """Store the previewed results; ValidationError if the preview is too old or not this municipality's."""
    try:
        data = signing.loads(payload, salt=f"{SURVEY_SALT}.{municipality.pk}", max_age=timedelta(hours=2))
    except signing.BadSignature:
        raise ValidationError(_("The preview is too old. Choose the file again.")) from None
    results = {
        (year, area): AreaResult(
            problem_index=Decimal(overall) if overall else None,
            safe_share=Decimal(share) if share else None,
            problems={problem: Decimal(value) for problem, value in problems},
        )
        for year, area, overall, share, problems in data
    }
    return safety_surveys_store(municipality=municipality, results=results)


def safety_surveys_store(*, municipality: Organisation, results: dict[tuple[int, str], AreaResult]) -> list[int]:
    """Store a safety survey's results per (year, area); each year in them replaces what was stored for it before.
    The years stored."""
    years = sorted({year for year, _area in results})
    with transaction.atomic():
        SafetySurvey.objects.filter(municipality=municipality, year__in=years).delete()
        _store(municipality, results)
    return years


def safety_survey_save(*, municipality: Organisation, year: int, area: str, result: AreaResult) -> None:
    """Store one area's results of a year as typed in, replacing what was stored for that area and year."""
    with transaction.atomic():
        SafetySurvey.objects.filter(municipality=municipality, year=year, area__iexact=area).delete()
        _store(municipality, {(year, area): result})


def _store(municipality: Organisation, results: dict[tuple[int, str], AreaResult]) -> None:
    for (year, area), result in results.items():
        survey = SafetySurvey(
            municipality=municipality,
            year=year,
            area=area,
            problem_index=result.problem_index,
            safe_share=result.safe_share,
        )
        survey.full_clean()
        survey.save()
        ProblemIndex.objects.bulk_create(
            ProblemIndex(survey=survey, problem=problem, value=value) for problem, value in result.problems.items()
        )


def imported_source(series: IndicatorSeries) -> str:
    """How a follow-up value filled from the statistics is marked, in the follow-up's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Imported statistics: %(series)s") % {"series": series.label}


def indicator_values_fill(*, municipality: Organisation) -> int:
    """Fill the follow-up value of each indicator read from the municipality's statistics, in every year (or quarter or
    half-year: the year so far) still being filled in that has data. A value someone typed (not marked as imported)
    is kept; the number of values filled."""
    filled = 0
    values = IndicatorValue.objects.filter(
        indicator__statistics_series__municipality=municipality,
        report__stage__in=[FollowUpReport.Stage.DRAFT, FollowUpReport.Stage.SUBMITTED],
    ).select_related("report", "indicator__statistics_series")
    with transaction.atomic():
        for value in values:
            series = value.indicator.statistics_series
            marker = imported_source(series)
            if value.value is not None and value.source != marker:
                continue
            total = series_total(
                municipality_id=municipality.pk,
                source=series.source,
                crime_type=series.crime_type,
                place=series.place,
                year=value.report.year,
                until=value.report.period_end,
            )
            if total is None or (value.value == total and value.source == marker):
                continue
            value.value, value.source, value.version = total, marker, value.version + 1
            value.save(update_fields=["value", "source", "version"])
            filled += 1
    return filled


def commitment_attendance_fill(*, municipality: Organisation) -> int:
    """Fill each party's line of the commitments followed up by attendance, in every year (or quarter or half-year: the
    meetings of that period) still being filled in:
    "närvarade vid N av M veckomöten" and the status derived from it, each party from its own attendance. A comment
    or status someone wrote is kept; the number of parties' lines filled."""
    filled = 0
    outcomes = (
        CommitmentOutcome.objects.filter(
            # The same commitment in every revision and renewal of the agreement: copies keep its key.
            commitment__key__in=AttendedCommitment.objects.filter(municipality=municipality).values("commitment__key"),
            report__stage__in=[FollowUpReport.Stage.DRAFT, FollowUpReport.Stage.SUBMITTED],
        )
        .select_related("report__agreement", "commitment")
        .prefetch_related("party_comments", "commitment__parties")
    )
    today = timezone.localdate()
    periods: dict[tuple, object] = {}
    with transaction.atomic():
        for outcome in outcomes:
            report = outcome.report
            period = (report.period_start, report.period_end)
            if period not in periods:
                periods[period] = attendance_between(municipality, *period)
            attendance = periods[period]
            period_over = report.period_end < today
            if not attendance.meetings:
                continue
            joint = len(outcome.commitment.parties.all()) > 1
            changed = False
            for comment in outcome.party_comments.all():
                before = read_attendance_text(comment.text)
                if comment.text.strip() and before is None:
                    continue  # the party's own words
                attended = attendance.attended.get(comment.party_id, 0)
                text = attendance_text(attended, attendance.meetings)
                status = attendance_status(attended, attendance.meetings, year_over=period_over)
                # A status is the attendance's to set while it is still the default or what the attendance set.
                written = {attendance_status(*before, year_over=over) for over in (False, True)} if before else set()
                if joint:
                    status = status if comment.status in {"", *written} else comment.status
                elif outcome.status in {Status.NOT_STARTED, *written} and outcome.status != status:
                    outcome.status, changed = status, True
                if (comment.text, comment.status) != (text, status if joint else comment.status):
                    comment.text = text
                    comment.status = status if joint else comment.status
                    comment.save(update_fields=["text", "status"])
                    changed = True
                    filled += 1
            if joint and changed:
                outcome.status = combined_status([c.status for c in outcome.party_comments.all()])
            if changed:
                outcome.version += 1
                outcome.save(update_fields=["status", "version"])
    return filled


def yearly_save(*, municipality: Organisation, year: int, form, measures) -> YearlyPicture:
    """Save the year's analysis, sources and åtgärdsplan (creating the document the first time); StaleEdit if someone
    saved it after the form was loaded, ValidationError if the council approved it meanwhile."""
    with transaction.atomic():
        picture, created = YearlyPicture.objects.select_for_update().get_or_create(municipality=municipality, year=year)
        if picture.is_frozen:
            raise ValidationError(_("The council has approved the situation picture; it can no longer be changed."))
        if not created:
            claim_version(instance=picture, loaded_version=form.cleaned_data["loaded_version"] or picture.version)
        picture.analysis = form.cleaned_data["analysis"]
        picture.sources = form.cleaned_data["sources"]
        picture.save()
        for measure in measures.save(commit=False):
            measure.picture = picture
            measure.save()
        for measure in measures.deleted_objects:
            measure.delete()
    return picture


def yearly_approve(*, picture: YearlyPicture, approved_on: date, case_number: str) -> None:
    """Record the council's approval; from then on the situation picture is frozen."""
    with transaction.atomic():
        picture = YearlyPicture.objects.select_for_update().get(pk=picture.pk)
        if picture.is_frozen:
            raise ValidationError(_("The council has approved the situation picture; it can no longer be changed."))
        picture.approved_on, picture.case_number = approved_on, case_number
        picture.save()
