"""Markup stored through the forms never runs: script tags, event handler attributes, javascript: links and SVG
onload in titles, names and rich text, written through the real views and then read in Chromium on every page
that shows them. Any dialog, any script that sets window.__xss, any blocked inline handler fails the test."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from agreements.models import Agreement
from focusareas.models import ActivityRow, Commitment, FocusArea, Goal
from followup import services as followup_services
from followup.models import FollowUpReport
from samverkan.tests.browser import log_in

ALERTS = re.compile(r'class="(?:alert alert-danger|invalid-feedback)[^"]*"[^>]*>(.*?)</', re.S)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHORT = (
    '"><script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
    '<svg onload="window.__xss=1"><a href="javascript:window.__xss=1">x</a>'
)
RICH = (
    "<p>Text <script>window.__xss=1;alert(1)</script></p>"
    '<p><img src=x onerror="window.__xss=1;alert(2)"></p>'
    '<p><a href="javascript:window.__xss=1">länk</a> <a href=" JaVaScRiPt:alert(3)">länk</a></p>'
    '<svg><script>window.__xss=1</script></svg><svg onload="window.__xss=1"></svg>'
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>'
    '<details open ontoggle="window.__xss=1"><summary>x</summary></details>'
    '<p style="background:url(javascript:alert(4))" onclick="window.__xss=1">stil</p>'
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1></style></mglyph></table></mtext></math>"
    "</textarea><script>window.__xss=1</script>"
)


def save(client: Client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, (url, ALERTS.findall(response.content.decode()))


def store_hostile_agreement(agreement: Agreement, world, editor, reviewer) -> FollowUpReport:
    """Hostile titles, names and rich text in every kind of thing on the agreement, through its forms."""
    client = Client()
    client.force_login(editor)
    parties = list(agreement.party_links.all())
    save(
        client,
        reverse("agreements:edit", args=[agreement.pk]),
        {
            "loaded_version": agreement.version,
            "title": SHORT,
            "start_date": "2023-01-01",
            "end_date": "2026-12-31",
            "purpose": RICH,
            "overall_goals": SHORT,
            "standing_commitments": RICH,
            "follow_up": SHORT,
            "copies": "2",
            "signing_place": SHORT[:100],
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "2",
            "parties-0-id": parties[0].pk,
            "parties-0-organisation": parties[0].organisation_id,
            "parties-1-id": parties[1].pk,
            "parties-1-organisation": parties[1].organisation_id,
            "signatories-TOTAL_FORMS": "1",
            "signatories-INITIAL_FORMS": "0",
            "signatories-0-name": SHORT,
            "signatories-0-title": SHORT,
            "signatories-0-party": world.municipality.pk,
            "signatories-0-order": "0",
            "forums-TOTAL_FORMS": "1",
            "forums-INITIAL_FORMS": "0",
            "forums-0-name": SHORT,
            "forums-0-meeting_frequency": SHORT[:100],
            "forums-0-convener": SHORT,
            "forums-0-participants": RICH,
        },
    )
    save(client, reverse("agreements:section_add", args=[agreement.pk, "agreement"]), {"heading": SHORT, "body": RICH})
    save(client, reverse("agreements:section_add", args=[agreement.pk, "appendix"]), {"heading": SHORT, "body": RICH})
    save(
        client,
        reverse("focusareas:add", args=[agreement.pk]),
        {"title": SHORT, "group_heading": SHORT, "description": RICH},
    )
    focus_area = FocusArea.objects.get(agreement=agreement)
    save(
        client,
        reverse("focusareas:goal_add", args=[agreement.pk]) + f"?focus_area={focus_area.pk}",
        {
            "kind": "effect",
            "text": RICH,
            "focus_area": focus_area.pk,
            "indicator-name": SHORT,
            "indicator-source": "reported_crime",
            "indicator-unit": SHORT[:50],
            "indicator-direction": "decrease",
            "indicator-baseline_year": "2022",
            "indicator-baseline_value": "100",
        },
    )
    goal = Goal.objects.get(agreement=agreement)
    save(
        client,
        reverse("focusareas:row_add", args=[focus_area.pk]),
        {"activity": RICH, "measure": SHORT, "follow_up": SHORT, "goal_effect": SHORT, "goals": [goal.pk]},
    )
    save(client, reverse("focusareas:action_plan_add", args=[agreement.pk]), {"title": SHORT, "year": "2024"})
    save(
        client,
        reverse("focusareas:commitment_add", args=[agreement.pk]) + f"?focus_area={focus_area.pk}",
        {
            "parties": [world.municipality.pk, world.police.pk],
            "text": RICH,
            "target_group": SHORT,
            "responsible_role": SHORT,
            "target_value": "5",
            "target_unit": SHORT[:100],
            "target_scope": "per_year",
            "target_text": SHORT,
            "timing": SHORT,
            "milestones": f"{SHORT}\n{SHORT}",
            "place": SHORT,
            "third_parties": SHORT,
            "focus_area": focus_area.pk,
            "goals": [goal.pk],
        },
    )
    commitment = Commitment.objects.get(agreement=agreement)
    save(client, reverse("focusareas:send_for_review", args=[agreement.pk]), {})
    reviewing = Client()
    reviewing.force_login(reviewer)
    save(
        reviewing,
        reverse("focusareas:commitment_decide", args=[commitment.pk]),
        {"action": "request_change", "text": RICH, "loaded_version": commitment.version},
    )
    assert ActivityRow.objects.filter(focus_area=focus_area).exists()

    # The follow-up of a year, as if the agreement had been signed.
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    report = followup_services.report_start(
        agreement=Agreement.objects.get(pk=agreement.pk), year=2024, copy_previous=False
    )
    fill_in = {}
    for outcome in report.commitment_outcomes.all():
        fill_in |= {
            f"c{outcome.pk}-status": "ongoing",
            f"c{outcome.pk}-achieved": "3",
            f"c{outcome.pk}-loaded_version": outcome.version,
            f"c{outcome.pk}-comment_{world.municipality.pk}": RICH,
        }
    for outcome in report.activity_outcomes.all():
        fill_in |= {f"a{outcome.pk}-status": "done", f"a{outcome.pk}-comment": RICH, f"a{outcome.pk}-loaded_version": 1}
    for value in report.indicator_values.all():
        fill_in |= {
            f"i{value.pk}-value": "90",
            f"i{value.pk}-source": SHORT,
            f"i{value.pk}-comment": RICH,
            f"i{value.pk}-loaded_version": value.version,
        }
    summary = report.focus_area_summaries.get()
    fill_in |= {"s-summary": RICH, "s-conclusions": SHORT, "s-loaded_version": summary.version}
    save(client, reverse("followup:edit", args=[agreement.pk, 2024, focus_area.pk]), fill_in)
    save(
        client,
        reverse("followup:edit", args=[agreement.pk, 2024, "sammanfattning"]),
        {"report-summary": RICH, "report-conclusions": SHORT, "report-loaded_version": report.version},
    )
    save(
        client,
        reverse("followup:evaluation_edit", args=[agreement.pk]),
        {"text": RICH, "conclusions": SHORT, "loaded_version": "0"},
    )
    return report


def test_stored_markup_never_runs_on_any_page(page: Page, live_server, world, editor, reviewer) -> None:
    agreement = world.agreement
    store_hostile_agreement(agreement, world, editor, reviewer)
    focus_area = FocusArea.objects.get(agreement=agreement)
    section = agreement.sections.first()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # The agreement as a draft again, so that its edit forms open too (the follow-up pages read it all the same).
    log_in(page, live_server, "editor")
    pk = agreement.pk
    signed_pages = [
        reverse("documents:detail", args=[pk]),
        reverse("agreements:list") + "?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
        reverse("documents:workbench", args=[pk]),
        reverse("focusareas:review", args=[pk]),
        reverse("agreements:history", args=[pk]),
        reverse("followup:index", args=[pk]),
        reverse("followup:report", args=[pk, 2024]),
        reverse("followup:edit", args=[pk, 2024, focus_area.pk]),
        reverse("followup:edit", args=[pk, 2024, "sammanfattning"]),
        reverse("followup:dashboard", args=[pk]),
        reverse("followup:evaluation", args=[pk]),
        reverse("followup:evaluation_edit", args=[pk]),
    ]
    draft_pages = [
        reverse("agreements:edit", args=[pk]),
        reverse("agreements:section_edit", args=[section.pk]),
        reverse("focusareas:edit", args=[focus_area.pk]),
        reverse("focusareas:row_edit", args=[focus_area.rows.first().pk]),
        reverse("focusareas:commitment_edit", args=[Commitment.objects.get(agreement=agreement).pk]),
        reverse("focusareas:goal_edit", args=[Goal.objects.get(agreement=agreement).pk]),
        reverse("documents:sign", args=[pk]),
    ]
    for url in signed_pages:
        visit(page, live_server, url)
    Agreement.objects.filter(pk=pk).update(status=Agreement.Status.DRAFT)
    for url in draft_pages:
        visit(page, live_server, url)
    assert dialogs == []


def visit(page: Page, live_server, url: str) -> None:
    response = page.goto(live_server.url + url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    # Hover and focus everything a user might touch, so that handlers waiting for it would fire now.
    for element in page.locator("main a, main details, main summary").all()[:50]:
        element.dispatch_event("mouseover")
    assert page.evaluate("window.__xss") is None, f"injected script ran on {url}"
    assert page.evaluate("parent.__xss") is None, f"injected script ran in a frame on {url}"
    assert page.locator("main iframe, main script, main [onerror], main [onload], main [onclick]").count() == 0, url
    hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], url
