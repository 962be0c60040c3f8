"""The e-mails of setting up users, one function per message (texts in templates/mail/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from agreements.models import Membership
from samverkan.lib.mail import send_on_commit


def send_invitation(*, membership: Membership, invited_by) -> None:
    """To a new user: the organisation has given them a role, and a link to choose their password."""
    user = membership.user
    send_on_commit(
        "invitation",
        to=[user.email],
        context={
            "user": invited_by.get_full_name() or invited_by.get_username(),
            "organisation": membership.organisation.name,
            "role": membership.get_role_display(),
            "link": settings.SITE_URL + activation_path(user),
            "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        },
    )


def send_access_given(*, membership: Membership, invited_by) -> None:
    """To an existing user: a further organisation has given them a role."""
    send_on_commit(
        "access_given",
        to=[membership.user.email],
        context={
            "user": invited_by.get_full_name() or invited_by.get_username(),
            "organisation": membership.organisation.name,
            "role": membership.get_role_display(),
            "link": settings.SITE_URL + reverse("home"),
        },
    )


def activation_path(user) -> str:
    """The one-time link to set the password: it stops working once a password is set or after
    PASSWORD_RESET_TIMEOUT."""
    return reverse(
        "accounts:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
