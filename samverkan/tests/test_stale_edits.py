"""Two people on one form: whoever saves second over the other's change is refused, keeps what they typed and sees
the change; the same race run at the same moment on the database lets exactly one through. Every form that edits
something with a version carries the version it was loaded with."""

from __future__ import annotations

import inspect
import re
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from agreements import forms as agreement_forms
from agreements import services as agreement_services
from agreements.models import Agreement, Membership, Section
from agreements.tests.factories import MembershipFactory, SectionFactory, SignatoryFactory, UserFactory
from documents import forms as document_forms
from documents import services as document_services
from documents.models import PartySignature
from documents.services import agreement_fingerprint
from documents.tests.helpers import approve_by_every_party
from focusareas import forms as focus_area_forms
from focusareas import services as focus_area_services
from focusareas.kinds import ITEM_KINDS
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, FocusAreaSection, Goal, ReviewEntry
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
    IndicatorFactory,
    accept,
)
from followup import forms as followup_forms
from followup import services as followup_services
from followup.models import ActivityOutcome, Evaluation, FollowUpReport
from samverkan.lib.versions import claim_version
from samverkan.tests.helpers import edit_data, needs_real_concurrency, race

pytestmark = pytest.mark.django_db


def hidden(html: str, name: str = "loaded_version", *, after: str = "") -> str:
    """The value of the first hidden input of that name on the page (after the given text, e.g. a form's action)."""
    start = html.index(after) if after else 0
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html[start:])
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def colleague(world):
    """A second editor of the agreement's municipality."""
    return MembershipFactory(
        user=UserFactory(username="kollega", first_name="Karin", last_name="Kollega"),
        organisation=world.municipality,
        role=Membership.Role.EDITOR,
    ).user


@pytest.fixture
def second_reviewer(world):
    """A second municipal police officer of the agreement's police area."""
    return MembershipFactory(
        user=UserFactory(username="polis2", first_name="Per", last_name="Polis"),
        organisation=world.police,
        role=Membership.Role.REVIEWER,
    ).user


@pytest.fixture
def in_review(world):
    """The world's agreement in review with one commitment of the police, and two signatories."""
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Narkotika")
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police], text="genomföra fem tillsyner")
    SignatoryFactory(agreement=world.agreement, party=world.municipality, name="Anna Ek", order=0)
    SignatoryFactory(agreement=world.agreement, party=world.police, name="Bo Lind", order=1)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.REVIEW)
    return Agreement.objects.get(pk=world.agreement.pk), commitment


@pytest.fixture
def signed(world):
    """The world's agreement, signed, with a focus area, an activity, a commitment and an indicator."""
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Narkotika")
    ActivityRowFactory(focus_area=focus_area, activity="Avloppsanalyser")
    CommitmentFactory(focus_area=focus_area, parties=[world.municipality, world.police], text="gemensam vandring")
    IndicatorFactory(goal__focus_area=focus_area)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    return Agreement.objects.get(pk=world.agreement.pk)


@pytest.fixture
def report(signed):
    return followup_services.report_start(agreement=signed, year=2024, copy_previous=False)


# --- The forms that edit: the second save over the first is refused and keeps its input. ---


def test_agreement_edit(world, editor, colleague):
    url = reverse("agreements:edit", args=[world.agreement.pk])
    loaded = hidden(login(editor).get(url).content.decode())
    theirs = edit_data(world.agreement, title="Kollegans titel", loaded_version=loaded)
    assert login(colleague).post(url, theirs).status_code == 302

    response = login(editor).post(url, edit_data(world.agreement, title="Min titel", loaded_version=loaded))

    assert response.status_code == 200
    assert "Karin Kollega" in str(response.context["form"].non_field_errors())
    assert 'value="Min titel"' in response.content.decode()
    assert Agreement.objects.get(pk=world.agreement.pk).title == "Kollegans titel"


def test_section_edit(world, editor, colleague):
    section = SectionFactory(agreement=world.agreement, heading="Bakgrund")
    url = reverse("agreements:section_edit", args=[section.pk])
    loaded = hidden(login(editor).get(url).content.decode())
    assert login(colleague).post(url, {"heading": "Kollegans", "loaded_version": loaded}).status_code == 302

    response = login(editor).post(url, {"heading": "Min rubrik", "loaded_version": loaded})

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "Min rubrik" in response.content.decode()
    assert Section.objects.get(pk=section.pk).heading == "Kollegans"


