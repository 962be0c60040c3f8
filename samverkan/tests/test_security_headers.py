"""Every page forbids inline scripts, framing and foreign sources; nothing shown to a logged-in user is cached; an
error page reveals nothing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.views.defaults import server_error

from agreements.models import Agreement
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory
from followup import services as followup_services
from followup.models import CommitmentOutcome
from samverkan.tests.browser import log_in

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_pages_send_a_strict_content_security_policy(client, world, editor):
    client.force_login(editor)
    pages = [
        reverse("login"),
        reverse("agreements:list"),
        reverse("documents:detail", args=[world.agreement.pk]),
        reverse("agreements:edit", args=[world.agreement.pk]),
        reverse("documents:workbench", args=[world.agreement.pk]),
        reverse("accessibility"),
        "/finns-inte/",
    ]
    for url in pages:
        response = client.get(url)
        directives = policy(response)
        assert directives["script-src"] == ["'self'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_nothing_shown_to_a_logged_in_user_is_kept_in_a_cache(client, world, editor):
    agreement = world.agreement
    CommitmentFactory(focus_area=FocusAreaFactory(agreement=agreement), parties=[world.municipality])
    client.force_login(editor)
    draft_pdf = client.get(reverse("documents:pdf", args=[agreement.pk]))
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    report = followup_services.report_start(
        agreement=Agreement.objects.get(pk=agreement.pk), year=2024, copy_previous=False
    )
    outcome = CommitmentOutcome.objects.get(report=report)
    outcome.evidence_file.save("underlag.pdf", ContentFile(b"%PDF-1.7\n%underlag\n"))

    responses = {
        "page": client.get(reverse("documents:detail", args=[agreement.pk])),
        "pdf": draft_pdf,
        "excel": client.get(reverse("followup:export", args=[agreement.pk, 2024, "xlsx"])),
        "evidence": client.get(reverse("followup:evidence", args=[outcome.pk])),
    }
    assert responses["pdf"]["Content-Type"] == "application/pdf"
    assert responses["evidence"].getvalue().startswith(b"%PDF")
    for name, response in responses.items():
        assert response.status_code == 200, name
        directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, name


def test_a_stricter_cache_header_is_kept_and_the_login_page_is_never_stored(client, editor):
    never_cache = "max-age=0, no-cache, no-store, must-revalidate, private"  # Django's never_cache
    assert client.get(reverse("login"))["Cache-Control"] == never_cache
    client.force_login(editor)
    assert client.get(reverse("login"))["Cache-Control"] == never_cache


def test_no_page_template_carries_inline_script_or_style():
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        if "/pdf/" in template.as_posix():
            continue  # PDFs are rendered on the server, not in a browser
        text = template.read_text()
        assert "<script>" not in text and " onclick=" not in text and "<style" not in text, template


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_history_of_an_agreement_breaks_no_content_security_policy(page, live_server, world, admin_user):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    log_in(page, live_server, admin_user.get_username(), "password")

    response = page.goto(f"{live_server.url}/admin/agreements/agreement/{world.agreement.pk}/history/")

    assert response.status == 200
    assert page.locator("#change-history").count() == 1
    paginator = page.locator(".paginator")
    assert paginator.inner_text().strip()
    # The look the inline style gave, now from our stylesheet.
    assert paginator.evaluate("element => getComputedStyle(element).borderTopWidth") == "0px"
    assert violations == []


def test_the_admin_history_of_an_agreement_has_no_inline_style(client, world, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:agreements_agreement_history", args=[world.agreement.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and 'id="change-history"' in body and "Ändrad av" in body
    assert "style=" not in body and "<style" not in body


def test_an_unexpected_error_gets_a_swedish_page_that_reveals_nothing(rf):
    response = server_error(rf.get("/overenskommelser/1/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in body and "Traceback" not in body
