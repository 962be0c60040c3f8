"""The yearly follow-up driven in a real browser: a year started, filled in by the municipality and the police each
for its own part, submitted, confirmed and approved by the council with its archived PDF; the accessibility of the
follow-up pages; and statuses that are never shown by colour alone.

Elements are found by ids, names, URLs and roles, not by their wording, while the Swedish catalogue changes."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from agreements.models import Agreement
from followup import services
from followup.models import (
    ActivityOutcome,
    ArchivedReport,
    CommitmentOutcome,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
    Status,
)
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

YEAR = 2024
APPROVED_ON = date(2025, 3, 18)
CASE_NUMBER = "KS 2025/112"
POLICE_COMMITMENT = "polisens krogtillsyner"
MUNICIPAL_COMMITMENT = "kommunens tillsynsbesök"
JOINT_COMMITMENT = "gemensam vandring"
MUNICIPAL_COMMENT = "Fyra tillsynsbesök på serveringsställen under våren."
POLICE_COMMENT = "Sex krogtillsyner, två av dem en lördagskväll."
SUMMARY = "Året präglades av fler tillsyner och ett gemensamt arbete mot narkotika."
CONCLUSIONS = "Parterna fortsätter med tillsynerna och följer avloppsanalyserna."
LOGIN_URL = re.compile(r"/logga-in/")


def report_url(live_server, agreement: Agreement, year: int = YEAR) -> str:
    return f"{live_server.url}/overenskommelser/{agreement.pk}/uppfoljning/{year}/"


def report_page_url(agreement: Agreement, year: int = YEAR) -> re.Pattern:
    """The report page, possibly at one of its anchors (saving a part leads back to it)."""
    return re.compile(rf"/overenskommelser/{agreement.pk}/uppfoljning/{year}/(#.*)?$")


def outcome(text: str, year: int = YEAR) -> CommitmentOutcome:
    return CommitmentOutcome.objects.get(commitment__text=text, report__year=year)


def fill_in_links(page: Page):
    """The report page's links to fill in a focus area (or the other commitments), not the summary."""
    return page.locator('main a[href*="/fyll-i/"]:not([href$="/fyll-i/sammanfattning/"])')


def log_out(page: Page) -> None:
    """Log out with the navigation bar's button and wait for the login page it leads to."""
    page.locator('header form[action$="/logga-ut/"] button[type=submit]').click()
    page.wait_for_url(LOGIN_URL)


def switch_user(page: Page, live_server, username: str) -> None:
    log_out(page)
    log_in(page, live_server, username)


def save_form(page: Page, agreement: Agreement) -> None:
    """Save the fill-in page's form and wait for the report page it leads back to."""
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(report_page_url(agreement))


def press(page: Page, action: str) -> None:
    """Press the button of one of the report's transitions (submit, confirm, approve) and wait for the page."""
    with page.expect_navigation() as navigation:
        page.locator(f'main form[action$="/{action}/"] button[type=submit]').click()
    assert navigation.value is not None and navigation.value.ok, f"{action} answered {navigation.value.status}"


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


def give_emails(*users) -> None:
    for user in users:
        user.email = f"{user.username}@hamnstad.example"
        user.save()