@pytest.mark.parametrize("kind", ["focus_area", "row", "goal", "action_plan", "commitment"])
def test_item_edit(world, editor, colleague, kind):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    item, url, field, data = {
        "focus_area": lambda: (focus_area, "focusareas:edit", "title", {}),
        "row": lambda: (ActivityRowFactory(focus_area=focus_area), "focusareas:row_edit", "activity", {}),
        "goal": lambda: (
            focus_area_services.Goal.objects.create(agreement=world.agreement, focus_area=focus_area, text="Mål"),
            "focusareas:goal_edit",
            "text",
            {"kind": "effect"},
        ),
        "action_plan": lambda: (
            ActionPlanFactory(agreement=world.agreement),
            "focusareas:action_plan_edit",
            "title",
            {},
        ),
        "commitment": lambda: (
            CommitmentFactory(focus_area=focus_area),
            "focusareas:commitment_edit",
            "text",
            {"parties": [world.police.pk], "focus_area": focus_area.pk},
        ),
    }[kind]()
    url = reverse(url, args=[item.pk])
    loaded = hidden(login(editor).get(url).content.decode())
    assert login(colleague).post(url, {**data, field: "Kollegans text", "loaded_version": loaded}).status_code == 302

    response = login(editor).post(url, {**data, field: "Min text", "loaded_version": loaded})

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "Min text" in response.content.decode()
    item.refresh_from_db()
    assert getattr(item, field) == "Kollegans text"


def test_report_lines(report, editor, colleague):
    line = ActivityOutcome.objects.get(report=report)
    url = reverse("followup:edit", args=[report.agreement_id, report.year, line.row.focus_area_id])
    name = f"a{line.pk}"

    def data(context, comment):
        posted = {}
        for _heading, _about, form in context["entries"]:
            posted |= {
                form.add_prefix(f): form[f].value()
                for f in form.fields
                if f != "evidence_file" and form[f].value() is not None
            }
        return posted | {f"{name}-comment": comment}

    mine = login(editor).get(url).context
    assert login(colleague).post(url, data(login(colleague).get(url).context, "Kollegans")).status_code == 302

    response = login(editor).post(url, data(mine, "Min kommentar"))

    assert response.status_code == 200 and response.context["problem"]
    assert "Min kommentar" in response.content.decode()
    assert ActivityOutcome.objects.get(pk=line.pk).comment == "Kollegans"


def test_report_summary(report, editor, colleague):
    url = reverse("followup:edit", args=[report.agreement_id, report.year, "sammanfattning"])
    loaded = hidden(login(editor).get(url).content.decode(), "report-loaded_version")
    posted = {"report-conclusions": "", "report-loaded_version": loaded}
    assert login(colleague).post(url, posted | {"report-summary": "Kollegans"}).status_code == 302

    response = login(editor).post(url, posted | {"report-summary": "Min sammanfattning"})

    assert response.status_code == 200 and response.context["problem"]
    assert "Min sammanfattning" in response.content.decode()
    assert FollowUpReport.objects.get(pk=report.pk).summary == "Kollegans"


def test_evaluation(signed, editor, colleague):
    url = reverse("followup:evaluation_edit", args=[signed.pk])
    loaded = hidden(login(editor).get(url).content.decode())  # nobody has written it yet
    assert login(colleague).post(url, {"text": "Kollegans", "loaded_version": loaded}).status_code == 302

    response = login(editor).post(url, {"text": "Min utvärdering", "loaded_version": loaded})

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "Min utvärdering" in response.content.decode()
    assert Evaluation.objects.get(agreement=signed).text == "Kollegans"


# --- Actions on what the page showed: refused if it changed meanwhile. ---


def review_page_version(client, agreement, commitment) -> str:
    html = client.get(reverse("focusareas:review", args=[agreement.pk])).content.decode()
    return hidden(html, after=reverse("focusareas:commitment_decide", args=[commitment.pk]))


