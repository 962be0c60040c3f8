"""The åtgärdsplan followed up: each measure carried into a commitment gets its status from that commitment's
follow-up, on the yearly picture's page and PDF, and the annual report to the council shows the plan's measures with
their status and their indicator's values read from the statistics."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory, IndicatorFactory
from followup.models import CommitmentOutcome
from followup.pdf import annual_report_pdf
from followup.report import build_annual_report
from followup.services import report_start
from situation.models import CrimeCount, IndicatorSeries, Measure, YearlyPicture
from situation.tests.helpers import pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def followed(world):
    """A measure of the 2025 plan carried into a commitment of the signed agreement, whose 2026 follow-up says it is
    ongoing, with its indicator read from the municipality's statistics (2026: 12, 2025: 18)."""
    area = FocusAreaFactory(agreement=world.agreement, title="Trygg hamn")
    indicator = IndicatorFactory(goal__focus_area=area, name="Anmäld skadegörelse i hamnen")
    IndicatorSeries.objects.create(
        indicator=indicator, municipality=world.municipality, source="municipality", crime_type="Skadegörelse"
    )
    for year, count in ((2026, 12), (2025, 18)):
        CrimeCount.objects.create(
            municipality=world.municipality,
            source="municipality",
            month=date(year, 5, 1),
            crime_type="Skadegörelse",
            place="Hamnen",
            count=count,
        )
    commitment = CommitmentFactory(focus_area=area, parties=[world.police], text="Patrullera hamnen fredagskvällar")
    picture = YearlyPicture.objects.create(municipality=world.municipality, year=YEAR)
    measure = Measure.objects.create(
        picture=picture,
        problem="Skadegörelse i hamnen",
        measure="Polisen patrullerar hamnen fredagskvällar",
        responsible="Polisen",
        focus_area=area,
        indicator=indicator,
    )
    measure.commitments.add(commitment)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    report = report_start(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2026, copy_previous=False)
    CommitmentOutcome.objects.filter(report=report, commitment=commitment).update(status="ongoing")
    return {"picture": picture, "measure": measure, "report": report, "area": area}


def test_the_yearly_page_and_pdf_show_each_measures_status_from_the_follow_up(client, world, editor, followed):
    client.force_login(editor)
    args = {"pk": world.municipality.pk, "year": YEAR}
    page = client.get(reverse("situation:yearly", kwargs=args)).content.decode()
    assert "Pågår</span> (2026)" in page
    text = pdf_text(client.get(reverse("situation:yearly_pdf", kwargs=args)).content)
    assert "Pågår (2026)" in text


def test_a_carried_measure_not_yet_reported_says_so_and_one_not_carried_shows_a_dash(client, world, editor, followed):
    CommitmentOutcome.objects.filter(report=followed["report"]).delete()
    Measure.objects.create(picture=followed["picture"], problem="Nedskräpning", measure="Städa torget", order=1)
    client.force_login(editor)

    page = client.get(reverse("situation:yearly", kwargs={"pk": world.municipality.pk, "year": YEAR})).content.decode()

    cells = [row.split("<td>")[-1].split("</td>")[0] for row in page.split("<tbody>")[-1].split("</tr>")[:2]]
    assert cells == ["Ej rapporterat", "–"]


def test_the_annual_report_shows_the_action_plan_with_status_and_the_statistics(client, world, editor, followed):
    client.force_login(editor)
    page = client.get(reverse("followup:report", args=[world.agreement.pk, 2026])).content.decode()
    assert "Åtgärdsplanen i lägesbilden 2025: Hamnstads kommun" in page
    part = page[page.index("Åtgärdsplanen i lägesbilden 2025") :]
    assert "Polisen patrullerar hamnen fredagskvällar" in part and "Pågår" in part
    assert '<td class="text-end">12</td>' in part and '<td class="text-end">18</td>' in part

    text = pdf_text(annual_report_pdf(followed["report"]))
    assert "Åtgärdsplanen i lägesbilden 2025: Hamnstads kommun" in text
    assert "Polisen patrullerar hamnen fredagskvällar" in text and "12 18" in text


def test_an_agreement_without_a_carried_plan_gets_no_part(world, followed):
    Measure.commitments.through.objects.all().delete()
    assert build_annual_report(followed["report"]).parts == []


def test_the_plans_part_takes_the_same_queries_for_two_measures_as_for_twenty(world, followed):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_annual_report(followed["report"])
        return len(captured)

    commitment = followed["measure"].commitments.get()
    Measure.objects.create(picture=followed["picture"], problem="P", measure="M").commitments.add(commitment)
    few = queries()
    for n in range(18):
        measure = Measure.objects.create(
            picture=followed["picture"], problem=f"P{n}", measure=f"M{n}", indicator=followed["measure"].indicator
        )
        measure.commitments.add(commitment)
    assert queries() == few
