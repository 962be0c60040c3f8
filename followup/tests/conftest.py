import pytest

from agreements.models import Agreement
from focusareas.tests.factories import ActivityRowFactory, CommitmentFactory, FocusAreaFactory, IndicatorFactory


@pytest.fixture
def signed_agreement(world):
    """The world's agreement with a focus area, an activity, the police's, the municipality's and a joint
    commitment (two with targets) and a goal with an indicator, then signed."""
    agreement = world.agreement
    focus_area = FocusAreaFactory(agreement=agreement, title="Narkotika")
    ActivityRowFactory(focus_area=focus_area, activity="Avloppsanalyser")
    CommitmentFactory(
        focus_area=focus_area,
        parties=[world.police],
        text="polisens krogtillsyner",
        target_value=5,
        target_scope="per_year",
        target_unit="krogtillsyner",
    )
    CommitmentFactory(
        focus_area=focus_area,
        parties=[world.municipality],
        text="kommunens tillsynsbesök",
        target_value=10,
        target_scope="period",
        target_unit="besök",
    )
    CommitmentFactory(focus_area=focus_area, parties=[world.municipality, world.police], text="gemensam vandring")
    IndicatorFactory(goal__focus_area=focus_area, name="Anmälda narkotikabrott", baseline_value=120)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    return Agreement.objects.get(pk=agreement.pk)
