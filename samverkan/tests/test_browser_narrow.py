"""Every page fits a phone held upright (390 px wide) without scrolling sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from agreements.models import Agreement, Membership
from agreements.services import agreement_new_revision
from agreements.tests.factories import AgreementFactory, SectionFactory, SignatoryFactory
from focusareas.tests.factories import ActivityRowFactory, CommitmentFactory, FocusAreaFactory, IndicatorFactory
from followup.services import report_start
from samverkan.tests.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


def build_pages(world, editor) -> dict[str, str]:
    Membership.objects.filter(user=editor).update(is_administrator=True)
    draft = world.agreement
    SectionFactory(agreement=draft, heading="Samverkansformer och ansvarsfördelning", body="<p>Parterna ska …</p>")
    area = FocusAreaFactory(agreement=draft, title="Trygghetsskapande och brottsförebyggande arbete i centrum")
    ActivityRowFactory(
        focus_area=area, activity="Trygghetsvandringar", measure="Gemensam kartläggning av otrygga platser"
    )
    CommitmentFactory(focus_area=area, parties=[world.police], text="Genomföra narkotikakontroller i centrum")
    signed = AgreementFactory(
        title="Samverkansöverenskommelse Hamnstad 2023–2026", parties=[world.municipality, world.police]
    )
    signed_area = FocusAreaFactory(agreement=signed, title="Narkotikabrottslighet bland unga")
    CommitmentFactory(
        focus_area=signed_area,
        parties=[world.municipality],
        target_value=12,
        target_unit="tillfällen",
        target_scope="per_year",
    )
    IndicatorFactory(goal__focus_area=signed_area)
    SignatoryFactory(agreement=signed, name="Anna Andersson")
    Agreement.objects.filter(pk=signed.pk).update(status=Agreement.Status.SIGNED)
    signed.refresh_from_db()
    report_start(agreement=signed, year=2024, copy_previous=False)
    revision = agreement_new_revision(agreement=signed)
    Agreement.objects.filter(pk=revision.pk).update(title="Samverkansöverenskommelse Hamnstad 2023–2026, reviderad")
    return {
        "list": reverse("agreements:list"),
        "detail": reverse("documents:detail", args=[draft.pk]),
        "edit": reverse("agreements:edit", args=[draft.pk]),
        "history": reverse("agreements:history", args=[signed.pk]),
        "workbench": reverse("documents:workbench", args=[draft.pk]),
        "review": reverse("focusareas:review", args=[draft.pk]),
        "compare": reverse("documents:compare", args=[revision.pk]),
        "report": reverse("followup:report", kwargs={"pk": signed.pk, "year": 2024}),
        "dashboard": reverse("followup:dashboard", args=[signed.pk]),
        "evaluation": reverse("followup:evaluation", args=[signed.pk]),
        "organisation": reverse("accounts:organisation"),
    }


def test_every_page_fits_a_phone_without_scrolling_sideways(chromium, live_server, world, editor) -> None:
    pages = build_pages(world, editor)
    context = chromium.new_context(locale="sv-SE", viewport=PHONE, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page: Page = context.new_page()
    try:
        log_in(page, live_server, "editor")
        too_wide = {}
        for name, path in pages.items():
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[name] = width
        assert not too_wide, f"pages wider than {PHONE['width']} px: {too_wide}"
    finally:
        context.close()
