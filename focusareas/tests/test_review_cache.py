"""The review page is kept by what it shows: every change to a commitment, its review, its parties or the parts of the
document listed shows at once, whoever made it and however; each reader sees what they may do with their own CSRF
token, and only on an agreement their organisation is party to."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Party
from agreements.tests.factories import AgreementFactory, SectionFactory
from agreements.tests.test_admin import admin_agreement_data
from focusareas.models import ActivityRow, Comment, Commitment, FocusAreaSection, Goal
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
    GoalFactory,
)
from samverkan.lib.fragments import token_slot

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def in_review(world):
    """An agreement in review with two commitments of a focus area and one of an action plan, a section of its
    text, a section of the focus area, an activity row and a goal."""
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.REVIEW)
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Narkotika")
    first = CommitmentFactory(focus_area=focus_area, parties=[world.police], text="genomföra fem krogtillsyner")
    second = CommitmentFactory(focus_area=focus_area, parties=[world.municipality], text="ordna trygghetsvandringar")
    plan = ActionPlanFactory(agreement=world.agreement, title="Handlingsplan 2025")
    CommitmentFactory(focus_area=None, action_plan=plan, parties=[world.police], text="hålla medborgardialoger")
    SectionFactory(agreement=world.agreement, heading="Lägesbild")
    FocusAreaSectionFactory(focus_area=focus_area, heading="Insatser")
    ActivityRowFactory(focus_area=focus_area, activity="Avloppsanalyser")
    GoalFactory(focus_area=focus_area, text="Narkotikabruket ska minska")
    return Agreement.objects.get(pk=world.agreement.pk), first, second


def review_page(client, user, agreement) -> str:
    client.force_login(user)
    response = client.get(reverse("focusareas:review", args=[agreement.pk]))
    assert response.status_code == 200
    return response.content.decode()


def decide(client, commitment, action, text=""):
    loaded = Commitment.objects.get(pk=commitment.pk).version
    url = reverse("focusareas:commitment_decide", args=[commitment.pk])
    return client.post(url, {"action": action, "text": text, "loaded_version": loaded})


def without_tokens(page: str) -> str:
    page = TOKEN.sub('name="csrfmiddlewaretoken" value=""', page)
    return re.sub(r'data-session-seconds-left="\d+"', "", page)


def commitments_part(page: str) -> str:
    return page[page.index('id="commitments-heading"') :]


def test_a_page_read_again_is_the_page_laid_out_anew(client, in_review, reviewer):
    agreement, *_ = in_review
    first = review_page(client, reviewer, agreement)
    again = review_page(client, reviewer, agreement)
    caches["template_fragments"].clear()
    anew = review_page(client, reviewer, agreement)
    assert without_tokens(again) == without_tokens(first) == without_tokens(anew)
    assert "genomföra fem krogtillsyner" in again and "Avloppsanalyser" in again


# Each change, made as the product or an administrator makes it (or, where noted, as a script would, without
# signals), and what the page shows after it.


def accept(client, world, agreement, first, reviewer, editor):
    client.force_login(reviewer)
    assert decide(client, first, "accept").status_code == 302
    return "review-accepted"


def request_a_change(client, world, agreement, first, reviewer, editor):
    client.force_login(reviewer)
    assert decide(client, first, "request_change", "Hur många krogar?").status_code == 302
    return "Hur många krogar?"


def comment_on_a_commitment(client, world, agreement, first, reviewer, editor):
    client.force_login(editor)
    assert decide(client, first, "comment", "Fem räcker.").status_code == 302
    return "Fem räcker."


def edit_a_commitment(client, world, agreement, first, reviewer, editor):
    client.force_login(editor)
    data = {
        "parties": [world.police.pk],
        "text": "genomföra tio krogtillsyner",
        "focus_area": first.focus_area_id,
        "loaded_version": Commitment.objects.get(pk=first.pk).version,
    }
    assert client.post(reverse("focusareas:commitment_edit", args=[first.pk]), data).status_code == 302
    return "genomföra tio krogtillsyner"


def change_who_commits(client, world, agreement, first, reviewer, editor):
    first.parties.set([world.municipality, world.police])
    return "Hamnstads kommun, Lokalpolisområde Hamnstad"


def administrator() -> Client:
    """A client of its own, so that the administration's message of what it saved is not on the page read next."""
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.se", "x"))
    return client


def retitle_in_the_administration(client, world, agreement, first, reviewer, editor):
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    assert administrator().post(url, admin_agreement_data(agreement, title="Trygg i Hamnstad")).status_code == 302
    return ">Trygg i Hamnstad</a></li>"  # the breadcrumb, not the page's title


