"""The agreement page, the workbench and the review page cost the same whatever the number of focus areas."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.tests.factories import AgreementFactory, FigureFactory, SectionFactory
from focusareas.models import ActivityRow, Commitment
from focusareas.tests.factories import ActionPlanFactory, FocusAreaFactory, GoalFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


def agreement_with(world, focus_areas: int):
    agreement = AgreementFactory(parties=[world.municipality, world.police])
    placement = SectionFactory(agreement=agreement, heading="Fokusområden")
    FigureFactory.create_batch(focus_areas // 2, section=placement)
    plan = ActionPlanFactory(agreement=agreement)
    for i in range(focus_areas):
        focus_area = FocusAreaFactory(agreement=agreement, placement=placement, group_heading="Grupp" if i % 2 else "")
        ActivityRow.objects.bulk_create(ActivityRow(focus_area=focus_area, activity=f"Rad {n}") for n in range(10))
        commitments = Commitment.objects.bulk_create(
            Commitment(agreement=agreement, focus_area=focus_area, action_plan=plan if n % 3 == 0 else None, text="x")
            for n in range(10)
        )
        for n, commitment in enumerate(commitments):
            commitment.parties.set([world.police] if n % 2 else [world.municipality, world.police])
        IndicatorFactory(goal=GoalFactory(focus_area=focus_area))
    return agreement


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["documents:detail", "documents:workbench", "focusareas:review"])
def test_pages_do_not_grow_with_the_number_of_focus_areas(client, world, editor, page):
    small, large = agreement_with(world, 2), agreement_with(world, 20)
    client.force_login(editor)
    client.get(reverse("agreements:list"))  # a session's first request writes when it was last used
    at_two = count(client, reverse(page, args=[small.pk]))
    assert count(client, reverse(page, args=[large.pk])) == at_two
    # 16, the sections' figures, whether a draft was ever sent for review, and the key of the cached document (2)
    assert at_two <= 20
