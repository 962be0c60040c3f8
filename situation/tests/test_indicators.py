"""An agreement's indicator read from the statistics: linked to a series, its follow-up value filled from the
imported data, marked as imported and still the follow-up's to change; a typed value is kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Agreement
from focusareas.tests.factories import IndicatorFactory
from followup.models import IndicatorValue
from followup.services import report_start
from situation.models import CrimeCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(world):
    indicator = IndicatorFactory(goal__agreement=world.agreement, name="Anmälda misshandelsbrott")
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    for month, place, count in ((1, "Centrum", 4), (2, "Hamnen", 3), (3, "Centrum", 5)):
        CrimeCount.objects.create(
            municipality=world.municipality,
            source="police",
            month=date(2025, month, 1),
            crime_type="Misshandel",
            place=place,
            count=count,
        )
    CrimeCount.objects.create(
        municipality=world.municipality, source="police", month=date(2025, 1, 1), crime_type="Rån", count=9
    )
    return indicator


def test_a_linked_indicator_gets_its_yearly_value_from_the_statistics_marked_as_imported(
    client, world, editor, indicator
):
    report = report_start(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2025, copy_previous=False)
    url = reverse("situation:indicators", args=[world.municipality.pk])
    client.force_login(editor)
    link = {"indicator": indicator.pk, "source": "police", "crime_type": "misshandel", "place": ""}
    assert client.post(url, link).status_code == 302
    assert "2025: 12" in client.get(url).content.decode()

    assert client.post(url, {"fill": "1"}).status_code == 302
    value = IndicatorValue.objects.get(report=report, indicator=indicator)
    assert value.value == 12
    assert value.source == "Importerad statistik: Polisens anmälda brott, misshandel, hela kommunen"

    IndicatorValue.objects.filter(pk=value.pk).update(value=15, source="Egen räkning")
    client.post(url, {"fill": "1"})
    assert IndicatorValue.objects.get(pk=value.pk).value == 15  # what someone typed is kept


def test_only_the_agreements_of_the_municipality_offer_their_indicators(client, world, editor, reviewer, indicator):
    foreign = IndicatorFactory(goal__agreement=world.other_agreement)
    url = reverse("situation:indicators", args=[world.municipality.pk])
    client.force_login(editor)
    response = client.post(url, {"indicator": foreign.pk, "source": "police"})
    assert response.status_code == 200 and "Välj ett giltigt alternativ" in response.content.decode()
    client.force_login(reviewer)
    assert client.post(url, {"fill": "1"}).status_code == 403


def test_a_half_year_s_value_is_the_year_so_far_so_that_the_last_is_the_year_s(client, world, editor, indicator):
    Agreement.objects.filter(pk=world.agreement.pk).update(follow_up_frequency=2)  # followed up per half-year
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    CrimeCount.objects.create(
        municipality=world.municipality, source="police", month=date(2025, 9, 1), crime_type="Misshandel", count=7
    )
    first, second = (report_start(agreement=agreement, year=2025, period=n, copy_previous=False) for n in (1, 2))
    url = reverse("situation:indicators", args=[world.municipality.pk])
    client.force_login(editor)
    client.post(url, {"indicator": indicator.pk, "source": "police", "crime_type": "misshandel", "place": ""})

    assert client.post(url, {"fill": "1"}).status_code == 302
    assert IndicatorValue.objects.get(report=first, indicator=indicator).value == 12  # January to June
    assert IndicatorValue.objects.get(report=second, indicator=indicator).value == 19  # the whole year
