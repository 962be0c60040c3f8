"""The yearly lägesbild and åtgärdsplan taken into an agreement: carrying the plan over as commitments, and placing
the lägesbild as Bilaga 1's chapter. Each is previewed, then confirmed; both are the municipality's security unit's,
in drafts of agreements the municipality is party to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import Agreement, AgreementFrozen, Organisation
from samverkan.lib.versions import StaleEdit

from .access import get_yearly_for_user
from .chapter import chapter_place, placed_chapter
from .forms import PlanCarryForm
from .models import YearlyPicture
from .plan import agreements_to_carry_into, carry_plan, plan_carry_over, plan_fingerprint, signed_to_revise

CHANGED = gettext_lazy(
    "The action plan or the agreement has changed since the preview. Nothing has been carried over: check the "
    "preview below and confirm again."
)


def into_agreements(user, municipality: Organisation, picture: YearlyPicture | None) -> dict:
    """For the yearly page: the drafts the security unit may take the picture into, and the signed agreements that
    would need a revision first."""
    if picture is None or not municipality.user_is_editor:
        return {"targets": [], "signed": []}
    return {
        "targets": list(agreements_to_carry_into(user, municipality)),
        "signed": list(signed_to_revise(user, municipality)),
    }


def _picture_and_agreement(
    request: HttpRequest, pk: str, year: str, agreement: str
) -> tuple[Organisation, YearlyPicture, Agreement]:
    """The picture (404 while unwritten) and the agreement chosen, under the municipality's rules: 404 for one the
    municipality is not party to or the user cannot see, 403 for all but the security unit."""
    municipality, picture = get_yearly_for_user(request.user, pk, year)
    if picture is None:
        raise Http404
    if not municipality.user_is_editor:
        raise PermissionDenied
    chosen = (
        Agreement.objects.visible_to(request.user)
        .with_permissions(request.user)
        .filter(parties=municipality, pk=agreement)
        .first()
    )
    if chosen is None:
        raise Http404
    if not chosen.user_is_editor:
        raise PermissionDenied
    return municipality, picture, chosen


def _signed(request: HttpRequest, municipality, picture, agreement) -> HttpResponse:
    """A signed agreement is never changed: the page says so and offers a revision (or the one under way)."""
    return render(
        request,
        "situation/into_signed.html",
        {
            "municipality": municipality,
            "year": picture.year,
            "agreement": agreement,
            "revision": agreement.later_revisions.exclude(status__in=Agreement.FROZEN_STATUSES).first(),
        },
    )


@login_required
def plan_carry(request: HttpRequest, pk: str, year: str, agreement: str) -> HttpResponse:
    """Preview what carrying the åtgärdsplan into the agreement does, and on confirmation do it."""
    municipality, picture, agreement = _picture_and_agreement(request, pk, year, agreement)
    if agreement.is_frozen:
        return _signed(request, municipality, picture, agreement)
    carried = carry_plan(picture, agreement)
    parties = list(Organisation.objects.parties_of(agreement.pk))
    data = request.POST if request.method == "POST" else None
    form = PlanCarryForm(data, carried=carried, parties=parties, version=plan_fingerprint(carried))
    problem = None
    if data is not None and form.is_valid():
        try:
            created, updated = plan_carry_over(
                picture=picture,
                agreement=agreement,
                user=request.user,
                chosen_parties=form.chosen_parties(),
                loaded_fingerprint=form.cleaned_data["loaded_fingerprint"] or None,
            )
        except StaleEdit:
            # Shown again as it is now, with the user's choices kept, to be confirmed again.
            problem = CHANGED
            carried = carry_plan(picture, agreement)
            fresh = data.copy()
            fresh["loaded_fingerprint"] = plan_fingerprint(carried)
            form = PlanCarryForm(fresh, carried=carried, parties=parties)
        except AgreementFrozen:
            return _signed(request, municipality, picture, agreement)
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        else:
            messages.success(
                request,
                _("The action plan has been carried over: %(created)s commitments created, %(updated)s updated.")
                % {"created": created, "updated": updated},
            )
            return redirect(agreement.get_absolute_url())
    return render(
        request,
        "situation/plan_carry.html",
        {
            "municipality": municipality,
            "year": picture.year,
            "picture": picture,
            "agreement": agreement,
            "carried": carried,
            "form": form,
            "problem": problem,
        },
    )


@login_required
def chapter_place_view(request: HttpRequest, pk: str, year: str, agreement: str) -> HttpResponse:
    """Ask, then place the year's lägesbild as the lägesbild chapter of the agreement's Bilaga 1."""
    municipality, picture, agreement = _picture_and_agreement(request, pk, year, agreement)
    if agreement.is_frozen:
        return _signed(request, municipality, picture, agreement)
    if request.method == "POST":
        try:
            section = chapter_place(picture=picture, agreement=agreement)
        except AgreementFrozen:
            return _signed(request, municipality, picture, agreement)
        messages.success(request, _("The situation picture has been placed in Bilaga 1."))
        return redirect(f"{agreement.get_absolute_url()}#section-{section.pk}")
    return render(
        request,
        "situation/chapter_place.html",
        {
            "municipality": municipality,
            "year": picture.year,
            "picture": picture,
            "agreement": agreement,
            "replaces": placed_chapter(picture, agreement),
        },
    )
