"""Follow-up belongs to the agreement, not the revision: a year reported under revision 1 is not started again under
revision 2, the next year starts from it, and the dashboard and the report's sums span the revisions."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement
from agreements.services import agreement_new_revision
from followup.models import CommitmentOutcome, FollowUpReport, PartyComment, Status
from followup.services import report_start

pytestmark = pytest.mark.django_db

POLICE = "polisens krogtillsyner"
MUNICIPAL = "kommunens tillsynsbesök"  # at least 10 visits during the period


@pytest.fixture
def revised(signed_agreement):
    """Revision 1 followed up and approved for 2024, then revision 2 signed."""
    first = report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    CommitmentOutcome.objects.filter(report=first, commitment__text=POLICE).update(status=Status.ONGOING, achieved=4)
    CommitmentOutcome.objects.filter(report=first, commitment__text=MUNICIPAL).update(achieved=4)
    PartyComment.objects.filter(outcome__report=first, outcome__commitment__text=POLICE).update(text="Fyra gjorda.")
    FollowUpReport.objects.filter(pk=first.pk).update(stage=FollowUpReport.Stage.APPROVED)
    second = agreement_new_revision(agreement=signed_agreement)
    Agreement.objects.filter(pk=second.pk).update(status=Agreement.Status.SIGNED)
    return Agreement.objects.get(pk=second.pk)


def test_a_year_reported_under_revision_1_is_not_started_again_under_revision_2(client, revised, editor):
    with pytest.raises(ValidationError, match="revision 1"):
        report_start(agreement=revised, year=2024, copy_previous=False)
    client.force_login(editor)
    response = client.get(reverse("followup:index", args=[revised.pk]))
    page = response.content.decode()
    first = FollowUpReport.objects.get(year=2024)
    assert f'<a href="{first.get_absolute_url()}">2024</a>' in page and "rapporterat under revision 1" in page
    assert 2024 not in [year for year, _label in response.context["start_form"].fields["year"].choices]
    client.post(reverse("followup:start", args=[revised.pk]), {"year": "2024"})
    assert FollowUpReport.objects.filter(year=2024).count() == 1


def test_revision_1_cannot_start_a_year_revision_2_has_reported(revised, signed_agreement):
    report_start(agreement=revised, year=2025, copy_previous=False)
    with pytest.raises(ValidationError, match="revision 2"):
        report_start(agreement=signed_agreement, year=2025, copy_previous=False)


def test_the_next_year_starts_from_the_year_under_the_earlier_revision(revised):
    report = report_start(agreement=revised, year=2025, copy_previous=True)
    police = CommitmentOutcome.objects.get(report=report, commitment__text=POLICE)
    assert police.commitment.agreement_id == revised.pk
    assert (police.status, police.achieved) == (Status.ONGOING, None)
    assert police.party_comments.get().text == "Fyra gjorda."


def test_the_dashboard_and_the_period_sums_span_the_revisions(client, revised, reader):
    report = report_start(agreement=revised, year=2025, copy_previous=False)
    CommitmentOutcome.objects.filter(report=report, commitment__text=MUNICIPAL).update(achieved=3)
    client.force_login(reader)
    overview = client.get(reverse("followup:dashboard", args=[revised.pk])).context["overview"]
    assert overview.years == [2024, 2025]
    police = next(line for line in overview.commitments if line.commitment.text == POLICE)
    assert police.commitment.agreement_id == revised.pk
    assert [cell.status for cell in police.cells] == [Status.ONGOING, Status.NOT_STARTED]
    municipal = next(line for line in overview.commitments if line.commitment.text == MUNICIPAL)
    assert municipal.progress.counted == 7
    annual = client.get(report.get_absolute_url()).context["annual"]
    line = next(
        line for section in annual.focus_areas for line in section.commitments if line.commitment.text == POLICE
    )
    assert line.previous_status == Status.ONGOING and line.previous_achieved == 4
