"""Signing freezes the agreement and archives its PDF; amendments are new revisions; renewal starts the next period."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from agreements.models import Agreement, AgreementFrozen, ArchivedPdf, Party, Section, Signatory
from agreements.services import (
    agreement_fingerprint,
    agreement_new_revision,
    agreement_renew,
    agreement_sign,
    section_create,
    section_move,
)
from agreements.tests.factories import SectionFactory, SignatoryFactory
from focusareas.models import ActivityRow, Commitment
from focusareas.services import commitment_comment, rows_paste
from focusareas.tests.factories import ActivityRowFactory, CommitmentFactory, FocusAreaFactory, GoalFactory
from samverkan.tests.helpers import AGREEMENT_PAGES, agreement_page_url, focus_area_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world):
    """An agreement in review whose only commitment the police have accepted, with two signatories."""
    agreement = world.agreement
    section = SectionFactory(agreement=agreement, heading="Bakgrund")
    focus_area = FocusAreaFactory(agreement=agreement, title="Narkotika", placement=section)
    goal = GoalFactory(focus_area=focus_area)
    ActivityRowFactory(focus_area=focus_area, activity="Avloppsanalyser").goals.add(goal)
    CommitmentFactory(
        focus_area=focus_area, review_status=Commitment.ReviewStatus.ACCEPTED, text="fem tillsyner"
    ).goals.add(goal)
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek", order=0)
    SignatoryFactory(agreement=agreement, party=world.police, name="Bo Lind", order=1)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    return Agreement.objects.get(pk=agreement.pk)


def sign_data(agreement, day="2026-11-20") -> dict:
    """What the signing form posts, loaded as the agreement is now."""
    data = {"signing_place": "Hamnstad", "signing_date": day, "loaded_version": agreement_fingerprint(agreement)}
    for signatory in agreement.signatories.all():
        data[f"signed_on_{signatory.pk}"] = day
    return data


@pytest.fixture
def signed(ready, editor):
    agreement_sign(
        agreement=ready,
        user=editor,
        signing_place="Hamnstad",
        signing_date=date(2026, 11, 20),
        signed_on={s.pk: date(2026, 11, 20) for s in ready.signatories.all()},
    )
    return Agreement.objects.get(pk=ready.pk)


def test_signing_records_the_signatures_and_archives_the_pdf(client, ready, editor):
    client.force_login(editor)
    response = client.post(reverse("agreement_sign", args=[ready.pk]), sign_data(ready))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.signing_place, ready.signing_date) == ("signed", "Hamnstad", date(2026, 11, 20))
    assert set(ready.signatories.values_list("signed_on", flat=True)) == {date(2026, 11, 20)}
    archived = ArchivedPdf.objects.get(agreement=ready)
    content = archived.file.read()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == archived.sha256
    assert archived.archived_by == editor
    page = client.get(ready.get_absolute_url()).content.decode()
    assert archived.sha256 in page


def test_signing_is_refused_while_a_commitment_is_not_accepted(client, ready, editor, settings):
    Commitment.objects.update(review_status=Commitment.ReviewStatus.CHANGE_REQUESTED)
    client.force_login(editor)
    response = client.post(reverse("agreement_sign", args=[ready.pk]), sign_data(ready))
    assert response.status_code == 200
    assert "1 åtagande" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == Agreement.Status.REVIEW
    assert not ArchivedPdf.objects.exists()
    assert not list((settings.MEDIA_ROOT / "archive").glob("**/*.pdf")) if settings.MEDIA_ROOT.exists() else True


def test_signing_needs_every_signatorys_date(client, ready, editor):
    client.force_login(editor)
    data = sign_data(ready)
    data.pop(next(k for k in data if k.startswith("signed_on_")))
    response = client.post(reverse("agreement_sign", args=[ready.pk]), data)
    assert response.status_code == 200 and "Detta fält måste fyllas i." in response.content.decode()
    assert not ArchivedPdf.objects.exists()


def test_a_draft_cannot_be_signed(world, editor):
    with pytest.raises(ValidationError):
        agreement_sign(
            agreement=world.agreement, user=editor, signing_place="X", signing_date=date(2026, 1, 1), signed_on={}
        )


def test_every_edit_page_refuses_a_signed_agreement_with_the_reason(client, ready, world, editor):
    # The pages' items are made while the agreement is still open to change; then it is signed.
    pages = [
        (agreement_page_url(name, world, with_section), method)
        for name, with_section, method, write in AGREEMENT_PAGES
        if write
    ]
    pages += [(url, method) for url, method, write in focus_area_urls(world) if write]
    Commitment.objects.update(review_status=Commitment.ReviewStatus.ACCEPTED)
    client.force_login(editor)
    assert client.post(reverse("agreement_sign", args=[ready.pk]), sign_data(ready)).status_code == 302
    for url, method in pages:
        if url.endswith("/skicka-pa-granskning/"):
            continue  # not a change of content: refused with a message on the review page
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "undertecknad" in response.content.decode(), url


def test_every_service_refuses_a_signed_agreement(signed, world, editor):
    section = Section.objects.filter(agreement=signed).first()
    focus_area = signed.focus_areas.get()
    commitment = Commitment.objects.get(agreement=signed)
    attempts = [
        lambda: section_create(agreement=signed, part="appendix", parent=None, heading="Ny", body=""),
        lambda: section_move(section=section, step=1),
        lambda: SectionFactory(agreement=signed),
        lambda: section.delete(),
        lambda: Party.objects.create(agreement=signed, organisation=world.neighbour),
        lambda: Signatory.objects.filter(agreement=signed).first().delete(),
        lambda: ActivityRow.objects.create(focus_area=focus_area, activity="Ny"),
        lambda: rows_paste(focus_area=focus_area, rows=[], user=editor),
        lambda: commitment_comment(commitment=commitment, user=editor, text="Hej"),
        lambda: focus_area.delete(),
        lambda: Agreement.objects.get(pk=signed.pk).save(),
        lambda: Agreement.objects.get(pk=signed.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(AgreementFrozen):
            attempt()
    assert Section.objects.filter(agreement=signed).count() == 1


def test_the_archived_pdf_is_served_only_while_its_checksum_matches(client, signed, editor):
    client.force_login(editor)
    archived = signed.archived_pdfs.get()
    response = client.get(reverse("agreement_pdf", args=[signed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == archived.sha256

    with open(archived.file.path, "ab") as file:
        file.write(b"tampered")
    response = client.get(reverse("agreement_pdf", args=[signed.pk]))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert archived.sha256 in response.content.decode()


def test_outsiders_cannot_fetch_an_archived_pdf_by_its_id(client, signed, outsider):
    client.force_login(outsider)
    assert client.get(reverse("archived_pdf", args=[signed.archived_pdfs.get().pk])).status_code == 404
    assert client.get(reverse("agreement_pdf", args=[signed.pk])).status_code == 404


def test_the_command_writes_the_archived_or_a_draft_pdf(signed, world, tmp_path):
    call_command("agreement_pdf", str(signed.pk), "-o", str(tmp_path / "signed.pdf"))
    assert hashlib.sha256((tmp_path / "signed.pdf").read_bytes()).hexdigest() == signed.archived_pdfs.get().sha256
    call_command("agreement_pdf", str(world.other_agreement.pk), "-o", str(tmp_path / "draft.pdf"))
    assert (tmp_path / "draft.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError):
        call_command("agreement_pdf", "999999", "-o", str(tmp_path / "none.pdf"))


def test_a_new_revision_copies_everything_and_leaves_the_signed_one_alone(signed):
    revision = agreement_new_revision(agreement=signed)
    assert (revision.status, revision.revision, revision.previous_revision) == ("draft", 2, signed)
    assert revision.title == signed.title and revision.start_date == signed.start_date
    assert [p.organisation_id for p in revision.party_links.all()] == [
        p.organisation_id for p in signed.party_links.all()
    ]
    assert [s.name for s in revision.signatories.all()] == ["Anna Ek", "Bo Lind"]
    assert revision.signatories.filter(signed_on__isnull=False).count() == 0
    new_focus_area = revision.focus_areas.get()
    assert new_focus_area.placement.agreement == revision and new_focus_area.rows.count() == 1
    commitment = Commitment.objects.get(agreement=revision)
    assert commitment.review_status == Commitment.ReviewStatus.OPEN and commitment.parties.count() == 1
    new_goal = revision.goals.get()
    assert new_goal.text == signed.goals.get().text
    assert list(commitment.goals.all()) == [new_goal] and list(new_focus_area.rows.get().goals.all()) == [new_goal]
    assert signed.archived_pdfs.count() == 1 and Agreement.objects.get(pk=signed.pk).status == "signed"
    with pytest.raises(ValidationError):
        agreement_new_revision(agreement=signed)


def test_comparing_revisions_shows_what_changed(client, signed, editor):
    revision = agreement_new_revision(agreement=signed)
    section = revision.sections.get()
    section.heading = "Bakgrund och uppdrag"
    section.save()
    revision.focus_areas.get().rows.get().delete()
    SectionFactory(agreement=revision, heading="Nytt avsnitt")
    client.force_login(editor)
    response = client.get(reverse("agreement_compare", args=[revision.pk]))
    changes = {(c.change, c.kind, c.title) for c in response.context["changes"]}
    assert ("Ändrat", "Avsnitt", "Bakgrund och uppdrag") in changes
    assert ("Tillagt", "Avsnitt", "Nytt avsnitt") in changes
    assert ("Borttaget", "Aktivitet", "Avloppsanalyser") in changes
    assert 'Bakgrund<ins><span class="visually-hidden">tillagt: </span> och uppdrag</ins>' in response.content.decode()


def test_renewal_starts_the_next_period(signed):
    renewal = agreement_renew(agreement=signed)
    assert (renewal.start_date, renewal.end_date) == (date(2027, 1, 1), date(2030, 12, 31))
    assert renewal.renews == signed and renewal.revision == 1 and renewal.status == "draft"
    assert renewal.title == "Samverkansöverenskommelse Hamnstad"  # no period in the title to move on
    assert renewal.sections.count() == signed.sections.count()
    with pytest.raises(ValidationError):
        agreement_renew(agreement=signed)


def test_the_period_in_the_title_moves_on_with_the_renewal(signed):
    Agreement.objects.filter(pk=signed.pk).update(title="Samverkansöverenskommelse 2023–2026")
    renewal = agreement_renew(agreement=Agreement.objects.get(pk=signed.pk))
    assert renewal.title == "Samverkansöverenskommelse 2027–2030"


def test_a_signed_agreement_past_its_end_shows_as_ended(client, signed, editor):
    Agreement.objects.filter(pk=signed.pk).update(end_date=date.today() - timedelta(days=1))
    client.force_login(editor)
    ended = client.get(reverse("agreement_list") + "?status=ended").context["agreements"]
    assert [a.pk for a in ended] == [signed.pk]
    assert not client.get(reverse("agreement_list") + "?status=signed").context["agreements"]
    assert "Avslutad" in client.get(signed.get_absolute_url()).content.decode()
