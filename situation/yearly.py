"""The mapping of the yearly lägesbild, generated from the data: the statistics of the year against the year before,
and the weekly answers of the year per factor and place. The page and the PDF show the same content."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext as _

from agreements.models import Organisation
from samverkan.lib.charts import ChartText, bar_chart

from .models import CrimeCount, Factor, Place, Rating, Week
from .statistics import Breakdown


@dataclass
class SourceYear:
    label: str
    total: int
    total_before: int
    types: list[Breakdown]  # recent: the year, before: the year before
    chart: str


@dataclass
class Mapping:
    year: int
    sources: list[SourceYear]
    factors: list[tuple[Factor, float | None]]  # the year's mean rating over all places
    places: list[tuple[Place, float | None]]
    weeks: int
    answers: int
    meetings: int  # weeks whose meeting recorded who attended

    @property
    def tables(self) -> list[tuple[str, list]]:
        return [
            (_("Mean rating per factor, all places"), self.factors),
            (_("Mean rating per place, all factors"), self.places),
        ]


def yearly_mapping(municipality: Organisation, year: int) -> Mapping:
    counts = CrimeCount.objects.filter(municipality=municipality, month__year__in=[year, year - 1])
    by_type: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for source, crime_type, row_year, total in (
        counts.values_list("source", "crime_type", "month__year").annotate(total=Sum("count")).order_by()
    ):
        by_type[source][crime_type][0 if row_year == year else 1] += total
    by_month: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
    for source, month, total in counts.values_list("source", "month").annotate(total=Sum("count")).order_by():
        by_month[source][month.year, month.month] = total
    sources = []
    for source, label in CrimeCount.Source.choices:
        if source not in by_type:
            continue
        types = sorted(
            (Breakdown(name, *pair) for name, pair in by_type[source].items()), key=lambda b: (-b.recent, b.name)
        )
        months = by_month[source]
        chart = bar_chart(
            bars=[(str(month), months.get((year, month), 0)) for month in range(1, 13)],
            compare=[months.get((year - 1, month)) for month in range(1, 13)],
            text=ChartText(
                title=f"{label} {year}",
                description=_("Reports per month of the year (1 = January), with the same month the year before."),
                unit=_("reports"),
                baseline=_("Same month last year"),
                target="",
            ),
            width=640,
        )
        sources.append(SourceYear(str(label), sum(b.recent for b in types), sum(b.before for b in types), types, chart))

    ratings = Rating.objects.filter(answer__week__municipality=municipality, answer__week__monday__year=year)
    by_factor = dict(ratings.values_list("factor").annotate(mean=Avg("value")).order_by())
    by_place = dict(ratings.values_list("place").annotate(mean=Avg("value")).order_by())
    weeks = Week.objects.filter(municipality=municipality, monday__year=year).aggregate(
        weeks=Count("pk", distinct=True),
        answers=Count("answers"),
        # The agreement's "varje vecka närvara" is followed up from the attendance each meeting records.
        meetings=Count("pk", distinct=True, filter=~Q(attendance="")),
    )
    return Mapping(
        year=year,
        sources=sources,
        factors=[
            (f, by_factor.get(f.pk)) for f in Factor.objects.filter(municipality=municipality) if f.pk in by_factor
        ],
        places=[(p, by_place.get(p.pk)) for p in Place.objects.filter(municipality=municipality) if p.pk in by_place],
        weeks=weeks["weeks"],
        answers=weeks["answers"],
        meetings=weeks["meetings"],
    )
