"""The yearly lägesbild placed as the lägesbild chapter of an agreement's Bilaga 1: a snapshot in the agreement's own
content (a section with subsections and figures), which the agreement's PDF prints and a signed agreement keeps."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Agreement, Figure, Section
from agreements.services import agreement_new_revision
from documents.pdf import agreement_pdf
from situation.chapter import chapter_place
from situation.models import CrimeCount, Week, YearlyPicture
from situation.services import answer_submit
from situation.tests.helpers import est_setup, pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def picture(world):
    for year, count in ((YEAR, 30), (YEAR - 1, 20)):
        CrimeCount.objects.create(
            municipality=world.municipality,
            source="municipality",
            month=date(year, 6, 1),
            crime_type="Skadegörelse",
            place="Hamnen",
            count=count,
        )
    return YearlyPicture.objects.create(
        municipality=world.municipality,
        year=YEAR,
        analysis="Skadegörelsen ökar i hamnen <b>kvällstid</b>.",
        sources="Kommunens anmälningar om skadegörelse; trygghetsmätningen saknas.",
    )


def url(world) -> str:
    return reverse(
        "situation:chapter_place", kwargs={"pk": world.municipality.pk, "year": YEAR, "agreement": world.agreement.pk}
    )


def test_the_situation_picture_becomes_the_first_chapter_of_bilaga_1_and_the_pdf_prints_it(
    client, world, editor, picture
):
    Section.objects.create(agreement=world.agreement, part="appendix", heading="Bakgrund och uppdrag", order=0)
    client.force_login(editor)
    page = client.get(url(world)).content.decode()
    assert "Det blir det första kapitlet i Bilaga 1." in page
    assert not world.agreement.sections.filter(heading="Lägesbild 2025").exists()  # asking changes nothing

    response = client.post(url(world))
    chapter = Section.objects.get(agreement=world.agreement, heading="Lägesbild 2025")
    assert response.status_code == 302 and response["Location"].endswith(f"#section-{chapter.pk}")
    top = list(Section.objects.filter(agreement=world.agreement, parent=None).order_by("order", "pk"))
    assert [s.heading for s in top] == ["Lägesbild 2025", "Bakgrund och uppdrag"]
    # The analysis is text, not markup: what was typed is shown as typed.
    assert "&lt;b&gt;kvällstid&lt;/b&gt;" in chapter.body
    parts = list(chapter.children.order_by("order"))
    assert [p.heading for p in parts] == ["Kommunens anmälningar om skadegörelse", "Källor och deras begränsningar"]
    assert "30 anmälningar år 2025, mot 20 året före." in parts[0].body and "<table>" in parts[0].body
    (figure,) = Figure.objects.filter(section=parts[0])
    assert (
        figure.image.read().startswith(b"\x89PNG") and "Kommunens anmälningar om skadegörelse 2025" in figure.alt_text
    )
    workbench = client.get(world.agreement.get_absolute_url()).content.decode()
    assert "Lägesbild 2025" in workbench and reverse("agreements:figure_image", args=[figure.pk]) in workbench
    assert client.get(reverse("agreements:figure_image", args=[figure.pk]))["Content-Type"] == "image/png"

    text = pdf_text(agreement_pdf(Agreement.objects.get(pk=world.agreement.pk)))
    for expected in (
        "Lägesbild 2025",
        "Skadegörelsen ökar i hamnen",
        "30 anmälningar år 2025, mot 20 året före.",
        "Skadegörelse 30 20",
        "Kommunens anmälningar om skadegörelse 2025",  # the chart's caption
        "trygghetsmätningen saknas",
    ):
        assert expected in text, expected


def test_placing_again_replaces_the_chapter_and_a_signed_agreement_keeps_what_was_placed(world, picture):
    first = chapter_place(picture=picture, agreement=world.agreement)
    survey = est_setup(world.municipality, factors=1, places=1, reporters=2)
    week = Week.objects.create(municipality=world.municipality, monday=date(YEAR, 3, 3))
    for reporter, value in zip(survey["reporters"], (1, 2), strict=True):
        ratings = {(survey["factors"][0].pk, survey["places"][0].pk): value}
        answer_submit(week=week, reporter=reporter, ratings=ratings, free_text="")
    CrimeCount.objects.filter(month__year=YEAR).update(count=45)
    again = chapter_place(picture=picture, agreement=world.agreement)
    assert again.pk == first.pk and again.key == first.key
    assert Section.objects.filter(agreement=world.agreement, parent=None).count() == 1
    assert Figure.objects.filter(section__agreement=world.agreement).count() == 1
    assert "45 anmälningar" in again.children.get(order=0).body
    weekly = again.children.get(heading="Veckoenkäten (EST)")
    assert "1 veckor med enkät, 2 svar." in weekly.body
    assert "<td>Hot och våld</td><td>1,5</td>" in weekly.body

    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    CrimeCount.objects.filter(month__year=YEAR).update(count=99)
    with pytest.raises(Exception, match="undertecknad"):
        chapter_place(picture=picture, agreement=Agreement.objects.get(pk=world.agreement.pk))
    text = pdf_text(agreement_pdf(Agreement.objects.get(pk=world.agreement.pk)))
    assert "45 anmälningar år 2025" in text and "99" not in text


def test_a_revision_replaces_its_copy_of_the_chapter(world, picture):
    chapter_place(picture=picture, agreement=world.agreement)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    revision = agreement_new_revision(agreement=Agreement.objects.get(pk=world.agreement.pk))
    placed = chapter_place(picture=picture, agreement=revision)
    assert Section.objects.filter(agreement=revision, heading="Lägesbild 2025").count() == 1
    assert placed.agreement_id == revision.pk
    assert Section.objects.filter(agreement=world.agreement, heading="Lägesbild 2025").count() == 1
