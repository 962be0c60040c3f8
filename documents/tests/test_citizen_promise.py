"""A citizen promise (medborgarlöfte): its parties promise rather than commit, it is published rather than signed,
and it prints without copies clause or signature lines."""

import hashlib
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import Agreement, ArchivedPdf, Party, Section
from agreements.services import agreement_new_revision, agreement_renew
from agreements.tests.factories import AgreementFactory, SectionFactory, SignatoryFactory
from documents import services as document_services
from documents.attachment import agreement_data
from documents.document import build_document
from documents.pdf import agreement_pdf
from documents.services import agreement_fingerprint, agreement_publish, agreement_sign
from documents.tests.helpers import approve_by_every_party
from focusareas.models import Commitment
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory, accept
from samverkan.lib.todo import items_for as todo_items_for
from samverkan.tests.helpers import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def promise(world, reviewer):
    """A citizen promise in review, its three promises (the police's, the municipality's, a joint one) accepted."""
    agreement = world.agreement
    Party.objects.filter(agreement=agreement, organisation=world.police).update(display_name="Polisen")
    Party.objects.filter(agreement=agreement, organisation=world.municipality).update(display_name="Kommunen")
    purpose = FocusAreaFactory(agreement=agreement, title="Ett tryggare torg")
    commitments = [
        CommitmentFactory(focus_area=purpose, parties=[world.police], text="synas på torget varje fredag"),
        CommitmentFactory(focus_area=purpose, parties=[world.municipality], text="laga belysningen vid torget"),
        CommitmentFactory(focus_area=purpose, parties=[world.municipality, world.police], text="berätta hur det går"),
    ]
    accept(commitments, reviewer=reviewer)
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek", order=0)
    Agreement.objects.filter(pk=agreement.pk).update(
        title="Trygghet i Hamnstad 2026", kind=Agreement.Kind.CITIZEN_PROMISE, status=Agreement.Status.REVIEW, copies=3
    )
    return Agreement.objects.get(pk=agreement.pk)


def publish_data(agreement, day="2026-03-02") -> dict:
    return {"published_on": day, "loaded_fingerprint": agreement_fingerprint(agreement)}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_kind_is_chosen_on_the_form_with_swedish_labels(client, world, editor):
    client.force_login(editor)
    url = reverse("agreements:edit", args=[world.agreement.pk])
    page = client.get(url).content.decode()
    assert "Samverkansöverenskommelse</option>" in page and "Medborgarlöfte</option>" in page
    response = client.post(url, edit_data(world.agreement, kind="citizen_promise"))
    assert response.status_code == 302
    assert Agreement.objects.get(pk=world.agreement.pk).kind == Agreement.Kind.CITIZEN_PROMISE
    response = client.post(url, edit_data(Agreement.objects.get(pk=world.agreement.pk), kind="letter"))
    assert response.status_code == 200 and "Välj ett giltigt alternativ" in response.content.decode()


def test_the_page_workbench_and_review_say_lovar_att(client, promise, editor):
    client.force_login(editor)
    page = client.get(promise.get_absolute_url()).content.decode()
    assert "<title>Medborgarlöfte: " in page
    assert "Polisen lovar att" in page and "Kommunen lovar att" in page and "Kommunen och Polisen lovar att" in page
    assert "förbinder sig" not in page and "exemplar" not in page
    workbench = client.get(reverse("documents:workbench", args=[promise.pk])).content.decode()
    assert "Polisen lovar att" in workbench
    review = client.get(reverse("focusareas:review", args=[promise.pk])).content.decode()
    assert "Polisen lovar att" in review


def test_an_agreement_still_says_forbinder_sig_att(client, promise, editor):
    Agreement.objects.filter(pk=promise.pk).update(kind=Agreement.Kind.AGREEMENT)
    client.force_login(editor)
    page = client.get(promise.get_absolute_url()).content.decode()
    assert "Polisen förbinder sig att" in page and "lovar att" not in page


def test_the_draft_pdf_has_no_copies_clause_nor_signature_lines(promise):
    text = pdf_text(agreement_pdf(promise))
    assert text.startswith("MEDBORGARLÖFTE\nTrygghet i Hamnstad 2026")  # the cover's kind line, in capitals
    assert "Polisen lovar att" in text and "Kommunen och Polisen lovar att" in text
    assert "förbinder" not in text and "exemplar" not in text and "Anna Ek" not in text
    assert "Utkast" in text


