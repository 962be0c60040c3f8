from __future__ import annotations

import factory

from agreements.tests.factories import AgreementFactory
from focusareas.models import (
    ActionPlan,
    ActivityRow,
    Commitment,
    FocusArea,
    FocusAreaSection,
    Goal,
    Indicator,
    ReviewEntry,
)


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Fokusområde {n}")
    # Described, as most are: a focus area that is only named has no heading of its own in Bilaga 1.
    description = "<p>Arbetet utgår från den gemensamma lägesbilden.</p>"
    order = factory.Sequence(lambda n: n)


class FocusAreaSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusAreaSection

    focus_area = factory.SubFactory(FocusAreaFactory)
    heading = factory.Sequence(lambda n: f"Lägesbild {n}")
    body = "<p>Polisen och kommunen delar sin bild av läget varje kvartal.</p>"
    order = factory.Sequence(lambda n: n)


class ActivityRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityRow

    focus_area = factory.SubFactory(FocusAreaFactory)
    activity = factory.Sequence(lambda n: f"Kartlägga var och när brott {n} sker")
    measure = "Identifiera åtgärder utifrån kartläggningen"
    follow_up = "Handlingsplan"
    goal_effect = "Antalet brott ska minska"
    order = factory.Sequence(lambda n: n)


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    agreement = factory.SubFactory(AgreementFactory)
    title = "Handlingsplan 2024"
    year = 2024


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment under a focus area; pass `parties=[...]` for who commits (default: the first party)."""

    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    focus_area = factory.SubFactory(FocusAreaFactory)
    agreement = factory.LazyAttribute(lambda o: o.focus_area.agreement if o.focus_area else o.action_plan.agreement)
    text = factory.Sequence(lambda n: f"genomföra minst fem tillsyner nummer {n} under året")
    responsible_role = "Kommunpolisen"
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def parties(self, create: bool, extracted, **kwargs) -> None:
        if create:
            self.parties.set(extracted if extracted is not None else [self.agreement.parties.first()])


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    focus_area = factory.SubFactory(FocusAreaFactory)
    agreement = factory.LazyAttribute(lambda o: o.focus_area.agreement)
    text = "Antalet anmälda misshandelsbrott ska minska"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    goal = factory.SubFactory(GoalFactory)
    name = "Anmälda misshandelsbrott"
    source = Indicator.Source.REPORTED_CRIME
    unit = "brott"
    direction = Indicator.Direction.DECREASE
    baseline_year = 2022
    baseline_value = 412


def accept(commitments, *, reviewer) -> None:
    """The police's acceptance as a reviewer's decision records it: each commitment's status and its thread's entry."""
    commitments = list(commitments)
    Commitment.objects.filter(pk__in=[c.pk for c in commitments]).update(review_status=Commitment.ReviewStatus.ACCEPTED)
    ReviewEntry.objects.bulk_create(
        ReviewEntry(commitment=c, author=reviewer, kind=ReviewEntry.Kind.ACCEPTED) for c in commitments
    )