def rename_a_section_in_the_administration(client, world, agreement, first, reviewer, editor):
    section = agreement.sections.get()
    data = {"agreement": agreement.pk, "part": section.part, "order": 0, "heading": "Läget i Hamnstad", "body": ""}
    url = reverse("admin:agreements_section_change", args=[section.pk])
    assert administrator().post(url, data).status_code == 302
    return "Läget i Hamnstad</a> – 0 kommentarer"


def rename_a_party(client, world, agreement, first, reviewer, editor):
    world.police.name = "Lokalpolisområde Nya Hamnstad"
    world.police.save()
    return "Lokalpolisområde Nya Hamnstad"


def give_a_party_the_name_the_text_uses(client, world, agreement, first, reviewer, editor):
    party = Party.objects.get(agreement=agreement, organisation=world.police)
    party.display_name = "Polisen"
    party.save()
    return "Polisen\n"


def rename_the_focus_area(client, world, agreement, first, reviewer, editor):
    first.focus_area.title = "Narkotika och alkohol"
    first.focus_area.save()
    return "Narkotika och alkohol"


def rename_the_action_plan(client, world, agreement, first, reviewer, editor):
    plan = agreement.action_plans.get()
    plan.title = "Handlingsplan 2026"
    plan.save()
    return "Handlingsplan 2026"


def rename_a_section_of_the_focus_area(client, world, agreement, first, reviewer, editor):
    FocusAreaSection.objects.update(heading="Förebyggande insatser")  # as a script would, then saved
    FocusAreaSection.objects.get().save()
    return "Förebyggande insatser"


def add_an_activity(client, world, agreement, first, reviewer, editor):
    ActivityRowFactory(focus_area=first.focus_area, activity="Kontroller vid krogar")
    return "Kontroller vid krogar"


def edit_a_goal(client, world, agreement, first, reviewer, editor):
    goal = Goal.objects.get()
    goal.text = "Narkotikabruket bland unga ska minska"
    goal.save()
    return "Narkotikabruket bland unga ska minska"


def comment_on_an_activity(client, world, agreement, first, reviewer, editor):
    client.force_login(reviewer)
    row = ActivityRow.objects.get()
    url = reverse("focusareas:comments", args=[agreement.pk, "aktivitet", row.key])
    assert client.post(url, {"text": "Hur ofta?"}).status_code == 302
    return "Avloppsanalyser</a> – 1 kommentar"


def rename_an_author(client, world, agreement, first, reviewer, editor):
    get_user_model().objects.filter(pk=reviewer.pk).update(first_name="Kim", last_name="Polis")  # no signal
    return '"fw-semibold">Kim Polis<'


def send_back_to_draft(client, world, agreement, first, reviewer, editor):
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.DRAFT)  # no history record
    return "Överenskommelsen är ett utkast."


def make_it_a_citizen_promise(client, world, agreement, first, reviewer, editor):
    Agreement.objects.filter(pk=agreement.pk).update(kind=Agreement.Kind.CITIZEN_PROMISE)  # no history record
    return "Lokalpolisområde Hamnstad lovar att"


