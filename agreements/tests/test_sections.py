"""Adding, editing, moving and deleting the numbered sections of the agreement and Bilaga 1."""

import pytest
from django.urls import reverse

from agreements.models import Section, number_sections
from agreements.tests.factories import SectionFactory

pytestmark = pytest.mark.django_db


def numbers(agreement, part=Section.Part.APPENDIX) -> list[tuple[str, str]]:
    return [(n.number, n.section.heading) for n in number_sections(list(agreement.sections.filter(part=part)))]


def add(client, agreement, heading, parent=None, part="appendix", body=""):
    return client.post(
        reverse("agreements:section_add", args=[agreement.pk, part]),
        {"heading": heading, "parent": parent.pk if parent else "", "body": body},
    )


def test_sections_are_numbered_in_document_order(client, world, editor):
    client.force_login(editor)
    add(client, world.agreement, "Bakgrund och uppdrag")
    background = Section.objects.get(heading="Bakgrund och uppdrag")
    add(client, world.agreement, "Lägesbild")
    add(client, world.agreement, "Ansvar", parent=background)
    add(client, world.agreement, "EST", parent=background)
    add(client, world.agreement, "Inledning", part="agreement")

    assert numbers(world.agreement) == [
        ("1.", "Bakgrund och uppdrag"),
        ("1.1.", "Ansvar"),
        ("1.2.", "EST"),
        ("2.", "Lägesbild"),
    ]
    assert numbers(world.agreement, Section.Part.AGREEMENT) == [("1.", "Inledning")]
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    main = page[page.index("<main") :]  # the menu names the situation picture (Lägesbild) too
    assert main.index("1.2.") < main.index("Lägesbild")


def test_moving_a_section_renumbers_it_and_its_subsections(client, world, editor):
    first = SectionFactory(agreement=world.agreement, heading="Första", order=0)
    second = SectionFactory(agreement=world.agreement, heading="Andra", order=1)
    SectionFactory(agreement=world.agreement, heading="Under andra", parent=second, order=0)
    client.force_login(editor)

    client.post(reverse("agreements:section_move", args=[second.pk, "up"]))
    assert numbers(world.agreement) == [("1.", "Andra"), ("1.1.", "Under andra"), ("2.", "Första")]

    client.post(reverse("agreements:section_move", args=[first.pk, "down"]))  # already last: nothing moves
    client.post(reverse("agreements:section_move", args=[second.pk, "down"]))
    assert numbers(world.agreement) == [("1.", "Första"), ("2.", "Andra"), ("2.1.", "Under andra")]


def test_moving_needs_a_post(client, world, editor):
    section = SectionFactory(agreement=world.agreement)
    client.force_login(editor)
    assert client.get(reverse("agreements:section_move", args=[section.pk, "up"])).status_code == 405


def test_a_section_moves_under_another_and_goes_last_there(client, world, editor):
    parent = SectionFactory(agreement=world.agreement, heading="Fokusområden", order=0)
    SectionFactory(agreement=world.agreement, heading="Narkotika", parent=parent, order=0)
    traffic = SectionFactory(agreement=world.agreement, heading="Trafik", order=1)
    client.force_login(editor)
    response = client.post(
        reverse("agreements:section_edit", args=[traffic.pk]),
        {"heading": "Trafik", "parent": parent.pk, "body": "", "loaded_version": traffic.version},
    )
    assert response.status_code == 302
    assert numbers(world.agreement) == [("1.", "Fokusområden"), ("1.1.", "Narkotika"), ("1.2.", "Trafik")]


def test_sections_nest_at_most_three_levels(client, world, editor):
    one = SectionFactory(agreement=world.agreement, heading="1")
    two = SectionFactory(agreement=world.agreement, heading="1.1", parent=one)
    three = SectionFactory(agreement=world.agreement, heading="1.1.1", parent=two)
    client.force_login(editor)
    response = add(client, world.agreement, "För djupt", parent=three)
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Section.objects.filter(heading="För djupt").exists()


