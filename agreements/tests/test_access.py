"""Who may read and change an agreement: owners edit, the other parties read, everyone else gets 404."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from agreements.access import get_agreement_for_user
from agreements.models import FROZEN_MESSAGE, Agreement
from agreements.tests.factories import SectionFactory
from samverkan.lib.access import Access
from samverkan.tests.helpers import AGREEMENT_PAGES, agreement_page_url

pytestmark = pytest.mark.django_db

EXPECTED = {
    # role fixture: (status on a read, status on a write)
    "editor": (200, None),
    "reviewer": (200, 403),
    "reader": (200, 403),
    "outsider": (404, 404),
    "other_police_reviewer": (404, 404),
}


@pytest.mark.parametrize(("name", "with_section", "method", "write"), AGREEMENT_PAGES)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_what_its_membership_allows(client, world, request, role, name, with_section, method, write):
    user = request.getfixturevalue(role)
    url = agreement_page_url(name, world, with_section)
    client.force_login(user)
    response = getattr(client, method)(url)
    read_status, write_status = EXPECTED[role]
    expected = write_status if write else read_status
    if expected is None:  # the editor: a page, or a redirect after a valid or an invalid post
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("name", "with_section", "method", "write"), AGREEMENT_PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, world, name, with_section, method, write):
    url = agreement_page_url(name, world, with_section)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_refused_writes_change_nothing(client, world, reviewer):
    section = SectionFactory(agreement=world.agreement, heading="Ansvar")
    client.force_login(reviewer)
    client.post(
        reverse("agreements:section_edit", args=[section.pk]), {"heading": "Ändrad", "loaded_version": section.version}
    )
    client.post(reverse("agreements:section_delete", args=[section.pk]))
    section.refresh_from_db()
    assert section.heading == "Ansvar"


def listed(client) -> set[Agreement]:
    """The agreements the list links to, as its reader sees them (the page is kept whole, so read it twice)."""
    pages = [client.get(reverse("agreements:list")).content.decode() for _ in range(2)]
    shown = [{int(pk) for pk in re.findall(r'<a href="/overenskommelser/(\d+)/">', page)} for page in pages]
    assert shown[0] == shown[1]
    return set(Agreement.objects.filter(pk__in=shown[0]))


def test_the_list_shows_only_agreements_of_the_users_organisations(client, world, editor):
    client.force_login(editor)
    assert listed(client) == {world.agreement}


def test_the_police_see_every_municipality_of_their_police_area(client, world, reviewer):
    client.force_login(reviewer)
    assert listed(client) == {world.agreement, world.neighbour_agreement}


def test_staff_see_every_agreement(client, world, admin_user):
    client.force_login(admin_user)
    assert listed(client) == set(Agreement.objects.all())


def test_staff_read_every_agreement_and_change_only_where_they_are_editors(client, world, django_user_model, editor):
    staff = django_user_model.objects.create_user("handlaggare", password="x-password-1234", is_staff=True)
    client.force_login(staff)
    edit = reverse("agreements:edit", args=[world.agreement.pk])
    assert client.get(world.agreement.get_absolute_url()).status_code == 200
    assert client.get(edit).status_code == 403
    assert not get_agreement_for_user(staff, world.other_agreement.pk).user_can_review
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    assert client.get(edit).status_code == 200
    assert client.get(reverse("agreements:edit", args=[world.other_agreement.pk])).status_code == 403


def test_only_editors_may_create_agreements(client, world, editor, reviewer, reader):
    for user, status in ((editor, 200), (reviewer, 403), (reader, 403)):
        client.force_login(user)
        assert client.get(reverse("agreements:create")).status_code == status


def test_users_without_membership_see_nothing(client, world, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-password-1234"))
    assert listed(client) == set()
    assert client.get(reverse("documents:detail", args=[world.agreement.pk])).status_code == 404


def test_access_is_asked_for_by_what_the_user_means_to_do(world, editor, reader, outsider):
    """READ for anyone of a party; EDIT for an editor while it is a draft; AMEND (a new revision, a renewal, the
    follow-up) for an editor once it is signed."""
    pk = world.agreement.pk
    assert get_agreement_for_user(editor, pk, Access.EDIT).user_can_edit
    with pytest.raises(PermissionDenied):
        get_agreement_for_user(reader, pk, Access.EDIT)
    Agreement.objects.filter(pk=pk).update(status=Agreement.Status.SIGNED)
    assert get_agreement_for_user(reader, pk).pk == pk
    assert get_agreement_for_user(editor, pk, Access.AMEND).pk == pk
    with pytest.raises(PermissionDenied) as refused:
        get_agreement_for_user(editor, pk, Access.EDIT)
    assert str(refused.value) == str(FROZEN_MESSAGE)
    with pytest.raises(PermissionDenied):
        get_agreement_for_user(reader, pk, Access.AMEND)
    with pytest.raises(Http404):
        get_agreement_for_user(outsider, pk)
