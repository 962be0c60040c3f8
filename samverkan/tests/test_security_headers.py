"""Every page forbids inline scripts, framing and foreign sources; an error page reveals nothing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_pages_send_a_strict_content_security_policy(client, world, editor):
    client.force_login(editor)
    pages = [
        reverse("login"),
        reverse("agreement_list"),
        reverse("agreement_detail", args=[world.agreement.pk]),
        reverse("agreement_edit", args=[world.agreement.pk]),
        reverse("focus_area_workbench", args=[world.agreement.pk]),
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


def test_no_page_template_carries_inline_script_or_style():
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        if "/pdf/" in template.as_posix():
            continue  # PDFs are rendered on the server, not in a browser
        text = template.read_text()
        assert "<script>" not in text and " onclick=" not in text and "<style" not in text, template


def test_an_unexpected_error_gets_a_swedish_page_that_reveals_nothing(rf):
    response = server_error(rf.get("/overenskommelser/1/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in body and "Traceback" not in body
