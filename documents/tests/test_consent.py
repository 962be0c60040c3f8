"""Each party consents for itself: it approves the whole draft, then signs; a change withdraws an approval and shows
the party what changed; the agreement is signed when the last party signs, and not before."""

import hashlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, ArchivedPdf, Organisation, Party, Section
from agreements.tests.factories import AgreementFactory, OrganisationFactory, SectionFactory, SignatoryFactory
from documents.models import Approval, PartySignature, SignedPage
from documents.services import agreement_approve, agreement_fingerprint, agreement_sign
from documents.tests.helpers import SCANNED_PAGE, approve_by_every_party
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory, accept
from samverkan.lib.todo import items_for as todo_items_for

pytestmark = pytest.mark.django_db

PDF = SCANNED_PAGE


@pytest.fixture
def ready(world, editor, reviewer):
    """An agreement in review whose only commitment the police have accepted, with a signatory per party."""
    agreement = world.agreement
    for user, name in ((editor, "Karin Nilsson"), (reviewer, "Johan Berglund")):
        user.email = f"{user.username}@example.se"
        user.first_name, user.last_name = name.split()
        user.save()
    SectionFactory(agreement=agreement, heading="Bakgrund")
    focus_area = FocusAreaFactory(agreement=agreement, title="Narkotika")
    accept([CommitmentFactory(focus_area=focus_area, text="fem tillsyner")], reviewer=reviewer)
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek", order=0)
    SignatoryFactory(agreement=agreement, party=world.police, name="Bo Lind", order=1)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    return Agreement.objects.get(pk=agreement.pk)


def approve(client, agreement, party):
    return client.post(
        reverse("documents:approve", args=[agreement.pk]),
        {"party": party.pk, "loaded_fingerprint": agreement_fingerprint(agreement)},
    )


def sign(client, agreement, party, **extra):
    data = {
        "party": party.pk,
        "signing_place": "Hamnstad",
        "signed_on": "2026-11-20",
        "loaded_fingerprint": agreement_fingerprint(agreement),
    }
    return client.post(reverse("documents:sign", args=[agreement.pk]), data | extra)


