"""The commitment to attend the weekly EST meeting, followed up from the parties each meeting records as present:
each party's own line of the year's follow-up prefilled with "närvarade vid N av M veckomöten" and a status, marked
as read from the attendance and still editable; what someone wrote is kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from agreements.tests.factories import AgreementFactory
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory
from followup.models import CommitmentOutcome, PartyComment, Status
from followup.services import report_start
from situation.models import AttendedCommitment, Week
from situation.services import commitment_attendance_fill

pytestmark = pytest.mark.django_db

TEXT = "Närvarade vid {} av {} veckomöten (läst från EST-mötenas närvaro)."


def meetings(world, present: list[list], *, first: date = date(2025, 1, 6)) -> list[Week]:
    """A week of 2025 from `first` on for each list of the parties present at its meeting."""
    weeks = []
    for n, parties in enumerate(present):
        week = Week.objects.create(municipality=world.municipality, monday=first + timedelta(days=7 * n))
        week.attended_by.set(parties)
        weeks.append(week)
    return weeks


@pytest.fixture
def commitment(world):
    area = FocusAreaFactory(agreement=world.agreement, title="EST")
    commitment = CommitmentFactory(
        focus_area=area, text="varje vecka närvara vid EST-mötet", parties=[world.municipality, world.police]
    )
    CommitmentFactory(focus_area=area, text="kalla till EST-mötet varje vecka", parties=[world.municipality])
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    return commitment


def attendance_url(world) -> str:
    return reverse("situation:attendance", args=[world.municipality.pk])


def comments(outcome) -> dict:
    return {c.party.name: (c.text, c.status) for c in PartyComment.objects.filter(outcome=outcome)}


def test_each_party_s_line_is_filled_from_its_own_attendance_and_what_it_wrote_is_kept(
    client, world, editor, commitment
):
    report = report_start(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2025, copy_previous=False)
    both = [world.municipality, world.police]
    meetings(world, [both, both, [world.municipality], both, []])  # the last meeting recorded nobody
    client.force_login(editor)
    assert client.post(attendance_url(world), {"commitment": commitment.pk}).status_code == 302
    page = client.get(attendance_url(world)).content.decode()
    assert "3 av 4 möten" in page and "4 av 4 möten" in page

    assert client.post(attendance_url(world), {"fill": "1"}).status_code == 302
    outcome = CommitmentOutcome.objects.get(report=report, commitment=commitment)
    assert comments(outcome) == {
        "Hamnstads kommun": (TEXT.format(4, 4), Status.DONE),
        "Lokalpolisområde Hamnstad": (TEXT.format(3, 4), Status.PARTLY_DONE),
    }
    assert outcome.status == Status.PARTLY_DONE and outcome.version == 2  # an open form's save is then stale

    PartyComment.objects.filter(outcome=outcome, party=world.police).update(text="Sjukdom i gruppen i mars.")
    meetings(world, [[world.municipality]], first=date(2025, 6, 2))
    client.post(attendance_url(world), {"fill": "1"})
    assert comments(outcome) == {
        "Hamnstads kommun": (TEXT.format(5, 5), Status.DONE),
        "Lokalpolisområde Hamnstad": ("Sjukdom i gruppen i mars.", Status.PARTLY_DONE),  # the police's own words
    }


def test_a_status_someone_chose_is_kept_and_the_commitment_of_one_party_gets_its_status(world, commitment):
    alone = commitment.focus_area.commitments.get(text__startswith="kalla")
    report = report_start(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2025, copy_previous=False)
    for one in (commitment, alone):
        AttendedCommitment.objects.create(commitment=one, municipality=world.municipality)
    meetings(world, [[world.municipality], [world.municipality, world.police]])
    PartyComment.objects.filter(outcome__commitment=commitment, party=world.police).update(status=Status.DONE)

    assert commitment_attendance_fill(municipality=world.municipality) == 3
    joint = CommitmentOutcome.objects.get(report=report, commitment=commitment)
    assert comments(joint)["Lokalpolisområde Hamnstad"] == (TEXT.format(1, 2), Status.DONE)  # the status chosen
    single = CommitmentOutcome.objects.get(report=report, commitment=alone)
    assert single.status == Status.DONE
    assert comments(single) == {"Hamnstads kommun": (TEXT.format(2, 2), "")}
    assert commitment_attendance_fill(municipality=world.municipality) == 0  # nothing new: nothing written


def test_the_meeting_records_the_parties_present_among_the_agreements_parties(client, world, reviewer, reader):
    week = Week.objects.create(municipality=world.municipality, monday=date(2026, 11, 23))
    url = reverse("situation:week", kwargs={"pk": world.municipality.pk, "week": week.label})
    client.force_login(reviewer)
    foreign = client.post(url, {"attended_by": [world.other_police.pk]})
    assert foreign.status_code == 200 and "Välj ett giltigt alternativ" in foreign.content.decode()
    assert client.post(url, {"attended_by": [world.municipality.pk, world.police.pk]}).status_code == 302
    assert set(week.attended_by.all()) == {world.municipality, world.police}
    client.force_login(reader)
    report = client.get(reverse("situation:report", kwargs={"pk": world.municipality.pk, "week": week.label}))
    assert "Hamnstads kommun, Lokalpolisområde Hamnstad" in report.content.decode()


def test_only_the_security_unit_names_and_fills_the_commitment(client, world, reviewer, outsider, commitment):
    client.force_login(reviewer)
    assert client.post(attendance_url(world), {"commitment": commitment.pk}).status_code == 403
    assert client.post(attendance_url(world), {"fill": "1"}).status_code == 403
    client.force_login(outsider)
    assert client.get(attendance_url(world)).status_code == 404
    assert not AttendedCommitment.objects.exists()


def test_the_same_commitment_in_a_later_revision_is_filled_too(world, commitment):
    AttendedCommitment.objects.create(commitment=commitment, municipality=world.municipality)
    revision = AgreementFactory(title="Samverkansöverenskommelse Hamnstad", parties=[world.municipality, world.police])
    copy = CommitmentFactory(
        focus_area=FocusAreaFactory(agreement=revision),
        text=commitment.text,
        key=commitment.key,
        parties=[world.municipality, world.police],
    )
    Agreement.objects.filter(pk=revision.pk).update(status=Agreement.Status.SIGNED)
    report = report_start(agreement=Agreement.objects.get(pk=revision.pk), year=2025, copy_previous=False)
    meetings(world, [[world.police]])
    commitment_attendance_fill(municipality=world.municipality)
    outcome = CommitmentOutcome.objects.get(report=report, commitment=copy)
    assert comments(outcome)["Lokalpolisområde Hamnstad"] == (TEXT.format(1, 1), Status.DONE)


def test_the_attendance_page_takes_as_many_queries_for_many_commitments_and_meetings(client, world, editor):
    client.force_login(editor)
    area = FocusAreaFactory(agreement=AgreementFactory(parties=[world.municipality, world.police]))

    def queries(commitments: int, weeks: int) -> int:
        AttendedCommitment.objects.all().delete()
        Week.objects.all().delete()
        for _n in range(commitments):
            one = CommitmentFactory(focus_area=area, parties=[world.municipality, world.police])
            AttendedCommitment.objects.create(commitment=one, municipality=world.municipality)
        meetings(world, [[world.municipality, world.police]] * weeks)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(attendance_url(world)).status_code == 200
        return len(captured)

    assert queries(1, 2) == queries(8, 20) <= 14


def test_a_quarter_s_follow_up_counts_the_meetings_of_that_quarter(client, world, editor, commitment):
    Agreement.objects.filter(pk=world.agreement.pk).update(follow_up_frequency=4)
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    first, second = (report_start(agreement=agreement, year=2025, period=n, copy_previous=False) for n in (1, 2))
    both = [world.municipality, world.police]
    meetings(world, [both, [world.municipality], both])  # January
    meetings(world, [both, both], first=date(2025, 4, 7))  # April
    client.force_login(editor)
    client.post(attendance_url(world), {"commitment": commitment.pk})

    assert client.post(attendance_url(world), {"fill": "1"}).status_code == 302
    assert comments(CommitmentOutcome.objects.get(report=first, commitment=commitment)) == {
        "Hamnstads kommun": (TEXT.format(3, 3), Status.DONE),
        "Lokalpolisområde Hamnstad": (TEXT.format(2, 3), Status.PARTLY_DONE),
    }
    assert comments(CommitmentOutcome.objects.get(report=second, commitment=commitment)) == {
        "Hamnstads kommun": (TEXT.format(2, 2), Status.DONE),
        "Lokalpolisområde Hamnstad": (TEXT.format(2, 2), Status.DONE),
    }
