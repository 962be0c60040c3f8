"""The agreement page and the workbench render each focus area (and each section) once and then serve its cached
HTML until something it shows changes; what depends on the reader (edit tools, CSRF token, language) follows them."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from agreements.models import Agreement, Membership, Organisation, Section
from agreements.tests.factories import SectionFactory
from focusareas.models import ActivityRow, Commitment
from focusareas.tests.factories import ActivityRowFactory, CommitmentFactory, FocusAreaFactory, GoalFactory
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db

ROW = "focusareas/partials/row.html"
DOCUMENT_FOCUS_AREA = "focusareas/partials/focus_area_document.html"


@pytest.fixture
def content(world):
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Trygghet i centrum")
    rows = [ActivityRowFactory(focus_area=focus_area, activity=f"Trygghetsvandra {n}") for n in range(3)]
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police], text="genomföra kontroller")
    GoalFactory(agreement=world.agreement, focus_area=focus_area)
    section = SectionFactory(agreement=world.agreement, part=Section.Part.APPENDIX, heading="Bakgrund")
    return {"focus_area": focus_area, "rows": rows, "commitment": commitment, "section": section}


def workbench(world) -> str:
    return reverse("documents:workbench", args=[world.agreement.pk])


def rendered(response) -> set[str]:
    return {template.name for template in response.templates}


def changed(model, pk: int, **fields) -> None:
    """Saved as the product saves an item: its version goes up with the change, and its save is recorded."""
    item = model.objects.get(pk=pk)
    for name, value in fields.items():
        setattr(item, name, value)
    item.version += 1
    item.save()


def test_an_unchanged_focus_area_is_not_rendered_again(client, world, editor, content):
    client.force_login(editor)
    pages = [workbench(world), world.agreement.get_absolute_url()]

    first = [client.get(url) for url in pages]
    again = [client.get(url) for url in pages]

    assert ROW in rendered(first[0]) and DOCUMENT_FOCUS_AREA in rendered(first[1])
    assert ROW not in rendered(again[0]) and DOCUMENT_FOCUS_AREA not in rendered(again[1])
    for before, after in zip(first, again, strict=True):
        assert "Trygghetsvandra 2" in after.content.decode()
        # The same page, but for the CSRF token, masked anew on every request, and the seconds left of the session.
        token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|data-session-seconds-left="[^"]+"')
        assert token.sub(b"", before.content) == token.sub(b"", after.content)


def test_a_change_to_any_item_shows_at_once(client, world, editor, content):
    client.force_login(editor)
    pages = [workbench(world), world.agreement.get_absolute_url()]
    for url in pages:
        client.get(url)
    row, commitment = content["rows"][1], content["commitment"]

    changed(ActivityRow, row.pk, activity="Kartlägga otryggheten")
    changed(Commitment, commitment.pk, text="genomföra fler kontroller")
    changed(Section, content["section"].pk, heading="Bakgrund och uppdrag")
    ActivityRow.objects.filter(pk=content["rows"][2].pk).delete()

    for url in pages:
        page = client.get(url).content.decode()
        assert "Kartlägga otryggheten" in page and "genomföra fler kontroller" in page
        assert "Trygghetsvandra 2" not in page
    assert "Bakgrund och uppdrag" in client.get(pages[1]).content.decode()


def test_a_renamed_party_shows_on_its_commitments(client, world, editor, content):
    client.force_login(editor)
    client.get(workbench(world))

    Organisation.objects.filter(pk=world.police.pk).update(name="Lokalpolisområde Nya Hamnstad")

    assert "Lokalpolisområde Nya Hamnstad" in client.get(workbench(world)).content.decode()


def test_the_edit_tools_follow_the_reader_not_the_cache(client, world, editor, reader, content):
    edit_url = reverse("focusareas:row_edit", args=[content["rows"][0].pk])
    section_edit_url = reverse("agreements:section_edit", args=[content["section"].pk])
    client.force_login(editor)
    assert edit_url in client.get(workbench(world)).content.decode()
    assert section_edit_url in client.get(world.agreement.get_absolute_url()).content.decode()

    client.force_login(reader)
    assert edit_url not in client.get(workbench(world)).content.decode()
    assert section_edit_url not in client.get(world.agreement.get_absolute_url()).content.decode()

    client.force_login(editor)
    assert edit_url in client.get(workbench(world)).content.decode()


def test_once_signed_the_cached_tools_are_gone(client, world, editor, content):
    edit_url = reverse("focusareas:row_edit", args=[content["rows"][0].pk])
    client.force_login(editor)
    client.get(workbench(world))
    client.get(world.agreement.get_absolute_url())

    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)

    assert edit_url not in client.get(workbench(world)).content.decode()
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    assert reverse("agreements:section_edit", args=[content["section"].pk]) not in page
    assert 'id="item-actions"' not in page


def test_each_editor_moves_items_with_their_own_token(world, editor, content):
    other_editor = member(world.municipality, Membership.Role.EDITOR, "editor2")
    first_row, second_row = content["rows"][:2]
    move_up = reverse("focusareas:item_move", args=["aktivitet", second_row.pk, "up"])
    for user in (editor, other_editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        page = client.get(workbench(world)).content.decode()

        main = page[page.index("<main") : page.index("<footer")]
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', main)
        assert len(tokens) == 1  # in the page's one form, none in the cached focus areas
        assert f'form="item-actions" formaction="{move_up}"' in page
        assert client.post(move_up, {"csrfmiddlewaretoken": tokens[0]}).status_code == 302
    # Moved up by the first editor; the second editor's move of the row now on top leaves it there.
    assert list(ActivityRow.objects.filter(focus_area=content["focus_area"]).values_list("pk", flat=True))[:2] == [
        second_row.pk,
        first_row.pk,
    ]


def test_the_language_is_part_of_the_key(client, world, editor, content):
    client.force_login(editor)
    assert "Aktivitet" in client.get(workbench(world)).content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    english = client.get(workbench(world)).content.decode()
    assert "<dt>Activity</dt>" in english and "<dt>Aktivitet</dt>" not in english


def test_an_unchanged_workbench_does_not_load_the_draft(client, world, editor, content, django_assert_max_num_queries):
    client.force_login(editor)
    client.get(workbench(world))

    with django_assert_max_num_queries(6):  # session, user, agreement, the document's key in two; no content
        again = client.get(workbench(world))

    assert "Trygghetsvandra 2" in again.content.decode() and "focusareas/workbench.html" in rendered(again)


def test_an_unchanged_agreement_page_does_not_load_the_draft(
    client, world, editor, content, django_assert_max_num_queries
):
    client.force_login(editor)
    client.get(world.agreement.get_absolute_url())

    # Session, user, agreement, the document's key in two, archived PDFs, related agreements in two; no content.
    with django_assert_max_num_queries(9):
        again = client.get(world.agreement.get_absolute_url())

    assert "Trygghetsvandra 2" in again.content.decode() and "Bakgrund" in again.content.decode()


def test_a_change_of_one_item_alone_shows_at_once_on_the_workbench(client, world, editor, content):
    client.force_login(editor)
    client.get(workbench(world))

    changed(ActivityRow, content["rows"][1].pk, activity="Kartlägga otryggheten")
    assert "Kartlägga otryggheten" in client.get(workbench(world)).content.decode()

    commitment = Commitment.objects.get(pk=content["commitment"].pk)
    commitment.parties.add(world.municipality)  # a link alone, without saving the commitment
    names = dict(Organisation.objects.parties_of(world.agreement.pk).values_list("pk", "party_name"))
    committed = client.get(workbench(world)).content.decode().split('id="commitment-')[1].split("</p>")[0]
    assert names[world.municipality.pk] in committed and names[world.police.pk] in committed


def test_an_administrators_edit_shows_at_once_on_the_workbench(admin_client, world, content):
    focus_area = content["focus_area"]
    focus_area.placement = content["section"]
    focus_area.save()
    admin_client.get(workbench(world))
    section = content["section"]
    data = {"agreement": world.agreement.pk, "part": section.part, "order": 0, "heading": "Uppdraget", "body": ""}

    assert admin_client.post(reverse("admin:agreements_section_change", args=[section.pk]), data).status_code == 302

    assert "Visas under Uppdraget i Bilaga 1." in admin_client.get(workbench(world)).content.decode()
