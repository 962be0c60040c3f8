"""The weekly EST cycle: the survey on Tuesday behind personal links, the reminder on Wednesday, the close on
Thursday morning, the weekly report on Friday and the retention of free texts, each job once per week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from samverkan.lib.todo import items_for
from situation import jobs
from situation.models import Answer, Rating, Week
from situation.services import answer_token
from situation.tests.helpers import est_setup

pytestmark = pytest.mark.django_db

TUESDAY = "2026-11-24T07:00:00+01:00"
WEDNESDAY = "2026-11-25T07:00:00+01:00"
THURSDAY = "2026-11-26T08:00:00+01:00"
FRIDAY = "2026-11-27T07:00:00+01:00"
MONDAY = date(2026, 11, 23)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a job as the scheduler does, its e-mails sent as its transaction commits."""

    def run(job, scheduled_for: str) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return job.call(scheduled_for=scheduled_for)

    return run


@pytest.fixture
def survey(world):
    return est_setup(world.municipality, factors=2, places=2, reporters=3)


def answer_url(reporter, week) -> str:
    return reverse("situation:answer", args=[answer_token(reporter=reporter, week=week)])


def all_ratings(survey, value: str = "2") -> dict:
    return {f"rating-{f.pk}-{p.pk}": value for f in survey["factors"] for p in survey["places"]}


def test_tuesday_sends_each_active_reporter_a_personal_link_once_per_week(run, client, world, survey):
    absent = survey["reporters"][2]
    absent.active = False
    absent.save()

    assert run(jobs.send_survey, TUESDAY) == 2
    assert run(jobs.send_survey, TUESDAY) == 0  # run again: nothing sent twice

    week = Week.objects.get(municipality=world.municipality)
    assert week.monday == MONDAY and week.label == "2026-W48"
    assert sorted(m.to[0] for m in mail.outbox) == ["rapportor1@example.se", "rapportor2@example.se"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/lagesbild/svar/" in line)
    assert client.get(link.split("testserver")[-1].split("8000")[-1]).status_code == 200


def test_the_link_takes_one_answer_and_then_shows_the_reporter_their_own(run, client, world, survey):
    run(jobs.send_survey, TUESDAY)
    week = Week.objects.get()
    anna, bo = survey["reporters"][:2]
    url = answer_url(anna, week)
    page = client.get(url).content.decode()
    assert all(place.name in page for place in survey["places"])

    data = all_ratings(survey) | {
        f"rating-{survey['factors'][0].pk}-{survey['places'][0].pk}": "x",
        "free_text": "Bränder vid skolan.",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, all_ratings(survey, "0")).status_code == 200  # a second answer is not taken

    answer = Answer.objects.get()
    assert answer.reporter == anna and answer.free_text == "Bränder vid skolan."
    values = sorted(Rating.objects.values_list("value", flat=True), key=lambda v: -1 if v is None else v)
    assert values == [None, 2, 2, 2]
    shown = client.get(url).content.decode()
    assert "Bränder vid skolan." in shown and "Vet ej" in shown
    assert "Bränder vid skolan." not in client.get(answer_url(bo, week)).content.decode()


def test_a_rating_off_the_scale_is_refused_in_swedish_keeping_the_rest(run, client, survey, world):
    run(jobs.send_survey, TUESDAY)
    data = all_ratings(survey) | {
        f"rating-{survey['factors'][0].pk}-{survey['places'][0].pk}": "7",
        "free_text": "Lugnt.",
    }
    response = client.post(answer_url(survey["reporters"][0], Week.objects.get()), data)
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode() and "Lugnt." in response.content.decode()
    assert not Answer.objects.exists()


def test_links_of_deactivated_reporters_forged_or_expired_links_are_refused(run, client, survey, settings):
    run(jobs.send_survey, TUESDAY)
    week = Week.objects.get()
    anna, bo = survey["reporters"][:2]
    url = answer_url(anna, week)
    assert client.get(url[:-3] + "xx/").status_code == 404
    bo.active = False
    bo.save()
    response = client.post(answer_url(bo, week), all_ratings(survey))
    assert response.status_code == 404 and "säkerhetsenheten" in response.content.decode()
    settings.EST_ANSWER_LINK_DAYS = -1
    assert "har gått ut" in client.get(url).content.decode()
    assert not Answer.objects.exists()


def test_wednesday_reminds_only_those_who_have_not_answered_and_thursday_closes(run, client, survey):
    run(jobs.send_survey, TUESDAY)
    week = Week.objects.get()
    anna = survey["reporters"][0]
    client.post(answer_url(anna, week), all_ratings(survey))
    mail.outbox.clear()

    assert run(jobs.remind_reporters, WEDNESDAY) == 2
    assert run(jobs.remind_reporters, WEDNESDAY) == 0
    assert anna.email not in [m.to[0] for m in mail.outbox]

    assert run(jobs.close_survey, THURSDAY) == 1
    assert run(jobs.close_survey, THURSDAY) == 0
    late = survey["reporters"][1]
    response = client.post(answer_url(late, week), all_ratings(survey))
    assert "Veckans enkät har stängt." in response.content.decode()
    assert Answer.objects.count() == 1


def test_friday_sends_the_report_once_to_reporters_and_parties_without_police_notes(
    run, client, world, survey, editor, reviewer, outsider
):
    for user in (editor, reviewer, outsider):
        user.email = f"{user.username}@example.se"
        user.save()
    run(jobs.send_survey, TUESDAY)
    Week.objects.update(situation="Lugnt i centrum.", police_intelligence="Hemlig uppgift om langning.")
    mail.outbox.clear()

    assert run(jobs.send_weekly_report, FRIDAY) == 5
    assert run(jobs.send_weekly_report, FRIDAY) == 0
    addresses = sorted(m.to[0] for m in mail.outbox)
    assert editor.email in addresses and reviewer.email in addresses and outsider.email not in addresses
    assert all(len(m.to) == 1 for m in mail.outbox)  # reporters do not see each other's addresses
    assert "Lugnt i centrum." in mail.outbox[0].body
    assert not any("langning" in m.body for m in mail.outbox)


def test_free_texts_are_emptied_after_the_retention_time_and_the_ratings_stay(run, client, survey, settings):
    settings.EST_FREE_TEXT_RETENTION_DAYS = 30
    run(jobs.send_survey, TUESDAY)
    week = Week.objects.get()
    client.post(answer_url(survey["reporters"][0], week), all_ratings(survey) | {"free_text": "Namn och adress."})

    assert run(jobs.expire_free_texts, (MONDAY + timedelta(days=30)).isoformat()) == 0
    later = (MONDAY + timedelta(days=31)).isoformat() + "T03:30:00+01:00"
    assert run(jobs.expire_free_texts, later) == 1
    assert run(jobs.expire_free_texts, later) == 0
    assert Answer.objects.get().free_text == "" and Rating.objects.count() == 4


def test_a_closed_week_waits_for_its_situation_picture_with_those_who_meet(run, survey, editor, reviewer, reader):
    run(jobs.send_survey, TUESDAY)
    assert not items_for(editor)  # still open: nothing to do yet
    run(jobs.close_survey, THURSDAY)
    for user in (editor, reviewer):
        [item] = items_for(user)
        assert item.what == "Fastställ veckans lägesbild" and item.document == "Hamnstads kommun, vecka 48"
    assert not items_for(reader)
    Week.objects.update(situation="Lugnt.")
    assert not items_for(editor)