def test_publishing_freezes_the_promise_and_archives_a_pdf_saying_when(client, promise, editor):
    approve_by_every_party(promise)
    client.force_login(editor)
    assert "Publicera" in client.get(reverse("documents:publish", args=[promise.pk])).content.decode()
    response = client.post(reverse("documents:publish", args=[promise.pk]), publish_data(promise))
    assert response.status_code == 302
    promise.refresh_from_db()
    assert (promise.status, promise.signing_date) == (Agreement.Status.SIGNED, date(2026, 3, 2))
    assert promise.get_shown_status_display() == "Publicerat"
    archived = ArchivedPdf.objects.get(agreement=promise)
    content = archived.file.read()
    assert hashlib.sha256(content).hexdigest() == archived.sha256 and archived.archived_by == editor
    text = pdf_text(content)
    assert "Publicerat den 2 mars 2026" in text
    assert "Undertecknad" not in text and "exemplar" not in text and "Utkast" not in text
    page = client.get(promise.get_absolute_url()).content.decode()
    assert "Medborgarlöftet är publicerat" in page and "Publicerat den 2 mars 2026" in page


def test_publishing_is_refused_until_the_police_have_accepted_every_promise(client, promise, editor):
    Commitment.objects.filter(text="berätta hur det går").update(review_status=Commitment.ReviewStatus.OPEN)
    client.force_login(editor)
    response = client.post(reverse("documents:publish", args=[promise.pk]), publish_data(promise))
    assert response.status_code == 200 and "1 åtagande" in response.content.decode()
    promise.refresh_from_db()
    assert promise.status == Agreement.Status.REVIEW and not ArchivedPdf.objects.exists()


def test_publishing_needs_a_valid_date(client, promise, editor):
    client.force_login(editor)
    response = client.post(reverse("documents:publish", args=[promise.pk]), publish_data(promise, day="2026-13-45"))
    assert response.status_code == 200 and "Fyll i ett giltigt datum." in response.content.decode()
    assert not ArchivedPdf.objects.exists()


def test_publishing_is_refused_until_every_party_has_approved_the_draft(client, promise, world, editor, reviewer):
    document_services.agreement_approve(agreement=promise, party=world.municipality, user=editor)
    client.force_login(editor)
    response = client.post(reverse("documents:publish", args=[promise.pk]), publish_data(promise))
    assert response.status_code == 200
    assert "Inte godkänt ännu av: Polisen." in response.content.decode()
    assert Agreement.objects.get(pk=promise.pk).status == Agreement.Status.REVIEW and not ArchivedPdf.objects.exists()


def test_att_gora_asks_each_party_to_approve_and_then_the_editors_to_publish(promise, world, editor, reviewer):
    def waiting(user) -> list[tuple[str, str]]:
        return [(item.what, item.url) for item in todo_items_for(user) if item.document == promise.title]

    consent = f"{promise.get_absolute_url()}#consent"
    assert waiting(editor) == [("Godkänn utkastet för Kommunen", consent)]
    assert waiting(reviewer) == [("Godkänn utkastet för Polisen", consent)]
    approve_by_every_party(promise)
    assert waiting(editor) == [("Alla parter har godkänt: publicera", reverse("documents:publish", args=[promise.pk]))]
    assert waiting(reviewer) == []
    agreement_publish(agreement=promise, user=editor, loaded_fingerprint=None, published_on=date(2026, 3, 2))
    assert waiting(editor) == []


def test_publishing_what_changed_since_the_form_was_loaded_is_refused(client, promise, editor):
    approve_by_every_party(promise)
    data = publish_data(promise)
    commitment = Commitment.objects.get(text="synas på torget varje fredag")
    Commitment.objects.filter(pk=commitment.pk).update(text="synas ibland", version=commitment.version + 1)
    client.force_login(editor)
    response = client.post(reverse("documents:publish", args=[promise.pk]), data)
    assert response.status_code == 200 and "Någon annan ändrade detta" in response.content.decode()
    promise.refresh_from_db()
    assert promise.status == Agreement.Status.REVIEW and not ArchivedPdf.objects.exists()
    # Once the parties have approved the promise as it is now and the publisher has seen the page again, publishing
    # goes through.
    approve_by_every_party(promise)
    again = data | {"loaded_fingerprint": response.context["form"]["loaded_fingerprint"].value()}
    assert client.post(reverse("documents:publish", args=[promise.pk]), again).status_code == 302
    assert Agreement.objects.get(pk=promise.pk).is_frozen


