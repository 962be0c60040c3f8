"""The e-mails of each party's consent, one function per message (texts in templates/mail/): to the editors and
reviewers of every party (to every member once it is signed) but the user who acted."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.mail import send_on_commit

from .consent import ACTING_ROLES


def _send(message: str, *, agreement: Agreement, user: AbstractBaseUser, roles=ACTING_ROLES, **context) -> None:
    to = Membership.objects.addresses(agreement=agreement, kinds=Organisation.Kind.values, roles=roles)
    send_on_commit(
        message,
        to=[address for address in to if address != user.email],
        context={
            "user": user.get_full_name() or user.get_username(),
            "title": agreement.title,
            "link": settings.SITE_URL + agreement.get_absolute_url(),
            **context,
        },
    )


def send_party_approved(*, agreement: Agreement, party: Organisation, user: AbstractBaseUser) -> None:
    """A party has approved the draft."""
    _send("party_approved", agreement=agreement, user=user, party=party.name)


def send_party_signed(*, agreement: Agreement, party: Organisation, user: AbstractBaseUser) -> None:
    """A party has signed; others have yet to."""
    _send("party_signed", agreement=agreement, user=user, party=party.name)


def send_agreement_signed(*, agreement: Agreement, user: AbstractBaseUser) -> None:
    """Every party has signed (or, for a citizen promise, it is published): the agreement is frozen and archived.
    Every member of every party is told, the council's readers too."""
    _send(
        "agreement_signed",
        agreement=agreement,
        user=user,
        roles=Membership.Role.values,
        published=agreement.is_citizen_promise,
    )