CHANGES = [
    accept,
    request_a_change,
    comment_on_a_commitment,
    edit_a_commitment,
    change_who_commits,
    retitle_in_the_administration,
    rename_a_section_in_the_administration,
    rename_a_party,
    give_a_party_the_name_the_text_uses,
    rename_the_focus_area,
    rename_the_action_plan,
    rename_a_section_of_the_focus_area,
    add_an_activity,
    edit_a_goal,
    comment_on_an_activity,
    rename_an_author,
    send_back_to_draft,
    make_it_a_citizen_promise,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_every_change_shows_at_once(client, world, in_review, reviewer, editor, change):
    agreement, first, second = in_review
    client.force_login(reviewer)
    assert decide(client, second, "comment", "Bra.").status_code == 302  # a thread with an author
    page = review_page(client, reviewer, agreement)
    shown = change(client, world, agreement, first, reviewer, editor)
    assert shown not in page
    assert shown in review_page(client, reviewer, agreement)


def test_comments_added_and_removed_are_counted_at_once(client, in_review, reviewer):
    agreement, *_ = in_review
    row, goal = ActivityRow.objects.get(), Goal.objects.get()
    for item, about in ((row, "aktivitet"), (row, "aktivitet")):
        Comment.objects.create(agreement=agreement, about=about, key=item.key, author=reviewer, text="Hur?")
    assert "Avloppsanalyser</a> – 2 kommentarer" in review_page(client, reviewer, agreement)
    Comment.objects.filter(key=row.key).first().delete()
    assert "Avloppsanalyser</a> – 1 kommentar" in review_page(client, reviewer, agreement)
    # One removed and one added: as many as before, but not the same.
    Comment.objects.filter(key=row.key).delete()
    Comment.objects.create(agreement=agreement, about="mal", key=goal.key, author=reviewer, text="Hur?")
    page = review_page(client, reviewer, agreement)
    assert "Avloppsanalyser</a> – 0 kommentarer" in page and "ska minska</a> – 1 kommentar" in page


def test_what_changed_since_the_revision_before_shows_at_once(client, world, in_review, reviewer):
    agreement, first, _ = in_review
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    parties = [world.municipality, world.police]
    revision = AgreementFactory(
        previous_revision=agreement, revision=2, status=Agreement.Status.REVIEW, parties=parties
    )
    focus_area = FocusAreaFactory(agreement=revision, title="Narkotika")
    copy = CommitmentFactory(focus_area=focus_area, parties=[world.police], text=first.text, key=first.key)
    assert "Ändrat i denna revision" not in review_page(client, reviewer, revision)
    copy.text = "genomföra sex krogtillsyner"
    copy.save()
    assert "Ändrat i denna revision" in review_page(client, reviewer, revision)


def test_a_signed_agreement_past_its_end_shows_as_ended(client, in_review, reviewer):
    agreement, *_ = in_review
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    assert "Undertecknad" in review_page(client, reviewer, agreement)
    Agreement.objects.filter(pk=agreement.pk).update(end_date=agreement.start_date.replace(year=2024))
    page = review_page(client, reviewer, agreement)
    assert "Avslutad" in page and "Undertecknad" not in page


def test_each_language_has_its_own_page(client, in_review, reviewer):
    agreement, *_ = in_review
    assert "Granskning av åtagandena" in review_page(client, reviewer, agreement)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = review_page(client, reviewer, agreement)
    assert "Review of the commitments" in page and "Granskning av åtagandena" not in page


def test_each_reader_sees_what_they_may_do(client, in_review, reviewer, editor, reader):
    agreement, *_ = in_review
    as_reviewer = review_page(client, reviewer, agreement)
    as_editor = review_page(client, editor, agreement)
    as_reader = review_page(client, reader, agreement)
    assert 'value="accept"' in as_reviewer and "Redigera åtagandet" not in as_reviewer
    assert 'value="accept"' not in as_editor and "Redigera åtagandet" in as_editor
    assert "commitment_decide" not in as_reader and "<textarea" not in as_reader
    assert 'value="accept"' in review_page(client, reviewer, agreement)


def test_a_form_on_a_page_read_again_posts_with_the_readers_own_token(in_review, reviewer, editor):
    agreement, first, _ = in_review
    other = Client(enforce_csrf_checks=True)
    review_page(other, editor, agreement)
    client = Client(enforce_csrf_checks=True)
    page = review_page(client, reviewer, agreement)
    assert token_slot() not in page
    form = page[page.index(reverse("focusareas:commitment_decide", args=[first.pk])) :]
    token = TOKEN.search(form).group(1)
    data = {"action": "accept", "text": "", "loaded_version": first.version, "csrfmiddlewaretoken": token}
    assert client.post(reverse("focusareas:commitment_decide", args=[first.pk]), data).status_code == 302
    assert Commitment.objects.get(pk=first.pk).review_status == Commitment.ReviewStatus.ACCEPTED


def test_a_refused_decision_is_shown_to_its_author_only_once(client, in_review, reviewer):
    agreement, first, _ = in_review
    review_page(client, reviewer, agreement)
    response = decide(client, first, "request_change", "")
    assert "Skriv en kommentar" in response.content.decode()
    assert "Skriv en kommentar" not in review_page(client, reviewer, agreement)


def test_an_outsider_is_refused_a_page_others_have_read(client, in_review, reviewer, outsider, other_police_reviewer):
    agreement, *_ = in_review
    review_page(client, reviewer, agreement)
    for user in (outsider, other_police_reviewer):
        client.force_login(user)
        response = client.get(reverse("focusareas:review", args=[agreement.pk]))
        assert response.status_code == 404 and agreement.title not in response.content.decode()


def agreement_with(world, commitments: int) -> Agreement:
    agreement = AgreementFactory(parties=[world.municipality, world.police], status=Agreement.Status.REVIEW)
    focus_area = FocusAreaFactory(agreement=agreement)
    for n in range(commitments):
        CommitmentFactory(focus_area=focus_area, parties=[world.police] if n % 2 else [world.municipality])
    return agreement


def queries_read_again(client, agreement) -> int:
    url = reverse("focusareas:review", args=[agreement.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_page_read_again_costs_the_same_few_queries_at_two_and_twenty_commitments(client, world, reviewer):
    client.force_login(reviewer)
    client.get(reverse("agreements:list"))  # a session's first request writes when it was last used
    at_two = queries_read_again(client, agreement_with(world, 2))
    # session, user, the agreement with what the user may do, the key's latest writes, the review entries
    assert at_two == queries_read_again(client, agreement_with(world, 20)) == 5
