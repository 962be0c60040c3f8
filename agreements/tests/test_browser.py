"""The agreement pages driven in a real browser: writing an agreement, accessibility, and read-only access."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from agreements.models import Agreement, Section
from agreements.tests.factories import AgreementFactory, SectionFactory, SignatoryFactory
from agreements.views import AGREEMENTS_PER_PAGE
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DETAIL_URL = re.compile(r"/overenskommelser/(\d+)/(#.*)?$")
# Every page a user of the agreements meets, checked one per test so that one page's violations hide no other's.
PAGES = {
    "login": "/logga-in/",
    "list": "/overenskommelser/",
    "detail": "/overenskommelser/{pk}/",
    "edit": "/overenskommelser/{pk}/redigera/",
    "section-add": "/overenskommelser/{pk}/avsnitt/ny/appendix/",
    "history": "/overenskommelser/{pk}/historik/",
    "publish": "/overenskommelser/{pk}/publicera/",
    "password": "/losenord/",
    "preferences": "/installningar/",
}


def add_appendix_section(page: Page, heading: str, *, under: str | None = None, bold: str = "") -> None:
    """From the detail page, add a section to Bilaga 1, typing its text in the rich-text editor."""
    page.get_by_role("link", name="Lägg till avsnitt – Bilaga 1").click()
    page.locator("#id_heading").fill(heading)
    if under:
        # The option's value is the parent's pk; its visible text is "Under <heading>".
        parent = page.locator("#id_parent option", has_text=under).get_attribute("value")
        page.locator("#id_parent").select_option(parent)
    if bold:
        # The toolbar shows once the script has put the editor in the textarea's place; a click sent before that
        # would wait on the textarea the script then hides.
        expect(page.get_by_role("toolbar")).to_be_visible()
        page.get_by_role("textbox", name="Text", exact=True).click()
        page.keyboard.type("Parterna ska ")
        page.get_by_role("toolbar").get_by_role("button", name="Fet", exact=True).click()
        page.keyboard.type(bold)
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url(DETAIL_URL)


def test_staff_create_an_agreement_with_sections_and_a_signatory(page: Page, live_server, editor) -> None:
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/overenskommelser/")
    page.get_by_role("link", name="Ny överenskommelse").click()
    page.locator("#id_title").fill("Samverkan mot brott i Hamnstad")
    page.locator("#id_start_date").fill("2025-01-01")
    page.locator("#id_end_date").fill("2027-12-31")
    expect(page.locator("#id_parties-0-organisation option:checked")).to_have_text("Hamnstads kommun")
    page.locator("select[name=parties-1-organisation]").select_option(label="Lokalpolisområde Hamnstad")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url(DETAIL_URL)

    add_appendix_section(page, "Gemensamma insatser", bold="samverka varje vecka")
    add_appendix_section(page, "Trygghetsvandringar", under="Gemensamma insatser")

    page.get_by_role("link", name="Redigera uppgifter, parter och undertecknare").click()
    page.locator("#id_signatories-0-name").fill("Anna Andersson")
    page.locator("#id_signatories-0-title").fill("Kommunstyrelsens ordförande")
    page.locator("#id_signatories-0-party").select_option(label="Hamnstads kommun")
    page.locator("#id_signatories-0-order").fill("1")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url(DETAIL_URL)

    expect(page.locator("h1")).to_have_text("Samverkan mot brott i Hamnstad")
    expect(page.locator(".section-number")).to_have_text(["1.", "1.1."])
    expect(page.locator(".section-heading")).to_contain_text(["Gemensamma insatser", "Trygghetsvandringar"])
    expect(page.locator(".prose strong")).to_have_text("samverka varje vecka")
    expect(page.locator(".signature-block")).to_contain_text("Anna Andersson")
    expect(page.locator(".signature-block")).to_contain_text("Kommunstyrelsens ordförande")


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_pages_have_no_accessibility_violations(page: Page, live_server, world, editor, path: str) -> None:
    agreement = world.agreement
    first = SectionFactory(agreement=agreement, heading="Lägesbild", body="<p>Parterna tar fram en lägesbild.</p>")
    SectionFactory(agreement=agreement, parent=first, heading="Underlag", body="<p><strong>Statistik</strong></p>")
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Bakgrund")
    SignatoryFactory(agreement=agreement, name="Anna Andersson")
    if path == PAGES["publish"]:  # only a citizen promise is published
        Agreement.objects.filter(pk=agreement.pk).update(kind=Agreement.Kind.CITIZEN_PROMISE)
    if path != PAGES["login"]:
        log_in(page, live_server, "editor")

    page.goto(live_server.url + path.format(pk=agreement.pk))
    if path == PAGES["section-add"]:
        # Check the page as a JavaScript user gets it: with the editor in place of the textarea.
        expect(page.get_by_role("textbox", name="Text", exact=True)).to_be_visible()
    if path == PAGES["publish"]:
        expect(page.locator("h1")).to_have_text("Publicera medborgarlöftet")
    assert_accessible(page)


def test_reader_sees_no_edit_controls(page: Page, live_server, world, reader) -> None:
    SectionFactory(agreement=world.agreement, heading="Lägesbild")
    url = f"{live_server.url}/overenskommelser/{world.agreement.pk}"
    log_in(page, live_server, "reader")

    page.goto(f"{url}/")
    expect(page.locator("h1")).to_have_text(world.agreement.title)
    expect(page.locator("main a[href*='/redigera/'], main a[href*='/avsnitt/'], main form[action]")).to_have_count(0)

    response = page.goto(f"{url}/redigera/")
    assert response is not None and response.status == 403
    expect(page.locator("#id_title")).to_have_count(0)


def test_a_long_list_pages_accessibly_and_a_section_moves_with_the_pages_one_form(
    page: Page, live_server, world, editor
) -> None:
    for number in range(AGREEMENTS_PER_PAGE + 2):
        AgreementFactory(title=f"Trygghet {number:03d}", parties=[world.municipality, world.police])
    SectionFactory(agreement=world.agreement, heading="Lägesbild")
    SectionFactory(agreement=world.agreement, heading="Insatser")
    log_in(page, live_server, "editor")

    page.goto(f"{live_server.url}/overenskommelser/")
    page.get_by_role("navigation", name="Sidor med överenskommelser").get_by_role("link", name="Nästa").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(page.get_by_role("link", name="2", exact=True)).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    page.goto(f"{live_server.url}{world.agreement.get_absolute_url()}")
    page.get_by_role("button", name="Flytta ner 1. Lägesbild").click()
    page.wait_for_url(DETAIL_URL)
    assert list(world.agreement.sections.order_by("order").values_list("heading", flat=True)) == [
        "Insatser",
        "Lägesbild",
    ]
