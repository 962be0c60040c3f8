"""Sessions end when idle and after a working day; failed logins lock a username, or at a higher count an
address; logins and refusals are logged."""

import io
import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan.sessions import STARTED, TOUCHED, client_address

pytestmark = pytest.mark.django_db


def test_an_idle_session_expires_and_activity_renews_it(client, editor, settings):
    client.force_login(editor)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 3600
    settings.SESSION_RENEW_SECONDS = 60
    session = client.session
    session[TOUCHED] = int(time.time()) - 120  # the last renewal was two minutes ago
    session.save()
    client.get(reverse("agreements:list"))
    assert time.time() - client.session[TOUCHED] < 5


def test_a_session_ends_after_the_absolute_limit_however_busy(client, editor, settings):
    client.force_login(editor)
    assert client.get(reverse("agreements:list")).status_code == 200
    session = client.session
    session[STARTED] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("agreements:list"))
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
        client.get(reverse("agreements:edit", args=[world.agreement.pk]))
    assert any("Forbidden" in record.getMessage() for record in caplog.records)


def _log_in(client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_failed_logins_lock_the_username_even_with_the_right_password(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(client, "editor", "fel").status_code == 200
    assert _log_in(client, "editor", "fel").status_code == 429

    response = _log_in(client, "editor", "test-password-1234", address="198.51.100.7")

    assert response.status_code == 429
    assert "För många misslyckade inloggningar. Försök igen om 15 minuter." in response.content.decode()
    assert 'value="editor"' in response.content.decode()  # what was typed is kept
    assert "_auth_user_id" not in client.session


def test_another_accounts_login_does_not_forgive_a_usernames_failures(client, editor, reader, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(client, "editor", "fel").status_code == 200
    assert _log_in(client, "reader", "test-password-1234").status_code == 302  # the guesser's own account
    client.logout()

    assert _log_in(client, "editor", "fel").status_code == 429
    assert _log_in(client, "editor", "test-password-1234", address="198.51.100.7").status_code == 429


def test_failures_under_several_usernames_do_not_lock_out_others_behind_the_same_address(client, reader, settings):
    usernames = ["anna", "bertil", "cecilia"]
    for username in usernames:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert _log_in(client, username, "fel").status_code == 200
    assert len(usernames) * (settings.AXES_FAILURE_LIMIT - 1) < settings.LOGIN_ADDRESS_FAILURE_LIMIT

    assert _log_in(client, "reader", "test-password-1234").status_code == 302


def test_an_address_is_locked_at_its_own_limit_whatever_the_usernames(client, reader, settings):
    per_username = settings.AXES_FAILURE_LIMIT - 1  # no username alone reaches its limit
    for attempt in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        assert _log_in(client, f"gissning{attempt // per_username}", "fel").status_code == 200
    assert _log_in(client, "gissning-sista", "fel").status_code == 429

    response = _log_in(client, "reader", "test-password-1234")
    assert response.status_code == 429
    assert 'value="reader"' in response.content.decode()
    assert _log_in(client, "reader", "test-password-1234", address="198.51.100.7").status_code == 302
    client.logout()

    call_command("axes_reset_ip", "192.0.2.10", stdout=io.StringIO())
    assert _log_in(client, "reader", "test-password-1234").status_code == 302


def test_an_administrator_lifts_a_usernames_lock(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "editor", "fel")
    assert _log_in(client, "editor", "test-password-1234").status_code == 429

    call_command("axes_reset_username", "editor", stdout=io.StringIO())

    assert _log_in(client, "editor", "test-password-1234").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "editor", "fel")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    assert _log_in(client, "editor", "test-password-1234").status_code == 302


def test_a_successful_login_forgives_earlier_typing_mistakes(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, "editor", "fel")
    assert _log_in(client, "editor", "test-password-1234").status_code == 302
    client.logout()

    assert _log_in(client, "editor", "fel").status_code == 200
    assert _log_in(client, "editor", "test-password-1234").status_code == 302


@pytest.mark.parametrize(
    ("proxy_count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: a forwarded header is the client's own claim
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client sent before the proxy is ignored
        (2, "203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "10.0.0.2", "10.0.0.1"),  # fewer hops than configured: fall back to the peer
        (1, "'; drop table x", "10.0.0.1"),  # not an address: a proxy passed on what the client wrote
    ],
)
def test_the_client_address_behind_reverse_proxies(rf, settings, proxy_count, forwarded, expected):
    settings.PROXY_COUNT = proxy_count
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_weak_passwords_are_refused():
    with pytest.raises(ValidationError):
        validate_password("12345678")
    with pytest.raises(ValidationError):
        validate_password("qwertyuiop")
    validate_password("Tre-lingon-på-en-bräda")


def test_a_user_changes_their_password_and_weak_ones_are_refused_in_swedish(client, editor):
    client.force_login(editor)
    url = reverse("password_change")
    assert "Byt lösenord" in client.get(reverse("agreements:list")).content.decode()

    weak = {"old_password": "test-password-1234", "new_password1": "12345678", "new_password2": "12345678"}
    response = client.post(url, weak)
    assert response.status_code == 200
    assert "Detta lösenord är alldeles för vanligt." in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password("test-password-1234")

    good = "Tre-lingon-på-en-bräda"
    response = client.post(url, weak | {"new_password1": good, "new_password2": good})
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert client.get(reverse("agreements:list")).status_code == 200  # still logged in
    editor.refresh_from_db()
    assert editor.check_password(good)


def test_an_overlong_username_is_logged_cut_to_a_usernames_length(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="samverkan.security"):
        client.post(reverse("login"), {"username": "x" * 5000, "password": "fel"})
    [message] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("failed login")]
    assert "x" * 150 in message and "x" * 151 not in message
