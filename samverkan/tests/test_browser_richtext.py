"""Text pasted from Word into the rich-text editor, in Chromium: its lists and headings are saved as lists and
headings, not as paragraphs starting with "·"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from agreements.models import Section
from samverkan.tests.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CLIPBOARD = Path(__file__).parent / "fixtures" / "clipboard"
DETAIL_URL = re.compile(r"/overenskommelser/(\d+)/(#.*)?$")


def paste(editor: Locator, html: str, text: str) -> None:
    """What Ctrl+V does with a copy from Word: a paste event carrying its HTML and its plain text."""
    editor.evaluate(
        """(element, [html, text]) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", text);
            element.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [html, text],
    )


def test_word_lists_and_headings_pasted_into_the_editor_are_saved_as_lists_and_headings(
    page: Page, live_server, world, editor
) -> None:
    log_in(page, live_server, "editor")
    page.goto(live_server.url + reverse("agreements:section_add", args=[world.agreement.pk, "appendix"]))
    page.locator("#id_heading").fill("Ansvar")
    text = page.get_by_role("textbox", name="Text", exact=True)
    text.click()

    paste(text, (CLIPBOARD / "word_headings.html").read_text(), "Bakgrund och uppdrag")
    paste(text, (CLIPBOARD / "word_nested_list.html").read_text(), "·\tPolisen\no\tkommunpolis")
    # Word's list marks are kept for the server, its styles are not (the page's CSP would refuse them).
    expect(text.locator("[data-mso-list]").first).to_be_attached()
    expect(text.locator("[style]")).to_have_count(0)
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url(DETAIL_URL)

    body = re.sub(r">\s+<", "><", Section.objects.get(heading="Ansvar").body)
    assert "<h3>Bakgrund och uppdrag</h3>" in body
    assert "<h4>Lägesbild</h4>" in body and "<h4>Problemindex per ort</h4>" in body
    assert (
        "<ul><li>Polisen<ul><li>kommunpolis</li><li>områdespolis</li></ul></li>"
        "<li>Kommunen<ul><li>säkerhetssamordnare</li></ul></li></ul>"
    ) in body
    assert "·" not in body and "<p></p>" not in body
    expect(page.locator(".prose ul ul li")).to_have_text(["kommunpolis", "områdespolis", "säkerhetssamordnare"])


def test_bold_and_italic_said_in_styles_stay_and_a_wrapper_that_is_not_bold_goes(
    page: Page, live_server, world, editor
) -> None:
    """Google Docs copies bold and italic as styles and wraps everything in a <b> that is not bold."""
    log_in(page, live_server, "editor")
    page.goto(live_server.url + reverse("agreements:section_add", args=[world.agreement.pk, "appendix"]))
    page.locator("#id_heading").fill("Lägesbild")
    text = page.get_by_role("textbox", name="Text", exact=True)
    text.click()

    paste(
        text,
        '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-3f2a"><p dir="ltr">'
        '<span style="font-weight:700;">Påtagliga problem</span><span style="font-weight:400;"> i </span>'
        '<span style="font-style:italic;">centrum</span></p></b>',
        "Påtagliga problem i centrum",
    )
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url(DETAIL_URL)

    assert (
        Section.objects.get(heading="Lägesbild").body == "<p><strong>Påtagliga problem</strong> i <em>centrum</em></p>"
    )
