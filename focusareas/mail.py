"""The e-mails of the police review, one function per message (texts in templates/mail/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.mail import send_on_commit

from .models import Comment, Commitment

EVERY_PARTY = (*Organisation.MUNICIPAL_KINDS, *Organisation.POLICE_KINDS)


def _name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def _review_link(agreement: Agreement, commitment: Commitment | None = None) -> str:
    anchor = f"#commitment-{commitment.pk}" if commitment else ""
    return settings.SITE_URL + reverse("focusareas:review", args=[agreement.pk]) + anchor


def _editors(agreement: Agreement) -> list[str]:
    return Membership.objects.addresses(agreement=agreement, kinds=EVERY_PARTY, roles=[Membership.Role.EDITOR])


def _police_reviewers(agreement: Agreement) -> list[str]:
    return Membership.objects.addresses(
        agreement=agreement, kinds=Organisation.POLICE_KINDS, roles=[Membership.Role.REVIEWER]
    )


def send_review_requested(*, agreement: Agreement, user: AbstractBaseUser) -> None:
    """To the police area's reviewers: a draft has been sent for them to review."""
    send_on_commit(
        "review_requested",
        to=_police_reviewers(agreement),
        context={"user": _name(user), "title": agreement.title, "link": _review_link(agreement)},
    )


def send_change_requested(*, commitment: Commitment, user: AbstractBaseUser) -> None:
    """To the agreement's editors: the police ask for a change to a commitment."""
    agreement = commitment.agreement
    send_on_commit(
        "change_requested",
        to=_editors(agreement),
        context={
            "user": _name(user),
            "title": agreement.title,
            "commitment": commitment.text,
            "link": _review_link(agreement, commitment),
        },
    )


def send_review_comment(*, commitment: Commitment, user: AbstractBaseUser, from_the_police: bool) -> None:
    """To the other side of the review: a comment in a commitment's thread waits for an answer."""
    agreement = commitment.agreement
    send_on_commit(
        "review_comment",
        to=_editors(agreement) if from_the_police else _police_reviewers(agreement),
        context={
            "user": _name(user),
            "title": agreement.title,
            "commitment": commitment.text,
            "link": _review_link(agreement, commitment),
        },
    )


def send_comment(*, comment: Comment, item: str, user: AbstractBaseUser, from_the_police: bool) -> None:
    """To the other side of the review: a comment on a section, focus area, activity or goal waits for an answer."""
    agreement = comment.agreement
    thread = reverse("focusareas:comments", kwargs={"pk": agreement.pk, "about": comment.about, "key": comment.key})
    send_on_commit(
        "comment",
        to=_editors(agreement) if from_the_police else _police_reviewers(agreement),
        context={
            "user": _name(user),
            "title": agreement.title,
            "kind": comment.get_about_display(),
            "item": item,
            "link": f"{settings.SITE_URL}{thread}#thread",
        },
    )


def send_all_accepted(*, agreement: Agreement) -> None:
    """To the agreement's editors: the police have accepted every commitment; each party's approval comes next, then
    the signatures (or the publishing), all on the agreement's page."""
    send_on_commit(
        "all_accepted",
        to=_editors(agreement),
        context={
            "title": agreement.title,
            "citizen_promise": agreement.is_citizen_promise,
            "link": f"{settings.SITE_URL}{agreement.get_absolute_url()}#consent",
        },
    )
