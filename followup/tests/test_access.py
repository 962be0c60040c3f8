"""Who may read a year's follow-up, fill it in, and take it through its stages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from followup.access import get_report_for_user, may_approve, may_confirm, may_follow_up, may_submit
from followup.models import FollowUpReport
from followup.services import report_start
from samverkan.lib.access import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(signed_agreement):
    return report_start(agreement=signed_agreement, year=2024, copy_previous=False)


def test_filling_in_is_edit_access_for_those_who_write_for_a_party(report, world, editor, reviewer, reader):
    # Each writes for its own party (None: not on another party's behalf).
    assert get_report_for_user(editor, report.agreement_id, 2024, Access.EDIT).user_writing_parties == {
        world.municipality.pk: None
    }
    assert get_report_for_user(reviewer, report.agreement_id, 2024, Access.EDIT).user_writing_parties == {
        world.police.pk: None
    }
    assert get_report_for_user(reader, report.agreement_id, 2024).pk == report.pk
    with pytest.raises(PermissionDenied):
        get_report_for_user(reader, report.agreement_id, 2024, Access.EDIT)


def test_outsiders_and_missing_years_are_not_found(report, outsider, editor):
    with pytest.raises(Http404):
        get_report_for_user(outsider, report.agreement_id, 2024)
    with pytest.raises(Http404):
        get_report_for_user(editor, report.agreement_id, 2023)
    with pytest.raises(Http404):
        get_report_for_user(editor, "1²", 2024)


def test_a_confirmed_report_is_no_longer_filled_in(report, reviewer):
    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.CONFIRMED)
    with pytest.raises(PermissionDenied) as refused:
        get_report_for_user(reviewer, report.agreement_id, 2024, Access.EDIT)
    assert str(refused.value) == "Uppföljningen är bekräftad och kan inte längre fyllas i."


def test_the_municipality_submits_and_approves_and_the_police_confirm(report, editor, reviewer, reader):
    agreement = report.agreement
    assert [may_submit(u, agreement) for u in (editor, reviewer, reader)] == [True, False, False]
    assert [may_confirm(u, agreement) for u in (editor, reviewer, reader)] == [False, True, False]
    assert [may_approve(u, agreement) for u in (editor, reviewer, reader)] == [True, False, True]


def test_editors_follow_up_a_signed_agreement(report, editor, reader):
    assert may_follow_up(get_report_for_user(editor, report.agreement_id, 2024).agreement)
    assert not may_follow_up(get_report_for_user(reader, report.agreement_id, 2024).agreement)
