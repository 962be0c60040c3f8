"""Sessions end when idle and after a working day; logins and refusals are logged."""

import logging
import time

import pytest
from django.urls import reverse

from samverkan.sessions import STARTED, TOUCHED

pytestmark = pytest.mark.django_db


def test_an_idle_session_expires_and_activity_renews_it(client, editor, settings):
    client.force_login(editor)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 3600
    session = client.session
    session[TOUCHED] = int(time.time()) - 120  # the last renewal was two minutes ago
    session.save()
    client.get(reverse("agreement_list"))
    assert time.time() - client.session[TOUCHED] < 5


def test_a_session_ends_after_the_absolute_limit_however_busy(client, editor, settings):
    client.force_login(editor)
    assert client.get(reverse("agreement_list")).status_code == 200
    session = client.session
    session[STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("agreement_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_logins_and_failed_logins_are_logged(client, editor, caplog):
    with caplog.at_level(logging.INFO, logger="samverkan.security"):
        client.post(reverse("login"), {"username": "editor", "password": "fel"})
        client.post(reverse("login"), {"username": "editor", "password": "test-password-1234"})
    messages = [record.getMessage() for record in caplog.records if record.name == "samverkan.security"]
    assert any("failed login for 'editor'" in m for m in messages)
    assert any(m.startswith("login editor") for m in messages)


def test_refused_requests_are_logged(client, world, reader, caplog):
    client.force_login(reader)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(reverse("agreement_edit", args=[world.agreement.pk]))
    assert any("Forbidden" in record.getMessage() for record in caplog.records)
