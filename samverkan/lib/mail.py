"""Every e-mail the service sends, one function per message; subjects and bodies are in templates/mail/."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from agreements.models import Agreement, Membership, Organisation

if TYPE_CHECKING:
    from followup.models import FollowUpReport

POLICE = Organisation.POLICE_KINDS
MUNICIPAL = (Organisation.Kind.MUNICIPALITY, Organisation.Kind.OTHER)


def recipients(*, agreement: Agreement, kinds: Iterable[str], roles: Iterable[str]) -> list[str]:
    """The addresses of the active members with one of the roles in the agreement's parties of the given kinds."""
    return list(
        Membership.objects.filter(
            role__in=roles,
            organisation__kind__in=kinds,
            organisation__agreement_parties__agreement=agreement,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )


def _send(message: str, *, to: list[str], context: dict) -> None:
    """Send templates/mail/<message>_subject.txt and _body.txt once the transaction commits: a change rolled back
    tells nobody. The texts are rendered now, in the language of the request that caused them."""
    if not to:
        return
    # A subject is one header line; a body ends with one line break, however its template file ends.
    subject = render_to_string(f"mail/{message}_subject.txt", context).strip()
    body = render_to_string(f"mail/{message}_body.txt", context).rstrip("\n") + "\n"
    transaction.on_commit(lambda: send_mail(subject, body, None, to))


def send_review_requested(*, agreement: Agreement, user: AbstractBaseUser) -> None:
    """To the police area's reviewers: a draft has been sent for them to review."""
    _send(
        "review_requested",
        to=recipients(agreement=agreement, kinds=POLICE, roles=[Membership.Role.REVIEWER]),
        context={
            "user": user.get_full_name() or user.get_username(),
            "title": agreement.title,
            "link": settings.SITE_URL + reverse("commitment_review", args=[agreement.pk]),
        },
    )


def _report_context(report: FollowUpReport) -> dict:
    return {
        "year": report.year,
        "title": report.agreement,
        "link": settings.SITE_URL + reverse("followup_report", args=[report.agreement_id, report.year]),
    }


def send_followup_submitted(*, report: FollowUpReport) -> None:
    """To the police's reviewers: the municipality has submitted the year's follow-up for them to confirm."""
    _send(
        "followup_submitted",
        to=recipients(agreement=report.agreement, kinds=POLICE, roles=[Membership.Role.REVIEWER]),
        context=_report_context(report),
    )


def send_followup_confirmed(*, report: FollowUpReport) -> None:
    """To the municipality's editors and council: the police have confirmed the follow-up, ready for approval."""
    _send(
        "followup_confirmed",
        to=recipients(
            agreement=report.agreement, kinds=MUNICIPAL, roles=[Membership.Role.EDITOR, Membership.Role.READER]
        ),
        context=_report_context(report),
    )


def send_followup_approved(*, report: FollowUpReport) -> None:
    """To both sides' editors and reviewers: the council has approved the follow-up."""
    _send(
        "followup_approved",
        to=recipients(
            agreement=report.agreement,
            kinds=(*MUNICIPAL, *POLICE),
            roles=[Membership.Role.EDITOR, Membership.Role.REVIEWER],
        ),
        context=_report_context(report) | {"date": report.approved_on.isoformat(), "case": report.case_number},
    )
