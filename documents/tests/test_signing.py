"""Signing freezes the agreement and archives its PDF; amendments are new revisions; renewal starts the next period."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from agreements.models import (
    FROZEN_MESSAGE,
    Agreement,
    AgreementFrozen,
    ArchivedPdf,
    Organisation,
    Party,
    Section,
    Signatory,
)
from agreements.services import agreement_new_revision, agreement_renew, section_create, section_move
from agreements.tests.factories import PoliceAreaFactory, SectionFactory, SignatoryFactory
from documents.services import agreement_fingerprint, agreement_sign
from documents.tests.helpers import approve_by_every_party, sign_by_every_party
from focusareas.models import ActivityRow, Commitment
from focusareas.services import commitment_comment, rows_paste
from focusareas.tests.factories import ActivityRowFactory, CommitmentFactory, FocusAreaFactory, GoalFactory, accept
from focusareas.tests.helpers import focus_area_urls
from samverkan.tests.helpers import AGREEMENT_PAGES, agreement_page_url, edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world, reviewer):
    """An agreement in review whose only commitment the police have accepted, with two signatories."""
    agreement = world.agreement
    section = SectionFactory(agreement=agreement, heading="Bakgrund")
    focus_area = FocusAreaFactory(agreement=agreement, title="Narkotika", placement=section)
    goal = GoalFactory(focus_area=focus_area)
    ActivityRowFactory(focus_area=focus_area, activity="Avloppsanalyser").goals.add(goal)
    commitment = CommitmentFactory(focus_area=focus_area, text="fem tillsyner")
    commitment.goals.add(goal)
    accept([commitment], reviewer=reviewer)
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek", order=0)
    SignatoryFactory(agreement=agreement, party=world.police, name="Bo Lind", order=1)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    return Agreement.objects.get(pk=agreement.pk)


def sign_data(agreement, party, day="2026-11-20") -> dict:
    """What the signing form posts for the party, loaded as the agreement is now."""
    return {
        "party": party.pk,
        "signing_place": "Hamnstad",
        "signed_on": day,
        "loaded_fingerprint": agreement_fingerprint(agreement),
    }


@pytest.fixture
def signed(ready, editor, reviewer):
    return sign_by_every_party(ready)


def test_signing_records_the_signatures_and_archives_the_pdf(client, ready, world, editor, reviewer):
    approve_by_every_party(ready)
    client.force_login(editor)
    response = client.post(reverse("documents:sign", args=[ready.pk]), sign_data(ready, world.municipality))
    assert response.status_code == 302
    client.force_login(reviewer)
    response = client.post(reverse("documents:sign", args=[ready.pk]), sign_data(ready, world.police, "2026-11-24"))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.signing_place, ready.signing_date) == ("signed", "Hamnstad", date(2026, 11, 24))
    assert dict(ready.signatories.values_list("name", "signed_on")) == {
        "Anna Ek": date(2026, 11, 20),
        "Bo Lind": date(2026, 11, 24),
    }
    archived = ArchivedPdf.objects.get(agreement=ready)
    content = archived.file.read()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == archived.sha256
    assert archived.archived_by == reviewer
    page = client.get(ready.get_absolute_url()).content.decode()
    assert "Arkiverad och kontrollerad" in page
    assert "<summary>Kontrollsumma</summary>" in page and archived.sha256 in page


def test_signing_is_refused_while_a_commitment_is_not_accepted(client, ready, world, editor, settings):
    Commitment.objects.update(review_status=Commitment.ReviewStatus.CHANGE_REQUESTED)
    client.force_login(editor)
    response = client.post(reverse("documents:sign", args=[ready.pk]), sign_data(ready, world.municipality))
    assert response.status_code == 200
    assert "1 åtagande" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == Agreement.Status.REVIEW
    assert not ArchivedPdf.objects.exists()
    assert not list((settings.MEDIA_ROOT / "archive").glob("**/*.pdf")) if settings.MEDIA_ROOT.exists() else True


def test_signing_needs_the_day_it_was_signed(client, ready, world, editor):
    approve_by_every_party(ready)
    client.force_login(editor)
    data = sign_data(ready, world.municipality)
    data.pop("signed_on")
    response = client.post(reverse("documents:sign", args=[ready.pk]), data)
    assert response.status_code == 200 and "Detta fält måste fyllas i." in response.content.decode()
    assert not ArchivedPdf.objects.exists()


def test_a_draft_cannot_be_signed(world, editor):
    with pytest.raises(ValidationError):
        agreement_sign(
            agreement=world.agreement,
            party=world.municipality,
            user=editor,
            signing_place="X",
            signed_on=date(2026, 1, 1),
        )


def test_every_edit_page_refuses_a_signed_agreement_with_the_reason(client, ready, world, editor, reviewer):
    # The pages' items are made while the agreement is still open to change; then it is signed.
    pages = [
        (agreement_page_url(name, world, with_section), method)
        for name, with_section, method, write in AGREEMENT_PAGES
        if write
    ]
    pages += [(url, method) for url, method, write in focus_area_urls(world) if write]
    accept(Commitment.objects.all(), reviewer=reviewer)
    assert sign_by_every_party(ready).status == Agreement.Status.SIGNED
    client.force_login(editor)
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
    response = client.get(reverse("documents:pdf", args=[signed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == archived.sha256

    with open(archived.file.path, "ab") as file:
        file.write(b"tampered")
    response = client.get(reverse("documents:pdf", args=[signed.pk]))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert archived.sha256 in response.content.decode()


def test_outsiders_cannot_fetch_an_archived_pdf_by_its_id(client, signed, outsider):
    client.force_login(outsider)
    assert client.get(reverse("documents:archived_pdf", args=[signed.archived_pdfs.get().pk])).status_code == 404
    assert client.get(reverse("documents:pdf", args=[signed.pk])).status_code == 404


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
    # The police's acceptance carries over to the unchanged commitment.
    assert commitment.review_status == Commitment.ReviewStatus.ACCEPTED and commitment.parties.count() == 1
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
    response = client.get(reverse("documents:compare", args=[revision.pk]))
    changes = {(c.change, c.kind, c.title) for c in response.context["changes"]}
    assert ("Ändrat", "Avsnitt", "Bakgrund och uppdrag") in changes
    assert ("Tillagt", "Avsnitt", "Nytt avsnitt") in changes
    assert ("Borttaget", "Aktivitet", "Avloppsanalyser") in changes
    assert 'Bakgrund<ins><span class="visually-hidden">tillagt: </span> och uppdrag</ins>' in response.content.decode()


def test_a_changed_number_shows_as_the_old_value_and_the_new(client, signed, editor):
    Commitment.objects.filter(agreement=signed).update(
        target_value=4, target_unit="kontroller", target_scope="per_year"
    )
    revision = agreement_new_revision(agreement=Agreement.objects.get(pk=signed.pk))
    commitment = revision.commitments.get()
    commitment.target_value = 6
    commitment.save()
    client.force_login(editor)
    page = client.get(reverse("documents:compare", args=[revision.pk])).content.decode()

    assert '<th scope="col">Ändring</th>' in page
    assert (
        '<del><span class="visually-hidden">borttaget: </span>4</del> → '
        '<ins><span class="visually-hidden">tillagt: </span>6</ins>'
    ) in page


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
    ended = client.get(reverse("agreements:list") + "?status=ended").context["agreements"]
    assert [a.pk for a in ended] == [signed.pk]
    assert not client.get(reverse("agreements:list") + "?status=signed").context["agreements"]
    assert "Avslutad" in client.get(signed.get_absolute_url()).content.decode()


@pytest.fixture
def signed_meanwhile(monkeypatch):
    """Someone signs the agreement just after a request has found that it may still be changed."""
    from agreements import access, views
    from focusareas import access as focus_area_access
    from focusareas import views as focus_area_views

    fetch = access.get_agreement_for_user

    def fetch_then_sign(user, pk, *args, **kwargs):
        agreement = fetch(user, pk, *args, **kwargs)
        Agreement.objects.filter(pk=pk).update(status=Agreement.Status.SIGNED)
        return agreement

    for module in (access, views, focus_area_access, focus_area_views):
        monkeypatch.setattr(module, "get_agreement_for_user", fetch_then_sign)


def frozen_request(kind: str, agreement: Agreement) -> tuple[str, dict, str]:
    """A change of the kind to the agreement as its page posts it: the URL, the data and text the user typed."""
    from focusareas.services import rows_fingerprint

    section = SectionFactory(agreement=agreement)
    focus_area = FocusAreaFactory(agreement=agreement)
    row = ActivityRowFactory(focus_area=focus_area)
    match kind:
        case "agreement_edit":
            return reverse("agreements:edit", args=[agreement.pk]), edit_data(agreement, purpose="Nytt syfte"), "Nytt"
        case "section_add":
            url = reverse("agreements:section_add", args=[agreement.pk, "appendix"])
            return url, {"heading": "Nytt avsnitt", "body": "", "parent": ""}, "Nytt avsnitt"
        case "section_edit":
            data = {"heading": "Ny rubrik", "body": "", "parent": "", "loaded_version": section.version}
            return reverse("agreements:section_edit", args=[section.pk]), data, "Ny rubrik"
        case "section_delete":
            from samverkan.lib.versions import deletion_fingerprint

            data = {"loaded_fingerprint": deletion_fingerprint(section)}
            return reverse("agreements:section_delete", args=[section.pk]), data, section.heading
        case "focus_area_edit":
            data = {"title": "Ny titel", "loaded_version": focus_area.version}
            return reverse("focusareas:edit", args=[focus_area.pk]), data, "Ny titel"
        case "row_add":
            return reverse("focusareas:row_add", args=[focus_area.pk]), {"activity": "Ny aktivitet"}, "Ny aktivitet"
        case "item_delete":
            from samverkan.lib.versions import deletion_fingerprint

            data = {"loaded_fingerprint": deletion_fingerprint(row)}
            return reverse("focusareas:item_delete", args=["aktivitet", row.pk]), data, row.activity
        case "rows_paste":
            data = {"table": "Inklistrad aktivitet", "confirm": "1", "loaded_fingerprint": rows_fingerprint(focus_area)}
            return reverse("focusareas:rows_paste", args=[focus_area.pk]), data, "Inklistrad aktivitet"
    raise AssertionError(kind)


def content_of(agreement: Agreement) -> str:
    return agreement_fingerprint(agreement) + repr(
        list(Agreement.objects.filter(pk=agreement.pk).values_list("purpose", flat=True))
        + list(Section.objects.filter(agreement=agreement).values_list("heading", flat=True))
        + list(ActivityRow.objects.filter(focus_area__agreement=agreement).values_list("activity", flat=True))
    )


@pytest.mark.parametrize(
    "kind",
    [
        "agreement_edit",
        "section_add",
        "section_edit",
        "section_delete",
        "focus_area_edit",
        "row_add",
        "item_delete",
        "rows_paste",
    ],
)
def test_a_change_posted_while_the_agreement_was_signed_is_refused_on_the_form(
    client, world, editor, signed_meanwhile, kind
):
    url, data, typed = frozen_request(kind, world.agreement)
    before = content_of(world.agreement)
    client.force_login(editor)

    response = client.post(url, data)

    assert response.status_code == 200
    assert [str(error) for error in response.context["form"].non_field_errors()] == [str(FROZEN_MESSAGE)]
    assert typed in response.content.decode()
    assert content_of(world.agreement) == before


@pytest.mark.parametrize("kind", ["section", "aktivitet"])
def test_a_move_posted_while_the_agreement_was_signed_is_refused_with_the_reason(
    client, world, editor, signed_meanwhile, kind
):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    if kind == "section":
        SectionFactory(agreement=world.agreement)
        url = reverse("agreements:section_move", args=[SectionFactory(agreement=world.agreement).pk, "up"])
    else:
        ActivityRowFactory(focus_area=focus_area)
        url = reverse("focusareas:item_move", args=[kind, ActivityRowFactory(focus_area=focus_area).pk, "up"])
    before = content_of(world.agreement)
    client.force_login(editor)

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [str(FROZEN_MESSAGE)]
    assert content_of(world.agreement) == before


def test_after_the_police_area_is_replaced_only_its_own_review_leads_to_signing(
    client, ready, world, editor, reviewer, other_police_reviewer
):
    client.force_login(editor)
    data = edit_data(ready, **{"signatories-1-DELETE": "on"})  # Bo Lind signs for the police area replaced
    row = next(key for key, value in data.items() if value == str(world.police.pk) and key.startswith("parties-"))
    data[row] = str(world.other_police.pk)
    assert client.post(reverse("agreements:edit", args=[ready.pk]), data).status_code == 302
    ready.refresh_from_db()
    assert ready.status == Agreement.Status.DRAFT
    assert list(Commitment.objects.filter(agreement=ready).values_list("review_status", flat=True)) == ["open"]

    response = client.post(reverse("documents:sign", args=[ready.pk]), sign_data(ready, world.municipality))
    assert response.status_code == 200 and "Polisen måste ha granskat" in response.content.decode()

    # Reviewed again, now by the police area that is a party.
    SignatoryFactory(agreement=ready, party=world.other_police, name="Cia Berg", order=1)
    client.post(reverse("focusareas:send_for_review", args=[ready.pk]))
    client.force_login(other_police_reviewer)
    commitment = Commitment.objects.get(agreement=ready)
    decide = reverse("focusareas:commitment_decide", args=[commitment.pk])
    assert client.post(decide, {"action": "accept", "loaded_version": commitment.version}).status_code == 302
    assert sign_by_every_party(Agreement.objects.get(pk=ready.pk)).status == Agreement.Status.SIGNED


def test_signing_needs_each_acceptance_from_a_reviewer_of_a_police_party_of_the_agreement(client, ready, world, editor):
    # The police area replaced behind the forms' back: the acceptance on record is the old police area's.
    Party.objects.filter(agreement=ready, organisation=world.police).update(organisation=world.other_police)
    Signatory.objects.filter(agreement=ready, party=world.police).update(party=world.other_police)
    client.force_login(editor)

    response = client.post(reverse("documents:sign", args=[ready.pk]), sign_data(ready, world.municipality))

    assert response.status_code == 200
    assert "inte godkänts av en granskare" in response.content.decode() and "“fem tillsyner”" in (
        response.content.decode()
    )
    assert Agreement.objects.get(pk=ready.pk).status == Agreement.Status.REVIEW
    assert not ArchivedPdf.objects.exists()


def test_signing_is_refused_when_a_police_party_joined_after_the_acceptances(client, ready, world, editor, reviewer):
    district = PoliceAreaFactory(name="Polisregion Syd", kind=Organisation.Kind.POLICE_DISTRICT)
    Party.objects.create(agreement=ready, organisation=district, order=2)  # behind the forms' back
    client.force_login(editor)

    response = client.post(reverse("documents:sign", args=[ready.pk]), sign_data(ready, world.municipality))

    assert response.status_code == 200
    assert "Polisregion Syd blev part efter att polisen hade granskat" in response.content.decode()
    assert Agreement.objects.get(pk=ready.pk).status == Agreement.Status.REVIEW

    # Accepted again after the district joined, the agreement can be signed.
    accept(Commitment.objects.filter(agreement=ready), reviewer=reviewer)
    assert sign_by_every_party(ready).status == Agreement.Status.SIGNED


def test_revisions_and_renewals_are_named_only_to_those_who_may_open_them(client, signed, world, editor, reviewer):
    revision = agreement_new_revision(agreement=signed)
    renewal = agreement_renew(agreement=Agreement.objects.get(pk=signed.pk))
    for later, title in [(revision, "Reviderad överenskommelse Skogsås"), (renewal, "Förnyad överenskommelse Skogsås")]:
        Party.objects.filter(agreement=later, organisation=world.police).update(organisation=world.other_police)
        Agreement.objects.filter(pk=later.pk).update(title=title)

    client.force_login(reviewer)  # reads the original as the police area that was a party then
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Förnyad överenskommelse Skogsås" not in page
    for later in (revision, renewal):
        assert reverse("documents:detail", args=[later.pk]) not in page
        assert client.get(later.get_absolute_url()).status_code == 404

    client.force_login(editor)  # the municipality is a party of all three
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Förnyad överenskommelse Skogsås" in page
    assert reverse("documents:detail", args=[revision.pk]) in page


def test_a_renewal_links_back_only_for_those_who_may_open_the_original(client, signed, world, other_police_reviewer):
    renewal = agreement_renew(agreement=signed)
    Party.objects.filter(agreement=renewal, organisation=world.police).update(organisation=world.other_police)
    client.force_login(other_police_reviewer)

    page = client.get(renewal.get_absolute_url()).content.decode()

    assert reverse("documents:detail", args=[signed.pk]) not in page
