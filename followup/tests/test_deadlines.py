"""Deadlines and reminders: the municipality sets when a year's follow-up is to be approved; the parties whose turn it
is are reminded 30, 14 and 3 days before, a review that waits too long is reminded, and every Monday each user gets
what waits for them and what is late. Days are passed in (the job's period); each e-mail goes once per period."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Preferences, SentReminder
from focusareas.jobs import remind_waiting_reviews
from focusareas.services import agreement_send_for_review
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory
from followup.jobs import remind_follow_up_deadlines, send_weekly_summaries
from followup.models import FollowUpDeadline, FollowUpReport
from followup.reminders import send_deadline_reminders
from followup.services import deadline_set, report_approve, report_confirm, report_start, report_submit
from samverkan.lib.schedule import periodic_jobs
from samverkan.lib.todo import items_for
from samverkan.tests.helpers import needs_real_concurrency, race

pytestmark = pytest.mark.django_db

DUE = date(2026, 3, 15)


@pytest.fixture
def people(editor, reviewer, reader):
    for user in (editor, reviewer, reader):
        user.email = f"{user.username}@example.se"
        user.save()


@pytest.fixture
def signed(world, people):
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    return Agreement.objects.get(pk=world.agreement.pk)


@pytest.fixture
def deadline(signed):
    return deadline_set(agreement=signed, year=2025, due_on=DUE, note="före kommunstyrelsens möte i mars")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(job, day: date) -> list[tuple[list[str], str]]:
        """Run the job for the day's period as the scheduler would (07:00 in Stockholm), its transactions committed;
        the e-mails it sent."""
        mail.outbox.clear()
        moment = timezone.make_aware(datetime(day.year, day.month, day.day, 7))
        with django_capture_on_commit_callbacks(execute=True):
            job.enqueue(scheduled_for=moment.isoformat())
        return [(sorted(message.to), message.subject) for message in mail.outbox]

    return run


def test_the_jobs_are_on_the_schedule():
    rules = {job.name.rsplit(".", 1)[1]: job.rule for job in periodic_jobs()}
    assert rules["remind_follow_up_deadlines"] == "0 7 * * *"
    assert rules["send_weekly_summaries"] == "0 7 * * 1"
    assert rules["remind_waiting_reviews"] == "0 7 * * *"


def test_reminders_go_30_14_and_3_days_before_to_both_parties_once_each(deadline, run):
    sent, bodies = {}, {}
    for offset in range(40, -2, -1):
        day = DUE - timedelta(days=offset)
        if emails := run(remind_follow_up_deadlines, day):
            sent[offset], bodies[offset] = emails, mail.outbox[0].body
    subject = "Uppföljning 2025 senast 2026-03-15: Samverkansöverenskommelse Hamnstad"
    both = [(["editor@example.se"], subject), (["reviewer@example.se"], subject)]
    assert sent == {30: both, 14: both, 3: both}
    assert bodies[3] == (
        "Uppföljningen för 2025 av “Samverkansöverenskommelse Hamnstad” ska vara godkänd senast 2026-03-15, om 3 "
        "dagar. (före kommunstyrelsens möte i mars)\n\n"
        f"Din del väntar på dig:\nhttp://127.0.0.1:8000/overenskommelser/{deadline.agreement_id}/uppfoljning/\n"
    )


def test_two_runs_of_the_same_day_send_one_e_mail(deadline, run):
    day = DUE - timedelta(days=14)
    first = run(remind_follow_up_deadlines, day)
    second = run(remind_follow_up_deadlines, day)
    assert len(first) == 2 and second == []


def test_a_run_missed_on_the_day_reminds_on_the_next(deadline, run):
    assert len(run(remind_follow_up_deadlines, DUE - timedelta(days=12))) == 2
    assert run(remind_follow_up_deadlines, DUE - timedelta(days=11)) == []


def test_the_reminder_goes_to_whose_turn_it_is_and_stops_once_approved(deadline, signed, editor, reviewer, reader, run):
    report = report_start(agreement=signed, year=2025, copy_previous=False)
    report_submit(report=report, user=editor)

    def recipients(day: date) -> list[str]:
        return [address for to, _subject in run(remind_follow_up_deadlines, day) for address in to]

    assert recipients(DUE - timedelta(days=30)) == ["reviewer@example.se"]
    report_confirm(report=report, user=reviewer)
    assert recipients(DUE - timedelta(days=14)) == ["editor@example.se", "reader@example.se"]
    report_approve(report=report, user=reader, approved_on=date(2026, 3, 2), case_number="KS 2026/1")
    assert run(remind_follow_up_deadlines, DUE - timedelta(days=3)) == []


def test_a_user_who_turned_e_mail_off_gets_no_reminder(deadline, reviewer, run):
    Preferences.objects.create(user=reviewer, wants_email=False)
    assert run(remind_follow_up_deadlines, DUE - timedelta(days=3)) == [
        (["editor@example.se"], "Uppföljning 2025 senast 2026-03-15: Samverkansöverenskommelse Hamnstad")
    ]


def test_the_deadline_shows_on_att_gora_and_is_overdue_after_it(client, deadline, signed, editor):
    (item,) = items_for(editor)
    assert (item.what, item.due, item.url) == (
        "Starta uppföljningen för 2025",
        DUE,
        reverse("followup:index", args=[signed.pk]),
    )
    report_start(agreement=signed, year=2025, copy_previous=False)
    (item,) = items_for(editor)
    assert (item.what, item.due) == ("Fyll i och skicka in uppföljningen för 2025", DUE)
    client.force_login(editor)
    assert "Försenad" in client.get(reverse("home")).content.decode()  # DUE is past today
    assert "Försenad" in client.get(reverse("followup:dashboard", args=[signed.pk])).content.decode()
    assert "Försenad" in client.get(reverse("followup:index", args=[signed.pk])).content.decode()


def test_a_deadline_ahead_is_not_overdue(client, signed, editor):
    ahead = timezone.localdate() + timedelta(days=60)
    deadline_set(agreement=signed, year=2025, due_on=ahead, note="")
    client.force_login(editor)
    assert "Försenad" not in client.get(reverse("home")).content.decode()
    assert "badge text-bg-danger" not in client.get(reverse("followup:dashboard", args=[signed.pk])).content.decode()


def test_the_editor_sets_the_deadline_on_the_follow_up_page_and_moves_it(client, signed, editor):
    client.force_login(editor)
    url = reverse("followup:deadline", args=[signed.pk])
    response = client.post(url, {"year": "2025", "due_on": "2026-03-15", "note": "före KS i mars"})
    assert response.url == reverse("followup:index", args=[signed.pk])
    client.post(url, {"year": "2025", "due_on": "2026-03-20", "note": "före KS i mars"})
    deadline = FollowUpDeadline.objects.get()
    assert (deadline.year, deadline.due_on, deadline.note) == (2025, date(2026, 3, 20), "före KS i mars")
    page = client.get(reverse("followup:index", args=[signed.pk])).content.decode()
    assert "före KS i mars" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "2025", "due_on": "2024-12-31", "note": "KS"}, "efter att året har börjat"),
        ({"year": "2025", "due_on": "2026-03-15", "note": "KS\x00"}, "Null-tecken är inte tillåtna"),
        ({"year": "2025", "due_on": "3000-01-01", "note": "KS"}, "2200-12-31"),
        ({"year": "1999", "due_on": "2026-03-15", "note": "KS"}, "Välj ett giltigt alternativ"),
        ({"year": "2025", "due_on": "15 mars", "note": "KS"}, "giltigt datum"),
    ],
)
def test_bad_input_gets_a_swedish_error_and_keeps_what_was_typed(client, signed, editor, data, message):
    client.force_login(editor)
    response = client.post(reverse("followup:deadline", args=[signed.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{data["due_on"]}"' in page or data["due_on"] == "3000-01-01"  # a date input shows a real date
    assert FollowUpDeadline.objects.count() == 0


def test_an_approved_year_gets_no_deadline(client, signed, editor, reviewer, reader):
    report = report_start(agreement=signed, year=2025, copy_previous=False)
    report_submit(report=report, user=editor)
    report_confirm(report=report, user=reviewer)
    report_approve(report=report, user=reader, approved_on=date(2026, 3, 2), case_number="KS 2026/1")
    assert FollowUpReport.objects.get().stage == FollowUpReport.Stage.APPROVED
    client.force_login(editor)
    response = client.post(
        reverse("followup:deadline", args=[signed.pk]), {"year": "2025", "due_on": "2026-03-15", "note": ""}
    )
    assert response.status_code == 200
    assert FollowUpDeadline.objects.count() == 0


def test_only_the_municipalitys_editors_set_deadlines(client, signed, reviewer, reader):
    for user in (reviewer, reader):
        client.force_login(user)
        response = client.post(
            reverse("followup:deadline", args=[signed.pk]), {"year": "2025", "due_on": "2026-03-15", "note": ""}
        )
        assert response.status_code == 403
    assert FollowUpDeadline.objects.count() == 0


@pytest.fixture
def in_review(world, people, editor):
    CommitmentFactory(focus_area=FocusAreaFactory(agreement=world.agreement), parties=[world.police])
    agreement_send_for_review(agreement=world.agreement, user=editor)
    return timezone.localdate()


def test_a_review_waiting_14_days_is_reminded_to_the_police_every_14_days(in_review, settings, run):
    settings.REVIEW_REMINDER_DAYS = 14
    reminded = []
    for offset in range(0, 30):
        for _ in range(2):  # two runs of each day
            if emails := run(remind_waiting_reviews, in_review + timedelta(days=offset)):
                reminded.append((offset, emails))
    subject = "Fortfarande att granska: Samverkansöverenskommelse Hamnstad"
    assert reminded == [(14, [(["reviewer@example.se"], subject)]), (28, [(["reviewer@example.se"], subject)])]


def test_the_weekly_summary_lists_what_waits_and_what_is_late_once_a_week(
    deadline, signed, editor, reviewer, reader, run
):
    monday = date(2026, 3, 16)
    report_start(agreement=signed, year=2025, copy_previous=False)
    first = run(send_weekly_summaries, monday)
    assert [m.body for m in mail.outbox if m.to == ["editor@example.se"]] == [
        "Försenat:\n"
        "- Uppföljningen för 2025 av “Samverkansöverenskommelse Hamnstad”, att godkännas senast 2026-03-15\n\n"
        "Väntar på dig:\n"
        "- Fyll i och skicka in uppföljningen för 2025: Samverkansöverenskommelse Hamnstad (senast 2026-03-15)\n"
        f"  http://127.0.0.1:8000/overenskommelser/{signed.pk}/uppfoljning/2025/\n\n"
        "Allt som väntar på dig finns på din startsida:\nhttp://127.0.0.1:8000/\n"
    ]
    again = run(send_weekly_summaries, monday)
    next_week = run(send_weekly_summaries, monday + timedelta(days=7))
    subject = "Din vecka i Samverkan: det som väntar på dig"
    # The police and the council have nothing waiting but see that the follow-up is late.
    assert first == [
        (["editor@example.se"], subject),
        (["reviewer@example.se"], subject),
        (["reader@example.se"], subject),
    ]
    assert again == []
    assert len(next_week) == 3


def test_nothing_waiting_nothing_sent(world, people, run):
    assert run(send_weekly_summaries, date(2026, 3, 16)) == []


@needs_real_concurrency
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_one_e_mail_each(world, people, settings):
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    deadline_set(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2025, due_on=DUE, note="")
    mail.outbox.clear()
    day = DUE - timedelta(days=3)
    assert race(lambda: send_deadline_reminders(today=day), lambda: send_deadline_reminders(today=day)) == [
        "won",
        "won",
    ]
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "editor@example.se",
        "reviewer@example.se",
    ]
    assert SentReminder.objects.count() == 2
