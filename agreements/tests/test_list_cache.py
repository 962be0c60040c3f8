"""The agreement list keeps each row's HTML and the filter form's by what they show, and an unfiltered page whole by
the latest change to any agreement, party or organisation: every change to a row or to the police areas to choose
from shows at once, whoever made it, and each user still sees only the agreements their organisation is party
to."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from agreements.models import Agreement, Party
from agreements.tests.factories import AgreementFactory, PoliceAreaFactory
from agreements.tests.test_admin import admin_agreement_data
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db

LIST = reverse("agreements:list")


def list_page(client, user) -> str:
    client.force_login(user)
    return client.get(LIST).content.decode()


def rows(client, user) -> str:
    """The list's rows, without the filter form (whose choices name every status)."""
    page = list_page(client, user)
    return page[page.index("<tbody>") : page.index("</tbody>")]


def change(agreement: Agreement, **fields) -> None:
    """Save the agreement with the fields changed, as every change in the product is saved: with a history record."""
    stored = Agreement.objects.get(pk=agreement.pk)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.save()


def test_a_title_changed_in_the_administration_shows_at_once(client, admin_client, world, editor):
    assert "Samverkansöverenskommelse Hamnstad" in list_page(client, editor)
    url = reverse("admin:agreements_agreement_change", args=[world.agreement.pk])
    assert admin_client.post(url, admin_agreement_data(world.agreement, title="Trygg i Hamnstad")).status_code == 302
    page = list_page(client, editor)
    assert "Trygg i Hamnstad" in page and "Samverkansöverenskommelse Hamnstad" not in page


def test_a_status_a_party_name_and_a_period_changed_show_at_once(client, world, editor):
    assert "Utkast" in rows(client, editor)
    change(world.agreement, status=Agreement.Status.REVIEW)
    world.municipality.name = "Hamnstads stad"
    world.municipality.save()
    change(world.agreement, end_date=world.agreement.end_date.replace(year=2028))
    page = rows(client, editor)
    assert "Under granskning" in page and "Hamnstads stad" in page and "2023–2028" in page


def test_a_signed_agreement_past_its_end_shows_as_ended(client, world, editor):
    change(world.agreement, end_date=world.agreement.start_date.replace(year=2024))
    assert "Utkast" in rows(client, editor)
    change(world.agreement, status=Agreement.Status.SIGNED)  # signed, it no longer changes
    page = rows(client, editor)
    assert "Avslutad" in page and "Undertecknad" not in page


def test_a_signed_agreement_shows_as_ended_the_day_after_its_end(client, world, editor):
    change(world.agreement, status=Agreement.Status.SIGNED, end_date=date(2026, 12, 31))
    with freeze_time("2026-12-31 12:00"):
        assert "Undertecknad" in rows(client, editor)
    with freeze_time("2027-01-01 12:00"):
        page = rows(client, editor)
    assert "Avslutad" in page and "Undertecknad" not in page


def test_a_revision_being_prepared_shows_at_once(client, world, editor):
    change(world.agreement, status=Agreement.Status.SIGNED)
    assert "Revision 2" not in rows(client, editor)
    AgreementFactory(
        previous_revision=world.agreement, revision=2, parties=[world.municipality, world.police], title="Ny version"
    )
    page = rows(client, editor)
    assert "Revision 2 förbereds." in page and "Utkast" in page


def test_cached_rows_show_no_one_an_agreement_their_organisation_is_not_party_to(client, world, editor, reviewer):
    assert "Samverkansöverenskommelse Hamnstad" in list_page(client, editor)
    slattby = list_page(client, reviewer)
    assert "Samverkansöverenskommelse Slättby" in slattby  # the police area is party to both
    neighbour = member(world.neighbour, "editor", "granne")
    page = list_page(client, neighbour)
    assert "Samverkansöverenskommelse Slättby" in page and "Samverkansöverenskommelse Hamnstad" not in page
    assert "Skogsås" not in page


def test_the_police_areas_to_filter_by_follow_the_agreements_at_once(client, world, editor):
    assert world.police.name in list_page(client, editor)
    world.police.name = "Lokalpolisområde Nya Hamnstad"
    world.police.save()
    AgreementFactory(parties=[world.municipality, PoliceAreaFactory(name="Lokalpolisområde Kusten")])
    page = list_page(client, editor)
    assert "Lokalpolisområde Nya Hamnstad" in page and "Lokalpolisområde Kusten" in page


def test_a_filter_typed_is_shown_as_typed_with_a_cached_form(client, world, editor):
    list_page(client, editor)
    page = client.get(LIST + f"?q=Hamn&police_area={world.police.pk}").content.decode()
    assert 'value="Hamn"' in page and f'value="{world.police.pk}" selected' in page
    assert "Fyll i ett tal." in client.get(LIST + "?year=tjugo").content.decode()
    assert "Fyll i ett tal." not in client.get(LIST + "?year=2024").content.decode()


def test_a_row_cached_in_swedish_is_shown_in_english_to_a_reader_of_english(client, world, editor):
    assert "Utkast" in rows(client, editor)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = rows(client, editor)
    assert "Draft" in page and "Utkast" not in page


def test_the_cached_list_costs_its_queries_only(client, world, editor):
    for _ in range(3):
        AgreementFactory(parties=[world.municipality, world.police])
    list_page(client, editor)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    # session, user, the ids of the agreements the user may see, the latest change of what the page shows, the
    # user's roles
    assert len(queries) == 5
    AgreementFactory(parties=[world.municipality, world.police])
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    # and when that changed: the page's agreements with the number of them all, their parties, the police areas to
    # filter by (and the revisions being prepared, if any are)
    assert len(queries) == 8


def test_a_filter_narrows_staff_s_list_of_every_agreement_for_that_request_only(client, world, admin_user):
    client.force_login(admin_user)
    narrowed = client.get(reverse("agreements:list") + "?q=Skogs")
    assert list(narrowed.context["agreements"]) == [world.other_agreement]
    again = client.get(reverse("agreements:list"))
    assert set(again.context["agreements"]) == set(Agreement.objects.all())


def test_staff_may_filter_by_every_police_area_party_to_an_agreement(client, world, admin_user):
    coast = PoliceAreaFactory(name="Lokalpolisområde Kusten")
    assert "Lokalpolisområde Kusten" not in list_page(client, admin_user)
    AgreementFactory(parties=[world.other_municipality, coast])
    page = list_page(client, admin_user)
    assert all(name in page for name in ("Lokalpolisområde Kusten", world.police.name, world.other_police.name))


def test_an_agreement_deleted_or_a_party_added_shows_at_once(client, world, editor, admin_user):
    client.force_login(admin_user)
    assert "Samverkansöverenskommelse Skogsås" in client.get(LIST).content.decode()
    Agreement.objects.get(pk=world.other_agreement.pk).delete()
    Party.objects.create(agreement=world.agreement, organisation=world.neighbour, order=9)
    page = client.get(LIST).content.decode()
    assert "Samverkansöverenskommelse Skogsås" not in page
    (hamnstad,) = [row for row in page.split("<tr") if "Samverkansöverenskommelse Hamnstad" in row]
    assert "Slättby kommun" in hamnstad
