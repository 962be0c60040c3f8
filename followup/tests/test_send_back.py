"""The police send a submitted follow-up back to the municipality with a comment, instead of confirming it: the
municipality is told by e-mail and on its "Att göra", sees the comment on the report and submits again."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from followup.models import FollowUpReport
from followup.services import report_fingerprint, report_start, report_submit
from samverkan.lib.todo import items_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world, editor, reviewer):
    for user in (editor, reviewer):
        user.email = f"{user.username}@example.se"
        user.save()
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    report = report_start(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2024, copy_previous=False)
    report_submit(report=report, user=editor)
    return FollowUpReport.objects.get(pk=report.pk)


def send_back(client, report, comment: str):
    url = reverse("followup:transition", args=[report.agreement_id, report.year, "send_back"])
    return client.post(url, {"loaded_fingerprint": report_fingerprint(report), "comment": comment})


def test_the_police_send_it_back_and_the_municipality_submits_again(
    client, submitted, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = send_back(client, submitted, "Polisens siffror för 2024 saknas.")
    assert response.url == submitted.get_absolute_url()
    report = FollowUpReport.objects.get(pk=submitted.pk)
    assert (report.stage, report.sent_back_with) == (FollowUpReport.Stage.DRAFT, "Polisens siffror för 2024 saknas.")
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["editor@example.se"], "Uppföljning 2024 tillbakaskickad: Samverkansöverenskommelse Hamnstad")
    ]
    assert "Polisens siffror för 2024 saknas." in mailoutbox[0].body
    assert [item.what for item in items_for(editor)] == ["Tillbakaskickad av polisen: uppföljningen för 2024"]
    assert items_for(reviewer) == []
    client.force_login(editor)
    assert "Polisens siffror för 2024 saknas." in client.get(report.get_absolute_url()).content.decode()
    report_submit(report=report, user=editor)
    assert FollowUpReport.objects.get(pk=report.pk).sent_back_with == ""
    assert [item.what for item in items_for(reviewer)] == ["Bekräfta uppföljningen för 2024"]


@pytest.mark.parametrize(
    ("comment", "message"), [("", "Detta fält måste fyllas i."), ("Saknas\x00", "Null-tecken är inte tillåtna.")]
)
def test_a_comment_is_needed_and_what_was_typed_is_kept(client, submitted, reviewer, comment, message):
    client.force_login(reviewer)
    response = send_back(client, submitted, comment)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert FollowUpReport.objects.get(pk=submitted.pk).stage == FollowUpReport.Stage.SUBMITTED


def test_only_the_police_send_it_back(client, submitted, editor, reader):
    for user in (editor, reader):
        client.force_login(user)
        assert send_back(client, submitted, "Nej").status_code == 403
    assert FollowUpReport.objects.get(pk=submitted.pk).stage == FollowUpReport.Stage.SUBMITTED
