"""The åtgärdsplan carried into a draft agreement: previewed, then confirmed; each measure a commitment of the party
responsible in its focus area, with its timing and indicator; carried again it updates what it made; a signed
agreement is never touched."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Membership, Party
from agreements.services import agreement_new_revision
from agreements.tests.factories import OrganisationFactory
from focusareas.models import Commitment, FocusArea, ReviewEntry
from focusareas.tests.factories import FocusAreaFactory, IndicatorFactory
from samverkan.tests.helpers import member
from situation.models import Measure, YearlyPicture
from situation.plan import carry_plan, plan_carry_over, responsible_parties

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def plan(world):
    """A picture of the year whose plan has a measure of the police's in an existing focus area with an indicator,
    and one of "Socialtjänsten" (no party named) with neither focus area nor indicator."""
    area = FocusAreaFactory(agreement=world.agreement, title="Trygg hamn")
    indicator = IndicatorFactory(goal__focus_area=area, name="Anmäld skadegörelse i hamnen")
    picture = YearlyPicture.objects.create(municipality=world.municipality, year=YEAR, analysis="Hamnen.")
    police = Measure.objects.create(
        picture=picture,
        problem="Skadegörelse i hamnen",
        measure="Polisen patrullerar hamnen varje fredagskväll",
        responsible="Polisen",
        timing="Våren 2026",
        focus_area=area,
        indicator=indicator,
        order=1,
    )
    social = Measure.objects.create(
        picture=picture,
        problem="Oro bland unga i centrum\nsärskilt kvällstid",
        measure="Fältgruppen är ute i centrum",
        responsible="Socialtjänsten",
        timing="Hela året",
        order=2,
    )
    return {"picture": picture, "area": area, "indicator": indicator, "police": police, "social": social}


def url(world, agreement: Agreement | None = None, name: str = "situation:plan_carry") -> str:
    return reverse(
        name, kwargs={"pk": world.municipality.pk, "year": YEAR, "agreement": (agreement or world.agreement).pk}
    )


def preview_fingerprint(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return response.context["form"]["loaded_fingerprint"].value()


def test_the_plan_is_previewed_then_carried_over_as_commitments(client, world, editor, plan):
    client.force_login(editor)
    page = client.get(url(world)).content.decode()
    assert "Nytt åtagande" in page and "nytt fokusområde" in page
    assert "Oklart (”Socialtjänsten”): välj nedan" in page
    assert not Commitment.objects.exists()  # a preview changes nothing

    fingerprint = preview_fingerprint(client, url(world))
    refused = client.post(url(world), {"loaded_fingerprint": fingerprint})
    assert refused.status_code == 200
    assert "Välj den eller de parter som åtar sig åtgärden." in refused.content.decode()
    assert not Commitment.objects.exists()

    social_field = f"parties_{plan['social'].pk}"
    response = client.post(
        url(world),
        {"loaded_fingerprint": fingerprint, social_field: [world.municipality.pk]},
    )
    assert response.status_code == 302 and response["Location"] == world.agreement.get_absolute_url()

    police = Commitment.objects.get(text="Polisen patrullerar hamnen varje fredagskväll")
    assert police.agreement == world.agreement and police.focus_area == plan["area"]
    assert list(police.parties.all()) == [world.police]
    assert police.timing == "Våren 2026" and police.responsible_role == ""
    assert list(police.goals.all()) == [plan["indicator"].goal]
    social = Commitment.objects.get(text="Fältgruppen är ute i centrum")
    assert social.focus_area.title == "Oro bland unga i centrum"  # a new focus area named from the problem
    assert list(social.parties.all()) == [world.municipality] and social.responsible_role == "Socialtjänsten"
    assert list(plan["police"].commitments.all()) == [police]
    assert list(plan["social"].commitments.all()) == [social]


def carry(client, world, agreement: Agreement | None = None, **choices):
    address = url(world, agreement)
    data = {"loaded_fingerprint": preview_fingerprint(client, address)}
    return client.post(address, data | choices)


def test_carrying_over_again_updates_the_commitments_instead_of_adding(client, world, editor, plan):
    client.force_login(editor)
    choice = {f"parties_{plan['social'].pk}": [world.municipality.pk]}
    assert carry(client, world, **choice).status_code == 302
    police = Commitment.objects.get(text__startswith="Polisen patrullerar")
    Commitment.objects.filter(pk=police.pk).update(review_status=Commitment.ReviewStatus.ACCEPTED)

    Measure.objects.filter(pk=plan["police"].pk).update(measure="Polisen patrullerar hamnen fredag och lördag")
    page = client.get(url(world)).content.decode()
    assert "Uppdateras: texten" in page and "Oförändrat" in page
    assert carry(client, world, **choice).status_code == 302

    assert Commitment.objects.count() == 2 and FocusArea.objects.filter(agreement=world.agreement).count() == 2
    police.refresh_from_db()
    assert police.text == "Polisen patrullerar hamnen fredag och lördag"
    # Changed after the police accepted it, it goes back to their review, as an edit would.
    assert police.review_status == Commitment.ReviewStatus.OPEN
    assert ReviewEntry.objects.filter(commitment=police, kind=ReviewEntry.Kind.REVISED).exists()


def test_a_preview_overtaken_by_a_change_carries_nothing_over(client, world, editor, plan):
    client.force_login(editor)
    fingerprint = preview_fingerprint(client, url(world))
    Measure.objects.filter(pk=plan["police"].pk).update(responsible="Kommunen")
    response = client.post(
        url(world),
        {
            "loaded_fingerprint": fingerprint,
            f"parties_{plan['social'].pk}": [world.municipality.pk],
        },
    )
    assert response.status_code == 200
    assert "har ändrats sedan förhandsvisningen" in response.content.decode()
    assert not Commitment.objects.exists()


def test_a_signed_agreement_is_never_touched_and_a_revision_is_offered(client, world, editor, plan):
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    client.force_login(editor)
    page = client.get(reverse("situation:yearly", kwargs={"pk": world.municipality.pk, "year": YEAR}))
    assert reverse("documents:new_revision", args=[world.agreement.pk]) in page.content.decode()
    response = client.post(url(world), {"loaded_fingerprint": "x"})
    assert response.status_code == 200 and "kan inte längre ändras" in response.content.decode()
    assert reverse("documents:new_revision", args=[world.agreement.pk]) in response.content.decode()
    assert client.post(url(world, name="situation:chapter_place")).status_code == 200
    assert not Commitment.objects.exists() and not world.agreement.sections.exists()


def test_a_revision_updates_its_copy_of_the_commitment(client, world, editor, plan):
    client.force_login(editor)
    choice = {f"parties_{plan['social'].pk}": [world.municipality.pk]}
    assert carry(client, world, **choice).status_code == 302
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    revision = agreement_new_revision(agreement=Agreement.objects.get(pk=world.agreement.pk))

    Measure.objects.filter(pk=plan["social"].pk).update(timing="Hösten 2026")
    assert carry(client, world, revision).status_code == 302
    copy = Commitment.objects.get(agreement=revision, text="Fältgruppen är ute i centrum")
    assert copy.timing == "Hösten 2026" and Commitment.objects.filter(agreement=revision).count() == 2
    assert Commitment.objects.get(agreement=world.agreement, text="Fältgruppen är ute i centrum").timing == "Hela året"
    assert set(plan["social"].commitments.all()) == {
        copy,
        Commitment.objects.get(agreement=world.agreement, pk__lt=copy.pk, text=copy.text),
    }


def test_only_the_municipalitys_security_unit_carries_over_into_its_own_agreements(
    client, world, editor, reader, reviewer, outsider, plan
):
    for user, status in ((reader, 403), (reviewer, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url(world)).status_code == status, user
        assert client.post(url(world)).status_code == status, user
        assert client.post(url(world, name="situation:chapter_place")).status_code == status
    client.force_login(editor)
    # An agreement the municipality is not party to is none of its business.
    assert client.get(url(world, world.neighbour_agreement)).status_code == 404
    assert client.get(url(world, world.other_agreement)).status_code == 404
    huge = reverse("situation:plan_carry", kwargs={"pk": world.municipality.pk, "year": YEAR, "agreement": 10**18 - 1})
    assert client.get(huge).status_code == 404 and client.get(huge.replace("/99", "/999")).status_code == 404
    assert not Commitment.objects.exists()


def test_the_responsible_is_matched_to_the_agreements_parties(world):
    parties = list(Party.objects.filter(agreement=world.agreement).select_related("organisation"))
    assert responsible_parties("Kommunen och polisen", parties) == [world.municipality, world.police]
    assert responsible_parties("Hamnstads kommun, fritidsförvaltningen", parties) == [world.municipality]
    assert responsible_parties("Gemensamt", parties) == [world.municipality, world.police]
    assert responsible_parties("Miljöförbundet", parties) == []
    assert responsible_parties("", parties) == []
    second = OrganisationFactory(name="Strandby kommun")
    Party.objects.create(agreement=world.agreement, organisation=second, order=5)
    parties = list(Party.objects.filter(agreement=world.agreement).select_related("organisation"))
    assert responsible_parties("Kommunen", parties) == []  # which of the two municipalities: the user says
    assert responsible_parties("Strandby kommun", parties) == [second]


def test_the_preview_takes_the_same_queries_for_two_measures_as_for_twenty(world, plan):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            carry_plan(plan["picture"], world.agreement)
        return len(captured)

    few = queries()
    for n in range(18):
        Measure.objects.create(picture=plan["picture"], problem=f"P{n}", measure=f"M{n}", responsible="Polisen")
    assert queries() == few


def test_a_user_without_the_editor_role_sees_no_way_into_agreements(client, world, plan):
    client.force_login(member(world.municipality, Membership.Role.READER, "council"))
    page = client.get(reverse("situation:yearly", kwargs={"pk": world.municipality.pk, "year": YEAR}))
    assert "Till överenskommelsen" not in page.content.decode()


def test_a_measure_left_without_a_party_carries_nothing_over(world, editor, plan):
    with pytest.raises(ValidationError, match="Välj den eller de parter"):
        plan_carry_over(
            picture=plan["picture"], agreement=world.agreement, user=editor, chosen_parties={}, loaded_fingerprint=None
        )
    assert not Commitment.objects.exists() and FocusArea.objects.filter(agreement=world.agreement).count() == 1
