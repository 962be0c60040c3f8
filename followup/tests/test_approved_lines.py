"""An approved follow-up keeps its lines: deleting what they follow up is refused rather than cascading to them."""

import pytest
from django.db.models import ProtectedError

from focusareas.models import ActivityRow, Commitment, FocusArea, Indicator
from followup.models import ActivityOutcome, CommitmentOutcome, FocusAreaSummary, FollowUpReport, IndicatorValue
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