def test_each_party_approves_and_signs_for_itself_and_the_last_signature_signs(
    client, ready, world, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    page = client.get(ready.get_absolute_url()).content.decode()
    assert "Vad varje part har kvar att göra" in page and "Godkänn utkastet" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(client, ready, world.municipality).status_code == 302
    assert [m.to for m in mailoutbox] == [["reviewer@example.se"]]
    assert "Godkänt av Hamnstads kommun" in mailoutbox[0].subject

    # Before the police have approved, nobody signs.
    response = sign(client, ready, world.municipality)
    assert response.status_code == 200 and "Inte godkänt ännu av: Lokalpolisområde Hamnstad." in (
        response.content.decode()
    )
    assert not PartySignature.objects.exists()

    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(client, ready, world.police).status_code == 302
        assert sign(client, ready, world.police, signed_on="2026-11-22").status_code == 302
    assert Agreement.objects.get(pk=ready.pk).status == Agreement.Status.REVIEW  # the municipality has not signed
    assert not ArchivedPdf.objects.exists()
    assert "Undertecknat av Lokalpolisområde Hamnstad" in mailoutbox[-1].subject
    assert mailoutbox[-1].to == ["editor@example.se"]

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert sign(client, ready, world.municipality).status_code == 302
    signed = Agreement.objects.get(pk=ready.pk)
    assert (signed.status, signed.signing_place, signed.signing_date) == ("signed", "Hamnstad", date(2026, 11, 22))
    assert dict(signed.signatories.values_list("name", "signed_on")) == {
        "Anna Ek": date(2026, 11, 20),
        "Bo Lind": date(2026, 11, 22),
    }
    assert ArchivedPdf.objects.get(agreement=signed).archived_by == editor
    assert mailoutbox[-1].subject == f"Undertecknad: {signed.title}" and mailoutbox[-1].to == ["reviewer@example.se"]
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Parternas underskrifter" in page and "registrerad av Johan Berglund" in page


def test_a_party_cannot_approve_or_sign_for_another(client, ready, world, editor, reviewer, reader):
    with pytest.raises(PermissionDenied):
        agreement_approve(agreement=ready, party=world.police, user=editor)
    approve_by_every_party(ready)
    with pytest.raises(PermissionDenied):
        agreement_sign(
            agreement=ready, party=world.municipality, user=reviewer, signing_place="X", signed_on=date.today()
        )
    client.force_login(editor)
    response = sign(client, ready, world.police)
    assert response.status_code == 200 and "Välj ett giltigt alternativ" in response.content.decode()
    client.force_login(reader)  # the council reads; it does not bind the municipality
    assert sign(client, ready, world.municipality).status_code == 403
    assert approve(client, ready, world.municipality).status_code == 403
    assert not PartySignature.objects.exists()


def test_a_party_approves_the_draft_as_it_stands_once(client, ready, world, editor):
    client.force_login(editor)
    approve(client, ready, world.municipality)
    response = approve(client, ready, world.municipality)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == "Hamnstads kommun har redan godkänt utkastet som det ser ut nu."
    assert Approval.objects.count() == 1


def test_approving_waits_for_the_polices_review(client, ready, world, editor):
    CommitmentFactory(focus_area=ready.focus_areas.get(), text="ny")
    client.force_login(editor)
    response = approve(client, ready, world.municipality)
    assert "1 åtagande har ännu inte godkänts av polisen." in [str(m) for m in response.wsgi_request._messages]
    assert not Approval.objects.exists()


def test_a_change_after_an_approval_withdraws_it_and_shows_what_changed(client, ready, world, editor, reviewer):
    approve_by_every_party(ready)
    section = Section.objects.get(agreement=ready)
    section.heading = "Bakgrund och uppdrag"
    section.save()
    Section.objects.filter(pk=section.pk).update(version=section.version + 1)

    client.force_login(reviewer)
    page = client.get(ready.get_absolute_url()).content.decode()
    assert page.count("Återkallat: utkastet har ändrats sedan det godkändes.") == 2
    url = reverse("documents:approval_changes", args=[ready.pk, world.police.pk])
    assert url in page
    response = client.get(url)
    assert ("Ändrat", "Avsnitt", "Bakgrund och uppdrag") in {
        (c.change, c.kind, c.title) for c in response.context["changes"]
    }
    assert "Bakgrund<ins>" in response.content.decode()
    response = sign(client, ready, world.police)
    assert "Inte godkänt ännu av: Hamnstads kommun, Lokalpolisområde Hamnstad." in response.content.decode()
    assert not PartySignature.objects.exists()


def test_a_signature_sent_after_the_draft_changed_is_refused_as_stale(client, ready, world, reviewer):
    approve_by_every_party(ready)
    client.force_login(reviewer)
    loaded = client.get(reverse("documents:sign", args=[ready.pk])).context["form"]["loaded_fingerprint"].value()
    SectionFactory(agreement=ready, heading="Nytt avsnitt")

    response = sign(client, ready, world.police, loaded_fingerprint=loaded, signing_place="Polishuset")

    assert response.status_code == 200 and "Någon annan ändrade detta" in response.content.decode()
    assert 'value="Polishuset"' in response.content.decode()
    assert not PartySignature.objects.exists()


def test_a_party_without_users_signs_through_the_municipalitys_editor_with_its_scanned_page(
    client, ready, world, editor, reviewer
):
    housing = OrganisationFactory(name="Hamnstadshem AB", kind=Organisation.Kind.OTHER)
    Party.objects.create(agreement=ready, organisation=housing, order=2)
    approve_by_every_party(ready)  # the housing company's through the municipality's editor, on its behalf
    assert Approval.objects.get(party=housing).on_behalf
    client.force_login(editor)
    page = client.get(reverse("documents:sign", args=[ready.pk])).content.decode()
    assert "Hamnstadshem AB (för dess räkning: parten har inga egna användare)" in page

    response = sign(client, ready, housing)
    assert "Bifoga sidan som parten undertecknade, inskannad som PDF." in response.content.decode()
    text = SimpleUploadedFile("sida.pdf", b"inte en pdf", content_type="application/pdf")
    response = sign(client, ready, housing, signed_page=text)
    assert "Bifoga den undertecknade sidan som en PDF-fil." in response.content.decode()
    assert 'value="Hamnstad"' in response.content.decode()
    assert not PartySignature.objects.exists()

    scan = SimpleUploadedFile("sida.pdf", PDF, content_type="application/pdf")
    assert sign(client, ready, housing, signed_page=scan).status_code == 302
    signature = PartySignature.objects.get(party=housing)
    assert (signature.recorded_by, signature.on_behalf) == (editor, True)
    page = SignedPage.objects.get(signature=signature)
    assert page.sha256 == hashlib.sha256(PDF).hexdigest()
    response = client.get(reverse("documents:signed_page", args=[page.pk]))
    assert response.status_code == 200 and response.content == PDF
    shown = client.get(ready.get_absolute_url()).content.decode()
    assert "för dess räkning" in shown and reverse("documents:signed_page", args=[page.pk]) in shown

    with pytest.raises(ValidationError, match="redan undertecknat"):  # once per party
        agreement_sign(
            agreement=ready, party=housing, user=editor, signing_place="X", signed_on=date.today(), signed_page=PDF
        )


def test_outsiders_do_not_reach_a_signed_page(client, ready, world, editor, outsider):
    approve_by_every_party(ready)
    agreement_sign(
        agreement=ready,
        party=world.municipality,
        user=editor,
        signing_place="Hamnstad",
        signed_on=date.today(),
        signed_page=PDF,
    )
    page = SignedPage.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("documents:signed_page", args=[page.pk])).status_code == 404
    assert client.get(reverse("documents:approval_changes", args=[ready.pk, world.municipality.pk])).status_code == 404


