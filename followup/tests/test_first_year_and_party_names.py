"""The follow-up starts at the agreement's first year followed up and names the parties as the agreement does."""

import pytest
from django.urls import reverse

from agreements.models import Agreement, Party
from followup.models import FollowUpReport
from followup.services import report_start

pytestmark = pytest.mark.django_db


def test_the_follow_up_offers_years_from_the_first_year_followed_up(client, world, editor, signed_agreement):
    client.force_login(editor)
    response = client.get(reverse("followup:index", args=[signed_agreement.pk]))
    assert response.context["years"][0][0] == 2023  # the start year, unless the parties chose another
    Agreement.objects.filter(pk=signed_agreement.pk).update(first_follow_up_year=2024)
    response = client.get(reverse("followup:index", args=[signed_agreement.pk]))
    years = [row[0] for row in response.context["years"]]
    assert years[0] == 2024 and 2023 not in years
    client.post(reverse("followup:start", args=[signed_agreement.pk]), {"year": "2023"})
    assert not FollowUpReport.objects.filter(agreement=signed_agreement, year=2023).exists()


def test_follow_up_lines_name_the_parties_as_the_agreement_does_in_its_order(client, world, reader, signed_agreement):
    Party.objects.filter(agreement=signed_agreement, organisation=world.police).update(order=0, display_name="Polisen")
    Party.objects.filter(agreement=signed_agreement, organisation=world.municipality).update(
        order=1, display_name="Kommunen"
    )
    report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    client.force_login(reader)
    text = client.get(reverse("followup:report", args=[signed_agreement.pk, 2024])).content.decode()
    assert "<strong>Polisen, Kommunen:</strong> gemensam vandring" in text
    assert "<strong>Polisen:</strong> polisens krogtillsyner" in text


def test_the_dashboard_names_the_parties_as_the_agreement_does_in_its_order(client, world, reader, signed_agreement):
    Party.objects.filter(agreement=signed_agreement, organisation=world.police).update(order=0, display_name="Polisen")
    Party.objects.filter(agreement=signed_agreement, organisation=world.municipality).update(
        order=1, display_name="Kommunen"
    )
    report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    client.force_login(reader)
    text = client.get(reverse("followup:dashboard", args=[signed_agreement.pk])).content.decode()
    assert " · Polisen, Kommunen</span>" in text
    assert "Lokalpolisområde Hamnstad, Hamnstads kommun" not in text
