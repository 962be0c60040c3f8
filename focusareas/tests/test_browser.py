"""The focus-area pages driven in a real browser: from a pasted table to an agreement the police have reviewed,
accessibility of every focus-area page, and adding an activity with the keyboard alone.

Elements are found by ids, names, URLs and roles, not by their wording, while the Swedish catalogue changes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import Page, expect

from agreements.models import Agreement
from agreements.tests.factories import SectionFactory
from focusareas.models import (
    ActionPlan,
    ActivityRow,
    Commitment,
    FocusArea,
    FocusAreaSection,
    Goal,
    Indicator,
    ReviewEntry,
)
from focusareas.services import agreement_check_ready_for_signing
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WORKBENCH = "/overenskommelser/{pk}/fokusomraden/"
REVIEW = "/overenskommelser/{pk}/granskning/"
WORKBENCH_URL = re.compile(r"/overenskommelser/\d+/fokusomraden/(#.*)?$")
REVIEW_URL = re.compile(r"/overenskommelser/\d+/granskning/(#.*)?$")
LOGIN_URL = re.compile(r"/logga-in/")

# Trelleborg 2023–2026, 3.1 Brottsstatistik / Misshandel, as Excel copies it: tab-separated cells, CR LF at the end
# of each row, and a cell with a line break inside quoted, the break itself a bare LF.
PASTED_TABLE = (
    "Aktivitet\tÅtgärd\tUppföljning\tMål/Effekt\r\n"
    "Kartlägga var och när misshandelsbrott sker\t"
    "Utifrån kartläggning, identifiera vilka åtgärder som kommun och polis kan vidta\t"
    "Handlingsplan Brottsstatistik\t"
    "Antalet misshandelsbrott ska minska\r\n"
    "Fortsatt arbete mot våld i nära relation\t"
    "Eget fokusområde inom ramen för Tryggare Trelleborg där även hedersrelaterat våld ingår\t"
    '"Handlingsplan Brottsstatistik\nIntern statistik"\t'
    "Antalet våldsbrott i nära relation eller där gärningsperson och offer är bekanta ska minska\r\n"
)

# Sölvesborg 2017–2020, Handlingsplan 2017, 4. Minska tillgång till och konsumtion av alkohol och droger.
POLICE_COMMITMENT = "genomföra minst fem dokumenterade krogtillsyner tillsammans med kommunen under året."
MUNICIPALITY_COMMITMENT = (
    "genomföra minst fem dokumenterade krogtillsyner tillsammans med polisen under avtalsperioden."
)
REVISED_POLICE_COMMITMENT = (
    "genomföra minst fem dokumenterade krogtillsyner tillsammans med kommunen under året, "
    "varav minst två en fredag eller lördag kväll."
)
CHANGE_REQUEST = "Ange hur många av tillsynerna som ska ske under helgkvällar, då problemen är störst."


def log_out(page: Page) -> None:
    """Log out with the navigation bar's button and wait for the login page it leads to."""
    page.locator('header form[action$="/logga-ut/"] button[type=submit]').click()
    page.wait_for_url(LOGIN_URL)


def paste_link(page: Page, focus_area: FocusArea):
    return page.locator(f'a[href$="/fokusomraden/{focus_area.pk}/klistra-in/"]')


def add_commitment_inline(page: Page, focus_area: FocusArea, *, party, text: str, role: str, scope: str) -> Commitment:
    """Open the add-commitment form in place with htmx, fill it in and save it; return the saved commitment."""
    container = page.locator(f"#commitments-{focus_area.pk}")
    page.locator(f'a[href$="/ataganden/nytt/?focus_area={focus_area.pk}"]').click()
    form = container.locator(".item-form form")
    expect(form).to_be_visible()
    form.locator(f'input[name=parties][value="{party.pk}"]').check()
    form.locator("[name=text]").fill(text)
    form.locator("[name=responsible_role]").fill(role)
    form.locator("[name=target_value]").fill("5")
    form.locator("[name=target_unit]").fill("krogtillsyner")
    form.locator("[name=target_scope]").select_option(scope)
    form.locator("button[type=submit]").click()
    expect(container.locator(".item-form")).to_have_count(0)
    commitment = Commitment.objects.get(text=text)
    item = page.locator(f"#commitment-{commitment.pk}")
    expect(item).to_be_visible()
    expect(item).to_contain_text(text)
    expect(item).to_contain_text(party.name)
    expect(item).to_contain_text("krogtillsyner")
    expect(item.locator(".review-open")).to_have_count(1)
    return commitment


