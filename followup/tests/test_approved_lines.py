"""An approved follow-up keeps its lines: deleting what they follow up is refused rather than cascading to them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from agreements.models import AgreementFrozen
from focusareas.models import ActivityRow, Commitment, FocusArea, Indicator
from followup.models import (
    ActivityOutcome,
    CommitmentOutcome,
    FocusAreaSummary,
    FollowUpReport,
    IndicatorValue,
    ReportFrozen,
)
from followup.services import report_start

pytestmark = pytest.mark.django_db

# What each kind of line follows up, the line, and the line's field naming it.
FOLLOWED_UP = [
    (Commitment, CommitmentOutcome, "commitment"),
    (ActivityRow, ActivityOutcome, "row"),
    (Indicator, IndicatorValue, "indicator"),
    (FocusArea, FocusAreaSummary, "focus_area"),
]


def lines(report: FollowUpReport) -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(report=report).count()
        for model in (CommitmentOutcome, ActivityOutcome, IndicatorValue, FocusAreaSummary)
    }


@pytest.mark.parametrize(("followed", "line", "name"), FOLLOWED_UP, ids=lambda value: getattr(value, "__name__", ""))
def test_deleting_what_an_approved_report_follows_up_is_refused(signed_agreement, followed, line, name):
    report = report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.APPROVED)
    before = lines(report)
    # A queryset delete, as the admin's bulk action does: no model's own delete() runs, only the cascade.
    target = followed.objects.filter(pk=line.objects.filter(report=report).values(name)[:1])

    with pytest.raises(ProtectedError) as refused:
        target.delete()

    assert {type(obj) for obj in refused.value.protected_objects} >= {line}

    assert target.exists()
    assert lines(report) == before


@pytest.mark.parametrize(("followed", "line", "name"), FOLLOWED_UP, ids=lambda value: getattr(value, "__name__", ""))
def test_lines_of_a_report_not_yet_approved_go_with_what_they_follow_up(signed_agreement, followed, line, name):
    report = report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.CONFIRMED)
    target = followed.objects.filter(pk=line.objects.filter(report=report).values(name)[:1])
    kept = line.objects.filter(report=report).exclude(**{f"{name}__in": target}).count()

    target.delete()

    assert line.objects.filter(report=report).count() == kept


def test_a_line_of_an_approved_report_is_refused_as_content_of_a_signed_agreement_is(signed_agreement):
    """Both frozen kinds of content refuse the same way: a ValidationError of code "frozen", raised by a check that
    locks the owning row in the write's own transaction."""
    report = report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.APPROVED)
    line = ActivityOutcome.objects.filter(report=report).first()
    line.comment = "Ändrad efteråt"

    with CaptureQueriesContext(connection) as queries, pytest.raises(ReportFrozen) as refused:
        line.save()

    assert isinstance(refused.value, ValidationError) and refused.value.code == AgreementFrozen().code == "frozen"
    assert ActivityOutcome.objects.get(pk=line.pk).comment != "Ändrad efteråt"
    locks = [q["sql"] for q in queries if "followup_followupreport" in q["sql"]]
    assert locks, "the check reads the report's row"
    if connection.features.has_select_for_update:
        assert all("FOR UPDATE" in sql for sql in locks)
    with pytest.raises(ReportFrozen):
        line.delete()
    assert ActivityOutcome.objects.filter(pk=line.pk).exists()


def test_an_approved_report_itself_is_neither_changed_nor_deleted(signed_agreement):
    report = report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.APPROVED, summary="Som beslutat")
    report = FollowUpReport.objects.get(pk=report.pk)
    report.summary = "Ändrad efteråt"

    with pytest.raises(ReportFrozen):
        report.save(update_fields=["summary"])
    with pytest.raises(ReportFrozen):
        report.delete()

    assert FollowUpReport.objects.get(pk=report.pk).summary == "Som beslutat"
