"""The yearly lägesbild and åtgärdsplan: the mapping generated from the statistics and the weekly answers, the
analysis and measures written by the security unit, the PDF, and the council's approval that freezes it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from focusareas.tests.factories import FocusAreaFactory
from samverkan.tests.helpers import management
from situation.models import CrimeCount, Measure, Week, YearlyPicture
from situation.services import answer_submit
from situation.tests.helpers import est_setup, pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2025


def url(world, name: str = "situation:yearly") -> str:
    return reverse(name, kwargs={"pk": world.municipality.pk, "year": YEAR})


def edit_data(**measure) -> dict:
    data = {"analysis": "Skadegörelsen ökar i hamnen.", "sources": "Polisens statistik; trygghetsmätningen saknas."}
    data |= management("measures", 1 if measure else 0)
    return data | {f"measures-0-{key}": value for key, value in measure.items()}


@pytest.fixture
def data(world):
    for year, count in ((YEAR, 30), (YEAR - 1, 20)):
        CrimeCount.objects.create(
            municipality=world.municipality,
            source="municipality",
            month=date(year, 6, 1),
            crime_type="Skadegörelse",
            place="Hamnen",
            count=count,
        )
    survey = est_setup(world.municipality, factors=1, places=1, reporters=2)
    week = Week.objects.create(municipality=world.municipality, monday=date(YEAR, 3, 3), attendance="Säk, polis")
    for reporter, value in zip(survey["reporters"], (1, 2), strict=True):
        answer_submit(
            week=week,
            reporter=reporter,
            ratings={(survey["factors"][0].pk, survey["places"][0].pk): value},
            free_text="",
        )


def test_the_mapping_is_generated_and_the_security_unit_writes_analysis_and_measures(client, world, editor, data):
    area = FocusAreaFactory(agreement=world.agreement, title="Trygg hamn")
    client.force_login(editor)
    page = client.get(url(world)).content.decode()
    assert "30 anmälningar år 2025, mot 20 året före." in page
    assert "1,5" in page  # the year's mean rating of the factor
    assert "Veckomötet registrerade sin närvaro 1 gång." in page
    assert "<svg" in page

    measure = {
        "problem": "Skadegörelse i hamnen",
        "measure": "Kamerabevakning",
        "responsible": "Kommunen",
        "timing": "Våren 2026",
        "focus_area": area.pk,
        "order": "1",
    }
    assert client.post(url(world, "situation:yearly_edit"), edit_data(**measure)).status_code == 302
    picture = YearlyPicture.objects.get(municipality=world.municipality, year=YEAR)
    assert picture.analysis == "Skadegörelsen ökar i hamnen."
    assert Measure.objects.get(picture=picture).focus_area == area

    response = client.get(url(world, "situation:yearly_pdf"))
    text = pdf_text(response.content)
    assert "Kamerabevakning" in text and "Skadegörelsen ökar i hamnen." in text


def test_an_empty_measure_is_refused_in_swedish_keeping_what_was_typed(client, world, editor):
    client.force_login(editor)
    response = client.post(url(world, "situation:yearly_edit"), edit_data(problem="Oro i centrum", measure=""))
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode() and "Oro i centrum" in response.content.decode()
    assert not YearlyPicture.objects.exists()


def test_the_councils_approval_freezes_the_situation_picture(client, world, editor, reader, reviewer):
    picture = YearlyPicture.objects.create(municipality=world.municipality, year=YEAR, analysis="Utkast.")
    client.force_login(reviewer)
    assert (
        client.post(
            url(world, "situation:yearly_approve"), {"approved_on": "2026-02-10", "case_number": "KS 2026/12"}
        ).status_code
        == 403
    )

    client.force_login(reader)
    assert (
        client.post(url(world, "situation:yearly_approve"), {"approved_on": "", "case_number": ""}).status_code == 200
    )
    assert (
        client.post(
            url(world, "situation:yearly_approve"), {"approved_on": "2026-02-10", "case_number": "KS 2026/12"}
        ).status_code
        == 302
    )
    picture.refresh_from_db()
    assert picture.approved_on == date(2026, 2, 10) and picture.case_number == "KS 2026/12"
    assert "KS 2026/12" in client.get(url(world)).content.decode()

    client.force_login(editor)
    response = client.post(url(world, "situation:yearly_edit"), edit_data())
    assert response.status_code == 403 and "kan inte längre ändras" in response.content.decode()
    assert YearlyPicture.objects.get(pk=picture.pk).analysis == "Utkast."