def decide(page: Page, commitment: Commitment, action: str, comment: str = "") -> None:
    """On the review page, comment on a commitment and press its accept or request-change button."""
    article = page.locator(f"article#commitment-{commitment.pk}")
    if comment:
        article.locator(f"#comment-{commitment.pk}").fill(comment)
    with page.expect_navigation():
        article.locator(f"button[name=action][value={action}]").click()
    expect(page).to_have_url(REVIEW_URL)


def test_review_of_an_agreement_from_paste_to_ready_for_signing(
    page: Page, live_server, world, editor, reviewer, mailoutbox
) -> None:
    editor.email = "sakerhetsenheten@hamnstad.example"
    editor.save()
    reviewer.email = "kommunpolis.hamnstad@polisen.example"
    reviewer.save()
    agreement = world.agreement
    review = live_server.url + REVIEW.format(pk=agreement.pk)

    # The editor writes a focus area under the group heading Brottsstatistik, as Trelleborg's 3.1.
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/overenskommelser/{agreement.pk}/fokusomraden/nytt/")
    page.locator("[name=title]").fill("Misshandel")
    page.locator("[name=group_heading]").fill("Brottsstatistik")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(WORKBENCH_URL)
    focus_area = FocusArea.objects.get(agreement=agreement)
    assert (focus_area.title, focus_area.group_heading) == ("Misshandel", "Brottsstatistik")
    expect(page.locator(f"#focus-area-{focus_area.pk}-heading")).to_have_text("Misshandel")

    # … pastes the table of activities, checks the preview and confirms.
    paste_link(page, focus_area).click()
    page.wait_for_url(re.compile(r"/klistra-in/$"))
    page.locator("#id_table").fill(PASTED_TABLE)
    page.locator("main form button[type=submit]").click()
    preview = page.locator("main table tbody tr")
    expect(preview).to_have_count(2)  # the header row is not an activity
    expect(preview.nth(0)).to_contain_text("Kartlägga var och när misshandelsbrott sker")
    expect(preview.nth(1).locator("td").nth(3).locator("br")).to_have_count(1)  # the quoted cell's line break
    assert not ActivityRow.objects.exists(), "nothing is saved before the paste is confirmed"
    page.locator("main form button[name=confirm]").click()
    page.wait_for_url(WORKBENCH_URL)
    rows = list(focus_area.rows.all())
    assert [row.activity for row in rows] == [
        "Kartlägga var och när misshandelsbrott sker",
        "Fortsatt arbete mot våld i nära relation",
    ]
    assert rows[1].follow_up == "Handlingsplan Brottsstatistik\nIntern statistik"
    assert rows[1].goal_effect.startswith("Antalet våldsbrott i nära relation")
    shown = page.locator(f"#rows-{focus_area.pk} .activity-row")
    expect(shown).to_have_count(2)
    expect(page.locator(f"#row-{rows[0].pk}")).to_contain_text("Antalet misshandelsbrott ska minska")
    expect(page.locator(f"#row-{rows[1].pk}")).to_contain_text("Intern statistik")

    # … adds a commitment for each party in place (htmx), without the page being loaded again.
    page.evaluate("() => { window.__marker = 1; }")
    police_commitment = add_commitment_inline(
        page, focus_area, party=world.police, text=POLICE_COMMITMENT, role="kommunpolisen", scope="per_year"
    )
    municipality_commitment = add_commitment_inline(
        page,
        focus_area,
        party=world.municipality,
        text=MUNICIPALITY_COMMITMENT,
        role="handläggaren på tillståndsenheten",
        scope="period",
    )
    assert page.evaluate("() => window.__marker") == 1, "saving a commitment loaded the page again"
    assert list(police_commitment.parties.all()) == [world.police]
    assert (police_commitment.target_value, police_commitment.target_unit, police_commitment.target_scope) == (
        5,
        "krogtillsyner",
        Commitment.TargetScope.PER_YEAR,
    )
    assert list(municipality_commitment.parties.all()) == [world.municipality]
    assert municipality_commitment.target_scope == Commitment.TargetScope.PERIOD
    expect(page.locator(f"#commitments-{focus_area.pk} .commitment")).to_have_count(2)

    # … and sends the agreement to the police for review; the police area's reviewer is told by e-mail.
    page.goto(review)
    page.locator('main form[action$="/skicka-pa-granskning/"] button[type=submit]').click()
    page.wait_for_url(REVIEW_URL)
    expect(page.locator("main .status-review")).to_have_count(1)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.REVIEW
    assert [message.to for message in mailoutbox] == [[reviewer.email]]
    assert f"/overenskommelser/{agreement.pk}/granskning/" in mailoutbox[0].body
    with pytest.raises(ValidationError):
        agreement_check_ready_for_signing(agreement)

    # The reviewer asks for a change in the police's commitment and accepts the municipality's.
    log_out(page)
    log_in(page, live_server, "reviewer")
    page.goto(review)
    decide(page, police_commitment, "request_change", CHANGE_REQUEST)
    decide(page, municipality_commitment, "accept")
    expect(page.locator(f"article#commitment-{police_commitment.pk} .review-change_requested")).to_have_count(1)
    expect(page.locator(f"article#commitment-{police_commitment.pk} ol")).to_contain_text(CHANGE_REQUEST)
    expect(page.locator(f"article#commitment-{municipality_commitment.pk} .review-accepted")).to_have_count(1)
    police_commitment.refresh_from_db()
    assert police_commitment.review_status == Commitment.ReviewStatus.CHANGE_REQUESTED

    # The editor sees what is open and revises the commitment, which sends it back to the police.
    log_out(page)
    log_in(page, live_server, "editor")
    page.goto(review)
    open_items = page.locator('section[aria-labelledby="summary-heading"] a[href^="#commitment-"]')
    expect(open_items).to_have_count(1)
    expect(open_items).to_have_attribute("href", f"#commitment-{police_commitment.pk}")
    page.locator(
        f'article#commitment-{police_commitment.pk} a[href*="/ataganden/{police_commitment.pk}/redigera/"]'
    ).click()
    page.wait_for_url(re.compile(rf"/ataganden/{police_commitment.pk}/redigera/"))
    expect(page.locator("[name=text]")).to_have_value(POLICE_COMMITMENT)
    page.locator("[name=text]").fill(REVISED_POLICE_COMMITMENT)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/granskning/"))  # back to the review thread the edit started from
    expect(page.locator(f"#commitment-{police_commitment.pk}")).to_contain_text(REVISED_POLICE_COMMITMENT)
    expect(page.locator(f"#commitment-{police_commitment.pk} .review-open")).to_have_count(1)
    police_commitment.refresh_from_db()
    assert police_commitment.review_status == Commitment.ReviewStatus.OPEN
    assert police_commitment.review_entries.last().kind == ReviewEntry.Kind.REVISED
    with pytest.raises(ValidationError):
        agreement_check_ready_for_signing(Agreement.objects.get(pk=agreement.pk))

    # The reviewer accepts the revised commitment: the agreement is ready for signing.
    log_out(page)
    log_in(page, live_server, "reviewer")
    page.goto(review)
    expect(page.locator(f"article#commitment-{police_commitment.pk}")).to_contain_text(REVISED_POLICE_COMMITMENT)
    decide(page, police_commitment, "accept")
    expect(page.locator('section[aria-labelledby="summary-heading"] .alert-success')).to_be_visible()
    expect(page.locator('section[aria-labelledby="summary-heading"] a[href^="#commitment-"]')).to_have_count(0)
    agreement_check_ready_for_signing(Agreement.objects.get(pk=agreement.pk))
    assert page.evaluate("() => typeof window.__marker") == "undefined"  # pages were loaded since, as they should


