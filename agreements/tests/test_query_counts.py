"""The list and detail pages cost the same number of queries however much they show."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.tests.factories import (
    AgreementFactory,
    CooperationForumFactory,
    SectionFactory,
    SignatoryFactory,
)
from agreements.views import AGREEMENTS_PER_PAGE

pytestmark = pytest.mark.django_db


def log_in(client, user) -> None:
    """Log in and make the session's first request, which writes the session once: what is counted afterwards is
    what every page view costs."""
    client.force_login(user)
    client.get(reverse("password_change_done"))


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def list_queries(client, url: str = reverse("agreements:list")) -> tuple[int, int]:
    """The queries of the list page laid out anew, and read again (an unfiltered page is kept whole)."""
    caches["template_fragments"].clear()
    return count_queries(client, url), count_queries(client, url)


def test_the_list_page_does_not_grow_with_the_number_of_agreements(client, world, reviewer):
    log_in(client, reviewer)
    for _ in range(2):
        AgreementFactory(parties=[world.municipality, world.police])
    count_queries(client, reverse("agreements:list"))  # the first request of the session reads what later ones cache
    at_two = list_queries(client)
    for _ in range(18):
        AgreementFactory(parties=[world.municipality, world.police])
    assert list_queries(client) == at_two
    filtered = list_queries(client, reverse("agreements:list") + "?q=Samverkan&status=draft&year=2024")
    assert filtered[0] <= at_two[0] + 1 and filtered[1] <= at_two[0] + 1


def test_a_page_of_a_long_list_costs_what_a_short_list_costs(client, world, reviewer):
    """The number of all the agreements is read with the page's rows, not counted apart."""
    log_in(client, reviewer)
    count_queries(client, reverse("agreements:list"))
    short = list_queries(client)
    for _ in range(AGREEMENTS_PER_PAGE + 5):
        AgreementFactory(parties=[world.municipality, world.police])
    assert list_queries(client) == short
    assert list_queries(client, reverse("agreements:list") + "?page=2") == short


def fill(agreement, n: int) -> None:
    for i in range(n):
        parent = SectionFactory(agreement=agreement, order=i)
        SectionFactory(agreement=agreement, parent=parent)
        SectionFactory(agreement=agreement, part="agreement")
        SignatoryFactory(agreement=agreement, order=i)
        CooperationForumFactory(agreement=agreement)


def test_the_detail_page_does_not_grow_with_the_number_of_sections(
    client, world, editor, django_assert_max_num_queries
):
    small = AgreementFactory(parties=[world.municipality, world.police])
    large = AgreementFactory(parties=[world.municipality, world.police])
    fill(small, 2)
    fill(large, 20)
    log_in(client, editor)
    at_two = count_queries(client, small.get_absolute_url())
    assert count_queries(client, large.get_absolute_url()) == at_two
    with django_assert_max_num_queries(15):  # 14, and the sections' figures
        client.get(large.get_absolute_url())


def test_the_history_page_does_not_grow_with_the_number_of_changes(client, world, editor):
    small = AgreementFactory(parties=[world.municipality, world.police])
    large = AgreementFactory(parties=[world.municipality, world.police])
    fill(small, 2)
    fill(large, 20)
    log_in(client, editor)
    small_url, large_url = (reverse("agreements:history", args=[agreement.pk]) for agreement in (small, large))
    laid_out = count_queries(client, small_url)
    assert count_queries(client, large_url) == laid_out
    # Read again, from the cache: the key's queries in place of the records'.
    assert count_queries(client, large_url) == count_queries(client, small_url) < laid_out