def test_only_an_editor_of_a_party_publishes(client, promise, reviewer, reader, outsider):
    for user, status in ((reviewer, 403), (reader, 403), (outsider, 404)):
        client.force_login(user)
        assert client.post(reverse("documents:publish", args=[promise.pk]), publish_data(promise)).status_code == status
    promise.refresh_from_db()
    assert promise.status == Agreement.Status.REVIEW


def test_a_promise_is_not_signed_and_an_agreement_not_published(client, promise, world, editor):
    client.force_login(editor)
    response = client.get(reverse("documents:sign", args=[promise.pk]), follow=True)
    assert "Ett medborgarlöfte publiceras, det undertecknas inte." in response.content.decode()
    response = client.get(reverse("documents:publish", args=[world.other_agreement.pk]))
    assert response.status_code == 404
    agreement = AgreementFactory(parties=[world.municipality, world.police])
    response = client.get(reverse("documents:publish", args=[agreement.pk]), follow=True)
    assert "En samverkansöverenskommelse undertecknas, den publiceras inte." in response.content.decode()
    with pytest.raises(ValidationError):
        agreement_sign(
            agreement=promise, party=world.municipality, user=editor, signing_place="X", signed_on=date(2026, 1, 1)
        )
    with pytest.raises(ValidationError):
        agreement_publish(agreement=agreement, user=editor, loaded_fingerprint=None, published_on=date(2026, 1, 1))
    assert not ArchivedPdf.objects.exists()


def test_a_revision_and_a_renewal_are_citizen_promises_too(promise, editor):
    approve_by_every_party(promise)
    agreement_publish(agreement=promise, user=editor, loaded_fingerprint=None, published_on=date(2026, 3, 2))
    assert agreement_new_revision(agreement=promise).kind == Agreement.Kind.CITIZEN_PROMISE
    assert agreement_renew(agreement=promise).kind == Agreement.Kind.CITIZEN_PROMISE


def test_an_empty_or_missing_kind_keeps_the_kind(client, promise, editor):
    client.force_login(editor)
    url = reverse("agreements:edit", args=[promise.pk])
    assert client.post(url, edit_data(promise, kind="")).status_code == 302
    assert Agreement.objects.get(pk=promise.pk).kind == Agreement.Kind.CITIZEN_PROMISE
    data = edit_data(Agreement.objects.get(pk=promise.pk), title="Tryggare Hamnstad")
    del data["kind"]
    assert client.post(url, data).status_code == 302
    assert Agreement.objects.get(pk=promise.pk).kind == Agreement.Kind.CITIZEN_PROMISE


def test_the_promises_are_the_body_of_the_promise_under_their_purpose_headings(client, promise, reader):
    client.force_login(reader)
    page = client.get(promise.get_absolute_url()).content.decode()
    purpose = page.index("Ett tryggare torg</h3>")
    assert page.index('id="part-agreement"') < purpose < page.index("Polisen lovar att") < page.rindex("Utkast")
    assert 'id="part-appendix"' not in page  # nothing is written in Bilaga 1, so there is none

    text = pdf_text(agreement_pdf(promise))
    body = text[text.index("Ett tryggare torg", text.index("Innehåll") + 40) :]
    assert body.index("Polisen lovar att") < body.index("synas på torget varje fredag") < body.index("Utkast")
    assert body.index("Kommunen och Polisen lovar att") < body.index("berätta hur det går")
    assert "Bilaga 1" not in text


def test_a_promise_with_an_appendix_keeps_it_for_what_is_written_there(client, promise, reader):
    SectionFactory(agreement=promise, part=Section.Part.APPENDIX, heading="Medborgardialogerna")
    text = pdf_text(agreement_pdf(promise))
    appendix = text[text.rindex("Bilaga 1") :]
    assert "Medborgardialogerna" in appendix and "synas på torget" not in appendix
    assert agreement_data(build_document(promise))["promises"][0]["heading"] == "Ett tryggare torg"
