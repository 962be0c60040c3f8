"""Nothing typed is lost, driven in a real browser: "Fortsätt arbeta" before the idle timeout keeps the session;
text typed into a follow-up form survives the timeout and a new login; a number typed with a decimal comma in a
browser speaking English is stored as it reads, and a tenfold jump asks for confirmation."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from followup.models import CommitmentOutcome, IndicatorValue, PartyComment
from followup.services import report_start
from samverkan.tests.browser import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

IDLE_SECONDS = 6
COMMENT = "Sex krogtillsyner, två av dem en lördagskväll."


@pytest.fixture
def report(signed_agreement):
    return report_start(agreement=signed_agreement, year=2024, copy_previous=False)


def edit_url(live_server, report) -> str:
    focus_area = report.agreement.focus_areas.get()
    return f"{live_server.url}/overenskommelser/{report.agreement_id}/uppfoljning/2024/fyll-i/{focus_area.pk}/"


def drafts(page: Page) -> list[str]:
    return page.evaluate("Object.keys(sessionStorage).filter(key => key.startsWith('samverkan-draft'))")


def test_text_typed_survives_the_idle_timeout_and_a_new_login(
    page: Page, live_server, settings, world, report, reviewer
) -> None:
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    police = CommitmentOutcome.objects.get(report=report, commitment__text="polisens krogtillsyner")
    log_in(page, live_server, "reviewer")
    page.goto(edit_url(live_server, report))
    comment = page.locator(f'main [name="c{police.pk}-comment_{world.police.pk}"]')
    comment.fill(COMMENT)

    # The page warns before the end, then says the session has ended.
    expect(page.get_by_role("button", name="Fortsätt arbeta")).to_be_visible()
    expect(page.locator("#session-ended")).to_be_visible()
    assert_accessible(page)

    # Saving now leads to the login page; logging in again leads back to the form with the text.
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/logga-in/\?next="))
    form = page.locator("main form")
    form.locator("#id_username").fill("reviewer")
    form.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page).to_have_url(edit_url(live_server, report))
    expect(comment).to_have_value(COMMENT)
    expect(page.locator("main .alert-info")).to_contain_text("lagts tillbaka")
    assert not PartyComment.objects.get(outcome=police).text

    # Saved, the text is stored and the browser keeps nothing more.
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/uppfoljning/2024/(#.*)?$"))
    assert PartyComment.objects.get(outcome=police).text == COMMENT
    assert drafts(page) == []


def test_continue_working_keeps_the_session(page: Page, live_server, settings, report, reviewer) -> None:
    idle = 14  # the warning comes half-way, leaving time for the accessibility check before the end
    settings.SESSION_COOKIE_AGE = idle
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/overenskommelser/{report.agreement_id}/uppfoljning/2024/")
    keep_working = page.get_by_role("button", name="Fortsätt arbeta")
    expect(keep_working).to_be_visible(timeout=idle * 1000)
    assert_accessible(page)
    keep_working.click()
    expect(keep_working).to_be_hidden()
    page.wait_for_timeout(idle // 2 * 1000)  # past the end the login had given the session
    expect(page.locator("#session-ended")).to_be_hidden()
    page.reload()
    expect(page).to_have_url(re.compile(r"/uppfoljning/2024/$"))


def test_a_decimal_comma_in_an_english_browser_and_a_tenfold_jump(chromium, live_server, report, reviewer) -> None:
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        value = IndicatorValue.objects.get(report=report)
        log_in(page, live_server, "reviewer")
        page.goto(edit_url(live_server, report))
        field = page.locator(f'main [name="i{value.pk}-value"]')
        field.fill("1 250,5")  # the baseline is 120: more than tenfold
        page.locator("main form button[type=submit]").click()
        confirm = page.get_by_label("Ja, värdet stämmer")
        expect(confirm).to_be_visible()
        expect(field).to_have_value("1250,5")
        assert_accessible(page)
        field.fill("112,5")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/uppfoljning/2024/(#.*)?$"))
        value.refresh_from_db()
        assert value.value == Decimal("112.5")
    finally:
        context.close()
