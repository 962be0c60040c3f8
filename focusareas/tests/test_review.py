"""The police review each commitment; nothing is signed while one is not accepted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement, Organisation, Party
from agreements.tests.factories import PoliceAreaFactory
from focusareas.access import may_review
from focusareas.models import Commitment, ReviewEntry
from focusareas.services import agreement_check_ready_for_signing, open_commitments
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory
from samverkan.tests.helpers import edit_data, management

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(world, editor, reviewer):
    """An agreement with two commitments, sent for review."""
    reviewer.email = "kommunpolis@example.se"
    reviewer.save()
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Narkotika")
    first = CommitmentFactory(focus_area=focus_area, parties=[world.police], text="genomföra fem krogtillsyner")
    second = CommitmentFactory(focus_area=focus_area, parties=[world.municipality], text="ordna trygghetsvandringar")
    return world.agreement, first, second


def decide(client, commitment, action, text=""):
    """Decide as on a review page loaded just now: on the commitment's current version."""
    loaded = Commitment.objects.get(pk=commitment.pk).version
    return client.post(
        reverse("focusareas:commitment_decide", args=[commitment.pk]),
        {"action": action, "text": text, "loaded_version": loaded},
    )


def test_sending_for_review_tells_the_police_by_email(
    client, in_review, editor, mailoutbox, django_capture_on_commit_callbacks
):
    agreement, *_ = in_review
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("focusareas:send_for_review", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.REVIEW
    assert [m.to for m in mailoutbox] == [["kommunpolis@example.se"]]
    assert agreement.title in mailoutbox[0].subject
    assert f"/overenskommelser/{agreement.pk}/granskning/" in mailoutbox[0].body


def test_only_a_draft_is_sent_for_review(client, in_review, editor, mailoutbox):
    agreement, *_ = in_review
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    client.force_login(editor)
    client.post(reverse("focusareas:send_for_review", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert mailoutbox == []


def test_the_police_accept_one_and_ask_to_change_another(client, in_review, editor, reviewer):
    agreement, first, second = in_review
    client.force_login(editor)
    client.post(reverse("focusareas:send_for_review", args=[agreement.pk]))
    client.force_login(reviewer)

    decide(client, first, "accept")
    decide(client, second, "request_change", "Ange hur många vandringar per år.")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.review_status == Commitment.ReviewStatus.ACCEPTED
    assert second.review_status == Commitment.ReviewStatus.CHANGE_REQUESTED
    entry = second.review_entries.get()
    assert (entry.author, entry.kind, entry.text) == (reviewer, "change_requested", "Ange hur många vandringar per år.")
    with pytest.raises(ValidationError):
        agreement_check_ready_for_signing(agreement)


def test_a_change_request_needs_a_comment(client, in_review, editor, reviewer):
    agreement, first, _ = in_review
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    client.force_login(reviewer)
    decide(client, first, "request_change", "")
    first.refresh_from_db()
    assert first.review_status == Commitment.ReviewStatus.OPEN


def test_staff_cannot_accept_on_the_polices_behalf(client, in_review, editor):
    agreement, first, _ = in_review
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    client.force_login(editor)
    assert decide(client, first, "accept").status_code == 403
    first.refresh_from_db()
    assert first.review_status == Commitment.ReviewStatus.OPEN


def test_nothing_is_accepted_before_the_agreement_is_in_review(client, in_review, reviewer):
    _, first, _ = in_review
    client.force_login(reviewer)
    decide(client, first, "accept")
    first.refresh_from_db()
    assert first.review_status == Commitment.ReviewStatus.OPEN


def test_readers_cannot_comment(client, in_review, reader):
    _, first, _ = in_review
    client.force_login(reader)
    decide(client, first, "comment", "Hej")
    assert not ReviewEntry.objects.exists()


def test_staff_answer_and_revise_and_the_commitment_goes_back_to_review(client, in_review, editor, reviewer):
    agreement, first, second = in_review
    client.force_login(editor)
    client.post(reverse("focusareas:send_for_review", args=[agreement.pk]))
    client.force_login(reviewer)
    decide(client, first, "accept")
    decide(client, second, "request_change", "Hur ofta?")

    client.force_login(editor)
    decide(client, second, "comment", "Vi lägger till ett antal.")
    client.post(
        reverse("focusareas:commitment_edit", args=[second.pk]),
        {
            "parties": [agreement.parties.first().pk],
            "text": "ordna minst fyra trygghetsvandringar",
            "focus_area": second.focus_area_id,
            "loaded_version": Commitment.objects.get(pk=second.pk).version,
        },
    )
    second.refresh_from_db()
    assert second.review_status == Commitment.ReviewStatus.OPEN
    assert [e.kind for e in second.review_entries.all()] == ["change_requested", "comment", "revised"]

    client.force_login(reviewer)
    decide(client, second, "accept")
    agreement.refresh_from_db()
    agreement_check_ready_for_signing(agreement)  # raises nothing: every commitment is accepted

    page = client.get(reverse("focusareas:review", args=[agreement.pk])).content.decode()
    assert "Hur ofta?" in page and "Vi lägger till ett antal." in page


def test_changing_an_accepted_commitment_needs_a_new_acceptance(client, in_review, editor, reviewer):
    agreement, first, _ = in_review
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    client.force_login(reviewer)
    decide(client, first, "accept")
    client.force_login(editor)
    client.post(
        reverse("focusareas:commitment_edit", args=[first.pk]),
        {
            "parties": [agreement.parties.last().pk],
            "text": "något annat",
            "focus_area": first.focus_area_id,
            "loaded_version": Commitment.objects.get(pk=first.pk).version,
        },
    )
    first.refresh_from_db()
    assert first.review_status == Commitment.ReviewStatus.OPEN


def test_a_draft_is_not_ready_for_signing(world):
    with pytest.raises(ValidationError):
        agreement_check_ready_for_signing(world.agreement)


def test_the_review_page_counts_what_is_open_per_focus_area(client, in_review, reviewer):
    agreement, first, _ = in_review
    Commitment.objects.filter(pk=first.pk).update(review_status=Commitment.ReviewStatus.ACCEPTED)
    client.force_login(reviewer)
    response = client.get(reverse("focusareas:review", args=[agreement.pk]))
    (row,) = response.context["counts"]
    assert (row.title, row.total, row.accepted, row.waiting) == ("Narkotika", 2, 1, 1)
    assert [c.text for c in response.context["open_items"]] == ["ordna trygghetsvandringar"]


def party_row(data: dict, organisation) -> str:
    """The prefix of the party row that names the organisation in the edit form's data."""
    return next(key.removesuffix("-organisation") for key, value in data.items() if value == str(organisation.pk))


def accept_all(client, agreement, editor, reviewer) -> None:
    client.force_login(editor)
    client.post(reverse("focusareas:send_for_review", args=[agreement.pk]))
    client.force_login(reviewer)
    for commitment in Commitment.objects.filter(agreement=agreement):
        assert decide(client, commitment, "accept").status_code == 302
    assert not open_commitments(agreement).exists()


def test_replacing_the_police_area_after_every_acceptance_starts_the_review_again(
    client, world, in_review, editor, reviewer
):
    agreement, first, second = in_review
    first.parties.set([world.municipality])  # no commitment names the police area, so it may be replaced
    accept_all(client, agreement, editor, reviewer)
    client.force_login(editor)
    data = edit_data(Agreement.objects.get(pk=agreement.pk))
    data[f"{party_row(data, world.police)}-organisation"] = str(world.other_police.pk)

    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT
    assert set(agreement.parties.all()) == {world.municipality, world.other_police}
    assert set(Commitment.objects.filter(agreement=agreement).values_list("review_status", flat=True)) == {"open"}
    entries = ReviewEntry.objects.filter(commitment__agreement=agreement, kind=ReviewEntry.Kind.PARTIES_CHANGED)
    assert sorted((e.commitment_id, e.author) for e in entries) == [(first.pk, editor), (second.pk, editor)]
    assert world.police.name in entries[0].text and world.other_police.name in entries[0].text
    with pytest.raises(ValidationError):
        agreement_check_ready_for_signing(agreement)
    client.force_login(reviewer)  # the replaced police area no longer reads the agreement
    assert client.get(reverse("focusareas:review", args=[agreement.pk])).status_code == 404


def test_adding_a_police_district_to_an_agreement_in_review_starts_the_review_again(
    client, world, in_review, editor, reviewer
):
    agreement, *_ = in_review
    district = PoliceAreaFactory(name="Polisregion Syd", kind=Organisation.Kind.POLICE_DISTRICT)
    accept_all(client, agreement, editor, reviewer)
    client.force_login(editor)
    data = edit_data(Agreement.objects.get(pk=agreement.pk), **management("parties", 3, 2))
    data["parties-2-organisation"] = str(district.pk)

    assert client.post(reverse("agreements:edit", args=[agreement.pk]), data).status_code == 302

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT
    assert not Commitment.objects.filter(agreement=agreement).exclude(review_status="open").exists()


@pytest.mark.parametrize("how", ["in its row", "by removing its row and adding another"])
def test_a_party_that_commitments_name_cannot_be_replaced(client, world, in_review, editor, reviewer, how):
    agreement, first, second = in_review  # the first commitment is the police area's
    accept_all(client, agreement, editor, reviewer)
    client.force_login(editor)
    data = edit_data(Agreement.objects.get(pk=agreement.pk), title="Ny titel")
    row = party_row(data, world.police)
    if how == "in its row":
        data[f"{row}-organisation"] = str(world.other_police.pk)
    else:
        data |= {f"{row}-DELETE": "on", **management("parties", 3, 2), "parties-2-organisation": world.other_police.pk}

    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)

    assert response.status_code == 200
    (error,) = response.context["formsets"]["parties"].non_form_errors()
    assert world.police.name in error and f"“{first.text}”" in error
    assert second.text not in error
    assert "inte tas bort" in response.content.decode()
    assert 'value="Ny titel"' in response.content.decode()
    agreement.refresh_from_db()
    assert (agreement.title, agreement.status) == (world.agreement.title, Agreement.Status.REVIEW)
    assert set(agreement.parties.all()) == {world.municipality, world.police}
    assert set(Commitment.objects.filter(agreement=agreement).values_list("review_status", flat=True)) == {"accepted"}
    assert not ReviewEntry.objects.filter(kind=ReviewEntry.Kind.PARTIES_CHANGED).exists()


def test_only_a_reviewer_of_the_agreements_police_decides(in_review, editor, reviewer, reader, other_police_reviewer):
    agreement, *_ = in_review
    assert [may_review(user, agreement) for user in (editor, reviewer, reader, other_police_reviewer)] == [
        False,
        True,
        False,
        False,
    ]


def test_the_workbench_and_the_review_name_a_party_as_the_agreement_calls_it(client, world, editor):
    Party.objects.filter(agreement=world.agreement, organisation=world.police).update(display_name="Polisen")
    focus_area = FocusAreaFactory(agreement=world.agreement)
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police])
    client.force_login(editor)

    pages = [
        client.get(reverse("documents:workbench", args=[world.agreement.pk])),
        client.get(reverse("focusareas:review", args=[world.agreement.pk])),
        client.post(
            reverse("focusareas:commitment_edit", args=[commitment.pk]),
            {"parties": [world.police.pk], "text": "kontrollera", "focus_area": focus_area.pk, "loaded_version": 1},
            HTTP_HX_REQUEST="true",
        ),
    ]

    for response in pages:
        text = response.content.decode()
        assert "Polisen" in text, response.request["PATH_INFO"]
        assert "Lokalpolisområde Hamnstad" not in text, response.request["PATH_INFO"]


def test_an_accepted_commitment_is_not_accepted_again(client, in_review, editor, reviewer):
    agreement, first, _ = in_review
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    client.force_login(reviewer)
    assert decide(client, first, "accept").status_code == 302

    # A second click on a page loaded after the first acceptance: nothing more is recorded, and the page says why.
    response = decide(client, first, "accept")

    assert response.status_code == 200
    assert "Åtagandet är redan godkänt." in response.content.decode()
    assert list(first.review_entries.values_list("kind", flat=True)) == [ReviewEntry.Kind.ACCEPTED]
    page = client.get(reverse("focusareas:review", args=[agreement.pk])).content.decode()
    assert f'action="{reverse("focusareas:commitment_decide", args=[first.pk])}"' in page
    assert page.count('value="accept"') == 1  # only the other commitment's
