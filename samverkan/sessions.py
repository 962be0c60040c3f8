"""Sessions end after a spell of inactivity and, whatever the activity, after a working day; failed logins lock
the username, and at a far higher count the address they came from."""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

logger = logging.getLogger("samverkan.security")
STARTED = "samverkan_session_started"
TOUCHED = "samverkan_session_touched"


class SessionTimeoutMiddleware:
    """End a session after SESSION_COOKIE_AGE seconds without a request, and after SESSION_ABSOLUTE_SECONDS
    whatever the activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(STARTED, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logger.info("session of %s ended after the absolute timeout", request.user.get_username())
                logout(request)
            elif now - request.session.get(TOUCHED, 0) > settings.SESSION_RENEW_SECONDS:
                request.session[TOUCHED] = now  # saving the session moves its expiry on
        return self.get_response(request)


def seconds_left(request: HttpRequest) -> int:
    """How long the user's session lasts without another request (its renewal is at most a minute behind)."""
    touched = request.session.get(TOUCHED, int(time.time()))
    return max(0, settings.SESSION_COOKIE_AGE - (int(time.time()) - touched))


def session_timeout(request: HttpRequest) -> dict:
    """For the page's script that offers "Fortsätt arbeta" before the session ends (static/js/session.js)."""
    if not request.user.is_authenticated:
        return {}
    return {"session_seconds_left": seconds_left(request)}


@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Fortsätt arbeta": the session's idle time starts again. A session already ended answers 0 seconds left
    (not an error status, which the browser would report as a fault of the page)."""
    if not request.user.is_authenticated:
        return JsonResponse({"seconds_left": 0})
    request.session[TOUCHED] = int(time.time())
    return JsonResponse({"seconds_left": settings.SESSION_COOKIE_AGE})


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs) -> None:
    request.session[STARTED] = request.session[TOUCHED] = int(time.time())
    logger.info("login %s from %s", user.get_username(), _address(request))


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs) -> None:
    logger.info("logout %s from %s", user.get_username() if user else "-", _address(request))


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs) -> None:
    logger.warning("failed login for %r from %s", attempted_username(request, credentials), _address(request))


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' count of failed logins per username, with an address locked as well once the failures from it,
    whatever the usernames, reach LOGIN_ADDRESS_FAILURE_LIMIT."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or _address_failures(request) >= (
            settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )

    def user_login_failed(self, sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the address's limit is answered with the lock, as one reaching a username's is.
        if request is not None and not request.axes_locked_out and self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=attempted_username(request, credentials),
                ip_address=request.axes_ip_address,
            )


def _address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address within the cool-off, for every username tried from it. A login's
    success forgives only its own username's failures, so no account can wipe the address's record."""
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def login_locked_out(request: HttpRequest, response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """The login page again, with what was typed and why it cannot go on for now."""
    logger.warning("login locked for %r from %s", attempted_username(request, credentials), _address(request))
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    locked_out = ngettext(
        "Too many failed logins. Try again in %(minutes)d minute.",
        "Too many failed logins. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return render(request, "registration/login.html", {"form": form, "locked_out": locked_out}, status=429)


def client_address(request: HttpRequest) -> str:
    """The client's address: behind PROXY_COUNT reverse proxies, the one the farthest of them saw."""
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if settings.PROXY_COUNT and len(forwarded) >= settings.PROXY_COUNT:
        try:  # a proxy set up wrongly may pass on whatever the client wrote
            return str(ipaddress.ip_address(forwarded[-settings.PROXY_COUNT]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR", "")


def attempted_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The username a login was tried with, as the throttle records it: cut to the longest a user can have, since
    anything may be typed and the record's column is not much longer."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return username[: get_user_model().username.field.max_length] if username is not None else None


def _address(request: HttpRequest | None) -> str:
    return (client_address(request) or "-") if request is not None else "-"
