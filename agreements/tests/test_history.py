"""Every change is recorded with who and when, and the history page lists it in Swedish."""

import pytest
from django.urls import reverse

from agreements.history import agreement_changes
from agreements.models import Agreement, Membership, Section
from agreements.tests.factories import MembershipFactory, SectionFactory, SignatoryFactory, UserFactory
from agreements.views import CHANGES_PER_PAGE

pytestmark = pytest.mark.django_db


def test_changes_are_recorded_with_the_user_who_made_them(client, world, editor):
    editor.first_name, editor.last_name = "Sara", "Ek"
    editor.save()
    client.force_login(editor)
    client.post(
        reverse("agreements:section_add", args=[world.agreement.pk, "appendix"]),
        {"heading": "Ansvar", "body": "<p>Kommunen samordnar.</p>", "parent": ""},
    )
    section = Section.objects.get(heading="Ansvar")
    client.post(
        reverse("agreements:section_edit", args=[section.pk]),
        {"heading": "Ansvar och roller", "body": "<p>Kommunen samordnar.</p>", "loaded_version": section.version},
    )

    records = list(section.history.all())
    assert [r.history_type for r in records] == ["~", "+"]
    assert all(r.history_user == editor for r in records)

    page = client.get(reverse("agreements:history", args=[world.agreement.pk])).content.decode()
    assert "Sara Ek" in page
    assert "Ansvar → Ansvar och roller" in page
    assert "Rubrik" in page  # field names in Swedish


def test_the_history_covers_parties_signatories_and_deleted_sections(client, world, editor):
    SignatoryFactory(agreement=world.agreement, name="Lena Sjö")
    section = SectionFactory(agreement=world.agreement, heading="Gammalt avsnitt")
    section.delete()
    client.force_login(editor)
    changes = client.get(reverse("agreements:history", args=[world.agreement.pk])).context["changes"]
    subjects = {(c.kind, c.subject) for c in changes}
    assert ("Undertecknare", "Lena Sjö") in subjects
    assert ("Part", "Lokalpolisområde Hamnstad") in subjects
    assert any(c.subject == "Gammalt avsnitt" and c.action == "Togs bort" for c in changes)


def test_the_history_shows_nothing_of_other_agreements(client, world, editor):
    SectionFactory(agreement=world.other_agreement, heading="Hemligt")
    client.force_login(editor)
    page = client.get(reverse("agreements:history", args=[world.agreement.pk])).content.decode()
    assert "Hemligt" not in page


def test_membership_changes_are_recorded():
    membership = MembershipFactory(user=UserFactory(), role=Membership.Role.READER)
    membership.role = Membership.Role.EDITOR
    membership.save()
    membership_id = membership.pk
    membership.delete()
    assert [h.history_type for h in Membership.history.filter(id=membership_id)] == ["-", "~", "+"]


def test_a_saved_agreement_records_its_previous_values(world):
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    agreement.title = "Ny titel"
    agreement.save()
    assert [h.title for h in agreement.history.all()] == ["Ny titel", "Samverkansöverenskommelse Hamnstad"]


def test_a_change_shows_what_it_changed_when_the_earlier_state_is_on_another_page(client, world, editor):
    section = SectionFactory(agreement=world.agreement, heading="Ansvar")
    for number in range(CHANGES_PER_PAGE):
        SectionFactory(agreement=world.agreement, heading=f"Avsnitt {number}")
    section.heading = "Ansvar och roller"
    section.save()
    client.force_login(editor)
    url = reverse("agreements:history", args=[world.agreement.pk])

    first, second = client.get(url).content.decode(), client.get(url + "?page=2").content.decode()

    assert "Ansvar → Ansvar och roller" in first
    assert "<q>Ansvar</q>" in second  # its creation, older than a page of changes


def test_a_page_of_the_change_log_is_the_same_as_that_part_of_the_whole(world):
    SignatoryFactory(agreement=world.agreement, name="Lena Sjö")
    for number in range(5):
        SectionFactory(agreement=world.agreement, heading=f"Avsnitt {number}")
    log = agreement_changes(world.agreement)

    every = list(log)

    assert len(log) == len(every) > 6
    assert [(c.when, c.kind, c.subject, c.fields) for c in log[2:5]] == [
        (c.when, c.kind, c.subject, c.fields) for c in every[2:5]
    ]
