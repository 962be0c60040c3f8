"""Signing in a real browser: each party approving the draft and signing for itself (the municipality's editor, the
police's reviewer), the archived PDF and its checksum, the frozen agreement, what changed since an approval, a new
revision and what changed in it, renewal for the next period, and signing refused while the police have not accepted
every commitment.

Elements are found by ids, names, URLs and roles, not by their wording, while the Swedish catalogue changes."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from agreements.models import Agreement, ArchivedPdf, Membership, Section, Signatory
from agreements.tests.factories import MembershipFactory, SectionFactory, SignatoryFactory
from documents.models import PartySignature
from documents.tests.helpers import approve_by_every_party, sign_by_every_party
from focusareas.models import Commitment, FocusArea, Goal
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory, GoalFactory, accept
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DETAIL_URL = re.compile(r"/overenskommelser/\d+/(#.*)?$")
SIGN_URL = re.compile(r"/overenskommelser/\d+/underteckna/(\?party=\d+)?$")
COMPARE_URL = re.compile(r"/overenskommelser/\d+/jamfor/$")
SIGNED_ON = date(2026, 11, 20)
SIGNATORIES = [
    ("Anna Andersson", "Kommunstyrelsens ordförande"),
    ("Per Persson", "Lokalpolisområdeschef"),
]


def current_period() -> tuple[date, date]:
    """Four calendar years around today, so that a signed agreement is shown as signed rather than ended."""
    year = timezone.localdate().year
    return date(year - 1, 1, 1), date(year + 2, 12, 31)


def agreement_in_review(world, *, commitment_status: str = Commitment.ReviewStatus.ACCEPTED) -> Agreement:
    """The world's agreement, in review: a section of Bilaga 1 with a subsection, a focus area placed under the
    section with a goal and one commitment serving it in the given review status, and a signatory for each party."""
    agreement = world.agreement
    start, end = current_period()
    Agreement.objects.filter(pk=agreement.pk).update(
        title=f"Samverkansöverenskommelse Hamnstad {start.year}–{end.year}", start_date=start, end_date=end
    )
    parent = SectionFactory(agreement=agreement, heading="Fokusområden", body="<p>Lägesbilden visar…</p>")
    SectionFactory(agreement=agreement, parent=parent, heading="Lägesbild", body="<p>Parterna tar fram den.</p>")
    focus_area = FocusAreaFactory(agreement=agreement, placement=parent, title="Misshandel")
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police])
    if commitment_status == Commitment.ReviewStatus.ACCEPTED:
        reviewer = Membership.objects.filter(organisation=world.police, role=Membership.Role.REVIEWER).first()
        reviewer = reviewer or MembershipFactory(organisation=world.police, role=Membership.Role.REVIEWER)
        accept([commitment], reviewer=reviewer.user)
    else:
        Commitment.objects.filter(pk=commitment.pk).update(review_status=commitment_status)
    commitment.goals.add(GoalFactory(focus_area=focus_area, text="Antalet misshandelsbrott ska minska"))
    for order, ((name, title), party) in enumerate(zip(SIGNATORIES, [world.municipality, world.police], strict=True)):
        SignatoryFactory(agreement=agreement, party=party, name=name, title=title, order=order)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    agreement.refresh_from_db()
    return agreement


def sign(agreement: Agreement) -> Agreement:
    """Every party approves an agreement that is in review and signs it, as the pages do, in Hamnstad on SIGNED_ON."""
    agreement = sign_by_every_party(agreement, place="Hamnstad", day=SIGNED_ON)
    assert agreement.status == Agreement.Status.SIGNED
    return agreement


def fill_sign_form(page: Page) -> None:
    """On the sign page: the place and day the party signed; then submit."""
    page.locator("#id_signing_place").fill("Hamnstad")
    page.locator("#id_signed_on").fill(SIGNED_ON.isoformat())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def act_as(page: Page, live_server, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, username)


def fetch_pdf(page: Page, live_server, link) -> bytes:
    """The PDF a link leads to, fetched with the logged-in browser context's cookies (it is served inline)."""
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200, response.status
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-")
    return body