def test_a_year_is_filled_in_submitted_confirmed_and_approved(
    page: Page, live_server, world, signed_agreement, editor, reviewer, reader, mailoutbox
) -> None:
    give_emails(editor, reviewer, reader)
    agreement = signed_agreement
    focus_area = agreement.focus_areas.get()

    # The editor starts 2024 from the follow-up index and lands on the report page.
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/overenskommelser/{agreement.pk}/uppfoljning/")
    start = page.locator('main form[action$="/uppfoljning/ny/"]')
    start.locator("#id_year").select_option(str(YEAR))
    with page.expect_navigation():
        start.locator("button[type=submit]").click()
    expect(page).to_have_url(report_url(live_server, agreement))
    report = FollowUpReport.objects.get(agreement=agreement, year=YEAR)
    assert report.stage == FollowUpReport.Stage.DRAFT
    police, municipal, joint = outcome(POLICE_COMMITMENT), outcome(MUNICIPAL_COMMITMENT), outcome(JOINT_COMMITMENT)
    activity = ActivityOutcome.objects.get(report=report)
    value = IndicatorValue.objects.get(report=report)

    # … fills in the municipality's part of the focus area: only its own and the joint commitments have forms.
    links = fill_in_links(page)
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", re.compile(rf"/fyll-i/{focus_area.pk}/$"))
    links.click()
    page.wait_for_url(re.compile(rf"/uppfoljning/{YEAR}/fyll-i/{focus_area.pk}/$"))
    expect(page.locator(f'main [name^="c{police.pk}-"]')).to_have_count(0)
    expect(page.locator(f'main [name="c{joint.pk}-comment_{world.municipality.pk}"]')).to_have_count(1)
    expect(page.locator(f'main [name="c{joint.pk}-comment_{world.police.pk}"]')).to_have_count(0)
    page.locator(f"#id_c{municipal.pk}-status").select_option(Status.ONGOING)
    page.locator(f"#id_c{municipal.pk}-achieved").fill("4")
    page.locator(f"#id_c{municipal.pk}-comment_{world.municipality.pk}").fill(MUNICIPAL_COMMENT)
    page.locator(f"#id_a{activity.pk}-status").select_option(Status.DONE)
    page.locator(f"#id_i{value.pk}-value").fill("95")
    save_form(page, agreement)
    municipal.refresh_from_db()
    activity.refresh_from_db()
    value.refresh_from_db()
    assert (municipal.status, municipal.achieved) == (Status.ONGOING, 4)
    assert municipal.party_comments.get(party=world.municipality).text == MUNICIPAL_COMMENT
    assert activity.status == Status.DONE
    assert value.value == 95
    expect(page.locator("main")).to_contain_text(MUNICIPAL_COMMENT)

    # … writes the report's summary and conclusions.
    page.locator('main a[href$="/fyll-i/sammanfattning/"]').click()
    page.wait_for_url(re.compile(rf"/uppfoljning/{YEAR}/fyll-i/sammanfattning/$"))
    page.locator("#id_report-summary").fill(SUMMARY)
    page.locator("#id_report-conclusions").fill(CONCLUSIONS)
    save_form(page, agreement)
    report.refresh_from_db()
    assert (report.summary, report.conclusions) == (SUMMARY, CONCLUSIONS)
    expect(page.locator("main")).to_contain_text(SUMMARY)
    expect(page.locator("main")).to_contain_text(CONCLUSIONS)

    # … and submits it to the police, whose reviewer is told by e-mail.
    assert mailoutbox == []
    press(page, "submit")
    expect(page).to_have_url(report_page_url(agreement))
    report.refresh_from_db()
    assert report.stage == FollowUpReport.Stage.SUBMITTED
    assert [message.to for message in mailoutbox] == [[reviewer.email]]
    assert f"/overenskommelser/{agreement.pk}/uppfoljning/{YEAR}/" in mailoutbox[0].body
    expect(page.locator('main form[action$="/submit/"]')).to_have_count(0)

    # The reviewer fills in the police's part: no form for the municipality's commitment.
    switch_user(page, live_server, "reviewer")
    page.goto(report_url(live_server, agreement))
    fill_in_links(page).click()
    page.wait_for_url(re.compile(rf"/uppfoljning/{YEAR}/fyll-i/{focus_area.pk}/$"))
    expect(page.locator(f'main [name^="c{municipal.pk}-"]')).to_have_count(0)
    expect(page.locator(f'main [name="c{joint.pk}-comment_{world.police.pk}"]')).to_have_count(1)
    expect(page.locator(f'main [name="c{joint.pk}-comment_{world.municipality.pk}"]')).to_have_count(0)
    page.locator(f"#id_c{police.pk}-status").select_option(Status.DONE)
    page.locator(f"#id_c{police.pk}-achieved").fill("6")
    page.locator(f"#id_c{police.pk}-comment_{world.police.pk}").fill(POLICE_COMMENT)
    save_form(page, agreement)
    police.refresh_from_db()
    assert (police.status, police.achieved) == (Status.DONE, 6)
    assert police.party_comments.get(party=world.police).text == POLICE_COMMENT
    municipal.refresh_from_db()
    assert (municipal.status, municipal.achieved) == (Status.ONGOING, 4), "the police changed the municipality's part"
    assert municipal.party_comments.get(party=world.municipality).text == MUNICIPAL_COMMENT

    # … and confirms the follow-up, which goes to the council: the municipality's editor and reader are told.
    press(page, "confirm")
    report.refresh_from_db()
    assert report.stage == FollowUpReport.Stage.CONFIRMED
    assert len(mailoutbox) == 2
    assert sorted(mailoutbox[1].to) == sorted([editor.email, reader.email])
    expect(fill_in_links(page)).to_have_count(0)

    # The council's reader records the approval; the report page shows it.
    switch_user(page, live_server, "reader")
    page.goto(report_url(live_server, agreement))
    approve = page.locator('main form[action$="/approve/"]')
    expect(approve.locator("#id_approved_on")).to_have_attribute("type", "date")
    approve.locator("#id_approved_on").fill(APPROVED_ON.isoformat())
    approve.locator("#id_case_number").fill(CASE_NUMBER)
    press(page, "approve")
    expect(page).to_have_url(report_page_url(agreement))
    report.refresh_from_db()
    assert (report.stage, report.approved_on, report.case_number) == (
        FollowUpReport.Stage.APPROVED,
        APPROVED_ON,
        CASE_NUMBER,
    )
    assert len(mailoutbox) == 3
    assert sorted(mailoutbox[2].to) == sorted([editor.email, reviewer.email])
    expect(page.locator('main form[action$="/approve/"]')).to_have_count(0)
    approval = page.locator('main section[aria-labelledby="approval-heading"]')
    expect(approval).to_contain_text(CASE_NUMBER)
    expect(approval).to_contain_text(APPROVED_ON.isoformat())

    # The PDF link serves the archived PDF: both commitments and the case number, unchanged since archived.
    archived = ArchivedReport.objects.get(report=report)
    assert archived.archived_by == reader
    link = page.locator('main a[href$="/pdf/"]')
    expect(link).to_have_count(1)
    body = fetch_pdf(page, live_server, link)
    text = pdf_text(body)
    for expected in (POLICE_COMMITMENT, MUNICIPAL_COMMITMENT, CASE_NUMBER):
        assert expected in text, f"{expected!r} is not in the PDF"
    assert hashlib.sha256(body).hexdigest() == archived.sha256
    assert len(body) == archived.size

    # Nothing can be filled in any more: no links for the parties, and the fill-in pages refuse them.
    for username in ("editor", "reviewer"):
        switch_user(page, live_server, username)
        page.goto(report_url(live_server, agreement))
        expect(page.locator('main section[aria-labelledby="approval-heading"]')).to_contain_text(CASE_NUMBER)
        expect(page.locator('main a[href*="/fyll-i/"]')).to_have_count(0)
        for part in (str(focus_area.pk), "sammanfattning"):
            response = page.goto(f"{report_url(live_server, agreement)}fyll-i/{part}/")
            assert response is not None and response.status == 403, (username, part, response and response.status)
            expect(page.locator("main form[enctype] select")).to_have_count(0)
    assert len(mailoutbox) == 3
    police.refresh_from_db()
    assert (police.status, police.achieved) == (Status.DONE, 6)


