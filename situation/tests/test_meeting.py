"""Thursday's meeting and Friday's report: the answers merged into a heat map with numbers in words, the change
against the week before, notes that only those who meet write, police intelligence only they read, the report page
and PDF without it, and query counts that do not grow with the answers or the weeks."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from situation.models import Reporter, Week
from situation.services import answer_submit
from situation.tests.helpers import est_setup, pdf_text

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)
SECRET = "Uppgift om langning vid busstationen."


def answered_week(municipality, survey, monday: date, values: list[int], free_text: str = "") -> Week:
    """A week in which reporter i rated every factor and place values[i]."""
    week = Week.objects.create(municipality=municipality, monday=monday)
    for reporter, value in zip(survey["reporters"], values, strict=False):
        ratings = {(f.pk, p.pk): value for f in survey["factors"] for p in survey["places"]}
        answer_submit(week=week, reporter=reporter, ratings=ratings, free_text=free_text)
    return week


@pytest.fixture
def survey(world):
    return est_setup(world.municipality, factors=2, places=2, reporters=2)


def week_url(week: Week, name: str = "situation:week") -> str:
    return reverse(name, kwargs={"pk": week.municipality_id, "week": week.label})


def test_the_heat_map_writes_each_mean_the_count_and_the_change_in_words(client, world, survey, editor):
    answered_week(world.municipality, survey, MONDAY - timedelta(days=7), [1, 1])
    week = answered_week(world.municipality, survey, MONDAY, [2, 3])
    client.force_login(editor)
    page = client.get(week_url(week)).content.decode()
    assert "2 av 2 rapportörer svarade." in page
    assert '2,5 <span class="small">(2)</span>' in page
    assert "↑ +1,5" in page and "1,5 högre än veckan före" in page  # the arrow is not the only sign
    assert 'class="heat heat-3' in page  # the shade repeats the number: 2,5 is nearest 3


def test_only_those_who_meet_read_the_free_texts_and_the_police_intelligence(
    client, world, survey, editor, reviewer, reader
):
    week = answered_week(world.municipality, survey, MONDAY, [2, 2], free_text="Glas på lekplatsen.")
    client.force_login(reviewer)
    data = {
        "situation": "Oroligt vid torget.",
        "priorities": "Närvaro vid torget fredag kväll.",
        "police_intelligence": SECRET,
        "attendance": "Säk, polis",
    }
    assert client.post(week_url(week), data).status_code == 302
    week.refresh_from_db()
    assert week.police_intelligence == SECRET and week.priorities == "Närvaro vid torget fredag kväll."

    for user in (editor, reviewer):
        client.force_login(user)
        page = client.get(week_url(week)).content.decode()
        assert SECRET in page and "Glas på lekplatsen." in page
    client.force_login(reader)
    page = client.get(week_url(week)).content.decode()
    assert "Oroligt vid torget." in page and SECRET not in page and "Glas på lekplatsen." not in page
    assert client.post(week_url(week), data | {"police_intelligence": "x"}).status_code == 403


def test_a_note_saved_meanwhile_is_not_overwritten(client, world, survey, editor):
    week = Week.objects.create(municipality=world.municipality, monday=MONDAY)
    client.force_login(editor)
    client.get(week_url(week))
    Week.objects.filter(pk=week.pk).update(version=2, situation="Polisens version.")
    response = client.post(week_url(week), {"situation": "Min version.", "loaded_version": "1"})
    assert response.status_code == 200
    assert "Min version." in response.content.decode() and "Någon annan sparade" in response.content.decode()
    assert Week.objects.get(pk=week.pk).situation == "Polisens version."


def test_the_weekly_report_and_its_pdf_leave_police_intelligence_and_free_texts_out(client, world, survey, reader):
    week = answered_week(world.municipality, survey, MONDAY, [1, 2], free_text="Glas på lekplatsen.")
    Week.objects.filter(pk=week.pk).update(situation="Lugnt i centrum.", police_intelligence=SECRET)
    client.force_login(reader)
    page = client.get(week_url(week, "situation:report")).content.decode()
    assert "Lugnt i centrum." in page and SECRET not in page and "Glas på lekplatsen." not in page

    response = client.get(week_url(week, "situation:report_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Lugnt i centrum." in text and "Plats 1" in text and "langning" not in text


def test_the_week_and_municipality_pages_take_as_many_queries_for_many_answers_and_weeks(client, world, editor):
    survey = est_setup(world.municipality, factors=3, places=3, reporters=8)
    client.force_login(editor)

    def counts(reporters: int, weeks: int) -> tuple[int, int]:
        Week.objects.all().delete()
        for n in range(weeks):
            week = answered_week(world.municipality, survey, MONDAY - timedelta(days=7 * n), [n % 4] * reporters)
        week = Week.objects.get(monday=MONDAY)
        client.get(week_url(week))  # the session's own queries come with the first request
        with CaptureQueriesContext(connection) as on_week:
            assert client.get(week_url(week)).status_code == 200
        with CaptureQueriesContext(connection) as on_municipality:
            assert client.get(reverse("situation:municipality", args=[world.municipality.pk])).status_code == 200
        return len(on_week), len(on_municipality)

    few, many = counts(2, 2), counts(8, 14)
    assert few == many
    assert few[0] <= 15 and few[1] <= 10
    assert Reporter.objects.count() == 8


def test_the_weekly_report_is_written_to_a_file_by_command(world, survey, tmp_path):
    answered_week(world.municipality, survey, MONDAY, [1, 3])
    output = tmp_path / "vecka.pdf"
    call_command("est_report_pdf", world.municipality.name, "2026-W48", "-o", str(output), stdout=io.StringIO())
    assert "Plats 2" in pdf_text(output.read_bytes())
    with pytest.raises(CommandError):
        call_command("est_report_pdf", world.municipality.name, "2026-W47", "-o", str(output))
