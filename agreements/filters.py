from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Agreement, Organisation


class AgreementFilter(django_filters.FilterSet):
    """Narrow the agreement list by text, status, police area and the year it is valid in."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Agreement.Status.choices, empty_label=_("All"))
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

    def __init__(self, *args, visible: QuerySet[Agreement], **kwargs) -> None:
        super().__init__(*args, queryset=visible, **kwargs)
        self.filters["police_area"].queryset = Organisation.objects.filter(
            kind__in=Organisation.POLICE_KINDS, agreement_parties__agreement__in=visible
        ).distinct()

    def filter_text(self, queryset: QuerySet[Agreement], name: str, value: str) -> QuerySet[Agreement]:
        return queryset.filter(
            Q(title__icontains=value) | Q(party_links__organisation__name__icontains=value)
        ).distinct()

    def filter_police_area(self, queryset: QuerySet[Agreement], name: str, value: Organisation) -> QuerySet[Agreement]:
        return queryset.filter(party_links__organisation=value)

    def filter_year(self, queryset: QuerySet[Agreement], name: str, value) -> QuerySet[Agreement]:
        year = int(value)
        return queryset.filter(start_date__lte=date(year, 12, 31)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date(year, 1, 1))
        )