def started_report(agreement: Agreement, world, *, year: int = YEAR) -> FollowUpReport:
    """A report for the year with a value for every line: statuses, numbers, comments and the indicator's value."""
    report = services.report_start(agreement=agreement, year=year, copy_previous=True)
    CommitmentOutcome.objects.filter(report=report, commitment__text=POLICE_COMMITMENT).update(
        status=Status.PARTLY_DONE, achieved=3 + year - YEAR
    )
    CommitmentOutcome.objects.filter(report=report, commitment__text=MUNICIPAL_COMMITMENT).update(
        status=Status.ONGOING, achieved=4
    )
    CommitmentOutcome.objects.filter(report=report, commitment__text=JOINT_COMMITMENT).update(status=Status.DROPPED)
    PartyComment.objects.filter(outcome__report=report, party=world.police).update(text=POLICE_COMMENT)
    PartyComment.objects.filter(outcome__report=report, party=world.municipality).update(text=MUNICIPAL_COMMENT)
    ActivityOutcome.objects.filter(report=report).update(status=Status.DONE, comment="Två mätningar gjordes.")
    IndicatorValue.objects.filter(report=report).update(value=110 - 10 * (year - 2023), source="BRÅ")
    return report


@pytest.fixture
def followed_up(world, signed_agreement) -> FollowUpReport:
    """2023 and 2024 of the signed agreement filled in, so the report page has last year's statuses and a chart
    with two values besides the baseline."""
    started_report(signed_agreement, world, year=2023)
    return started_report(signed_agreement, world, year=YEAR)