@pytest.mark.parametrize("action", ["accept", "request_change"])
def test_a_decision_on_a_commitment_changed_since_the_review_page_was_loaded(in_review, editor, reviewer, action):
    agreement, commitment = in_review
    loaded = review_page_version(login(reviewer), agreement, commitment)
    edit = reverse("focusareas:commitment_edit", args=[commitment.pk])
    changed = {"parties": [commitment.parties.get().pk], "text": "genomföra två tillsyner", "loaded_version": loaded}
    assert login(editor).post(edit, changed | {"focus_area": commitment.focus_area_id}).status_code == 302

    decide = reverse("focusareas:commitment_decide", args=[commitment.pk])
    typed = {"action": action, "text": "Varför färre tillsyner?", "loaded_version": loaded}
    response = login(reviewer).post(decide, typed)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="refused-{commitment.pk}"' in page
    assert "Varför färre tillsyner?</textarea>" in page  # what the reviewer typed is still there
    assert "genomföra två tillsyner" in page  # and the commitment as it is now
    commitment.refresh_from_db()
    assert commitment.review_status == Commitment.ReviewStatus.OPEN
    assert not commitment.review_entries.exclude(kind=ReviewEntry.Kind.REVISED).exists()

    # Having read the new text, the reviewer decides again, and it counts.
    again = hidden(page, after=decide)
    assert login(reviewer).post(decide, typed | {"loaded_version": again}).status_code == 302
    assert Commitment.objects.get(pk=commitment.pk).review_status != Commitment.ReviewStatus.OPEN


def test_two_reviewers_deciding_on_one_commitment(in_review, reviewer, second_reviewer):
    agreement, commitment = in_review
    loaded = review_page_version(login(reviewer), agreement, commitment)
    decide = reverse("focusareas:commitment_decide", args=[commitment.pk])
    assert login(second_reviewer).post(decide, {"action": "accept", "loaded_version": loaded}).status_code == 302

    change = {"action": "request_change", "text": "Ange tid", "loaded_version": loaded}
    response = login(reviewer).post(decide, change)

    assert response.status_code == 200 and "Per Polis" in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).review_status == Commitment.ReviewStatus.ACCEPTED


def test_a_comment_is_never_refused(in_review, editor):
    _agreement, commitment = in_review
    decide = reverse("focusareas:commitment_decide", args=[commitment.pk])
    assert login(editor).post(decide, {"action": "comment", "text": "Vi ser över det"}).status_code == 302
    assert commitment.review_entries.get().text == "Vi ser över det"


def sign_data(client, agreement, party) -> dict:
    form = client.get(reverse("documents:sign", args=[agreement.pk])).context["form"]
    return {
        "party": party.pk,
        "signing_place": "Hamnstad",
        "signed_on": "2026-11-20",
        "loaded_fingerprint": form["loaded_fingerprint"].value(),
    }


