"""Revisions that continue: one row per agreement in the list, an earlier revision pointing to the current one, the
police's decisions carried over for what is unchanged, confirmation before a revision or renewal, and an unsent
draft deleted by its editors."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Party
from agreements.services import agreement_new_revision, agreement_renew
from agreements.tests.factories import AgreementFactory, SignatoryFactory
from documents.services import agreement_fingerprint
from documents.tests.helpers import sign_by_every_party
from focusareas.models import Commitment, ReviewEntry
from focusareas.services import agreement_check_ready_for_signing
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory, accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(world, editor, reviewer):
    """A signed agreement with two commitments the police accepted."""
    agreement = world.agreement
    focus_area = FocusAreaFactory(agreement=agreement, title="Narkotika")
    accept(
        [
            CommitmentFactory(focus_area=focus_area, parties=[world.police], text="genomföra fem krogtillsyner"),
            CommitmentFactory(focus_area=focus_area, parties=[world.municipality], text="ordna trygghetsvandringar"),
        ],
        reviewer=reviewer,
    )
    SignatoryFactory(agreement=agreement, party=world.municipality)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    return sign_by_every_party(Agreement.objects.get(pk=agreement.pk))


def listed(client) -> list[tuple[int, int]]:
    """The (id, revision) of each agreement the list shows a row of, read from the page as its reader sees it."""
    page = client.get(reverse("agreements:list")).content.decode()
    rows = re.findall(r'<td><a href="/overenskommelser/(\d+)/">[^<]*</a>(?: <span[^>]*>Rev\. (\d+)</span>)?', page)
    return [(int(pk), int(revision or 1)) for pk, revision in rows]


def test_the_list_shows_each_agreement_once_as_its_latest_revision(
    client, signed, world, editor, other_police_reviewer
):
    revision = agreement_new_revision(agreement=signed)
    sign_by_every_party(_in_review(revision))
    client.force_login(editor)
    rows = listed(client)
    assert (revision.pk, 2) in rows and signed.pk not in [pk for pk, _ in rows]
    assert "Rev. 2" in client.get(reverse("agreements:list")).content.decode()

    # A police area that is party only to the earlier revision still finds it in its list.
    Party.objects.filter(agreement=signed, organisation=world.police).update(organisation=world.other_police)
    client.force_login(other_police_reviewer)
    assert set(listed(client)) == {(world.other_agreement.pk, 1), (signed.pk, 1)}


def _in_review(agreement: Agreement) -> Agreement:
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    return Agreement.objects.get(pk=agreement.pk)


def test_the_list_shows_the_agreement_in_force_with_the_revision_being_prepared(client, signed, editor):
    revision = agreement_new_revision(agreement=signed)
    client.force_login(editor)
    assert (signed.pk, 1) in listed(client) and revision.pk not in [pk for pk, _ in listed(client)]
    page = client.get(reverse("agreements:list")).content.decode()
    assert f'href="{signed.get_absolute_url()}"' in page
    assert f'<a class="small" href="{revision.get_absolute_url()}">Revision 2 förbereds.</a>' in page
    assert 'Rev. 2:</span> <span class="badge rounded-pill status-draft">Utkast</span>' in page

    # The status filter finds it as the signed agreement in force and as the draft being prepared.
    for status in ("signed", "draft"):
        rows = client.get(reverse("agreements:list"), {"status": status}).context["agreements"]
        assert signed.pk in [a.pk for a in rows], status
    rows = client.get(reverse("agreements:list"), {"status": "review"}).context["agreements"]
    assert signed.pk not in [a.pk for a in rows]
    _in_review(revision)
    rows = client.get(reverse("agreements:list"), {"status": "review"}).context["agreements"]
    assert [a.pk for a in rows] == [signed.pk]


def test_a_revision_renewal_or_new_draft_without_an_agreement_in_force_is_listed_as_itself(client, signed, editor):
    renewal = agreement_renew(agreement=signed)
    client.force_login(editor)
    assert {(signed.pk, 1), (renewal.pk, 1)} <= set(listed(client))
    assert "förbereds" not in client.get(reverse("agreements:list")).content.decode()


def test_the_list_costs_the_same_with_revisions_being_prepared(client, world, editor, reviewer, signed):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("agreements:list"), {"status": "draft"}).status_code == 200
        return len(queries)

    def signed_with_a_draft(n: int) -> None:
        for _ in range(n):
            agreement = AgreementFactory(parties=[world.municipality, world.police])
            SignatoryFactory(agreement=agreement, party=world.municipality)
            agreement_new_revision(agreement=sign_by_every_party(_in_review(agreement)))

    client.force_login(editor)
    signed_with_a_draft(2)
    count()  # the first request of the session reads what later ones find cached
    at_two = count()
    signed_with_a_draft(18)
    assert count() == at_two
    assert client.get(reverse("agreements:list")).content.decode().count("Revision 2 förbereds.") == 20


def test_an_earlier_revision_points_to_the_current_one(client, signed, editor):
    revision = agreement_new_revision(agreement=signed)
    client.force_login(editor)
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Revision 2 förbereds." in page and revision.get_absolute_url() in page
    Agreement.objects.filter(pk=revision.pk).update(status=Agreement.Status.SIGNED)
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Ersatt av revision 2." in page and "Gå till revision 2" in page


@pytest.mark.parametrize(
    ("name", "link"), [("documents:new_revision", "previous_revision"), ("documents:renew", "renews")]
)
def test_a_new_revision_or_renewal_is_made_once_it_is_confirmed(client, signed, editor, name, link):
    url = reverse(name, args=[signed.pk])
    client.force_login(editor)
    assert url in client.get(signed.get_absolute_url()).content.decode()

    page = client.get(url)
    assert page.status_code == 200 and "Ja, skapa utkastet" in page.content.decode()
    assert client.post(url, {}).status_code == 200  # a post that did not come from the confirmation makes nothing
    assert not Agreement.objects.filter(**{link: signed}).exists()

    response = client.post(url, {"loaded_fingerprint": page.context["form"]["loaded_fingerprint"].value()})
    derived = Agreement.objects.get(**{link: signed})
    assert response.status_code == 302 and response["Location"] == derived.get_absolute_url()


def test_the_polices_decisions_carry_over_for_unchanged_commitments(client, signed, world, editor, reviewer):
    revision = agreement_new_revision(agreement=signed)
    police, municipality = (
        Commitment.objects.get(agreement=revision, parties=p) for p in (world.police, world.municipality)
    )
    assert {police.review_status, municipality.review_status} == {Commitment.ReviewStatus.ACCEPTED}
    entry = police.review_entries.get()
    assert (entry.kind, entry.author, entry.text) == (
        ReviewEntry.Kind.ACCEPTED,
        reviewer,
        "Godkänt i revision 1 och oförändrat sedan dess.",
    )
    Agreement.objects.filter(pk=revision.pk).update(status=Agreement.Status.REVIEW)
    agreement_check_ready_for_signing(Agreement.objects.get(pk=revision.pk))  # nothing to review again

    # A changed commitment and a new one are marked in the review.
    Commitment.objects.filter(pk=police.pk).update(text="genomföra sex krogtillsyner")
    CommitmentFactory(focus_area=police.focus_area, parties=[world.police], text="nytt åtagande")
    client.force_login(reviewer)
    page = client.get(reverse("focusareas:review", args=[revision.pk])).content.decode()
    assert page.count("Ändrat i denna revision") == 1 and page.count("Nytt i denna revision") == 1


def test_an_unsent_draft_is_deleted_by_its_editors_only(client, world, editor, reviewer):
    draft = world.agreement
    url = reverse("agreements:delete", args=[draft.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    assert url in client.get(draft.get_absolute_url()).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"loaded_fingerprint": page.context["form"]["loaded_fingerprint"].value()})
    assert response.status_code == 302 and response["Location"] == reverse("agreements:list")
    assert not Agreement.objects.filter(pk=draft.pk).exists()


def test_a_draft_once_sent_for_review_is_not_deleted(client, world, editor):
    agreement = world.agreement
    client.force_login(editor)
    client.post(reverse("focusareas:send_for_review", args=[agreement.pk]))
    stored = Agreement.objects.get(pk=agreement.pk)
    stored.status = Agreement.Status.DRAFT  # back to draft, as a change of parties does
    stored.save(update_fields=["status", "updated_at"])
    url = reverse("agreements:delete", args=[agreement.pk])
    assert (
        reverse("agreements:delete", args=[agreement.pk])
        not in client.get(agreement.get_absolute_url()).content.decode()
    )
    response = client.post(url, {"loaded_fingerprint": agreement_fingerprint(stored)})
    assert response.status_code == 403 and "aldrig skickats på granskning" in response.content.decode()
    assert Agreement.objects.filter(pk=agreement.pk).exists()
