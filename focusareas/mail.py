"""The e-mails of the police review, one function per message (texts in templates/mail/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.mail import send_on_commit


def send_review_requested(*, agreement: Agreement, user: AbstractBaseUser) -> None:
    """To the police area's reviewers: a draft has been sent for them to review."""
    send_on_commit(
        "review_requested",
        to=Membership.objects.addresses(
            agreement=agreement, kinds=Organisation.POLICE_KINDS, roles=[Membership.Role.REVIEWER]
        ),
        context={
            "user": user.get_full_name() or user.get_username(),
            "title": agreement.title,
            "link": settings.SITE_URL + reverse("focusareas:review", args=[agreement.pk]),
        },
    )
