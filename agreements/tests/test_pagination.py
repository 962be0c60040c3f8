"""The agreement list and the history are shown a page at a time, filters kept, whatever page is asked for."""

import pytest
from django.urls import reverse

from agreements.models import Agreement, Section
from agreements.tests.factories import AgreementFactory, SectionFactory
from agreements.views import AGREEMENTS_PER_PAGE, CHANGES_PER_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world):
    """More agreements than a page holds, a few of them matching a search."""
    for number in range(AGREEMENTS_PER_PAGE + 5):
        title = f"Trygghet {number:03d}" if number % 10 else f"Fokus {number:03d}"
        AgreementFactory(title=title, parties=[world.municipality, world.police])


def titles(response) -> list[str]:
    return [agreement.title for agreement in response.context["agreements"]]


def test_the_list_shows_one_page_at_a_time_and_links_the_next(client, editor, world, many):
    client.force_login(editor)

    first = client.get(reverse("agreements:list"))
    second = client.get(reverse("agreements:list") + "?page=2")

    assert len(titles(first)) == AGREEMENTS_PER_PAGE
    assert set(titles(first)).isdisjoint(titles(second))
    total = AGREEMENTS_PER_PAGE + 5 + 1  # and the world's own agreement
    assert len(titles(first)) + len(titles(second)) == total
    page = first.content.decode()
    assert 'href="?page=2"' in page and 'rel="next"' in page
    assert f"1–{AGREEMENTS_PER_PAGE} av {total}" in page


def test_the_next_page_keeps_the_filter(client, editor, world, many):
    client.force_login(editor)

    response = client.get(reverse("agreements:list") + "?q=Fokus")

    assert titles(response) and all(title.startswith("Fokus") for title in titles(response))
    assert "page=" not in response.content.decode()  # six matches: one page, no page links


def test_an_agreement_whose_parties_both_match_a_search_is_listed_and_counted_once(client, editor, world, many):
    client.force_login(editor)
    url = reverse("agreements:list") + "?q=Hamnstad"  # the municipality's name and the police area's

    first, second = client.get(url), client.get(url + "&page=2")

    total = AGREEMENTS_PER_PAGE + 5 + 1
    assert f"1–{AGREEMENTS_PER_PAGE} av {total}" in first.content.decode()
    assert f"{AGREEMENTS_PER_PAGE + 1}–{total} av {total}" in second.content.decode()
    assert len(set(titles(first) + titles(second))) == len(titles(first) + titles(second)) == total


def test_staff_page_through_every_agreement_and_see_a_new_one_at_once(client, admin_user, world, many):
    client.force_login(admin_user)
    first = client.get(reverse("agreements:list"))
    AgreementFactory(title="Ånge 2026", parties=[world.other_municipality, world.other_police])

    again, second = client.get(reverse("agreements:list")), client.get(reverse("agreements:list") + "?page=2")

    total = AGREEMENTS_PER_PAGE + 5 + 3 + 1
    assert f"1–{AGREEMENTS_PER_PAGE} av {total - 1}" in first.content.decode()
    assert f"1–{AGREEMENTS_PER_PAGE} av {total}" in again.content.decode()
    assert sorted(titles(again) + titles(second)) == sorted(Agreement.objects.values_list("title", flat=True))


@pytest.mark.parametrize("page", ["0", "999", "abc", "-1", "1.5"])
def test_any_page_number_shows_a_page(client, editor, world, many, page):
    client.force_login(editor)

    response = client.get(reverse("agreements:list") + f"?page={page}&q=Trygghet")

    assert response.status_code == 200
    assert titles(response)


def test_the_history_is_shown_a_page_at_a_time(client, editor, world):
    for number in range(CHANGES_PER_PAGE + 10):
        SectionFactory(agreement=world.agreement, part=Section.Part.APPENDIX, heading=f"Avsnitt {number}")
    client.force_login(editor)
    url = reverse("agreements:history", args=[world.agreement.pk])

    first, last = client.get(url), client.get(url + "?page=2")

    assert len(first.context["changes"]) == CHANGES_PER_PAGE
    assert 0 < len(last.context["changes"]) < CHANGES_PER_PAGE
    assert f"Avsnitt {CHANGES_PER_PAGE + 9}" in first.content.decode()  # newest first
    assert 'rel="next"' in first.content.decode()