def test_approving_and_signing_wait_on_each_partys_att_gora(ready, world, editor, reviewer, reader):
    def waiting(user) -> list[str]:
        return [item.what for item in todo_items_for(user) if item.url == f"{ready.get_absolute_url()}#consent"]

    assert waiting(editor) == ["Godkänn utkastet för Hamnstads kommun"]
    assert waiting(reviewer) == ["Godkänn utkastet för Lokalpolisområde Hamnstad"]
    assert waiting(reader) == []
    approve_by_every_party(ready)
    assert waiting(editor) == ["Underteckna för Hamnstads kommun"]
    agreement_sign(agreement=ready, party=world.police, user=reviewer, signing_place="Hamnstad", signed_on=date.today())
    assert waiting(reviewer) == []
    assert waiting(editor) == ["Underteckna för Hamnstads kommun"]


def test_the_agreement_page_in_review_costs_the_same_whatever_its_size(client, world, editor, reviewer):
    def in_review(commitments: int) -> Agreement:
        agreement = AgreementFactory(parties=[world.municipality, world.police])
        focus_area = FocusAreaFactory(agreement=agreement)
        accept([CommitmentFactory(focus_area=focus_area) for _ in range(commitments)], reviewer=reviewer)
        SectionFactory.create_batch(commitments, agreement=agreement)
        Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
        agreement = Agreement.objects.get(pk=agreement.pk)
        agreement_approve(agreement=agreement, party=world.municipality, user=editor)
        return agreement

    def count(agreement: Agreement) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(agreement.get_absolute_url()).status_code == 200
        return len(queries)

    client.force_login(editor)
    small, large = in_review(2), in_review(20)
    client.get(reverse("agreements:list"))  # the first request of the session reads what later ones find cached
    # 33, the sections' figures and the layout of the main part, and the key of the document's cached HTML (2)
    assert count(small) == count(large) <= 37
    assert count(large) <= 25  # the document read from the cache: its content is not loaded
