"""Setting up an organisation's users without the system administrator: inviting, roles, deactivating, partners."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Membership, Organisation

from . import mail


@transaction.atomic
def member_invite(
    *, organisation: Organisation, email: str, first_name: str, last_name: str, role: str, is_administrator: bool, by
) -> Membership:
    """Give the person with this e-mail address a role in the organisation. A new person gets a user without a
    password and an e-mail with a link to choose one; someone who already has a user is told of the new role."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None and Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(
            _("%(email)s already has a role in %(organisation)s.") % {"email": email, "organisation": organisation}
        )
    new = user is None
    if new:
        if User.objects.filter(username__iexact=email).exists():
            raise ValidationError(_("The user name %(email)s is taken by another user.") % {"email": email})
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, is_administrator=is_administrator
    )
    if new or not user.has_usable_password():
        mail.send_invitation(membership=membership, invited_by=by)
    else:
        mail.send_access_given(membership=membership, invited_by=by)
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, role: str, is_administrator: bool, active: bool, by) -> str:
    """Set the member's role and whether they administer the organisation. `active=False` deactivates a user whose
    only role is in this organisation, and otherwise takes away this organisation's role only: an organisation
    decides over its own users, not over what others have given them. Returns what happened, for the message."""
    membership = Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
    user = membership.user
    if user == by and (not active or (membership.is_administrator and not is_administrator)):
        raise ValidationError(_("You cannot deactivate yourself or give up your own administrator role."))
    if not active and Membership.objects.filter(user=user).exclude(pk=membership.pk).exists():
        membership.delete()
        return _("%(user)s no longer has a role in %(organisation)s.") % {
            "user": _name(user),
            "organisation": membership.organisation,
        }
    membership.role, membership.is_administrator = role, is_administrator
    membership.save(update_fields=["role", "is_administrator"])
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            return _("%(user)s is deactivated and can no longer log in.") % {"user": _name(user)}
        return _("%(user)s is active again.") % {"user": _name(user)}
    return _("%(user)s's role is saved.") % {"user": _name(user)}


def invitation_resend(*, membership: Membership, by) -> None:
    if membership.user.has_usable_password():
        raise ValidationError(_("%(user)s has already chosen a password.") % {"user": _name(membership.user)})
    mail.send_invitation(membership=membership, invited_by=by)


def partner_add(*, name: str) -> Organisation:
    """A partner organisation (a housing company, a school, an association) that agreements can name as a party."""
    name = " ".join(name.split())
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(_("There is already an organisation called %(name)s.") % {"name": name})
    return Organisation.objects.create(name=name, kind=Organisation.Kind.OTHER)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
