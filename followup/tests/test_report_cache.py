"""An approved year's report page is rendered once and then served from the cache; a year that can still change
is rendered every time."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Organisation
from followup.models import CommitmentOutcome, FollowUpReport
from followup.services import report_start

pytestmark = pytest.mark.django_db

BODY = "followup/partials/report_body.html"


def rendered(response) -> set[str]:
    return {template.name for template in response.templates}


def approve(report: FollowUpReport) -> None:
    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.APPROVED)


@pytest.fixture
def years(signed_agreement):
    return [report_start(agreement=signed_agreement, year=year, copy_previous=False) for year in (2024, 2025)]


def page(client, report: FollowUpReport):
    return client.get(reverse("followup:report", args=[report.agreement_id, report.year]))


def test_an_approved_year_is_rendered_once(client, reader, years):
    approve(years[0])
    client.force_login(reader)

    first, again = page(client, years[0]), page(client, years[0])

    assert BODY in rendered(first) and BODY not in rendered(again)
    # Masked anew on every request, and the session's time left counted down between the two.
    per_request = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|data-session-seconds-left="\d+"')
    assert per_request.sub(b"", again.content) == per_request.sub(b"", first.content)
    assert "polisens krogtillsyner" in again.content.decode()


def test_a_year_that_can_change_is_rendered_every_time(client, reader, years):
    client.force_login(reader)
    page(client, years[0])

    CommitmentOutcome.objects.filter(report=years[0]).update(achieved=17)

    again = page(client, years[0])
    assert BODY in rendered(again)
    assert "17" in again.content.decode()


def test_an_approved_year_after_an_open_one_is_not_cached(client, reader, years):
    # The later year shows the earlier year's figures too, which can still change while it is open.
    approve(years[1])
    client.force_login(reader)
    page(client, years[1])

    assert BODY in rendered(page(client, years[1]))


def test_a_renamed_party_shows_on_a_cached_year(client, reader, world, years):
    approve(years[0])
    client.force_login(reader)
    page(client, years[0])

    Organisation.objects.filter(pk=world.police.pk).update(name="Lokalpolisområde Nya Hamnstad")

    assert "Lokalpolisområde Nya Hamnstad" in page(client, years[0]).content.decode()


def test_an_approved_year_read_again_costs_its_key_and_access_only(client, reader, years):
    approve(years[0])
    client.force_login(reader)
    page(client, years[0])

    with CaptureQueriesContext(connection) as queries:
        page(client, years[0])

    # session, user, the agreement as the reader may see it, the report, the parties' names with whether a year it
    # shows is still open: no step is offered on an approved year, so the state a step would act on is not read
    assert len(queries) == 5


def test_an_approved_year_is_rendered_again_once_an_earlier_year_is_open_again(client, reader, years):
    for report in years:
        approve(report)
    client.force_login(reader)
    page(client, years[1])
    assert BODY not in rendered(page(client, years[1]))

    FollowUpReport.objects.filter(pk=years[0].pk).update(stage=FollowUpReport.Stage.CONFIRMED)

    assert BODY in rendered(page(client, years[1]))
