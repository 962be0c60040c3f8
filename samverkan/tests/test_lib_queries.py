"""A query written once around stand-ins finds what the same query written with the values finds."""

import pytest
from django.db import connection

from agreements.models import Agreement
from samverkan.lib.queries import ANY_AGREEMENT, ANY_USER, any_revision, with_values

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
