"""Exports in a real browser: asked for on the page, followed while the task runs (htmx polling under the strict
CSP, no inline script) and downloaded; both pages pass the axe check."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from exports.models import Export
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_export_is_asked_for_followed_and_downloaded(page: Page, live_server, world, editor) -> None:
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/exporter/")
    expect(page.locator("main form #id_year")).to_be_visible()
    assert_accessible(page)

    page.locator('main input[name="kind"][value="agreements_workbook"]').check()
    page.locator('main form button[type="submit"]').click()

    export = Export.objects.get()
    expect(page.locator(f'main a[href="/exporter/{export.pk}/fil/"]')).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator(f'main a[href="/exporter/{export.pk}/fil/"]').click()
    assert download.value.suggested_filename == "samverkan-overenskommelser.xlsx"


def test_the_progress_shown_follows_the_task_until_the_file_is_there(page: Page, live_server, editor) -> None:
    export = Export.objects.create(
        requested_by=editor, kind=Export.Kind.YEAR_PDFS, year=2024, state=Export.State.RUNNING, total=8, done=2
    )
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/exporter/{export.pk}/")
    expect(page.locator("main progress")).to_have_attribute("value", "2")
    assert_accessible(page)

    Export.objects.filter(pk=export.pk).update(done=5)
    expect(page.locator("main progress")).to_have_attribute("value", "5")
    Export.objects.filter(pk=export.pk).update(state=Export.State.DONE, done=8, file="exports/1/samverkan-pdf-2024.zip")
    expect(page.locator(f'main a[href="/exporter/{export.pk}/fil/"]')).to_be_visible()
    assert_accessible(page)
