"""The whole document in review, in a real browser: the police's reviewer comments on a section of Bilaga 1 and the
municipality's editor answers, each on the item's thread page, reached from the review page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from agreements.models import Agreement
from agreements.tests.factories import SectionFactory
from focusareas.models import Comment
from focusareas.tests.factories import FocusAreaFactory
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_reviewer_comments_on_a_section_and_the_editor_answers(page: Page, live_server, world, editor, reviewer):
    agreement = world.agreement
    section = SectionFactory(agreement=agreement, heading="Lägesbild")
    FocusAreaFactory(agreement=agreement, title="Narkotika")
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    thread = f"/overenskommelser/{agreement.pk}/kommentarer/avsnitt/{section.key}/"

    for username, text in (("reviewer", "Vilka källor bygger lägesbilden på?"), ("editor", "BRÅ:s statistik.")):
        page.context.clear_cookies()
        log_in(page, live_server, username)
        page.goto(f"{live_server.url}/overenskommelser/{agreement.pk}/granskning/")
        document = page.locator('main section[aria-labelledby="document-heading"]')
        document.locator("details summary").first.click()
        assert_accessible(page)
        document.locator(f'a[href$="{thread}"]').click()
        page.wait_for_url(re.compile(re.escape(thread) + "$"))
        page.locator("#id_text").fill(text)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        expect(page.locator("#thread li").last).to_contain_text(text)
        assert_accessible(page)

    assert list(Comment.objects.values_list("author__username", flat=True)) == ["reviewer", "editor"]