def test_follow_up_pages_are_accessible(
    page: Page, live_server, world, signed_agreement, followed_up, editor, reviewer, reader
) -> None:
    agreement = signed_agreement
    focus_area = agreement.focus_areas.get()
    report = report_url(live_server, agreement)

    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/overenskommelser/{agreement.pk}/uppfoljning/")
    expect(page.locator(f'main a[href$="/uppfoljning/{YEAR}/"]')).to_have_count(1)
    expect(page.locator('main form[action$="/uppfoljning/ny/"] #id_year')).to_have_count(1)
    assert_accessible(page)

    page.goto(report)
    expect(page.locator("main figure.indicator svg")).to_have_count(1)
    expect(page.locator(f"main section#focus-area-{focus_area.pk} .commitment-outcome")).to_have_count(3)
    expect(page.locator('main form[action$="/submit/"]')).to_have_count(1)
    assert_accessible(page)

    page.goto(f"{report}fyll-i/{focus_area.pk}/")
    expect(page.locator("main form select").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"{report}fyll-i/sammanfattning/")
    expect(page.locator("#id_report-summary")).to_be_visible()
    assert_accessible(page)

    switch_user(page, live_server, "reviewer")
    page.goto(f"{report}fyll-i/{focus_area.pk}/")
    police = outcome(POLICE_COMMITMENT)
    expect(page.locator(f"#id_c{police.pk}-status")).to_be_visible()
    assert_accessible(page)

    services.report_submit(report=followed_up, user=editor)
    services.report_confirm(report=followed_up, user=reviewer)
    switch_user(page, live_server, "reader")
    page.goto(report)
    expect(page.locator('main form[action$="/approve/"] #id_approved_on')).to_be_visible()
    expect(page.locator('main form[action$="/approve/"] #id_case_number')).to_be_visible()
    assert_accessible(page)


def test_status_is_never_shown_by_colour_alone(page: Page, live_server, signed_agreement, followed_up, reader) -> None:
    log_in(page, live_server, "reader")
    page.goto(report_url(live_server, signed_agreement))
    labels = page.locator("main .status-label")
    # Every status in the year-at-a-glance table, and per line this year's and last year's.
    expect(labels.first).to_be_visible()
    texts = labels.all_inner_texts()
    assert len(texts) >= len(Status.choices) + 2 * (1 + 3)
    assert all(text.strip() for text in texts), f"a status shown without words: {texts}"
