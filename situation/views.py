from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.lib.access import Access

from .access import get_municipality_for_user, municipalities_visible_to
from .forms import setup_formset
from .models import DEFAULT_FACTORS, Factor
from .setup import SETUP_KINDS


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "situation/index.html", {"municipalities": municipalities_visible_to(request.user)})


@login_required
@require_safe
def municipality(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, pk)
    return render(
        request,
        "situation/municipality.html",
        {
            "municipality": municipality,
            "setup_kinds": SETUP_KINDS,
            "factors": Factor.objects.filter(municipality=municipality, active=True),
        },
    )


@login_required
def setup(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, pk, Access.EDIT)
    if kind not in SETUP_KINDS:
        raise Http404
    setup_kind = SETUP_KINDS[kind]
    queryset = setup_kind.model.objects.filter(municipality=municipality)
    # A municipality without factors starts from the EST checklist, saved only when the form is.
    initial = (
        []
        if kind != "faktorer" or queryset.exists()
        else [{"name": name, "order": order, "active": True} for order, name in enumerate(DEFAULT_FACTORS, 1)]
    )
    FormSet = setup_formset(setup_kind, extra=len(initial) or 1)
    formset = FormSet(request.POST or None, queryset=queryset, initial=initial, prefix=kind)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for item in formset.save(commit=False):
                item.municipality = municipality
                item.save()
        messages.success(request, _("Saved."))
        return redirect("situation:setup", pk=municipality.pk, kind=kind)
    return render(
        request,
        "situation/setup.html",
        {"municipality": municipality, "kind": setup_kind, "formset": formset, "setup_kinds": SETUP_KINDS},
    )
