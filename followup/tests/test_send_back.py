"""The police send a submitted follow-up back to the municipality with a comment instead of confirming it."""

import pytest
from django.urls import reverse

from followup.models import FollowUpReport
from followup.services import report_fingerprint, report_start, report_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(signed_agreement, editor):
    report = report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    report_submit(report=report, user=editor)
    return FollowUpReport.objects.get(pk=report.pk)


def send_back(client, report, **data):
    data.setdefault("loaded_fingerprint", report_fingerprint(report))
    return client.post(reverse("followup:transition", args=[report.agreement_id, report.year, "send-back"]), data)


def test_the_police_send_it_back_with_a_comment_and_the_editors_are_told(
    client, submitted, editor, reviewer, reader, mailoutbox, django_capture_on_commit_callbacks
):
    for user in (editor, reviewer, reader):
        user.email = f"{user.username}@example.se"
        user.save()
    client.force_login(reviewer)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Skicka tillbaka" in page and "Bekräfta" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = send_back(client, submitted, comment="Polisens siffror för kv 3 saknas.")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.stage, submitted.sent_back_comment) == ("draft", "Polisens siffror för kv 3 saknas.")
    assert [m.to for m in mailoutbox] == [["editor@example.se"]]
    assert "Polisens siffror för kv 3 saknas." in mailoutbox[0].body and "tillbaka" in mailoutbox[0].subject

    client.force_login(editor)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Skickad tillbaka av polisen med kommentaren:" in page and "Polisens siffror för kv 3 saknas." in page
    report_submit(report=submitted, user=editor)  # submitting again clears the comment
    submitted.refresh_from_db()
    assert (submitted.stage, submitted.sent_back_comment) == ("submitted", "")


def test_sending_back_needs_a_comment_and_keeps_what_was_typed_otherwise(client, submitted, reviewer):
    client.force_login(reviewer)
    response = send_back(client, submitted, comment="")
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert FollowUpReport.objects.get(pk=submitted.pk).stage == "submitted"


def test_a_changed_report_is_not_sent_back_and_the_comment_is_kept(client, submitted, reviewer):
    client.force_login(reviewer)
    stale = report_fingerprint(submitted)
    FollowUpReport.objects.filter(pk=submitted.pk).update(summary="Ändrad", version=2)
    response = send_back(client, submitted, comment="Se över avsnitt 2.", loaded_fingerprint=stale)
    assert response.status_code == 200 and response.context["problem"]
    assert "Se över avsnitt 2." in response.content.decode()
    assert FollowUpReport.objects.get(pk=submitted.pk).stage == "submitted"


def test_only_the_police_send_back_and_only_a_submitted_follow_up(client, submitted, editor, reader, reviewer):
    for user in (editor, reader):
        client.force_login(user)
        send_back(client, submitted, comment="Nej")
        assert FollowUpReport.objects.get(pk=submitted.pk).stage == "submitted"
    FollowUpReport.objects.filter(pk=submitted.pk).update(stage="confirmed")
    client.force_login(reviewer)
    send_back(client, submitted, comment="Nej")
    assert FollowUpReport.objects.get(pk=submitted.pk).stage == "confirmed"
