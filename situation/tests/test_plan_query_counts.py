"""The pages showing the åtgärdsplan with its commitments cost the same number of queries for 2 measures as for 20:
the yearly page with each measure's status, the preview of carrying it over, and the annual report's part."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from focusareas.models import Commitment
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory, IndicatorFactory
from followup.models import CommitmentOutcome
from followup.services import report_start
from situation.models import IndicatorSeries, Measure, YearlyPicture

pytestmark = pytest.mark.django_db

YEAR = 2025


def log_in(client, user) -> None:
    client.force_login(user)
    client.get(reverse("password_change_done"))  # the session's first request writes it once


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def carried(world):
    """Adds n measures of the police's, each carried into a commitment of the agreement with an indicator read from
    the statistics."""
    area = FocusAreaFactory(agreement=world.agreement, title="Trygg hamn")
    indicator = IndicatorFactory(goal__focus_area=area)
    IndicatorSeries.objects.create(indicator=indicator, municipality=world.municipality, source="police")
    picture = YearlyPicture.objects.create(municipality=world.municipality, year=YEAR)

    def add(n: int) -> None:
        for _ in range(n):
            commitment = CommitmentFactory(focus_area=area, parties=[world.police])
            measure = Measure.objects.create(
                picture=picture,
                problem="Skadegörelse",
                measure=commitment.text,
                responsible="Polisen",
                focus_area=area,
                indicator=indicator,
            )
            measure.commitments.add(commitment)

    return add


def test_the_yearly_page_and_the_preview_do_not_grow_with_the_measures(client, world, editor, carried):
    log_in(client, editor)
    yearly = reverse("situation:yearly", kwargs={"pk": world.municipality.pk, "year": YEAR})
    preview = reverse(
        "situation:plan_carry", kwargs={"pk": world.municipality.pk, "year": YEAR, "agreement": world.agreement.pk}
    )
    carried(2)
    at_two = count_queries(client, yearly), count_queries(client, preview)
    carried(18)
    assert (count_queries(client, yearly), count_queries(client, preview)) == at_two


def test_the_annual_reports_part_does_not_grow_with_the_measures(client, world, reader, carried):
    carried(2)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    report = report_start(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2026, copy_previous=False)
    log_in(client, reader)
    url = reverse("followup:report", args=[world.agreement.pk, 2026])
    at_two = count_queries(client, url)
    # Eighteen more measures, carried into commitments added to the year's follow-up as a revision would be.
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.DRAFT)
    carried(18)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    for commitment in Commitment.objects.filter(agreement=world.agreement).exclude(outcomes__report=report):
        CommitmentOutcome.objects.create(report=report, commitment=commitment, status="done")
    assert count_queries(client, url) == at_two
