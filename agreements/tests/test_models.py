"""The rules an agreement keeps whichever way it is saved."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import Agreement, Party, Section, number_sections
from agreements.tests.factories import AgreementFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_an_end_before_the_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(title="Baklänges", start_date=date(2026, 1, 1), end_date=date(2025, 1, 1))


def test_the_database_refuses_an_open_ended_agreement_without_revision():
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(title="Tills vidare", start_date=date(2026, 1, 1), end_date=None)


def test_an_organisation_is_party_to_an_agreement_once(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.create(agreement=world.agreement, organisation=world.municipality)


def test_a_period_longer_than_ten_years_is_refused_in_swedish():
    agreement = Agreement(title="Lång", start_date=date(2020, 1, 1), end_date=date(2060, 1, 1))
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert error.value.message_dict["end_date"] == ["En överenskommelse kan gälla i högst 10 år."]


def test_the_period_reads_as_the_documents_write_it():
    assert AgreementFactory.build(start_date=date(2023, 1, 1), end_date=date(2026, 12, 31)).period_label == "2023–2026"
    open_ended = AgreementFactory.build(start_date=date(2024, 3, 1), end_date=None, revision_interval_years=3)
    assert open_ended.period_label == "från och med 2024 och tills vidare"


def test_overall_goals_are_one_per_line():
    agreement = AgreementFactory.build(overall_goals="Färre misshandelsbrott\n\n  Ingen öppen droghandel  \n")
    assert agreement.overall_goal_list == ["Färre misshandelsbrott", "Ingen öppen droghandel"]


def test_numbering_follows_order_then_creation(world):
    b = SectionFactory(agreement=world.agreement, heading="B", order=1)
    a = SectionFactory(agreement=world.agreement, heading="A", order=0)
    SectionFactory(agreement=world.agreement, heading="B2", parent=b, order=5)
    SectionFactory(agreement=world.agreement, heading="B1", parent=b, order=5)
    SectionFactory(agreement=world.agreement, heading="A1", parent=a, order=0)
    numbered = number_sections(list(Section.objects.filter(agreement=world.agreement)))
    assert [(n.number, n.section.heading, n.depth) for n in numbered] == [
        ("1.", "A", 1),
        ("1.1.", "A1", 2),
        ("2.", "B", 1),
        ("2.1.", "B2", 2),
        ("2.2.", "B1", 2),
    ]


def test_section_text_is_sanitised_however_it_is_saved(world):
    section = SectionFactory(agreement=world.agreement, body='<p style="color:red">Hej<img src=x onerror=alert(1)></p>')
    section.refresh_from_db()
    assert section.body == "<p>Hej</p>"
