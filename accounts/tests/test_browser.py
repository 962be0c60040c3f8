"""The organisation pages in a real browser: an administrator invites a colleague, and each page passes axe."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from agreements.models import Membership
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_administrator_invites_a_colleague_and_every_page_is_accessible(page: Page, live_server, world, editor):
    Membership.objects.filter(user=editor).update(is_administrator=True)
    log_in(page, live_server, "editor")
    page.get_by_role("link", name="Organisation", exact=True).click()
    expect(page.locator("h1")).to_have_text("Organisation och användare")
    assert_accessible(page)

    page.get_by_role("link", name="Bjud in en användare").click()
    assert_accessible(page)
    page.locator("#id_email").fill("ny.kollega@hamnstad.se")
    page.locator("#id_first_name").fill("Nora")
    page.locator("#id_last_name").fill("Kollega")
    page.locator("#id_role").select_option("reader")
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.locator("main")).to_contain_text("ny.kollega@hamnstad.se har fått en roll i Hamnstads kommun")
    expect(page.get_by_role("link", name="Ändra roll Nora Kollega")).to_be_visible()

    link = next(line for line in mail.outbox[-1].body.splitlines() if "/aktivera/" in line)
    page.get_by_role("button", name="Logga ut").click()
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.locator("h1")).to_have_text("Välj ditt lösenord")
    assert_accessible(page)
