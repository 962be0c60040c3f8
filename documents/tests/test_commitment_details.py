"""A commitment's target group, milestones within the year and target in words on the agreement page, in the
PDF and its attached data, and in the comparison of revisions."""

import json
import re
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import Agreement
from agreements.services import agreement_new_revision
from agreements.tests.factories import SectionFactory
from documents.pdf import DATA_ATTACHMENT, agreement_pdf
from documents.revisions import compare
from focusareas.models import Commitment
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(world) -> Agreement:
    placement = SectionFactory(agreement=world.agreement, heading="Fokusområden")
    focus_area = FocusAreaFactory(agreement=world.agreement, placement=placement, title="Unga")
    CommitmentFactory(
        focus_area=focus_area,
        parties=[world.police],
        text="besöka skolorna",
        target_group="unga 13–17 år",
        target_value=3,
        target_unit="besök",
        target_scope="period",
        target_text="minst 3 under perioden maj–dec",
        milestones="Under våren: föräldramöten\nVid skolstart: information till nya elever",
    )
    return Agreement.objects.get(pk=world.agreement.pk)


def test_the_agreement_page_shows_them(client, agreement, editor):
    client.force_login(editor)
    html = client.get(reverse("documents:detail", args=[agreement.pk])).content.decode()
    assert "Målgrupp: unga 13–17 år" in html
    assert "Mål: minst 3 under perioden maj–dec" in html
    assert (
        "<li>Under våren: föräldramöten</li>" in html and "<li>Vid skolstart: information till nya elever</li>" in html
    )


def test_the_pdf_prints_them_and_attaches_them_as_data(agreement):
    reader = PdfReader(BytesIO(agreement_pdf(agreement)))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Målgrupp: unga 13–17 år" in text
    assert "Mål: minst 3 under perioden maj–dec" in text
    assert "Under året:" in text and "Under våren: föräldramöten" in text and "Vid skolstart: information" in text
    (attached,) = reader.attachments[DATA_ATTACHMENT]
    (commitment,) = [c for section in json.loads(attached)["appendix"] for c in section.get("commitments", [])]
    assert commitment["target_group"] == "unga 13–17 år"
    assert commitment["target_text"] == "minst 3 under perioden maj–dec"
    assert (commitment["target_value"], commitment["target_scope"]) == (3, "period")
    assert commitment["milestones"] == ["Under våren: föräldramöten", "Vid skolstart: information till nya elever"]


def test_a_revision_shows_them_changed(agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    revision = agreement_new_revision(agreement=agreement)
    Commitment.objects.filter(agreement=revision).update(
        target_group="krögare", target_text="minst 4 under året", milestones="Under hösten: krogtillsyner"
    )
    (change,) = compare(agreement, revision)
    assert (change.change, change.kind) == ("Ändrat", "Åtagande")
    assert [difference.label for difference in change.fields] == [
        "Målgrupp",
        "Målformulering",
        "Hållpunkter under året",
    ]
    assert "krögare" in change.fields[0].diff
