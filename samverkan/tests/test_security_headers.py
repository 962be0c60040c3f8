"""Every page forbids inline scripts, framing and foreign sources."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

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
