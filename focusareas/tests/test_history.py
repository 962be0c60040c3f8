"""The agreement's history page shows changes to focus areas and everything in them, as it does for sections."""

import pytest
from django.urls import reverse

from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
)

pytestmark = pytest.mark.django_db


def test_the_history_covers_focus_areas_goals_indicators_activities_plans_and_commitments(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Trygg stadskärna")
    commitment = CommitmentFactory(focus_area=focus_area, text="genomföra trygghetsvandringar")
    commitment.text = "genomföra trygghetsvandringar varje kvartal"
    commitment.save()
    row = ActivityRowFactory(focus_area=focus_area, activity="Kartlägga otrygga platser")
    goal = GoalFactory(agreement=world.agreement, focus_area=focus_area, text="Färre skadegörelsebrott")
    IndicatorFactory(goal=goal, name="Anmälda skadegörelsebrott")
    ActionPlanFactory(agreement=world.agreement, title="Handlingsplan 2025")
    row.delete()
    CommitmentFactory(focus_area=FocusAreaFactory(agreement=world.other_agreement), text="hemligt åtagande")

    client.force_login(editor)
    response = client.get(reverse("agreements:history", args=[world.agreement.pk]))
    changes = response.context["changes"]
    subjects = {(c.action, c.kind, c.subject) for c in changes}
    assert ("Ändrades", "Åtagande", "genomföra trygghetsvandringar varje kvartal") in subjects
    assert ("Skapades", "Fokusområde", "Trygg stadskärna") in subjects
    assert ("Skapades", "Mål", "Färre skadegörelsebrott") in subjects
    assert ("Skapades", "Indikator", "Anmälda skadegörelsebrott") in subjects
    assert ("Skapades", "Handlingsplan", "Handlingsplan 2025") in subjects
    assert ("Togs bort", "Aktivitet", "Kartlägga otrygga platser") in subjects
    changed = next(c for c in changes if c.kind == "Åtagande" and c.action == "Ändrades")
    assert [(f.old, f.new) for f in changed.fields] == [
        ("genomföra trygghetsvandringar", "genomföra trygghetsvandringar varje kvartal")
    ]
    assert "hemligt åtagande" not in response.content.decode()
