"""A query written once around stand-ins finds what the same query written with the values finds."""

import pytest
from django.db import connection

from agreements.models import Agreement
from samverkan.lib.queries import ANY_AGREEMENT, ANY_USER, Prepared, any_revision, with_values

pytestmark = pytest.mark.django_db


def test_the_stand_ins_are_replaced_by_their_values_and_nothing_else(world):
    written_once = Agreement.objects.filter(pk__in=[ANY_AGREEMENT, any_revision(0)], title__startswith="Samverkan")
    sql, params = written_once.values_list("title").query.sql_with_params()
    values = {ANY_AGREEMENT: world.agreement.pk, any_revision(0): world.neighbour_agreement.pk, ANY_USER: 0}

    with connection.cursor() as cursor:
        cursor.execute(sql, with_values(params, values))
        found = sorted(title for (title,) in cursor.fetchall())

    assert with_values(["Samverkan", ANY_AGREEMENT, True, 7], values) == ["Samverkan", world.agreement.pk, True, 7]
    assert found == sorted([world.agreement.title, world.neighbour_agreement.title])


def test_a_prepared_query_is_run_by_name_on_postgresql_and_finds_what_its_sql_finds(world):
    prepared = Prepared.of("test_titles", Agreement.objects.filter(pk=ANY_AGREEMENT).values_list("title"))

    sql, params = prepared.with_values({ANY_AGREEMENT: world.agreement.pk})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
        cursor.execute(*prepared.with_values({ANY_AGREEMENT: world.neighbour_agreement.pk}))
        again = cursor.fetchall()

    assert found == [(world.agreement.title,)] and again == [(world.neighbour_agreement.title,)]
    assert sql.startswith("EXECUTE test_titles(") if connection.vendor == "postgresql" else sql == prepared.sql


def test_a_query_the_database_will_not_prepare_is_run_as_it_is_and_the_transaction_goes_on(world):
    # A parameter whose type nothing tells: PostgreSQL refuses to prepare it, and runs it when its value is given.
    untyped = Prepared("test_untyped", "SELECT %s IS NULL", (ANY_AGREEMENT,))

    sql, params = untyped.with_values({ANY_AGREEMENT: None})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchone() == (True,)

    assert sql == untyped.sql
    assert Agreement.objects.filter(pk=world.agreement.pk).exists()  # the test's transaction is still usable
