"""Sending the service's e-mails: each message's subject and body are templates, sent by a task once the change
commits, and tried again later while the mail server fails."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from samverkan.lib.tasks import retry_later


def render_message(message: str, context: dict) -> tuple[str, str]:
    """The subject and body of templates/mail/<message>_subject.txt and _body.txt, in the current language. A
    subject is one header line; a body ends with one line break, however its template file ends."""
    subject = render_to_string(f"mail/{message}_subject.txt", context).strip()
    body = render_to_string(f"mail/{message}_body.txt", context).rstrip("\n") + "\n"
    return subject, body


def send_on_commit(message: str, *, to: list[str], context: dict) -> None:
    """Send the message once the transaction commits: a change rolled back tells nobody. The texts are rendered
    now, in the language of the request that caused them; a task sends them."""
    if not to:
        return
    subject, body = render_message(message, context)
    transaction.on_commit(lambda: send_message.enqueue(subject=subject, body=body, to=list(to)))


def deliver(*, subject: str, body: str, to: list[str], attachments: Sequence[tuple[str, bytes, str]] = ()) -> None:
    """Hand one e-mail to the mail server, with its attachments as (file name, content, MIME type); the mail
    server's failures are OSErrors, for the task to try again."""
    email = EmailMessage(subject, body, None, to)
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    email.send()


@task
def send_message(*, subject: str, body: str, to: list[str], attempt: int = 1) -> None:
    """Send one e-mail already rendered; a mail server that refuses, fails or cannot be reached is tried again."""
    try:
        deliver(subject=subject, body=body, to=to)
    except OSError as error:  # smtplib's errors are OSErrors, as are a refused connection and a timeout
        retry_later(send_message, attempt=attempt, error=error, subject=subject, body=body, to=to)
