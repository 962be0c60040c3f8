"""The reporter's form on a phone and the meeting page, driven in a real browser and checked with axe."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Membership
from samverkan.tests.browser import assert_accessible, log_in
from samverkan.tests.helpers import build_world, member
from situation.models import Answer, CrimeCount, Measure, ProblemIndex, SafetySurvey, Week, YearlyPicture
from situation.services import answer_submit, answer_token
from situation.tests.helpers import est_setup

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

MONDAY = date(2026, 11, 23)


def test_a_reporter_answers_on_a_phone(page, live_server):
    world = build_world()
    survey = est_setup(world.municipality, factors=12, places=6, reporters=1)
    week = Week.objects.create(municipality=world.municipality, monday=MONDAY)
    reporter = survey["reporters"][0]
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(live_server.url + reverse("situation:answer", args=[answer_token(reporter=reporter, week=week)]))
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    factor, place = survey["factors"][1], survey["places"][0]
    page.select_option(f"#id_rating-{factor.pk}-{place.pk}", "3")
    page.fill("#id_free_text", "Krossade rutor vid skolan.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    assert page.locator("main [role=status]").is_visible()
    assert_accessible(page)
    answer = Answer.objects.get()
    assert answer.ratings.get(factor=factor, place=place).value == 3
    assert answer.free_text == "Krossade rutor vid skolan."


def test_the_meeting_sets_the_weeks_situation_picture_and_its_pages_are_accessible(page, live_server):
    world = build_world()
    member(world.municipality, Membership.Role.EDITOR, "editor")
    survey = est_setup(world.municipality, factors=4, places=3, reporters=2)
    week = Week.objects.create(municipality=world.municipality, monday=MONDAY)
    for value, reporter in enumerate(survey["reporters"]):
        ratings = {(f.pk, p.pk): value + 1 for f in survey["factors"] for p in survey["places"]}
        answer_submit(week=week, reporter=reporter, ratings=ratings, free_text="Oro vid torget.")

    log_in(page, live_server, "editor")
    page.goto(live_server.url + reverse("situation:week", kwargs={"pk": world.municipality.pk, "week": week.label}))
    assert_accessible(page)
    page.fill("#id_situation", "Oroligt vid torget på kvällarna.")
    page.fill("#id_priorities", "Trygghetsvärdar vid torget fredag.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    week.refresh_from_db()
    assert week.situation == "Oroligt vid torget på kvällarna."

    for url in (
        reverse("situation:report", kwargs={"pk": world.municipality.pk, "week": week.label}),
        reverse("situation:municipality", args=[world.municipality.pk]),
        reverse("situation:setup", kwargs={"pk": world.municipality.pk, "kind": "rapportorer"}),
    ):
        page.goto(live_server.url + url)
        assert_accessible(page)


def test_the_statistics_and_yearly_pages_are_accessible(page, live_server):
    world = build_world()
    member(world.municipality, Membership.Role.EDITOR, "editor")
    CrimeCount.objects.bulk_create(
        CrimeCount(
            municipality=world.municipality,
            source="police",
            month=date(2024 + m // 12, m % 12 + 1, 1),
            day=date(2024 + m // 12, m % 12 + 1, 3),
            crime_type=f"Typ {m % 4}",
            place=f"Plats {m % 3}",
            count=10 + m,
        )
        for m in range(24)
    )
    log_in(page, live_server, "editor")
    for year, index in ((2024, "2.3"), (2025, "1.9")):
        survey = SafetySurvey.objects.create(
            municipality=world.municipality, year=year, area="Centrum", problem_index=index, safe_share=70
        )
        ProblemIndex.objects.create(survey=survey, problem="Nedskräpning", value=index)
    for name in (
        "situation:statistics",
        "situation:statistics_import",
        "situation:indicators",
        "situation:attendance",
        "situation:safety_survey",
        "situation:safety_survey_import",
        "situation:safety_survey_enter",
    ):
        page.goto(live_server.url + reverse(name, args=[world.municipality.pk]))
        assert_accessible(page)
    YearlyPicture.objects.create(municipality=world.municipality, year=2025, analysis="Mest oro i centrum.")
    for name in ("situation:yearly", "situation:yearly_edit"):
        page.goto(live_server.url + reverse(name, kwargs={"pk": world.municipality.pk, "year": 2025}))
        assert_accessible(page)


def test_carrying_the_plan_into_the_agreement_and_placing_the_chapter_are_accessible(page, live_server):
    world = build_world()
    member(world.municipality, Membership.Role.EDITOR, "editor")
    picture = YearlyPicture.objects.create(municipality=world.municipality, year=2025, analysis="Oro i hamnen.")
    Measure.objects.create(
        picture=picture,
        problem="Skadegörelse i hamnen",
        measure="Polisen patrullerar hamnen på fredagskvällar",
        responsible="Polisen",
        timing="Våren 2026",
    )
    Measure.objects.create(
        picture=picture, problem="Oro bland unga", measure="Fältgruppen är ute i centrum", responsible="Fältgruppen"
    )
    kwargs = {"pk": world.municipality.pk, "year": 2025, "agreement": world.agreement.pk}

    log_in(page, live_server, "editor")
    page.goto(live_server.url + reverse("situation:plan_carry", kwargs=kwargs))
    assert_accessible(page)
    page.goto(live_server.url + reverse("situation:chapter_place", kwargs=kwargs))
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    assert world.agreement.sections.filter(heading="Lägesbild 2025").exists()
