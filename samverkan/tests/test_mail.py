"""Every e-mail the service sends: its recipients, its exact subject and body in Swedish and English, and that it
goes only once the change that caused it is committed."""

import logging
from datetime import date, timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from agreements.models import Agreement, Membership, Organisation
from agreements.tests.factories import MembershipFactory, SignatoryFactory, UserFactory
from documents.services import agreement_approve, agreement_sign
from focusareas.mail import send_review_requested
from focusareas.models import Commitment
from focusareas.services import (
    agreement_send_for_review,
    commitment_accept,
    commitment_comment,
    commitment_request_change,
)
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory, accept
from followup.models import FollowUpReport
from followup.services import report_approve, report_confirm, report_start, report_submit
from jobs.tests.helpers import work_the_queue

pytestmark = pytest.mark.django_db

SITE = "https://samverkan.example.se"


@pytest.fixture(autouse=True)
def site_url(settings) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def people(world, editor, reviewer, reader):
    """The agreement's editor, reviewer and reader with addresses; the title has a character HTML would escape."""
    for user in (editor, reviewer, reader):
        user.email = f"{user.username}@example.se"
        user.first_name, user.last_name = "Anna", user.username.capitalize()
        user.save()
    Agreement.objects.filter(pk=world.agreement.pk).update(title="Hamnstad & Slättby")
    world.agreement.refresh_from_db()
    return world.agreement


def sent(mailoutbox) -> list[tuple[list[str], str, str]]:
    return [(sorted(message.to), message.subject, message.body) for message in mailoutbox]


