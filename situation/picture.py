"""The weekly answers merged into a picture: per factor and place the mean rating, how many rated it, and the
change against the week before; and the trends of each factor and place over the weeks. What everyone but the
reporters themselves sees of the answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count

from agreements.models import Organisation

from .models import Answer, Factor, Place, Rating, Reporter, Week


@dataclass(frozen=True)
class Cell:
    mean: float | None  # None: nobody rated it (only "vet ej", or no answers)
    rated: int  # answers with a rating on the scale
    previous: float | None = None

    @property
    def level(self) -> int | None:
        """The scale step the mean is nearest to, for the cell's shade (the number is always written out)."""
        return None if self.mean is None else min(3, int(self.mean + 0.5))

    @property
    def change(self) -> float | None:
        if self.mean is None or self.previous is None:
            return None
        return round(self.mean - self.previous, 1)


@dataclass
class Row:
    item: Factor | Place
    cells: list[Cell] = field(default_factory=list)
    overall: Cell = Cell(None, 0)


@dataclass
class WeekPicture:
    week: Week
    previous: Week | None
    places: list[Place]
    rows: list[Row]  # one per factor
    place_totals: list[Cell]
    answers: int
    reporters: int


def _cells(ratings) -> dict:
    """{(week_id, factor_id, place_id): (mean, count)} from rows of ratings grouped by the given keys."""
    return {tuple(row[k] for k in row if k not in ("mean", "rated")): (row["mean"], row["rated"]) for row in ratings}


def week_picture(week: Week) -> WeekPicture:
    """The week's answers per factor and place with the week before's next to them, in a fixed number of queries."""
    previous = (
        Week.objects.filter(municipality=week.municipality_id, monday__lt=week.monday).order_by("-monday").first()
    )
    weeks = [week.pk] + ([previous.pk] if previous else [])
    ratings = Rating.objects.filter(answer__week__in=weeks, value__isnull=False)
    by_cell = _cells(
        ratings.values("answer__week", "factor", "place").annotate(mean=Avg("value"), rated=Count("id")).order_by()
    )
    by_factor = _cells(
        ratings.values("answer__week", "factor").annotate(mean=Avg("value"), rated=Count("id")).order_by()
    )
    by_place = _cells(ratings.values("answer__week", "place").annotate(mean=Avg("value"), rated=Count("id")).order_by())
    rated = {key[1:] for key in by_cell}
    # Items no longer in use still show while the week has ratings for them.
    factors = [
        f
        for f in Factor.objects.filter(municipality=week.municipality_id)
        if f.active or any(k[0] == f.pk for k in rated)
    ]
    places = [
        p
        for p in Place.objects.filter(municipality=week.municipality_id)
        if p.active or any(k[1] == p.pk for k in rated)
    ]
    prev = previous.pk if previous else None

    def cell(table: dict, *key) -> Cell:
        mean, count = table.get((week.pk, *key), (None, 0))
        before = table.get((prev, *key), (None, 0))[0]
        return Cell(None if mean is None else float(mean), count, None if before is None else float(before))

    rows = [
        Row(
            item=factor,
            cells=[cell(by_cell, factor.pk, place.pk) for place in places],
            overall=cell(by_factor, factor.pk),
        )
        for factor in factors
    ]
    return WeekPicture(
        week=week,
        previous=previous,
        places=places,
        rows=rows,
        place_totals=[cell(by_place, place.pk) for place in places],
        answers=Answer.objects.filter(week=week).count(),
        reporters=Reporter.objects.active().filter(municipality=week.municipality_id).count(),
    )


@dataclass
class Trends:
    weeks: list[Week]
    factors: list[Row]  # each with one cell per week, the mean over all places
    places: list[Row]  # each with one cell per week, the mean over all factors


def trends(municipality: Organisation, weeks: list[Week]) -> Trends:
    """The mean rating of each factor and of each place in each of the given weeks, in a fixed number of queries."""
    ratings = Rating.objects.filter(answer__week__in=weeks, value__isnull=False)
    by_factor = _cells(
        ratings.values("answer__week", "factor").annotate(mean=Avg("value"), rated=Count("id")).order_by()
    )
    by_place = _cells(ratings.values("answer__week", "place").annotate(mean=Avg("value"), rated=Count("id")).order_by())

    def row(item, table) -> Row:
        cells = []
        for week in weeks:
            mean, count = table.get((week.pk, item.pk), (None, 0))
            cells.append(Cell(None if mean is None else float(mean), count))
        return Row(item=item, cells=cells)

    return Trends(
        weeks=weeks,
        factors=[row(f, by_factor) for f in Factor.objects.filter(municipality=municipality)],
        places=[row(p, by_place) for p in Place.objects.filter(municipality=municipality)],
    )
