"""The history page is laid out again only when something it shows has changed: a change shows at once however it
was made, and the page shows what its reader may see, in the reader's language."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Membership, Organisation, Section
from agreements.tests.factories import SectionFactory
from agreements.views import CHANGES_PER_PAGE
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db


def history(client, agreement, query: str = "") -> str:
    """The page's own part, from its heading (the forms around it carry a token that differs on every request)."""
    response = client.get(reverse("agreements:history", args=[agreement.pk]) + query)
    assert response.status_code == 200
    return response.content.decode().split("<h1>", 1)[1].split("</main>", 1)[0]


def queries(client, agreement, query: str = "") -> int:
    with CaptureQueriesContext(connection) as captured:
        history(client, agreement, query)
    return len(captured)


def add_section(client, agreement, heading: str) -> Section:
    client.post(
        reverse("agreements:section_add", args=[agreement.pk, "appendix"]),
        {"heading": heading, "body": "<p>Kommunen samordnar.</p>", "parent": ""},
    )
    return Section.objects.get(agreement=agreement, heading=heading)


def rename_section(client, section: Section, heading: str) -> None:
    section.refresh_from_db()
    client.post(
        reverse("agreements:section_edit", args=[section.pk]),
        {"heading": heading, "body": section.body, "loaded_version": section.version},
    )


def test_a_page_read_again_is_the_one_laid_out_and_costs_five_queries(client, world, editor, django_assert_num_queries):
    client.force_login(editor)
    section = add_section(client, world.agreement, "Ansvar")
    rename_section(client, section, "Ansvar och roller")
    first = history(client, world.agreement)

    # The session, the user, the agreement with the reader's rights, the state of its history and its users' names.
    with django_assert_num_queries(5):
        again = history(client, world.agreement)

    assert again == first
    assert "Ansvar → Ansvar och roller" in again


def test_a_change_shows_at_once_however_it_was_made(client, admin_client, world, editor):
    client.force_login(editor)
    section = add_section(client, world.agreement, "Ansvar")
    assert "<q>Ansvar</q>" in history(client, world.agreement)

    rename_section(client, section, "Ansvar och roller")
    assert "Ansvar → Ansvar och roller" in history(client, world.agreement)

    admin_client.post(
        reverse("admin:agreements_section_change", args=[section.pk]),
        {"agreement": world.agreement.pk, "part": section.part, "order": 0, "heading": "Roller", "body": ""},
    )
    assert "Ansvar och roller → Roller" in history(client, world.agreement)

    Section.objects.get(pk=section.pk).delete()  # as a script would
    assert "Togs bort: avsnitt <q>Roller</q>" in history(client, world.agreement)

    # Cleaning out old history: the first rename no longer has an earlier state to show it against.
    Section.history.filter(id=section.pk, history_type="+").delete()
    assert "Ansvar → Ansvar och roller" not in history(client, world.agreement)


def test_renamed_users_and_organisations_show_by_their_new_names(client, world, editor):
    editor.first_name, editor.last_name = "Sara", "Ek"
    editor.save()
    client.force_login(editor)
    add_section(client, world.agreement, "Ansvar")
    assert "Sara Ek" in history(client, world.agreement)
    assert "Lokalpolisområde Hamnstad" in history(client, world.agreement)

    editor.last_name = "Lind"
    editor.save()
    page = history(client, world.agreement)
    assert "Sara Lind" in page and "Sara Ek" not in page

    police = Organisation.objects.get(pk=world.police.pk)
    police.name = "Lokalpolisområde Hamnstad Norra"
    police.save()
    assert "Lokalpolisområde Hamnstad Norra" in history(client, world.agreement)


def test_a_change_by_a_user_deleted_since_shows_nobody(client, world, editor, reader):
    colleague = member(world.municipality, Membership.Role.EDITOR, "kollega")
    colleague.first_name, colleague.last_name = "Per", "Holm"
    colleague.save()
    client.force_login(colleague)
    add_section(client, world.agreement, "Ansvar")
    client.force_login(reader)
    assert "Per Holm" in history(client, world.agreement)

    colleague.delete()

    page = history(client, world.agreement)
    assert "Per Holm" not in page and '<td data-label="Vem">–</td>' in page


def test_the_page_is_shown_only_to_those_who_may_read_the_agreement(client, world, editor, reader, outsider):
    client.force_login(editor)
    add_section(client, world.agreement, "Ansvar")
    laid_out = history(client, world.agreement)

    client.force_login(reader)
    assert history(client, world.agreement) == laid_out
    client.force_login(outsider)
    assert client.get(reverse("agreements:history", args=[world.agreement.pk])).status_code == 404


def test_the_page_is_read_in_the_readers_language(client, world, editor):
    client.force_login(editor)
    add_section(client, world.agreement, "Ansvar")
    assert "Skapades: avsnitt" in history(client, world.agreement)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Created: section" in history(client, world.agreement)


def test_only_a_page_asked_for_by_its_number_alone_is_kept(client, world, editor):
    for number in range(CHANGES_PER_PAGE + 5):
        SectionFactory(agreement=world.agreement, heading=f"Avsnitt {number}")
    client.force_login(editor)
    first = history(client, world.agreement)

    # Other parameters are kept in the page's links, so that page is laid out for them.
    with_sort = history(client, world.agreement, "?page=1&sort=x")
    assert 'href="?page=2&amp;sort=x"' in with_sort
    assert 'href="?page=2"' in first and "sort=x" not in history(client, world.agreement)
    # A number past the end shows the last page, laid out each time rather than kept under every number asked for.
    assert history(client, world.agreement, "?page=99") == history(client, world.agreement, "?page=2")
    assert queries(client, world.agreement, "?page=99") > queries(client, world.agreement, "?page=2")
