from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Membership


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    is_administrator = forms.BooleanField(
        label=_("Administrator of the organisation"),
        required=False,
        help_text=_("May invite and deactivate the organisation's users and add partner organisations."),
    )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    is_administrator = forms.BooleanField(label=_("Administrator of the organisation"), required=False)
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_(
            "Untick to deactivate the user. Someone who also has a role in another organisation keeps that role "
            "and loses only this one."
        ),
    )


class PartnerForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=200,
        help_text=_("A housing company, a school or an association that agreements can name as a party."),
    )
