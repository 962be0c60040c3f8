"""The start page in a real browser: logging in leads to "Att göra", whose items lead to the step that waits, and the
page meets WCAG 2.1 AA with items on it and without."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from agreements.models import Agreement
from agreements.tests.factories import AgreementFactory
from focusareas.models import Commitment
from focusareas.services import agreement_send_for_review, commitment_request_change
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory
from followup.services import report_start, report_submit
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def waiting(world, editor, reviewer):
    """A change request in review for the editor to answer, and a year's follow-up to fill in."""
    focus_area = FocusAreaFactory(agreement=world.agreement)
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police], text="krogtillsyner")
    agreement_send_for_review(agreement=world.agreement, user=editor)
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment_request_change(commitment=commitment, user=reviewer, loaded_version=commitment.version, text="Antal?")
    signed = AgreementFactory(
        title="Samverkansöverenskommelse Hamnstad 2023", parties=[world.municipality, world.police]
    )
    Agreement.objects.filter(pk=signed.pk).update(status=Agreement.Status.SIGNED)
    report_start(agreement=Agreement.objects.get(pk=signed.pk), year=2024, copy_previous=False)
    return world


def test_the_start_page_leads_to_what_waits(page: Page, live_server, waiting, editor) -> None:
    log_in(page, live_server, "editor")
    expect(page).to_have_url(f"{live_server.url}/")
    items = page.locator("main .todo-list li")
    expect(items).to_have_count(2)
    assert_accessible(page)
    items.get_by_role("link", name=re.compile("Ändring begärd")).click()
    page.wait_for_url(re.compile(rf"/overenskommelser/{waiting.agreement.pk}/granskning/$"))


def test_the_empty_start_page_is_accessible(page: Page, live_server, outsider) -> None:
    log_in(page, live_server, "outsider")
    expect(page.locator("main .alert-success")).to_be_visible()
    assert_accessible(page)


def test_a_user_turns_e_mail_off_on_their_settings_page(page: Page, live_server, editor) -> None:
    log_in(page, live_server, "editor")
    page.get_by_role("link", name="Mina inställningar").click()
    checkbox = page.get_by_role("checkbox")
    expect(checkbox).to_be_checked()
    checkbox.uncheck()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.get_by_role("checkbox")).not_to_be_checked()
    assert_accessible(page)


def test_the_editor_sets_a_deadline_and_a_late_year_shows_on_the_start_page(
    page: Page, live_server, world, editor
) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/overenskommelser/{world.agreement.pk}/uppfoljning/")
    form = page.locator(f'main form[action$="/{world.agreement.pk}/uppfoljning/tidsfrist/"]')
    form.locator("#id_year").select_option("2024")
    form.locator("#id_due_on").fill("2025-03-14")
    form.locator("#id_note").fill("före kommunstyrelsens möte i mars")
    form.locator("button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text("före kommunstyrelsens möte i mars")
    expect(page.locator("main table .badge")).to_have_text("Försenad")
    assert_accessible(page)
    page.get_by_role("link", name="Att göra").click()
    item = page.locator("main .todo-list li")
    expect(item).to_contain_text("Starta uppföljningen för 2024")
    expect(item.locator(".badge")).to_have_text("Försenad")
    assert_accessible(page)


def test_the_police_send_a_follow_up_back_and_the_municipality_sees_it_waiting(
    page: Page, live_server, world, editor, reviewer
) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    report = report_start(agreement=Agreement.objects.get(pk=world.agreement.pk), year=2024, copy_previous=False)
    report_submit(report=report, user=editor)
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    assert_accessible(page)
    form = page.locator('main form[action$="/send-back/"]')
    form.locator("textarea").fill("Polisens siffror saknas.")
    form.locator("button[type=submit]").click()
    expect(page.locator("main .alert-warning")).to_contain_text("Polisens siffror saknas.")
    page.locator('header form[action$="/logga-ut/"] button[type=submit]').click()
    page.wait_for_url(re.compile(r"/logga-in/"))
    log_in(page, live_server, "editor")
    expect(page.locator("main .todo-list li")).to_contain_text("Tillbakaskickad av polisen")
    assert_accessible(page)
