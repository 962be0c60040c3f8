"""Sending the service's e-mails: each message's subject and body are templates, sent by a task once the change
commits, and tried again later while the mail server fails."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from samverkan.lib.tasks import retry_later


def send_on_commit(message: str, *, to: list[str], context: dict) -> None:
    """Send templates/mail/<message>_subject.txt and _body.txt once the transaction commits: a change rolled back
    tells nobody. The texts are rendered now, in the language of the request that caused them; a task sends them."""
    if not to:
        return
    # A subject is one header line; a body ends with one line break, however its template file ends.
    subject = render_to_string(f"mail/{message}_subject.txt", context).strip()
    body = render_to_string(f"mail/{message}_body.txt", context).rstrip("\n") + "\n"
    transaction.on_commit(lambda: send_message.enqueue(subject=subject, body=body, to=list(to)))


@task
def send_message(*, subject: str, body: str, to: list[str], attempt: int = 1) -> None:
    """Send one e-mail already rendered; a mail server that refuses, fails or cannot be reached is tried again."""
    try:
        send_mail(subject, body, None, to)
    except OSError as error:  # smtplib's errors are OSErrors, as are a refused connection and a timeout
        retry_later(send_message, attempt=attempt, error=error, subject=subject, body=body, to=to)