def build_focus_areas(world) -> FocusArea:
    """Bilaga 1 of the world's agreement with a section, two grouped focus areas, rows, commitments per party, a
    joint one, a goal with an indicator and an action plan; return the first focus area."""
    agreement = world.agreement
    section = SectionFactory(agreement=agreement, heading="Fokusområden 2023–2026", body="<p>Lägesbilden visar…</p>")
    focus_area = FocusArea.objects.create(
        agreement=agreement, placement=section, group_heading="Brottsstatistik", title="Misshandel", order=0
    )
    FocusArea.objects.create(
        agreement=agreement,
        placement=section,
        group_heading="Brottsstatistik",
        title="Olaga hot och ofredande",
        prioritised=True,
        order=1,
    )
    goal = Goal.objects.create(
        agreement=agreement, focus_area=focus_area, kind=Goal.Kind.EFFECT, text="Antalet misshandelsbrott ska minska"
    )
    Indicator.objects.create(
        goal=goal,
        name="Anmälda misshandelsbrott",
        source=Indicator.Source.REPORTED_CRIME,
        unit="brott per år",
        direction=Indicator.Direction.DECREASE,
        baseline_year=2022,
        baseline_value=Decimal("312"),
        target_value=Decimal("280"),
    )
    Goal.objects.create(
        agreement=agreement, focus_area=focus_area, kind=Goal.Kind.RESULT, text="Kartläggningen är klar 2024"
    )
    for order, (activity, measure, follow_up, effect) in enumerate(
        [
            (
                "Kartlägga var och när misshandelsbrott sker",
                "Utifrån kartläggning, identifiera vilka åtgärder som kommun och polis kan vidta",
                "Handlingsplan Brottsstatistik",
                "Antalet misshandelsbrott ska minska",
            ),
            (
                "Fortsatt arbete mot våld i nära relation",
                "Eget fokusområde inom ramen för Tryggare Trelleborg",
                "Handlingsplan Brottsstatistik\nIntern statistik",
                "Antalet våldsbrott i nära relation ska minska",
            ),
        ]
    ):
        row = ActivityRow.objects.create(
            focus_area=focus_area,
            activity=activity,
            measure=measure,
            follow_up=follow_up,
            goal_effect=effect,
            order=order,
        )
        row.goals.add(goal)
    for order, (parties, text, scope) in enumerate(
        [
            ([world.police], POLICE_COMMITMENT, Commitment.TargetScope.PER_YEAR),
            ([world.municipality], MUNICIPALITY_COMMITMENT, Commitment.TargetScope.PERIOD),
            ([world.municipality, world.police], "följa brottsutvecklingen och ta fram en gemensam lägesbild.", ""),
        ]
    ):
        commitment = Commitment.objects.create(
            agreement=agreement,
            focus_area=focus_area,
            text=text,
            responsible_role="kommunpolisen" if parties == [world.police] else "säkerhetschefen",
            target_value=5 if scope else None,
            target_unit="krogtillsyner" if scope else "",
            target_scope=scope,
            order=order,
        )
        commitment.parties.set(parties)
        commitment.goals.add(goal)
    FocusAreaSection.objects.create(
        focus_area=focus_area, heading="Lägesbild", body="<p>Misshandeln sker oftast nattetid i centrum.</p>"
    )
    plan = ActionPlan.objects.create(agreement=agreement, title="Handlingsplan 2025", year=2025)
    planned = Commitment.objects.create(
        agreement=agreement,
        focus_area=focus_area,
        action_plan=plan,
        text="medverka vid information om narkotika och alkohol till föräldrar.",
        timing="Under höstterminen",
        place="Kommunens högstadieskolor",
    )
    planned.parties.set([world.police])
    return focus_area


