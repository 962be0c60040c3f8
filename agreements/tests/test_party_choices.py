"""Every party row of the agreement's form offers every organisation in the country, its own chosen, read and
written once for all the rows: the form costs the same queries with three organisations as with thirty."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Organisation, Party
from agreements.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def party_selects(page: str) -> dict[str, str]:
    """Each party row's select by its name, as HTML."""
    return dict(re.findall(r'<select name="(parties-\d+-organisation)"[^>]*>(.*?)</select>', page, re.S))


def test_each_row_offers_every_organisation_with_its_own_chosen_and_every_name_escaped(client, world, editor):
    hostile = OrganisationFactory(name='Polis & <Syd> "Skåne"', kind=Organisation.Kind.POLICE_AREA)
    client.force_login(editor)

    selects = party_selects(client.get(reverse("agreements:edit", args=[world.agreement.pk])).content.decode())

    parties = list(Party.objects.filter(agreement=world.agreement).order_by("order", "pk"))
    assert len(selects) == len(parties) + 1  # and an empty row to add one
    everyone = Organisation.objects.count()
    for n, options in enumerate(selects.values()):
        assert options.count("<option ") == everyone + 1  # and "---------"
        assert "Polis &amp; &lt;Syd&gt; &quot;Skåne&quot;" in options and "<Syd>" not in options
        assert re.findall(r'<option value="(\d*)" selected>', options) == (
            [str(parties[n].organisation_id)] if n < len(parties) else [""]
        )
    assert f'<option value="{hostile.pk}">' in options


def test_the_form_reads_the_organisations_once_however_many_there_are(client, world, editor):
    client.force_login(editor)
    pages = [reverse("agreements:create"), reverse("agreements:edit", args=[world.agreement.pk])]

    def queries() -> list[int]:
        counts = []
        for url in pages:
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    few = queries()
    OrganisationFactory.create_batch(30)
    Party.objects.create(agreement=world.agreement, organisation=OrganisationFactory(), order=5)
    assert queries() == few
