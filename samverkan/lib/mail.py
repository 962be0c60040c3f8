"""Sending the service's e-mails: each message's subject and body are templates, sent once the change commits."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def send_on_commit(message: str, *, to: list[str], context: dict) -> None:
    """Send templates/mail/<message>_subject.txt and _body.txt once the transaction commits: a change rolled back
    tells nobody. The texts are rendered now, in the language of the request that caused them."""
    if not to:
        return
    # A subject is one header line; a body ends with one line break, however its template file ends.
    subject = render_to_string(f"mail/{message}_subject.txt", context).strip()
    body = render_to_string(f"mail/{message}_body.txt", context).rstrip("\n") + "\n"
    transaction.on_commit(lambda: send_mail(subject, body, None, to))
