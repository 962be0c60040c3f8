"""The layout the authors chose: the main part's fixed blocks in their order and under their headings, left out or
without a heading; numbering per part; the forums in Bilaga 1. The page and the PDF follow it alike."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import Agreement, Section
from agreements.tests.factories import CooperationForumFactory, SectionFactory, SignatoryFactory
from documents.document import MAIN_BLOCKS, main_blocks
from documents.pdf import agreement_pdf
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(world):
    agreement = world.agreement
    Agreement.objects.filter(pk=agreement.pk).update(
        purpose="Att minska brotten.", follow_up="Varje år till kommunstyrelsen.", standing_commitments=""
    )
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Bakgrund", order=0)
    SectionFactory(agreement=agreement, part=Section.Part.APPENDIX, heading="Lägesbild", order=0)
    CooperationForumFactory(agreement=agreement, name="Operativ samverkansgrupp")
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek")
    return Agreement.objects.get(pk=agreement.pk)


def layout_data(agreement: Agreement, **changes) -> dict:
    """The layout form as loaded: every block in its usual place and heading, printed; numbering on."""
    data = {"loaded_version": agreement.version, "numbers_agreement": "on", "numbers_appendix": "on"}
    for position, name in enumerate(MAIN_BLOCKS, start=1):
        data |= {f"{name}_position": position, f"{name}_heading": "", f"{name}_shown": "on"}
    data |= {"purpose_heading": "Syfte", "follow_up_heading": "Uppföljning", "forums_heading": "Samverkansforum"}
    data |= {"focus_areas_heading": "Fokusområden", "goals_heading": "Övergripande mål"}
    data |= {"standing_commitments_heading": "Stående åtaganden"}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def pdf_text(agreement: Agreement) -> str:
    reader = PdfReader(BytesIO(agreement_pdf(Agreement.objects.get(pk=agreement.pk))))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_blocks_print_in_the_chosen_order_and_headings_on_the_page_and_in_the_pdf(client, agreement, editor):
    client.force_login(editor)
    before = pdf_text(agreement)
    before = before[before.index("Mellan ") :]
    assert before.index("Syfte\nAtt minska brotten.") < before.index("Bakgrund") < before.index("Uppföljning\nVarje")

    response = client.post(
        reverse("documents:layout", args=[agreement.pk]),
        layout_data(
            agreement,
            follow_up_position=1,
            closing_heading="Beslut",
            purpose_heading="",
            forums_shown=None,
            numbers_agreement=None,
        ),
    )

    assert response.status_code == 302
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert page.index("Varje år till kommunstyrelsen.") < page.index("Att minska brotten.") < page.index("Beslut")
    assert "Operativ samverkansgrupp" not in page and ">Syfte<" not in page
    text = pdf_text(agreement)
    body = text[text.index("Mellan ") :]
    assert body.index("Uppföljning\nVarje år") < body.index("Att minska brotten.") < body.index("Bakgrund")
    assert body.index("Bakgrund") < body.index("Beslut\n") < body.index("Anna Ek")
    assert "Syfte" not in body and "Operativ samverkansgrupp" not in text
    assert "1. Bakgrund" not in text and "1. Lägesbild" in text  # the agreement's numbering is off, Bilaga 1's on


def test_the_forums_can_print_in_bilaga_1(client, agreement, editor):
    client.force_login(editor)
    client.post(
        reverse("documents:layout", args=[agreement.pk]),
        layout_data(agreement, forums_in_appendix="on", numbers_appendix=None),
    )

    text = pdf_text(agreement)
    appendix = text[text.rindex("Bilaga 1") :]
    assert "Samverkansforum" in appendix and "Operativ samverkansgrupp" in appendix
    assert "Operativ samverkansgrupp" not in text[: text.rindex("Bilaga 1")].split("Innehåll", 2)[-1]
    assert "Lägesbild" in appendix and "1. Lägesbild" not in text


def test_a_stale_layout_is_refused_with_the_choices_kept(client, agreement, editor):
    client.force_login(editor)
    data = layout_data(agreement, closing_heading="Beslut")
    Agreement.objects.filter(pk=agreement.pk).update(version=agreement.version + 1)

    response = client.post(reverse("documents:layout", args=[agreement.pk]), data)

    assert response.status_code == 200 and "Beslut" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert Agreement.objects.get(pk=agreement.pk).layout == []


def test_a_place_that_is_no_place_is_refused_on_the_form(client, agreement, editor):
    client.force_login(editor)
    response = client.post(
        reverse("documents:layout", args=[agreement.pk]), layout_data(agreement, purpose_position=99)
    )
    assert response.status_code == 200 and "Välj ett giltigt alternativ" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).layout == []


@pytest.mark.browser
def test_in_a_browser_the_layout_page_is_accessible(page, live_server, agreement, editor):
    log_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}{reverse('documents:layout', args=[agreement.pk])}")
    assert_accessible(page)
    page.locator("#id_closing_heading").fill("Beslut")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert Agreement.objects.get(pk=agreement.pk).layout[-1] == {"block": "closing", "heading": "Beslut", "shown": True}
    assert_accessible(page)


def test_a_section_without_a_heading_prints_its_text_without_heading_number_or_contents_entry(
    client, agreement, editor
):
    client.force_login(editor)
    for part, body in (("agreement", "Parterna är överens om följande."), ("appendix", "Bilagan beskriver läget.")):
        response = client.post(
            reverse("agreements:section_add", args=[agreement.pk, part]),
            {"heading": "", "parent": "", "body": f"<p>{body}</p>"},
        )
        assert response.status_code == 302, response.content.decode()
    Section.objects.filter(agreement=agreement, heading="").update(order=0)
    Section.objects.filter(agreement=agreement, heading__in=["Bakgrund", "Lägesbild"]).update(order=1)
    untitled = Section.objects.get(agreement=agreement, part="agreement", heading="")

    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "Parterna är överens om följande." in page and "Bilagan beskriver läget." in page
    assert f'id="section-{untitled.pk}-heading"' not in page
    assert f'aria-labelledby="section-{untitled.pk}-heading"' not in page
    # The section after it is the first numbered one.
    assert '<span class="section-number">1.</span> Bakgrund' in page
    assert '<span class="section-number">1.</span> Lägesbild' in page
    assert '<span class="section-number">2.</span>' not in page

    text = pdf_text(agreement)
    assert "Parterna är överens om följande." in text and "Bilagan beskriver läget." in text
    assert "1. Bakgrund" in text and "1. Lägesbild" in text and "2. Bakgrund" not in text
    # Listed in no table of contents: the headed sections are, each in the document's and in Bilaga 1's.
    contents = text[: text.index("Parterna är överens")]
    assert contents.count("Lägesbild") == 1 and "Bakgrund" in contents
    assert "Avsnitt utan rubrik" not in text


def test_the_fixed_blocks_can_be_numbered_with_the_sections_on_the_page_in_the_pdf_and_its_contents(
    client, agreement, editor
):
    Agreement.objects.filter(pk=agreement.pk).update(overall_goals="Färre misshandelsbrott.")
    background = Section.objects.get(agreement=agreement, heading="Bakgrund")
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Ansvar", parent=background)
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Lagen", order=1)
    client.force_login(editor)

    response = client.post(
        reverse("documents:layout", args=[agreement.pk]),
        layout_data(agreement, numbers_blocks="on", goals_heading="Mål", closing_heading="Beslut"),
    )

    assert response.status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).numbers_blocks
    page = client.get(agreement.get_absolute_url()).content.decode()
    for heading in ("1.</span> Syfte", "2.</span> Bakgrund", "2.1.</span> Ansvar", "3.</span> Lagen", "4.</span> Mål"):
        assert f'<span class="section-number">{heading}' in page
    assert "5.</span> Samverkansforum" in page and "6.</span> Uppföljning" in page and "7.</span> Beslut" in page
    text = re.sub(" +", " ", pdf_text(agreement))
    contents, body = text[: text.index("Mellan ")], text[text.index("Mellan ") :]
    numbered = ["1. Syfte", "2. Bakgrund", "2.1. Ansvar", "3. Lagen", "4. Mål", "5. Samverkansforum", "6. Uppföljning"]
    for heading in [*numbered, "7. Beslut"]:
        assert heading in contents and heading in body
    assert [body.index(heading) for heading in numbered] == sorted(body.index(heading) for heading in numbered)
    assert "1. Lägesbild" in text  # Bilaga 1 keeps its own numbering


def test_the_fixed_blocks_are_unnumbered_unless_chosen_and_need_the_sections_numbered(client, agreement, editor):
    text = pdf_text(agreement)
    assert "1. Bakgrund" in text and "Syfte\n" in text and "1. Syfte" not in text and "2. Bakgrund" not in text
    client.force_login(editor)

    response = client.post(
        reverse("documents:layout", args=[agreement.pk]),
        layout_data(agreement, numbers_blocks="on", numbers_agreement=None, closing_heading="Beslut"),
    )

    assert response.status_code == 200
    assert "Numrera avsnitten i överenskommelsen också" in response.content.decode()
    assert 'value="Beslut"' in response.content.decode()
    assert not Agreement.objects.get(pk=agreement.pk).numbers_blocks


def test_the_forums_can_print_in_a_section_of_the_text_chosen_on_the_layout_page(client, agreement, editor):
    section = agreement.sections.get(heading="Bakgrund")
    client.force_login(editor)
    url = reverse("documents:layout", args=[agreement.pk])

    choices = dict(client.get(url).context["form"].fields["forums_section"].choices)
    response = client.post(url, layout_data(agreement, forums_section=str(section.key)))
    placed = Agreement.objects.get(pk=agreement.pk)
    text = pdf_text(placed)
    client.post(url, layout_data(placed, forums_section=""))
    cleared = Agreement.objects.get(pk=agreement.pk)

    assert choices[str(section.key)] == "Överenskommelsen: 1. Bakgrund"
    assert response.status_code == 302
    assert [b.section for b in main_blocks(placed.layout) if b.name == "forums"] == [str(section.key)]
    # In the section, after its text; the block of their own, with its heading, is not printed.
    assert text.index("Text i avsnittet.") < text.index("Operativ samverkansgrupp") < text.index("Bilaga 1\n")
    assert "Samverkansforum" not in text
    assert [b.section for b in main_blocks(cleared.layout) if b.name == "forums"] == [""]