def test_a_section_cannot_be_placed_under_itself_or_its_subsections(client, world, editor):
    one = SectionFactory(agreement=world.agreement, heading="Ett")
    two = SectionFactory(agreement=world.agreement, heading="Två", parent=one)
    client.force_login(editor)
    for parent in (one, two):
        response = client.post(
            reverse("agreements:section_edit", args=[one.pk]),
            {"heading": "Ett", "parent": parent.pk, "loaded_version": one.version},
        )
        assert "parent" in response.context["form"].errors
    one.refresh_from_db()
    assert one.parent is None


def test_a_section_of_another_agreement_is_no_place(client, world, editor):
    foreign = SectionFactory(agreement=world.other_agreement)
    client.force_login(editor)
    response = add(client, world.agreement, "Smygande", parent=foreign)
    assert "parent" in response.context["form"].errors


def test_script_in_a_section_is_removed_and_formatting_kept(client, world, editor):
    client.force_login(editor)
    body = (
        '<h3>Mål</h3><p onclick="steal()"><strong>Fet</strong> och <em>kursiv</em>'
        '<script>alert(1)</script></p><ul><li>Punkt</li></ul><a href="javascript:alert(1)">länk</a>'
        '<a href="https://bra.se">bra</a>'
    )
    add(client, world.agreement, "Formaterat", body=body)
    stored = Section.objects.get(heading="Formaterat").body
    assert "<strong>Fet</strong>" in stored and "<em>kursiv</em>" in stored and "<li>Punkt</li>" in stored
    assert "<h3>Mål</h3>" in stored
    assert "script" not in stored and "onclick" not in stored and "javascript" not in stored
    assert 'href="https://bra.se"' in stored
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    assert "<strong>Fet</strong>" in page and "alert(1)" not in page


def test_a_section_with_neither_heading_nor_text_is_refused_in_swedish(client, world, editor):
    client.force_login(editor)
    response = add(client, world.agreement, " ", body="<p> </p>")
    assert response.status_code == 200
    assert "Skriv en rubrik eller en text." in response.content.decode()
    assert not Section.objects.filter(agreement=world.agreement, heading="").exists()


def test_a_stale_section_edit_is_refused_and_the_input_kept(client, world, editor):
    section = SectionFactory(agreement=world.agreement, heading="Ansvar", body="<p>Original</p>")
    loaded = section.version
    client.force_login(editor)
    client.post(
        reverse("agreements:section_edit", args=[section.pk]),
        {"heading": "Ansvar", "body": "<p>Kollegans text</p>", "loaded_version": loaded},
    )

    response = client.post(
        reverse("agreements:section_edit", args=[section.pk]),
        {"heading": "Ansvar", "body": "<p>Min text</p>", "loaded_version": loaded},
    )

    section.refresh_from_db()
    assert response.status_code == 200
    assert section.body == "<p>Kollegans text</p>"
    assert response.context["form"].non_field_errors()
    assert "Min text" in response.content.decode()


def test_deleting_a_section_deletes_its_subsections(client, world, editor):
    parent = SectionFactory(agreement=world.agreement, heading="Lägesbild")
    SectionFactory(agreement=world.agreement, heading="Brottsstatistik", parent=parent)
    client.force_login(editor)
    confirm = client.get(reverse("agreements:section_delete", args=[parent.pk])).content.decode()
    assert "Brottsstatistik" in confirm

    loaded = (
        client.get(reverse("agreements:section_delete", args=[parent.pk])).context["form"]["loaded_fingerprint"].value()
    )
    client.post(reverse("agreements:section_delete", args=[parent.pk]), {"loaded_fingerprint": loaded})

    assert not world.agreement.sections.exists()
    assert Section.history.filter(heading="Brottsstatistik", history_type="-").exists()


def test_an_unknown_part_is_not_found(client, world, editor):
    client.force_login(editor)
    assert client.get(f"/overenskommelser/{world.agreement.pk}/avsnitt/ny/bilaga2/").status_code == 404