A11Y_PAGES = [
    "workbench",
    "workbench-inline-row-form",
    "paste",
    "paste-preview",
    "commitments-paste",
    "commitments-paste-preview",
    "commitment-add",
    "goal-add",
    "section-add",
    "review-as-reviewer",
    "detail",
]


@pytest.mark.parametrize("name", A11Y_PAGES)
def test_focus_area_pages_have_no_accessibility_violations(
    page: Page, live_server, world, editor, reviewer, name: str
) -> None:
    focus_area = build_focus_areas(world)
    agreement = world.agreement
    base = f"{live_server.url}/overenskommelser/{agreement.pk}"

    if name == "review-as-reviewer":
        Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
        first, second = Commitment.objects.filter(focus_area=focus_area, action_plan=None)[:2]
        Commitment.objects.filter(pk=first.pk).update(review_status=Commitment.ReviewStatus.CHANGE_REQUESTED)
        ReviewEntry.objects.create(
            commitment=first, author=reviewer, kind=ReviewEntry.Kind.CHANGE_REQUESTED, text=CHANGE_REQUEST
        )
        Commitment.objects.filter(pk=second.pk).update(review_status=Commitment.ReviewStatus.ACCEPTED)
        ReviewEntry.objects.create(commitment=second, author=reviewer, kind=ReviewEntry.Kind.ACCEPTED)
        log_in(page, live_server, "reviewer")
        page.goto(f"{base}/granskning/")
        expect(page.locator("main button[name=action][value=accept]").first).to_be_visible()
        expect(page.locator(f"article#commitment-{first.pk} .review-change_requested")).to_have_count(1)
        assert_accessible(page)
        return

    log_in(page, live_server, "editor")
    if name == "workbench":
        page.goto(f"{base}/fokusomraden/")
        expect(page.locator(f"#rows-{focus_area.pk} .activity-row")).to_have_count(2)
        expect(page.locator(f"#commitments-{focus_area.pk} .commitment")).to_have_count(3)
        expect(page.locator(f"#goals-{focus_area.pk} .goal")).to_have_count(2)
        expect(page.locator(f"#focus-area-{focus_area.pk} .focus-area-section")).to_have_count(1)
    elif name == "workbench-inline-row-form":
        page.goto(f"{base}/fokusomraden/")
        page.locator(f'a[href$="/fokusomraden/{focus_area.pk}/aktiviteter/ny/"]').click()
        expect(page.locator(f"#rows-{focus_area.pk} .item-form [name=activity]")).to_be_visible()
    elif name in ("paste", "paste-preview"):
        page.goto(f"{live_server.url}/overenskommelser/fokusomraden/{focus_area.pk}/klistra-in/")
        expect(page.locator("#id_table")).to_be_visible()
        if name == "paste-preview":
            page.locator("#id_table").fill(PASTED_TABLE)
            page.locator("main form button[type=submit]").click()
            expect(page.locator("main table tbody tr")).to_have_count(2)
    elif name in ("commitments-paste", "commitments-paste-preview"):
        page.goto(f"{live_server.url}/overenskommelser/fokusomrade/{focus_area.pk}/klistra-in-ataganden/")
        expect(page.locator("input[name=parties]")).to_have_count(2)
        if name == "commitments-paste-preview":
            page.locator(f'input[name=parties][value="{world.police.pk}"]').check()
            page.locator("#id_text").fill(
                "Polisen förbinder sig att:\n·\tgenomföra krogtillsyner\n·\tdelta i vandringar"
            )
            page.locator("main form button[type=submit]").click()
            expect(page.locator("main form ol li")).to_have_text(["genomföra krogtillsyner", "delta i vandringar"])
    elif name == "commitment-add":
        page.goto(f"{base}/ataganden/nytt/?focus_area={focus_area.pk}")
        expect(page.locator("input[name=parties]")).to_have_count(2)
    elif name == "section-add":
        page.goto(f"{live_server.url}/overenskommelser/fokusomraden/{focus_area.pk}/delavsnitt/nytt/")
        expect(page.locator("main [name=heading]")).to_be_visible()
    elif name == "goal-add":
        page.goto(f"{base}/mal/nytt/?focus_area={focus_area.pk}")
        expect(page.locator("main fieldset [name=indicator-name]")).to_be_visible()
    elif name == "detail":
        page.goto(f"{base}/")
        document = page.locator(f"section#focus-area-{focus_area.pk}")
        expect(document.locator(".activity-table thead th")).to_have_count(4)
        expect(document.locator(".activity-table tbody tr")).to_have_count(2)
        expect(document.locator("p.fw-semibold", has_text=world.police.name)).to_have_count(1)
        expect(document.locator("p.fw-semibold", has_text=world.municipality.name)).to_have_count(1)
        expect(document).to_contain_text("Anmälda misshandelsbrott")
        expect(document.locator("section.focus-area-section .section-heading")).to_contain_text("Lägesbild")
        # Section 1 holds the group Brottsstatistik as 1.1, with its focus areas under it.
        expect(page.locator("section#group-1-1 .section-heading")).to_contain_text("Brottsstatistik")
    assert_accessible(page)


