"""A long list a page at a time: the page and the number of all its items in one query, and a page's SQL (or any
query's) written once for a key that stands for everything it depends on."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from agreements.models import Organisation
from agreements.tests.factories import OrganisationFactory
from samverkan.lib.pagination import page_of
from samverkan.lib.queries import rows_once

pytestmark = pytest.mark.django_db


def asking(page: str = ""):
    return RequestFactory().get("/", {"page": page} if page else {})


@pytest.fixture
def organisations():
    for number in range(7):
        OrganisationFactory(name=f"Kommun {number}")


def test_a_page_and_the_number_of_all_its_items_are_read_in_one_query(organisations):
    with CaptureQueriesContext(connection) as queries:
        page = page_of(asking("2"), Organisation.objects.order_by("name"), 3)
        names = [organisation.name for organisation in page]

    assert len(queries) == 1
    assert names == ["Kommun 3", "Kommun 4", "Kommun 5"]
    assert page.paginator.count == 7 and page.paginator.num_pages == 3 and page.has_next()


def test_a_page_past_the_end_is_the_last_page(organisations):
    page = page_of(asking("9"), Organisation.objects.order_by("name"), 3)

    assert page.number == 3 and [organisation.name for organisation in page] == ["Kommun 6"]


def test_a_page_written_once_is_built_once_and_reads_the_rows_as_they_are_now(organisations):
    built, key = [], object()  # a key no other test writes under

    def build():
        built.append(1)
        return Organisation.objects.order_by("name")

    first = page_of(asking(), build, 3, written_once=key)
    OrganisationFactory(name="Kommun 0 och 1")
    again = page_of(asking(), build, 3, written_once=key)

    assert len(built) == 1
    assert [organisation.name for organisation in first] == ["Kommun 0", "Kommun 1", "Kommun 2"]
    assert [organisation.name for organisation in again] == ["Kommun 0", "Kommun 0 och 1", "Kommun 1"]
    assert again.paginator.count == 8


def test_a_page_written_once_of_nothing_is_an_empty_first_page(organisations):
    page = page_of(asking(), lambda: Organisation.objects.filter(pk__in=[]), 3, written_once="nothing")

    assert page.number == 1 and list(page) == []


def test_rows_by_sql_written_once_are_the_rows_as_they_are_now(organisations):
    built, key = [], object()

    def build():
        built.append(1)
        return Organisation.objects.filter(name__startswith="Kommun").values_list("name")

    before = rows_once(key, build)
    Organisation.objects.filter(name="Kommun 3").update(name="Kommun 3 och 4")
    after = rows_once(key, build)

    assert len(built) == 1
    assert ("Kommun 3",) in before and ("Kommun 3",) not in after and ("Kommun 3 och 4",) in after
