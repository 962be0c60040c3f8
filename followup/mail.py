"""The e-mails of the yearly follow-up, one function per message (texts in templates/mail/)."""

from __future__ import annotations

from django.conf import settings

from agreements.models import Membership, Organisation
from samverkan.lib.mail import send_on_commit

from .models import FollowUpReport


def _report_context(report: FollowUpReport) -> dict:
    return {
        "year": report.period_label,
        "title": report.agreement,
        "link": settings.SITE_URL + report.get_absolute_url(),
    }


def send_followup_submitted(*, report: FollowUpReport) -> None:
    """To the police's reviewers: the municipality has submitted the year's follow-up for them to confirm."""
    send_on_commit(
        "followup_submitted",
        to=Membership.objects.addresses(
            agreement=report.agreement, kinds=Organisation.POLICE_KINDS, roles=[Membership.Role.REVIEWER]
        ),
        context=_report_context(report),
    )


def send_followup_confirmed(*, report: FollowUpReport) -> None:
    """To the municipality's editors and council: the police (or the municipality following a citizen promise up
    alone) have confirmed the follow-up, ready for approval."""
    send_on_commit(
        "followup_confirmed",
        to=Membership.objects.addresses(
            agreement=report.agreement,
            kinds=Organisation.MUNICIPAL_KINDS,
            roles=[Membership.Role.EDITOR, Membership.Role.READER],
        ),
        context=_report_context(report)
        | {"by_municipality": report.agreement.followed_up_by == report.agreement.FollowedUpBy.MUNICIPALITY},
    )


def send_followup_sent_back(*, report: FollowUpReport) -> None:
    """To the municipality's editors: the police have sent the follow-up back with a comment."""
    send_on_commit(
        "followup_sent_back",
        to=Membership.objects.addresses(
            agreement=report.agreement, kinds=Organisation.MUNICIPAL_KINDS, roles=[Membership.Role.EDITOR]
        ),
        context=_report_context(report) | {"comment": report.sent_back_comment},
    )


def send_followup_approved(*, report: FollowUpReport) -> None:
    """To both sides' editors and reviewers: the council has approved the follow-up."""
    send_on_commit(
        "followup_approved",
        to=Membership.objects.addresses(
            agreement=report.agreement,
            kinds=(*Organisation.MUNICIPAL_KINDS, *Organisation.POLICE_KINDS),
            roles=[Membership.Role.EDITOR, Membership.Role.REVIEWER],
        ),
        context=_report_context(report) | {"date": report.approved_on.isoformat(), "case": report.case_number},
    )
