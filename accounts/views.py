"""The organisation page: its users and, for its administrators, inviting, roles, deactivating and partners."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agreements.models import Membership, Organisation
from samverkan.lib.edits import show_refusal

from . import services
from .access import administers_any, get_administered_membership, get_administered_organisation
from .forms import InviteForm, MembershipForm, PartnerForm


@login_required
@require_safe
def organisation(request: HttpRequest) -> HttpResponse:
    """Each organisation the user has a role in, with its members; its administrators see what they may change."""
    own = (
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "organisation__memberships",
                queryset=Membership.objects.select_related("user").order_by("user__last_name", "user__first_name"),
            )
        )
        .order_by("organisation__name")
    )
    return render(
        request,
        "accounts/organisation.html",
        {
            "own": own,
            "partners": Organisation.objects.filter(kind=Organisation.Kind.OTHER),
            "may_add_partners": administers_any(request.user),
        },
    )


@login_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_administered_organisation(request.user, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_invite(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(email)s has been given a role in %(organisation)s and an e-mail about it.")
                % {"email": membership.user.email, "organisation": organisation},
            )
            return redirect("accounts:organisation")
    return render(request, "accounts/invite.html", {"organisation": organisation, "form": form})


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_administered_membership(request.user, pk)
    initial = {
        "role": membership.role,
        "is_administrator": membership.is_administrator,
        "active": membership.user.is_active,
    }
    form = MembershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.membership_update(membership=membership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, done)
            return redirect("accounts:organisation")
    return render(request, "accounts/member_edit.html", {"membership": membership, "form": form})


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_administered_membership(request.user, pk)
    try:
        services.invitation_resend(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation has been sent again to %(email)s.") % {"email": membership.user.email}
        )
    return redirect("accounts:member_edit", pk=membership.pk)


@login_required
def partner_add(request: HttpRequest) -> HttpResponse:
    if not administers_any(request.user):
        raise PermissionDenied
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_add(name=form.cleaned_data["name"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%(name)s can now be chosen as a party.") % {"name": partner.name})
            return redirect("accounts:organisation")
    return render(request, "accounts/partner_add.html", {"form": form})


class Activate(auth_views.PasswordResetConfirmView):
    """The invitation's link: the new user chooses a password, then logs in."""

    template_name = "accounts/activate.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(
            self.request, _("Your password is saved. Log in with your e-mail address and the new password.")
        )
        return super().form_valid(form)
