"""Copying an agreement (for a revision or a renewal) follows the one declaration of what an agreement holds."""

from datetime import date

import pytest

from agreements.models import Agreement, Section, Signatory, agreement_content_models, content_rows
from agreements.services import agreement_copy
from agreements.tests.factories import CooperationForumFactory, FigureFactory, SectionFactory, SignatoryFactory
from documents.models import Approval, PartySignature
from focusareas.models import Comment, Commitment
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
    GoalFactory,
    IndicatorFactory,
    accept,
)

pytestmark = pytest.mark.django_db


def owner(instance) -> int:
    return instance.pk if isinstance(instance, Agreement) else instance.owning_agreement_id()


@pytest.fixture
def source(world, reviewer) -> Agreement:
    """An agreement with a row of every kind of content, and a subsection written before the section it now sits in."""
    agreement = world.agreement
    subsection = SectionFactory(agreement=agreement, heading="Lägesbild")
    section = SectionFactory(agreement=agreement, heading="Bakgrund")
    subsection.parent = section
    subsection.save()
    FigureFactory(section=subsection)
    focus_area = FocusAreaFactory(agreement=agreement, placement=section)
    goal = GoalFactory(focus_area=focus_area)
    IndicatorFactory(goal=goal)
    part = FocusAreaSectionFactory(focus_area=focus_area, heading="Insatser")
    ActivityRowFactory(focus_area=focus_area, section=part).goals.add(goal)
    commitment = CommitmentFactory(
        focus_area=focus_area, section=part, action_plan=ActionPlanFactory(agreement=agreement)
    )
    commitment.goals.add(goal)
    accept([commitment], reviewer=reviewer)
    SignatoryFactory(agreement=agreement, party=world.municipality, signed_on=date(2026, 11, 20))
    CooperationForumFactory(agreement=agreement)
    recorded = {"agreement": agreement, "party": world.municipality, "recorded_by": reviewer, "fingerprint": "x"}
    Approval.objects.create(**recorded)
    Comment.objects.create(agreement=agreement, about="avsnitt", key=section.key, author=reviewer, text="Varför?")
    PartySignature.objects.create(**recorded, signing_place="Hamnstad", signed_on=date(2026, 11, 20))
    return Agreement.objects.get(pk=agreement.pk)


def test_a_copy_holds_the_rows_of_every_model_declared_copied_each_pointing_only_to_copies(source):
    copy = agreement_copy(source=source, title="Kopian")

    for model in agreement_content_models()[1:]:
        assert content_rows(model, source.pk).exists(), model  # the source holds every kind
        copied = list(content_rows(model, copy.pk))
        assert len(copied) == (content_rows(model, source.pk).count() if model.in_copy else 0), model
        for row in copied:
            for field in model._meta.get_fields():
                if not (field.concrete and field.is_relation) or field.related_model not in agreement_content_models():
                    continue
                targets = getattr(row, field.name).all() if field.many_to_many else [getattr(row, field.name)]
                assert {owner(t) for t in targets if t is not None} <= {copy.pk}, (model, field.name)


def test_a_copy_starts_afresh_where_each_model_says_and_keeps_the_keys(source):
    source.version = 7
    Agreement.objects.filter(pk=source.pk).update(version=7)
    copy = agreement_copy(source=source, title="Kopian")

    assert (copy.title, copy.status, copy.version, copy.creation_key) == ("Kopian", "draft", 1, None)
    assert Signatory.objects.get(agreement=copy).signed_on is None
    assert Commitment.objects.get(agreement=copy).review_status == Commitment.ReviewStatus.OPEN
    subsection = Section.objects.get(agreement=copy, heading="Lägesbild")
    assert subsection.parent.heading == "Bakgrund" and subsection.parent.agreement == copy
    assert subsection.key == Section.objects.get(agreement=source, heading="Lägesbild").key