def pdf_text(body: bytes) -> str:
    """The PDF's text with runs of whitespace made single spaces, so that line breaks do not split names."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


def section_numbers(page: Page) -> list[str]:
    return page.locator("main .section-number").all_inner_texts()


def test_each_party_approves_and_signs_for_itself_and_downloads_the_pdf(
    page: Page, live_server, world, editor, reviewer
) -> None:
    agreement = agreement_in_review(world)
    detail = f"{live_server.url}/overenskommelser/{agreement.pk}/"
    consent = page.locator("main #consent")
    approve = consent.locator('form[action$="/godkann/"] button')
    sign_link = consent.locator('a[href*="/underteckna/"]')

    # The municipality's editor approves the whole draft for the municipality; nobody signs before the police have.
    log_in(page, live_server, "editor")
    page.goto(detail)
    expect(page.locator("main .status-review")).to_have_count(1)
    expect(approve).to_have_count(1)
    assert_accessible(page)
    with page.expect_navigation():
        approve.click()
    expect(approve).to_have_count(0)
    expect(sign_link).to_have_count(0)

    # The police's reviewer approves for the police area, then signs for it.
    act_as(page, live_server, "reviewer")
    page.goto(detail)
    with page.expect_navigation():
        approve.click()
    sign_link.click()
    page.wait_for_url(SIGN_URL)
    assert_accessible(page)
    fill_sign_form(page)
    expect(page).to_have_url(detail)
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.REVIEW  # the municipality's is missing
    expect(sign_link).to_have_count(0)

    # The municipality's editor signs last: the agreement is signed.
    act_as(page, live_server, "editor")
    page.goto(detail)
    sign_link.click()
    page.wait_for_url(SIGN_URL)
    fill_sign_form(page)
    expect(page).to_have_url(detail)

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert (agreement.signing_place, agreement.signing_date) == ("Hamnstad", SIGNED_ON)
    assert [s.signed_on for s in Signatory.objects.filter(agreement=agreement)] == [SIGNED_ON, SIGNED_ON]
    assert set(PartySignature.objects.values_list("recorded_by__username", flat=True)) == {"editor", "reviewer"}
    archived = ArchivedPdf.objects.get(agreement=agreement)
    assert archived.archived_by == editor
    assert re.fullmatch(r"[0-9a-f]{64}", archived.sha256)

    # The detail page shows the agreement as signed, where and when, and its archive entry with the checksum.
    expect(page.locator("main .status-signed")).to_have_count(1)
    expect(page.locator("main .status-review")).to_have_count(0)
    expect(page.locator("main article")).to_contain_text(f"Hamnstad {SIGNED_ON:%Y-%m-%d}")
    archive = page.locator('main section[aria-labelledby="archive-heading"]')
    expect(archive.locator("li")).to_have_count(1)
    expect(archive.locator("code")).to_have_text(archived.sha256)
    archive_link = archive.locator(f'a[href$="/overenskommelser/arkiv/{archived.pk}/"]')
    expect(archive_link).to_have_count(1)

    # The PDF link serves the archived PDF: the signed agreement, unchanged since it was archived.
    body = fetch_pdf(page, live_server, page.locator(f'main a[href$="/overenskommelser/{agreement.pk}/pdf/"]'))
    text = pdf_text(body)
    assert agreement.title in text
    for name, _title in SIGNATORIES:
        assert name in text
    assert "UTKAST" not in text
    assert "DRAFT" not in text
    assert hashlib.sha256(body).hexdigest() == archived.sha256
    assert len(body) == archived.size
    with archived.file.open("rb") as stored:
        assert stored.read() == body
    assert fetch_pdf(page, live_server, archive_link) == body

    # Nothing in a signed agreement can be changed: no edit links, no signing again, and the edit page refuses.
    expect(page.locator('main a[href$="/redigera/"]')).to_have_count(0)
    expect(page.locator('main a[href$="/underteckna/"]')).to_have_count(0)
    response = page.goto(f"{detail}redigera/")
    assert response is not None and response.status == 403
    expect(page.locator("#id_title")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(re.compile("undertecknad", re.IGNORECASE))


def test_a_new_revision_shows_what_changed(page: Page, live_server, world, editor) -> None:
    signed = sign(agreement_in_review(world))
    section = Section.objects.get(agreement=signed, heading="Lägesbild")
    old_title = signed.title
    new_title = old_title.replace("Samverkansöverenskommelse", "Trygghetsöverenskommelse")
    log_in(page, live_server, "editor")

    page.goto(f"{live_server.url}/overenskommelser/{signed.pk}/")
    signed_numbers = section_numbers(page)
    with page.expect_navigation() as navigation:
        page.locator('main a[href$="/ny-revision/"]').click()
    assert_accessible(page)  # the confirmation page
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    assert navigation.value.ok, f"creating the new revision answered {navigation.value.status}"
    draft = Agreement.objects.get(previous_revision=signed)
    expect(page).to_have_url(f"{live_server.url}/overenskommelser/{draft.pk}/")
    assert (draft.status, draft.revision) == (Agreement.Status.DRAFT, 2)
    expect(page.locator("main .status-draft")).to_have_count(1)
    expect(page.locator(f'main a[href$="/overenskommelser/{signed.pk}/"]')).to_have_count(1)

    # A section's heading, on the section's edit page …
    copied = Section.objects.get(agreement=draft, key=section.key)
    page.locator(f'main a[href$="/avsnitt/{copied.pk}/redigera/"]').click()
    page.wait_for_url(re.compile(rf"/avsnitt/{copied.pk}/redigera/$"))
    expect(page.locator("#id_heading")).to_have_value("Lägesbild")
    page.locator("#id_heading").fill("Gemensam lägesbild")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(DETAIL_URL)

    # … and the title, on the agreement's edit page.
    page.locator(f'main a[href$="/overenskommelser/{draft.pk}/redigera/"]').click()
    page.wait_for_url(re.compile(rf"/overenskommelser/{draft.pk}/redigera/$"))
    expect(page.locator("#id_title")).to_have_value(old_title)
    page.locator("#id_title").fill(new_title)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(DETAIL_URL)
    expect(page.locator("h1")).to_have_text(new_title)

    # What changed: exactly the two edits, removed words in <del> and added ones in <ins>.
    page.locator(f'main a[href$="/overenskommelser/{draft.pk}/jamfor/"]').click()
    page.wait_for_url(COMPARE_URL)
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    title_row = rows.filter(has=page.locator("q", has_text=new_title))
    expect(title_row.locator(".diff del")).to_have_text("borttaget: Samverkansöverenskommelse")
    expect(title_row.locator(".diff ins")).to_have_text("tillagt: Trygghetsöverenskommelse")
    heading_row = rows.filter(has=page.locator("q", has_text="Gemensam lägesbild"))
    expect(heading_row.locator(".diff del")).to_have_text("borttaget: Lägesbild")
    expect(heading_row.locator(".diff ins")).to_have_text("tillagt: Gemensam lägesbild")
    expect(page.locator(f'main a[href$="/overenskommelser/{signed.pk}/"]').first).to_be_visible()
    assert_accessible(page)

    # The new revision has the signed one's structure: subsections stay under their sections, focus areas where
    # they were placed, and commitments serve the copies of their goals.
    copied.refresh_from_db()
    parent = Section.objects.get(agreement=draft, key=section.parent.key)
    focus_area = FocusArea.objects.get(agreement=signed)
    assert copied.parent_id == parent.pk, "the copied subsection lost its parent section"
    assert FocusArea.objects.get(agreement=draft, key=focus_area.key).placement_id == parent.pk, (
        "the copied focus area lost its placement"
    )
    commitment = Commitment.objects.get(agreement=signed)
    copied_goals = list(Commitment.objects.get(agreement=draft, key=commitment.key).goals.all())
    assert copied_goals == [Goal.objects.get(agreement=draft, key=commitment.goals.get().key)]
    page.goto(f"{live_server.url}/overenskommelser/{draft.pk}/")
    assert section_numbers(page) == signed_numbers


def test_signing_pages_are_accessible(page: Page, live_server, world, editor) -> None:
    agreement = agreement_in_review(world)
    detail = f"{live_server.url}/overenskommelser/{agreement.pk}/"
    log_in(page, live_server, "editor")

    page.goto(f"{detail}underteckna/")
    expect(page.locator("#id_signed_on")).to_have_attribute("type", "date")
    assert_accessible(page)

    # A change after the parties approved: the approval is withdrawn, and the page says what changed since.
    approve_by_every_party(agreement)
    section = Section.objects.get(agreement=agreement, heading="Lägesbild")
    section.heading = "Gemensam lägesbild"
    section.save()
    Section.objects.filter(pk=section.pk).update(version=section.version + 1)
    page.goto(detail)
    page.locator(f'main #consent a[href$="/andrat-sedan-godkannandet/{world.municipality.pk}/"]').click()
    page.wait_for_url(re.compile(r"/andrat-sedan-godkannandet/\d+/$"))
    expect(page.locator("main table .diff ins")).to_have_text("tillagt: Gemensam lägesbild")
    assert_accessible(page)

    signed = sign(agreement)
    page.goto(detail)
    expect(page.locator("main .status-signed")).to_have_count(1)
    expect(page.locator('main section[aria-labelledby="archive-heading"] code')).to_have_count(1)
    assert_accessible(page)

    # Renewal: a draft for the next period of the same length, its years in the title.
    with page.expect_navigation() as navigation:
        page.locator('main a[href$="/fornya/"]').click()
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    assert navigation.value.ok, f"creating the renewal answered {navigation.value.status}"
    renewal = Agreement.objects.get(renews=signed)
    expect(page).to_have_url(f"{live_server.url}/overenskommelser/{renewal.pk}/")
    start, end = date(signed.end_date.year + 1, 1, 1), date(signed.end_date.year + 4, 12, 31)
    assert (renewal.status, renewal.start_date, renewal.end_date) == (Agreement.Status.DRAFT, start, end)
    expect(page.locator("h1")).to_have_text(f"Samverkansöverenskommelse Hamnstad {start.year}–{end.year}")
    expect(page.locator("main .status-draft")).to_have_count(1)
    expect(page.locator("main article dl")).to_contain_text(f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")
    expect(page.locator(f'main a[href$="/overenskommelser/{signed.pk}/"]')).to_have_count(1)
    assert_accessible(page)


def test_signing_is_refused_while_a_commitment_is_open(page: Page, live_server, world, editor, settings) -> None:
    agreement = agreement_in_review(world, commitment_status=Commitment.ReviewStatus.OPEN)
    detail = f"{live_server.url}/overenskommelser/{agreement.pk}/"
    log_in(page, live_server, "editor")

    page.goto(f"{detail}underteckna/")
    fill_sign_form(page)

    # Back on the form, with the reason as an alert above the fields and the input kept.
    expect(page).to_have_url(SIGN_URL)
    expect(page.locator("main form").get_by_role("alert")).to_have_text("1 åtagande har ännu inte godkänts av polisen.")
    expect(page.locator("#id_signing_place")).to_have_value("Hamnstad")
    assert_accessible(page)

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.REVIEW
    assert (agreement.signing_place, agreement.signing_date) == ("", None)
    assert not ArchivedPdf.objects.exists()
    assert [s.signed_on for s in Signatory.objects.filter(agreement=agreement)] == [None, None]
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf")), "an archive file outlived a refused signing"

    # The agreement is still a draft as far as its PDF goes: rendered now, and marked as one.
    page.goto(detail)
    expect(page.locator("main .status-review")).to_have_count(1)
    text = pdf_text(
        fetch_pdf(page, live_server, page.locator(f'main a[href$="/overenskommelser/{agreement.pk}/pdf/"]'))
    )
    assert agreement.title in text
    assert "UTKAST" in text