def test_keyboard_user_adds_an_activity_inline(page: Page, live_server, world, editor) -> None:
    focus_area = FocusArea.objects.create(
        agreement=world.agreement, title="Misshandel", group_heading="Brottsstatistik"
    )
    log_in(page, live_server, "editor")
    page.goto(live_server.url + WORKBENCH.format(pk=world.agreement.pk))
    page.evaluate("() => { window.__marker = 1; }")

    page.locator(f'a[href$="/fokusomraden/{focus_area.pk}/aktiviteter/ny/"]').focus()
    page.keyboard.press("Enter")
    form = page.locator(f"#rows-{focus_area.pk} .item-form form")
    expect(form).to_be_visible()
    expect(form.locator("[name=activity]")).to_be_focused()
    page.keyboard.type("Kartlägga var och när misshandelsbrott sker")

    save = form.locator("button[type=submit]")
    for _ in range(10):
        page.keyboard.press("Tab")
        assert form.evaluate("(form) => form.contains(document.activeElement)"), "Tab left the form before Save"
        if save.evaluate("(button) => button === document.activeElement"):
            break
    expect(save).to_be_focused()
    page.keyboard.press("Enter")

    expect(form).to_have_count(0)
    row = ActivityRow.objects.get(focus_area=focus_area)
    assert row.activity == "Kartlägga var och när misshandelsbrott sker"
    expect(page.locator(f"#row-{row.pk}")).to_contain_text(row.activity)
    expect(page.locator(f"#row-{row.pk}")).to_be_focused()
    assert page.evaluate("() => window.__marker") == 1, "saving the activity loaded the page again"
