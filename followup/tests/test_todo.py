""" "Att göra" on the start page: each step of the review and the follow-up shows to the users whose turn it is, with
since when and a link, and to nobody else; the page costs the same queries however many agreements wait."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Membership
from agreements.tests.factories import AgreementFactory
from documents.services import agreement_approve
from focusareas.models import Commitment
from focusareas.services import (
    agreement_send_for_review,
    commitment_accept,
    commitment_comment,
    commitment_request_change,
)
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory, accept
from followup.services import report_approve, report_confirm, report_start, report_submit
from samverkan.lib.todo import items_for
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db


def todo(user) -> list[tuple[str, str, str]]:
    return [(item.what, item.document, item.url) for item in items_for(user)]


@pytest.fixture
def in_review(world, editor):
    """The world's agreement with two police commitments, sent for review by the editor."""
    focus_area = FocusAreaFactory(agreement=world.agreement)
    CommitmentFactory(focus_area=focus_area, parties=[world.police], text="krogtillsyner")
    CommitmentFactory(focus_area=focus_area, parties=[world.police], text="trafikinsatser")
    agreement_send_for_review(agreement=world.agreement, user=editor)
    return Agreement.objects.get(pk=world.agreement.pk)


def review_url(agreement) -> str:
    return reverse("focusareas:review", args=[agreement.pk])


def test_the_police_reviewer_is_asked_to_review_and_nobody_else(in_review, editor, reviewer, reader, outsider):
    title = in_review.title
    assert todo(reviewer) == [("Granska 2 åtaganden", title, review_url(in_review))]
    assert todo(editor) == []
    assert todo(reader) == []
    assert todo(outsider) == []
    assert items_for(reviewer)[0].since is not None


def test_a_change_request_waits_for_the_editors_and_a_comment_for_the_other_side(in_review, editor, reviewer):
    first, second = Commitment.objects.filter(agreement=in_review).order_by("pk")
    commitment_request_change(commitment=first, user=reviewer, loaded_version=first.version, text="Ange antal")
    commitment_comment(commitment=second, user=reviewer, text="Gäller det hela året?")
    url, title = review_url(in_review), in_review.title
    assert todo(editor) == [
        ("Ändring begärd i 1 åtagande", title, url),
        ("1 kommentar att besvara", title, url),
    ]
    assert todo(reviewer) == [("Granska 1 åtagande", title, url)]
    commitment_comment(commitment=second, user=editor, text="Ja, hela året.")
    assert todo(editor) == [("Ändring begärd i 1 åtagande", title, url)]
    assert ("1 kommentar att besvara", title, url) in todo(reviewer)


def test_all_accepted_asks_each_party_to_approve_the_draft(in_review, editor, reviewer):
    for commitment in Commitment.objects.filter(agreement=in_review):
        commitment_accept(commitment=commitment, user=reviewer, loaded_version=commitment.version)
    consent = f"{in_review.get_absolute_url()}#consent"
    assert todo(editor) == [("Godkänn utkastet för Hamnstads kommun", in_review.title, consent)]
    assert todo(reviewer) == [("Godkänn utkastet för Lokalpolisområde Hamnstad", in_review.title, consent)]


@pytest.fixture
def report(world):
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    return report_start(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2024, copy_previous=False)


def test_the_follow_up_goes_from_hand_to_hand(report, editor, reviewer, reader):
    url, title = reverse("followup:report", args=[report.agreement_id, 2024]), report.agreement.title
    assert todo(editor) == [("Fyll i och skicka in uppföljningen för 2024", title, url)]
    assert todo(reviewer) == todo(reader) == []
    report_submit(report=report, user=editor)
    assert todo(reviewer) == [("Bekräfta uppföljningen för 2024", title, url)]
    assert todo(editor) == []
    report_confirm(report=report, user=reviewer)
    assert todo(reader) == todo(editor) == [("Godkänn uppföljningen för 2024", title, url)]
    assert todo(reviewer) == []
    report_approve(report=report, user=reader, approved_on=date(2025, 3, 18), case_number="KS 2025/1")
    assert todo(reader) == todo(editor) == todo(reviewer) == []


def test_the_start_page_lists_the_items_with_a_link(client, in_review, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{review_url(in_review)}"' in page
    assert "Granska 2 åtaganden" in page
    assert in_review.title in page


def test_an_empty_list_says_so_kindly(client, editor):
    client.force_login(editor)
    assert "Inget väntar på dig just nu" in client.get(reverse("home")).content.decode()


def test_logging_in_leads_to_the_start_page(client, editor):
    editor.set_password("ett-langt-losenord-1")
    editor.save()
    response = client.post(reverse("login"), {"username": "editor", "password": "ett-langt-losenord-1"})
    assert response.url == reverse("home")


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def waiting_agreements(world, editor, n: int) -> None:
    """n agreements of every step: in review with a change request and a comment, accepted by the police for each
    party to approve, approved by the police for the municipality to approve and sign, and signed with a report."""
    reviewer = Membership.objects.get(organisation=world.police, role=Membership.Role.REVIEWER).user
    for approved in (False, True) * n:
        agreement = AgreementFactory(parties=[world.municipality, world.police])
        accept(
            [CommitmentFactory(focus_area=FocusAreaFactory(agreement=agreement), parties=[world.police])],
            reviewer=reviewer,
        )
        Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
        if approved:
            agreement = Agreement.objects.get(pk=agreement.pk)
            agreement_approve(agreement=agreement, party=world.police, user=reviewer)
            agreement_approve(agreement=agreement, party=world.municipality, user=editor)
    for _ in range(n):
        agreement = AgreementFactory(parties=[world.municipality, world.police])
        first, second = (
            CommitmentFactory(focus_area=FocusAreaFactory(agreement=agreement), parties=[world.police])
            for _ in range(2)
        )
        agreement_send_for_review(agreement=agreement, user=editor)
        commitment_request_change(commitment=first, user=reviewer, loaded_version=first.version, text="Ändra")
        commitment_comment(commitment=second, user=reviewer, text="Varför?")
        signed = AgreementFactory(parties=[world.municipality, world.police])
        Agreement.objects.filter(pk=signed.pk).update(status=Agreement.Status.SIGNED)
        report_start(agreement=Agreement.objects.get(pk=signed.pk), year=2024, copy_previous=False)


def test_the_start_page_does_not_grow_with_the_number_of_agreements(client, world, editor, reviewer):
    member(world.municipality, Membership.Role.READER, "council")
    client.force_login(editor)
    waiting_agreements(world, editor, 2)
    at_two = count_queries(client)
    waiting_agreements(world, editor, 18)
    assert count_queries(client) == at_two
    page = client.get(reverse("home")).content.decode()
    assert page.count("Ändring begärd i 1 åtagande") == 20
    assert page.count("Godkänn utkastet för Hamnstads kommun") == 20
    assert page.count("Underteckna för Hamnstads kommun") == 20
