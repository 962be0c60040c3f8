from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from samverkan.lib.queries import rows_once

from .models import Agreement, Organisation, Party


class AgreementFilter(django_filters.FilterSet):
    """Narrow the agreement list by text, status, police area and the year it is valid in."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Agreement.Status.choices, empty_label=_("All"), method="filter_status"
    )
    police_area = django_filters.ModelChoiceFilter(
        label=_("Police area"),
        queryset=Organisation.objects.none(),
        method="filter_police_area",
        empty_label=_("All"),
    )
    year = django_filters.NumberFilter(
        label=_("Valid during year"), method="filter_year", min_value=1900, max_value=2200
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def __init__(self, *args, visible: QuerySet[Agreement], seen: tuple[int, ...] | None, **kwargs) -> None:
        """`seen`: the ids of the `visible` agreements, or None where they are every agreement (staff)."""
        super().__init__(*args, queryset=visible, **kwargs)
        self.visible, self.seen = visible, seen
        parties = Party.objects.filter(organisation=OuterRef("pk"))
        if seen is not None:  # else the police areas party to any agreement
            parties = parties.filter(agreement__in=visible)
        self.filters["police_area"].queryset = Organisation.objects.filter(
            Exists(parties), kind__in=Organisation.POLICE_KINDS
        )

    @property
    def qs(self) -> QuerySet[Agreement]:
        """The agreements of those visible that the list shows (`listed()`), narrowed by what was typed: built when
        asked for, since an unfiltered list may not need it built."""
        if not hasattr(self, "_qs"):
            listed = self.queryset.listed()
            if self.is_bound:
                self.form.is_valid()  # the filters read the cleaned data
                listed = self.filter_queryset(listed)
            self._qs = listed
        return self._qs

    @cached_property
    def police_areas(self) -> list[tuple[int, str]]:
        """The police areas to choose from, as (id, name) pairs: read once, for the form and its key alike, by SQL
        written once for the agreements seen."""
        police_areas = self.filters["police_area"].queryset
        return rows_once(("police areas to filter by", self.seen), lambda: police_areas.values_list("pk", "name"))

    @property
    def form(self):
        """The form, its police areas those of `police_areas`: what the form shows is its data and these."""
        if not hasattr(self, "_form"):
            field = super().form.fields["police_area"]
            field.widget.choices = [("", field.empty_label), *self.police_areas]
        return self._form

    @property
    def form_key(self) -> str:
        """Everything the rendered form shows (what was typed, its errors follow from it, and the police areas to
        choose from), known without building the form: the key of its cached HTML."""
        typed = sorted((name, values) for name, values in self.data.lists() if name != "page") if self.is_bound else []
        return repr((typed, self.police_areas))

    def filter_text(self, queryset: QuerySet[Agreement], name: str, value: str) -> QuerySet[Agreement]:
        # EXISTS, not a join: an agreement whose parties match twice is still one row, without DISTINCT.
        named = Party.objects.filter(agreement=OuterRef("pk"), organisation__name__icontains=value)
        return queryset.filter(Q(title__icontains=value) | Exists(named))

    def filter_status(self, queryset: QuerySet[Agreement], name: str, value: str) -> QuerySet[Agreement]:
        """By the status users see (a signed agreement past its end date counts as ended), of the agreement listed or
        of its revision being prepared: a signed agreement in force shows under both "Signed" and "Draft"."""
        past_end = Q(status=Agreement.Status.SIGNED, end_date__lt=timezone.localdate())
        if value == Agreement.Status.ENDED:
            shown = Q(status=value) | past_end
        elif value == Agreement.Status.SIGNED:
            shown = Q(status=value) & ~past_end
        else:
            shown = Q(status=value)
        in_preparation = self.visible.filter(shown, previous_revision=OuterRef("pk"))
        return queryset.filter(shown | Exists(in_preparation))

    def filter_police_area(self, queryset: QuerySet[Agreement], name: str, value: Organisation) -> QuerySet[Agreement]:
        return queryset.filter(party_links__organisation=value)

    def filter_year(self, queryset: QuerySet[Agreement], name: str, value) -> QuerySet[Agreement]:
        year = int(value)
        return queryset.filter(start_date__lte=date(year, 12, 31)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date(year, 1, 1))
        )