def test_review_requested_goes_to_the_police_reviewers(
    people, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agreement_send_for_review(agreement=people, user=editor)
    link = f"{SITE}/overenskommelser/{people.pk}/granskning/"
    assert sent(mailoutbox) == [
        (
            ["reviewer@example.se"],
            "Att granska: Hamnstad & Slättby",
            "Anna Editor har skickat överenskommelsen “Hamnstad & Slättby” på granskning.\n\n"
            f"Godkänn varje åtagande eller begär en ändring med en kommentar:\n{link}\n",
        )
    ]


def test_review_requested_in_english(people, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        agreement_send_for_review(agreement=people, user=editor)
    link = f"{SITE}/overenskommelser/{people.pk}/granskning/"
    assert sent(mailoutbox) == [
        (
            ["reviewer@example.se"],
            "To review: Hamnstad & Slättby",
            "Anna Editor has sent the agreement “Hamnstad & Slättby” for review.\n\n"
            f"Accept each commitment or request a change with a comment:\n{link}\n",
        )
    ]


@pytest.fixture
def report(people):
    Agreement.objects.filter(pk=people.pk).update(status=Agreement.Status.SIGNED)
    return report_start(agreement=Agreement.objects.get(pk=people.pk), year=2024, copy_previous=False)


def test_followup_submitted_confirmed_and_approved(
    report, editor, reviewer, reader, mailoutbox, django_capture_on_commit_callbacks
):
    link = f"{SITE}/overenskommelser/{report.agreement_id}/uppfoljning/2024/"
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=report, user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        report_confirm(report=report, user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        report_approve(report=report, user=reader, approved_on=date(2025, 3, 18), case_number="KS 2025/112")
    assert sent(mailoutbox) == [
        (
            ["reviewer@example.se"],
            "Uppföljning 2024 att bekräfta: Hamnstad & Slättby",
            f"Kommunen har skickat in uppföljningen för 2024. Kontrollera polisens del och bekräfta den.\n\n{link}\n",
        ),
        (
            ["editor@example.se", "reader@example.se"],
            "Uppföljning 2024 att godkänna: Hamnstad & Slättby",
            f"Polisen har bekräftat uppföljningen för 2024. Den är klar att godkännas av kommunstyrelsen.\n\n{link}\n",
        ),
        (
            ["editor@example.se", "reviewer@example.se"],
            "Uppföljning 2024 godkänd: Hamnstad & Slättby",
            f"Kommunstyrelsen godkände uppföljningen för 2024 den 2025-03-18 (KS 2025/112).\n\n{link}\n",
        ),
    ]


def test_followup_messages_in_english(report, editor, reviewer, reader, mailoutbox, django_capture_on_commit_callbacks):
    link = f"{SITE}/overenskommelser/{report.agreement_id}/uppfoljning/2024/"
    with translation.override("en"):
        with django_capture_on_commit_callbacks(execute=True):
            report_submit(report=report, user=editor)
        with django_capture_on_commit_callbacks(execute=True):
            report_confirm(report=report, user=reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            report_approve(report=report, user=reader, approved_on=date(2025, 3, 18), case_number="KS 2025/112")
    assert [(subject, body) for _, subject, body in sent(mailoutbox)] == [
        (
            "Follow-up 2024 to confirm: Hamnstad & Slättby",
            "The municipality has submitted the follow-up of 2024. Check the police's part and confirm it."
            f"\n\n{link}\n",
        ),
        (
            "Follow-up 2024 to approve: Hamnstad & Slättby",
            f"The police have confirmed the follow-up of 2024. It is ready for the council's approval.\n\n{link}\n",
        ),
        (
            "Follow-up 2024 approved: Hamnstad & Slättby",
            f"The council approved the follow-up of 2024 on 2025-03-18 (KS 2025/112).\n\n{link}\n",
        ),
    ]


def test_a_change_rolled_back_tells_nobody(report, editor, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        report_submit(report=report, user=editor)
        raise RuntimeError
    assert mailoutbox == []
    assert FollowUpReport.objects.get(pk=report.pk).stage == FollowUpReport.Stage.DRAFT


def test_recipients_are_active_members_with_an_address_in_the_roles_and_kinds_asked(world, reviewer):
    reviewer.email = "reviewer@example.se"
    reviewer.save()

    def member(organisation, role, **fields):
        MembershipFactory(user=UserFactory(**fields), organisation=organisation, role=role)

    member(world.police, Membership.Role.REVIEWER, email="inactive@example.se", is_active=False)
    member(world.police, Membership.Role.REVIEWER, email="")
    member(world.police, Membership.Role.READER, email="reader@example.se")
    member(world.municipality, Membership.Role.REVIEWER, email="municipal@example.se")
    member(world.other_police, Membership.Role.REVIEWER, email="elsewhere@example.se")
    police_reviewers = Membership.objects.addresses(
        agreement=world.agreement, kinds=world.police.POLICE_KINDS, roles=[Membership.Role.REVIEWER]
    )
    assert police_reviewers == ["reviewer@example.se"]


class MailServerDown(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


def mail_tasks():
    """The queue's e-mail tasks (the worker also enqueues the periodic jobs due)."""
    return DBTaskResult.objects.filter(task_path="samverkan.lib.mail.send_message").order_by("enqueued_at")


def send_review_request(people, editor, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_review_requested(agreement=people, user=editor)


def test_a_task_from_the_database_queue_sends_the_message_once_the_change_commits(
    database_queue, people, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_review_requested(agreement=people, user=editor)
    assert not DBTaskResult.objects.exists()  # nothing is queued before the commit
    callbacks[0]()
    queued = mail_tasks().get()
    assert (queued.task_path, queued.status, mailoutbox) == ("samverkan.lib.mail.send_message", "READY", [])

    work_the_queue()

    assert sent(mailoutbox) == [(["reviewer@example.se"], "Att granska: Hamnstad & Slättby", mailoutbox[0].body)]
    assert mail_tasks().get().status == TaskResultStatus.SUCCESSFUL


def test_a_mail_server_down_is_tried_again_after_a_back_off(
    database_queue, settings, people, editor, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    send_review_request(people, editor, django_capture_on_commit_callbacks)
    before = timezone.now()
    with caplog.at_level(logging.WARNING, logger="samverkan.tasks"):
        work_the_queue()

    first, retry = mail_tasks()
    assert first.status == TaskResultStatus.SUCCESSFUL  # its work is handed on to the retry
    assert retry.status == TaskResultStatus.READY and retry.args_kwargs["kwargs"]["attempt"] == 2
    assert before + timedelta(seconds=60) <= retry.run_after <= timezone.now() + timedelta(seconds=60)
    assert "send_message failed (attempt 1 of 5)" in caplog.text and "Connection refused" in caplog.text
    work_the_queue()  # not due yet
    assert mail_tasks().count() == 2 and mailoutbox == []

    # The mail server is back when the retry is due; the third attempt would have waited twice as long.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    work_the_queue()
    assert [message.subject for message in mailoutbox] == ["Att granska: Hamnstad & Slättby"]
    assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.SUCCESSFUL
    assert mail_tasks().count() == 2


def test_a_message_that_cannot_be_sent_at_all_fails_in_the_log_and_in_the_administration(
    database_queue, settings, people, editor, mailoutbox, django_capture_on_commit_callbacks, caplog, admin_client
):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    settings.TASK_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 0
    send_review_request(people, editor, django_capture_on_commit_callbacks)
    with caplog.at_level(logging.WARNING, logger="samverkan.tasks"):
        work_the_queue()

    statuses = list(mail_tasks().values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL", "SUCCESSFUL", "FAILED"] and mailoutbox == []
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert [record.name for record in errors] == ["samverkan.tasks"]
    assert "samverkan.lib.mail.send_message" in errors[0].getMessage()
    assert "ConnectionRefusedError" in errors[0].getMessage()

    failed = mail_tasks().get(status=TaskResultStatus.FAILED)
    listing = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED").content.decode()
    assert "Uppgiftskö" in listing and "send_message" in listing and str(failed.pk) in listing
    page = admin_client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/").content.decode()
    assert "ConnectionRefusedError" in page and "Misslyckad" in page


@pytest.fixture
def reviewed(people, editor, reviewer, django_capture_on_commit_callbacks):
    """The agreement with two police commitments, sent for review (that e-mail already sent and left out)."""
    focus_area = FocusAreaFactory(agreement=people)
    for text in ("fem krogtillsyner", "fyra trafikinsatser"):
        CommitmentFactory(focus_area=focus_area, parties=[people.parties.get(kind="police_area")], text=text)
    agreement_send_for_review(agreement=people, user=editor)
    return list(Commitment.objects.filter(agreement=people).order_by("pk"))


def test_the_review_tells_the_editors_of_a_change_request_and_each_side_of_the_others_comments(
    reviewed, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    first, _second = reviewed
    link = f"{SITE}/overenskommelser/{first.agreement_id}/granskning/#commitment-{first.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        commitment_request_change(commitment=first, user=reviewer, loaded_version=first.version, text="Ange antal")
    with django_capture_on_commit_callbacks(execute=True):
        commitment_comment(commitment=first, user=reviewer, text="Och när?")
    with django_capture_on_commit_callbacks(execute=True):
        commitment_comment(commitment=first, user=editor, text="Under våren.")
    assert sent(mailoutbox) == [
        (
            ["editor@example.se"],
            "Ändring begärd: Hamnstad & Slättby",
            "Anna Reviewer begär en ändring av åtagandet “fem krogtillsyner” i “Hamnstad & Slättby”.\n\n"
            f"Läs kommentaren, ändra åtagandet eller svara i dess tråd:\n{link}\n",
        ),
        (
            ["editor@example.se"],
            "Ny kommentar i granskningen: Hamnstad & Slättby",
            "Anna Reviewer har kommenterat åtagandet “fem krogtillsyner” i “Hamnstad & Slättby”.\n\n"
            f"Läs den och svara i tråden:\n{link}\n",
        ),
        (
            ["reviewer@example.se"],
            "Ny kommentar i granskningen: Hamnstad & Slättby",
            "Anna Editor har kommenterat åtagandet “fem krogtillsyner” i “Hamnstad & Slättby”.\n\n"
            f"Läs den och svara i tråden:\n{link}\n",
        ),
    ]


def test_the_last_acceptance_tells_the_editors_that_it_can_be_signed(
    reviewed, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = reviewed
    with django_capture_on_commit_callbacks(execute=True):
        commitment_accept(commitment=first, user=reviewer, loaded_version=first.version)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        commitment_accept(commitment=second, user=reviewer, loaded_version=second.version)
    link = f"{SITE}/overenskommelser/{first.agreement_id}/#consent"
    assert sent(mailoutbox) == [
        (
            ["editor@example.se"],
            "Klar att undertecknas: Hamnstad & Slättby",
            "Polisen har godkänt alla åtaganden i “Hamnstad & Slättby”. Nu godkänner varje part utkastet och "
            f"undertecknar det sedan:\n{link}\n",
        )
    ]


def test_signing_tells_every_member_of_every_party(
    reviewed, editor, reviewer, reader, mailoutbox, django_capture_on_commit_callbacks
):
    accept(reviewed, reviewer=reviewer)
    agreement = reviewed[0].agreement
    SignatoryFactory(agreement=agreement, party=agreement.parties.first())
    municipality, police = Organisation.objects.parties_of(agreement.pk)
    for user, party in ((editor, municipality), (reviewer, police)):
        agreement_approve(agreement=agreement, party=party, user=user)
    agreement_sign(
        agreement=agreement, party=municipality, user=editor, signing_place="Hamnstad", signed_on=date(2026, 11, 19)
    )
    with django_capture_on_commit_callbacks(execute=True):
        agreement_sign(
            agreement=agreement, party=police, user=reviewer, signing_place="Hamnstad", signed_on=date(2026, 11, 20)
        )
    assert sent(mailoutbox) == [
        (
            ["editor@example.se", "reader@example.se"],
            "Undertecknad: Hamnstad & Slättby",
            "Alla parter har undertecknat ”Hamnstad & Slättby”. Dess PDF är arkiverad och inget i den kan ändras "
            f"längre.\n\n{SITE}/overenskommelser/{agreement.pk}/\n",
        )
    ]
