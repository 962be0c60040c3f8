"""The agreement's form and the new agreement form, unfilled, are laid out once and kept under everything they show:
what anyone changes shows at once, each reader gets their own CSRF token and every new form its own creation key,
and a form sent back with errors, which shows what its user typed, is never kept."""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, CooperationForum, Membership, Organisation, Party, Signatory
from agreements.tests.factories import OrganisationFactory
from samverkan.lib.fragments import slot
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hidden(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def organisation_queries(client: Client, url: str) -> int:
    """How many queries reading the organisations to choose from a request of the page makes."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum('ORDER BY "agreements_organisation"."kind"' in query["sql"] for query in captured)


def test_the_form_is_laid_out_once_and_shows_every_change_at_once(world, editor):
    client = login(editor)
    url = reverse("agreements:edit", args=[world.agreement.pk])
    assert organisation_queries(client, url) == 1
    assert organisation_queries(client, url) == 0  # read again: the kept HTML

    agreement = Agreement.objects.get(pk=world.agreement.pk)

    def retitle() -> None:
        agreement.title = "Samverkan i Hamnstad 2026–2029"
        agreement.save()

    def rename_party() -> None:
        party = Party.objects.get(agreement=agreement, organisation=world.police)
        party.display_name = "Polisen i Hamnstad"
        party.save()

    def rename_organisation() -> None:
        police = Organisation.objects.get(pk=world.other_police.pk)
        police.name = "Lokalpolisområde Norra Skogsås"
        police.save()

    # Each change on its own, each seen on the next reading of the form.
    for change, shown in [
        (retitle, 'value="Samverkan i Hamnstad 2026–2029"'),
        (rename_party, 'value="Polisen i Hamnstad"'),
        (
            lambda: Signatory.objects.create(agreement=agreement, party=world.police, name="Vera Lund"),
            'value="Vera Lund"',
        ),
        (
            lambda: CooperationForum.objects.create(agreement=agreement, name="Brottsförebyggande rådet"),
            'value="Brottsförebyggande rådet"',
        ),
        (rename_organisation, ">Lokalpolisområde Norra Skogsås</option>"),
        (lambda: OrganisationFactory(name="Bostadsbolaget Hamnen"), ">Bostadsbolaget Hamnen</option>"),
    ]:
        assert shown not in client.get(url).content.decode()
        change()
        assert shown in client.get(url).content.decode()

    Organisation.objects.get(name="Bostadsbolaget Hamnen").delete()
    assert "Bostadsbolaget Hamnen" not in client.get(url).content.decode()
    Signatory.objects.get(name="Vera Lund").delete()
    assert "Vera Lund" not in client.get(url).content.decode()


def test_the_form_sent_back_after_a_save_carries_the_saved_version(world, editor):
    client = login(editor)
    url = reverse("agreements:edit", args=[world.agreement.pk])
    loaded = hidden(client.get(url).content.decode(), "loaded_version")
    data = {
        "kind": world.agreement.kind,
        "title": "Ny titel",
        "start_date": world.agreement.start_date.isoformat(),
        "end_date": world.agreement.end_date.isoformat(),
        "copies": 2,
        "loaded_version": loaded,
        "parties-TOTAL_FORMS": 2,
        "parties-INITIAL_FORMS": 2,
        **{
            f"parties-{n}-{field}": value
            for n, party in enumerate(Party.objects.filter(agreement=world.agreement).order_by("order", "pk"))
            for field, value in [("id", party.pk), ("organisation", party.organisation_id), ("agreement", "")]
        },
        **{
            f"{prefix}-{total}": 0 for prefix in ["signatories", "forums"] for total in ["TOTAL_FORMS", "INITIAL_FORMS"]
        },
    }
    assert client.post(url, data).status_code == 302
    again = client.get(url).content.decode()
    assert hidden(again, "loaded_version") == str(Agreement.objects.get(pk=world.agreement.pk).version)
    assert hidden(again, "loaded_version") != loaded
    assert 'value="Ny titel"' in again


def test_a_form_sent_back_with_errors_shows_what_was_typed_and_is_not_kept(world, editor):
    client = login(editor)
    url = reverse("agreements:edit", args=[world.agreement.pk])
    client.get(url)
    refused = client.post(
        url,
        {
            "title": "Skrivet men inte sparat",
            "start_date": "2025-13-45",
            "loaded_version": world.agreement.version,
            **{f"{p}-{t}": 0 for p in ["parties", "signatories", "forums"] for t in ["TOTAL_FORMS", "INITIAL_FORMS"]},
        },
    ).content.decode()
    assert 'value="Skrivet men inte sparat"' in refused and 'value="2025-13-45"' in refused
    again = client.get(url).content.decode()
    assert "is-invalid" in refused
    assert "Skrivet men inte sparat" not in again and "is-invalid" not in again
    assert f'value="{world.agreement.title}"' in again


def test_each_reader_has_a_token_of_their_own_and_each_new_form_a_creation_key_of_its_own(world, editor):
    url = reverse("agreements:create")
    first, second = login(editor), login(member(world.municipality, Membership.Role.EDITOR, "editor2"))
    pages = [client.get(url) for client in [first, second, first]]
    keys = [hidden(page.content.decode(), "creation_key") for page in pages]
    tokens = [hidden(page.content.decode(), "csrfmiddlewaretoken") for page in pages]
    assert len(set(keys)) == 3 and all(uuid.UUID(key) for key in keys)
    assert tokens[0] != tokens[1]
    for page in pages:
        assert slot("csrf") not in page.content.decode() and slot("creation key") not in page.content.decode()
    assert organisation_queries(second, url) == 0  # the same form, kept once for both


def test_a_new_form_chooses_the_readers_own_organisation_first(world, editor, outsider):
    url = reverse("agreements:create")
    for user, own in [(editor, world.municipality), (outsider, world.other_municipality), (editor, world.municipality)]:
        page = login(user).get(url).content.decode()
        first_row = re.search(r'<select name="parties-0-organisation".*?</select>', page, re.S).group()
        assert re.findall(r'<option value="(\d+)" selected>', first_row) == [str(own.pk)]