@pytest.mark.parametrize("change", ["agreement", "section", "commitment"])
def test_signing_an_agreement_changed_since_the_form_was_loaded(in_review, editor, reviewer, colleague, change):
    agreement, commitment = in_review
    municipality = editor.memberships.get().organisation
    accept([commitment], reviewer=reviewer)
    approve_by_every_party(agreement)
    data = sign_data(login(editor), agreement, municipality)
    if change == "agreement":
        Agreement.objects.filter(pk=agreement.pk).update(title="Ändrad titel", version=agreement.version + 1)
    elif change == "section":
        SectionFactory(agreement=agreement, heading="Nytt avsnitt")
    else:
        # An accepted commitment changed in place; review goes on separately, signing must not pass it by.
        Commitment.objects.filter(pk=commitment.pk).update(text="annan text", version=commitment.version + 1)

    response = login(editor).post(reverse("documents:sign", args=[agreement.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="Hamnstad"' in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.REVIEW
    assert not PartySignature.objects.filter(agreement=agreement).exists()

    # Once the parties have approved the draft as it is now and the signer has seen the page again, the
    # municipality's signature is recorded; the agreement waits for the police's.
    approve_by_every_party(agreement)
    again = data | {"loaded_fingerprint": response.context["form"]["loaded_fingerprint"].value()}
    assert login(editor).post(reverse("documents:sign", args=[agreement.pk]), again).status_code == 302
    assert PartySignature.objects.get(agreement=agreement).party == municipality
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.REVIEW


def test_sending_for_review_twice(world, editor, colleague):
    url = reverse("focusareas:send_for_review", args=[world.agreement.pk])
    assert login(colleague).post(url).status_code == 302
    response = login(editor).post(url, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Agreement.objects.get(pk=world.agreement.pk).status == Agreement.Status.REVIEW


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_deleting_something_changed_since_the_confirmation_was_loaded(world, editor, colleague, kind):
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Narkotika")
    row = ActivityRowFactory(focus_area=focus_area)
    item = {
        FocusArea: focus_area,
        FocusAreaSection: FocusAreaSectionFactory(focus_area=focus_area),
        ActivityRow: row,
        Commitment: CommitmentFactory(focus_area=focus_area),
        Goal: Goal.objects.create(agreement=world.agreement, focus_area=focus_area, text="Mål"),
        ActionPlan: ActionPlanFactory(agreement=world.agreement),
    }[ITEM_KINDS[kind].model]
    url = reverse("focusareas:item_delete", args=[kind, item.pk])
    loaded = hidden(login(editor).get(url).content.decode(), "loaded_fingerprint")
    # Meanwhile a colleague changes it (for a focus area: an activity in it, which would go with it).
    changed = row if isinstance(item, FocusArea) else item
    claim_version(instance=changed, loaded_version=changed.version)

    response = login(editor).post(url, {"loaded_fingerprint": loaded})

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert type(item).objects.filter(pk=item.pk).exists()
    again = response.context["form"]["loaded_fingerprint"].value()
    assert login(editor).post(url, {"loaded_fingerprint": again}).status_code == 302
    assert not type(item).objects.filter(pk=item.pk).exists()


def test_deleting_a_section_whose_subsection_changed_or_was_added_meanwhile(world, editor, colleague):
    parent = SectionFactory(agreement=world.agreement, heading="Lägesbild")
    url = reverse("agreements:section_delete", args=[parent.pk])
    loaded = hidden(login(editor).get(url).content.decode(), "loaded_fingerprint")
    login(colleague).post(
        reverse("agreements:section_add", args=[world.agreement.pk, "appendix"]), {"heading": "Ny", "parent": parent.pk}
    )

    response = login(editor).post(url, {"loaded_fingerprint": loaded})

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "Ny" in response.content.decode()  # the confirmation now lists the new subsection
    assert Section.objects.filter(agreement=world.agreement).count() == 2


def test_pasting_into_a_table_someone_pasted_into_meanwhile(world, editor, colleague):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    url = reverse("focusareas:rows_paste", args=[focus_area.pk])
    table = "Kartlägga\tInsats\tStatistik\tFärre\r\n"
    mine = hidden(
        login(editor)
        .post(
            url,
            {
                "table": table,
                "loaded_fingerprint": hidden(login(editor).get(url).content.decode(), "loaded_fingerprint"),
            },
        )
        .content.decode(),
        "loaded_fingerprint",
    )
    theirs = hidden(login(colleague).get(url).content.decode(), "loaded_fingerprint")
    assert login(colleague).post(url, {"table": table, "confirm": "1", "loaded_fingerprint": theirs}).status_code == 302

    response = login(editor).post(url, {"table": table, "confirm": "1", "loaded_fingerprint": mine})

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "Kartlägga" in response.content.decode()
    assert ActivityRow.objects.filter(focus_area=focus_area).count() == 1


def test_the_same_paste_sent_twice_adds_the_rows_once(world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    url = reverse("focusareas:rows_paste", args=[focus_area.pk])
    data = {
        "table": "Kartlägga\tInsats\t\t\r\n",
        "confirm": "1",
        "loaded_fingerprint": hidden(login(editor).get(url).content.decode(), "loaded_fingerprint"),
    }
    assert login(editor).post(url, data).status_code == 302
    assert login(editor).post(url, data).status_code == 200
    assert ActivityRow.objects.filter(focus_area=focus_area).count() == 1


def report_page_version(client, report) -> str:
    return hidden(client.get(report.get_absolute_url()).content.decode(), "loaded_fingerprint")


def fill_in(client, report, comment: str) -> None:
    line = ActivityOutcome.objects.get(report=report)
    url = reverse("followup:edit", args=[report.agreement_id, report.year, line.row.focus_area_id])
    context = client.get(url).context
    posted = {}
    for _heading, _about, form in context["entries"]:
        posted |= {
            form.add_prefix(f): form[f].value()
            for f in form.fields
            if f != "evidence_file" and form[f].value() is not None
        }
    assert client.post(url, posted | {f"a{line.pk}-comment": comment}).status_code == 302


@pytest.mark.parametrize("action", ["submit", "confirm", "approve"])
def test_a_step_of_the_follow_up_on_a_report_changed_since_it_was_loaded(
    report, editor, colleague, reviewer, reader, action
):
    stage = {"submit": "draft", "confirm": "submitted", "approve": "confirmed"}[action]
    FollowUpReport.objects.filter(pk=report.pk).update(stage=stage)
    actor = {"submit": editor, "confirm": reviewer, "approve": reader}[action]
    loaded = report_page_version(login(actor), report)
    if action == "approve":  # the report can no longer be filled in; its summary is changed another way
        FollowUpReport.objects.filter(pk=report.pk).update(summary="Ändrad", version=report.version + 1)
    else:
        fill_in(login(colleague if action == "submit" else reviewer), report, "Ändrad just nu")

    url = reverse("followup:transition", args=[report.agreement_id, report.year, action])
    typed = {"loaded_fingerprint": loaded, "approved_on": "2025-03-20", "case_number": "KS 2025/17"}
    response = login(actor).post(url, typed)

    assert response.status_code == 200 and response.context["problem"]
    if action == "approve":
        assert 'value="KS 2025/17"' in response.content.decode()
    assert FollowUpReport.objects.get(pk=report.pk).stage == stage
    again = typed | {"loaded_fingerprint": hidden(response.content.decode(), "loaded_fingerprint")}
    assert login(actor).post(url, again).status_code == 302
    assert FollowUpReport.objects.get(pk=report.pk).stage != stage


def test_starting_a_year_someone_started_meanwhile(signed, editor, colleague):
    url = reverse("followup:start", args=[signed.pk])
    assert login(colleague).post(url, {"year": 2024}).status_code == 302
    response = login(editor).post(url, {"year": 2024}, follow=True)
    assert response.status_code == 200
    assert FollowUpReport.objects.filter(agreement=signed, year=2024).count() == 1


def test_starting_a_year_that_exists_by_the_time_it_is_saved_gives_the_constraints_message(signed, monkeypatch):
    # full_clean() finds no report because the other one is not committed yet; the database then refuses.
    monkeypatch.setattr(FollowUpReport, "validate_constraints", lambda self, exclude=None: None)
    followup_services.report_start(agreement=signed, year=2024, copy_previous=False)
    with pytest.raises(ValidationError, match="redan en uppföljning"):
        followup_services.report_start(agreement=signed, year=2024, copy_previous=False)


@pytest.mark.parametrize("action", ["documents:new_revision", "documents:renew"])
def test_a_second_click_on_new_revision_or_renew_makes_no_second_draft(signed, editor, action):
    url = reverse(action, args=[signed.pk])
    confirmed = {"loaded_fingerprint": agreement_fingerprint(signed)}  # as the confirmation page posts it
    assert login(editor).post(url, confirmed).status_code == 302
    response = login(editor).post(url, confirmed, follow=True)
    assert response.status_code == 200
    field = "previous_revision" if action == "documents:new_revision" else "renews"
    assert Agreement.objects.filter(**{field: signed}).count() == 1


def test_the_new_agreement_form_sent_twice_creates_one_agreement(world, editor):
    url = reverse("agreements:create")
    key = hidden(login(editor).get(url).content.decode(), "creation_key")
    data = {
        "title": "Dubbelklick",
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
        "copies": 2,
        "creation_key": key,
        "parties-TOTAL_FORMS": 2,
        "parties-INITIAL_FORMS": 0,
        "parties-0-organisation": world.municipality.pk,
        "parties-1-organisation": world.police.pk,
    }
    first = login(editor).post(url, data)
    second = login(editor).post(url, data)
    assert Agreement.objects.filter(title="Dubbelklick").count() == 1
    assert first["Location"] == second["Location"] == Agreement.objects.get(title="Dubbelklick").get_absolute_url()


# --- The same races at the same moment on the database. ---


@needs_real_concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "scenario",
    ["section_update", "commitment_decision", "agreement_sign", "report_confirm", "report_start", "new_revision"],
)
def test_of_two_saves_at_the_same_moment_exactly_one_wins(world, editor, reviewer, second_reviewer, scenario):
    agreement = world.agreement
    focus_area = FocusAreaFactory(agreement=agreement)
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police])
    section = SectionFactory(agreement=agreement, heading="Bakgrund")
    SignatoryFactory(agreement=agreement, party=world.municipality, order=0)

    def state(stage: str) -> Agreement:
        Agreement.objects.filter(pk=agreement.pk).update(status=stage)
        return Agreement.objects.get(pk=agreement.pk)

    if scenario == "section_update":
        calls = [
            lambda text=text: agreement_services.section_update(
                section=Section.objects.get(pk=section.pk), loaded_version=1, heading=text, body="", parent=None
            )
            for text in ("A", "B")
        ]
        check = lambda: Section.objects.get(pk=section.pk).version == 2  # noqa: E731
    elif scenario == "commitment_decision":
        state(Agreement.Status.REVIEW)
        calls = [
            lambda: focus_area_services.commitment_accept(
                commitment=Commitment.objects.get(pk=commitment.pk), user=reviewer, loaded_version=1
            ),
            lambda: focus_area_services.commitment_request_change(
                commitment=Commitment.objects.get(pk=commitment.pk), user=second_reviewer, loaded_version=1, text="?"
            ),
        ]
        check = lambda: ReviewEntry.objects.filter(commitment=commitment).count() == 1  # noqa: E731
    elif scenario == "agreement_sign":
        state(Agreement.Status.REVIEW)
        accept([commitment], reviewer=reviewer)
        approve_by_every_party(agreement)
        loaded = agreement_fingerprint(agreement)
        document_services.agreement_sign(
            agreement=agreement,
            party=world.police,
            user=reviewer,
            signing_place="Polishuset",
            signed_on=date(2026, 11, 20),
        )

        def sign(place: str) -> None:
            # The municipality's signature, the last one, sent twice at once.
            document_services.agreement_sign(
                agreement=Agreement.objects.get(pk=agreement.pk),
                party=world.municipality,
                user=editor,
                loaded_fingerprint=loaded,
                signing_place=place,
                signed_on=date(2026, 11, 20),
            )

        calls = [lambda: sign("Hamnstad"), lambda: sign("Polishuset")]
        check = lambda: agreement.archived_pdfs.count() == 1  # noqa: E731
    else:
        signed = state(Agreement.Status.SIGNED)
        if scenario == "new_revision":
            calls = [lambda: agreement_services.agreement_new_revision(agreement=signed)] * 2
            check = lambda: Agreement.objects.filter(previous_revision=signed).count() == 1  # noqa: E731
        elif scenario == "report_start":
            calls = [lambda: followup_services.report_start(agreement=signed, year=2024, copy_previous=False)] * 2
            check = lambda: FollowUpReport.objects.filter(agreement=signed).count() == 1  # noqa: E731
        else:
            report = followup_services.report_start(agreement=signed, year=2024, copy_previous=False)
            FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.SUBMITTED)
            loaded = followup_services.report_fingerprint(report)
            calls = [
                lambda user=user: followup_services.report_confirm(report=report, user=user, loaded_fingerprint=loaded)
                for user in (reviewer, second_reviewer)
            ]
            check = lambda: FollowUpReport.objects.get(pk=report.pk).history.count() == 2  # noqa: E731

    outcomes = race(*calls)

    assert sorted(outcomes) == ["refused", "won"], outcomes
    assert check()


# --- Every form that edits something with a version carries the version it was loaded with. ---

# Forms that change nothing that exists yet: they create, and the database refuses a duplicate.
CREATING_ONLY = {
    followup_forms.StartReportForm,
    document_forms.DocxImportForm,
    document_forms.DocxImportConfirmForm,
    focus_area_forms.CommentForm,  # a comment is added to a thread, never changed
}


def _form_classes() -> list[type[forms.BaseForm]]:
    return [
        cls
        for module in (agreement_forms, focus_area_forms, document_forms, followup_forms)
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
    ]


def _has_version(model) -> bool:
    return any(field.name == "version" for field in model._meta.fields)


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda cls: cls.__name__)
def test_every_form_on_something_versioned_carries_its_loaded_version(form_class):
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    carries_version = "loaded_version" in form_class.base_fields
    carries_fingerprint = "loaded_fingerprint" in form_class.base_fields
    if model is not None:
        assert carries_version == _has_version(model), (
            f"{form_class.__name__} edits {model.__name__}: a form carries loaded_version exactly when its model "
            "has a version (add the version field, or VersionedModelForm to the form)"
        )
        assert not carries_fingerprint, f"{form_class.__name__} edits one row: its version number is what it carries"
    elif form_class not in CREATING_ONLY:
        assert carries_version or carries_fingerprint, (
            f"{form_class.__name__} acts on something that others may change: give it a loaded_version (VersionedForm) "
            "or, when it acts on several rows, a loaded_fingerprint (ConfirmForm)"
        )
