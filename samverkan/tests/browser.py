"""Browser fixtures (Playwright with Debian's Chromium) and the axe-core accessibility check."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Response
    from pytest_django.live_server_helper import LiveServer


CHROMIUM = Path("/usr/bin/chromium")
# Quiet, reproducible runs: no sandbox (containers lack user namespaces), no GPU, no update or telemetry traffic.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PASSWORD = "test-password-1234"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOWN_NODES = 3


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, started once per session (Playwright's own browsers are never downloaded)."""
    if not CHROMIUM.exists():
        missing = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            # A skip would let CI go green without ever driving the pages.
            pytest.fail(f"{missing}; CI must run the browser tests")
        pytest.skip(f"{missing}; browser tests skipped")

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop in the main thread, so Django would refuse the ORM calls
    # that fixtures and factories make between browser steps; they never run concurrently with it, so this is safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh Swedish-speaking tab; the test fails if the page logs a console error or throws."""
    # Reduced motion turns Bootstrap's transitions off: on a busy machine axe could otherwise measure a button's
    # contrast halfway through its hover colours.
    context = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    # Well under Playwright's 30 s default: the live server answers in milliseconds, so waiting longer only hides bugs.
    context.set_default_timeout(10_000)
    page = context.new_page()
    console_errors: list[tuple[str, str]] = []
    page_errors: list[str] = []
    refused_documents: set[str] = set()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            url = message.location.get("url", "")
            console_errors.append((url, f"console error on {page.url}: {message.text} ({url})"))

    def on_response(response: Response) -> None:
        # A page answered 403 or 404 is what access tests ask for; they check page.goto()'s status themselves.
        if response.request.is_navigation_request() and 400 <= response.status < 500:
            refused_documents.add(response.url)

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: page_errors.append(f"uncaught {error.name} on {page.url}: {error.message}"))
    yield page
    context.close()
    errors = page_errors + [
        text
        for url, text in console_errors
        # Chromium asks for /favicon.ico by itself; its 404 is no page's doing.
        if url not in refused_documents and urlsplit(url).path != "/favicon.ico"
    ]
    if errors:
        # Broken JavaScript or a missing script must not pass just because no assertion touched it.
        pytest.fail("Errors in the browser:\n" + "\n".join(errors), pytrace=False)


def log_in(page: Page, live_server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page and wait for the page it leads to."""
    page.goto(f"{live_server.url}/logga-in/")
    # Ids rather than labels, so the helper does not depend on how the labels are worded or translated.
    form = page.locator("main form")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    if "/logga-in/" in page.url:
        errors = page.locator("main .alert, main .invalid-feedback").all_inner_texts()
        pytest.fail(f"Could not log in as {username!r}: {errors}")


def _describe(violation: dict) -> str:
    """One violation as a few readable lines: rule, impact, help, and where it occurs."""
    nodes = violation["nodes"]
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']} [{len(nodes)} element(s)]"]
    for node in nodes[:SHOWN_NODES]:
        lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
    if len(nodes) > SHOWN_NODES:
        lines.append(f"    … and {len(nodes) - SHOWN_NODES} more")
    lines.append(f"    {violation['helpUrl']}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with a readable list if axe-core finds WCAG 2.1 A or AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    if violations:
        report = "\n".join(_describe(violation) for violation in violations)
        pytest.fail(f"{len(violations)} accessibility violation(s) on {page.url}:\n{report}")
