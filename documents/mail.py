"""The e-mails of signing and publishing, one function per message (texts in templates/mail/)."""

from __future__ import annotations

from django.conf import settings

from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.mail import send_on_commit


def send_signed(*, agreement: Agreement) -> None:
    """To every member of every party: the agreement is signed (or the citizen promise published) and archived."""
    send_on_commit(
        "agreement_signed",
        to=Membership.objects.addresses(
            agreement=agreement,
            kinds=(*Organisation.MUNICIPAL_KINDS, *Organisation.POLICE_KINDS),
            roles=Membership.Role.values,
        ),
        context={
            "title": agreement.title,
            "citizen_promise": agreement.is_citizen_promise,
            "date": agreement.signing_date.isoformat(),
            "link": settings.SITE_URL + agreement.get_absolute_url(),
        },
    )
