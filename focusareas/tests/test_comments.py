"""Review covers the whole document: a section, a focus area and its sections, an activity row and a goal each have
a comment thread, written by the agreement's editors and the police's reviewers and read by every party."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from agreements.tests.factories import SectionFactory
from focusareas.models import Comment
from focusareas.tests.factories import ActivityRowFactory, FocusAreaFactory, FocusAreaSectionFactory, GoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world):
    agreement = world.agreement
    focus_area = FocusAreaFactory(agreement=agreement, title="Narkotika")
    return {
        "avsnitt": SectionFactory(agreement=agreement, heading="Lägesbild"),
        "fokusomrade": focus_area,
        "delavsnitt": FocusAreaSectionFactory(focus_area=focus_area, heading="Insatser"),
        "aktivitet": ActivityRowFactory(focus_area=focus_area, activity="Avloppsanalyser"),
        "mal": GoalFactory(focus_area=focus_area, text="Narkotikabruket ska minska"),
    }


def url(agreement, about, item) -> str:
    return reverse("focusareas:comments", args=[agreement.pk, about, item.key])


def test_every_part_of_the_document_gets_a_thread_the_parties_write_in(client, world, items, editor, reviewer):
    agreement = world.agreement
    for about, item in items.items():
        client.force_login(reviewer)
        assert client.post(url(agreement, about, item), {"text": f"Fråga om {about}"}).status_code == 302
        client.force_login(editor)
        assert client.post(url(agreement, about, item), {"text": "Vi ser över det"}).status_code == 302
        page = client.get(url(agreement, about, item)).content.decode()
        assert f"Fråga om {about}" in page and "Vi ser över det" in page
    assert Comment.objects.filter(author=reviewer).count() == 5

    review = client.get(reverse("focusareas:review", args=[agreement.pk])).content.decode()
    assert review.count("2 kommentarer") == 5
    assert url(agreement, "aktivitet", items["aktivitet"]) in review


def test_an_empty_comment_is_refused_on_the_form(client, world, items, editor):
    client.force_login(editor)
    response = client.post(url(world.agreement, "mal", items["mal"]), {"text": "  "})
    assert response.status_code == 200 and "Detta fält måste fyllas i." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_council_reads_and_a_signed_agreement_takes_no_more(client, world, items, editor, reader):
    section_url = url(world.agreement, "avsnitt", items["avsnitt"])
    client.force_login(reader)
    assert client.get(section_url).status_code == 200
    assert client.post(section_url, {"text": "Hej"}).status_code == 403
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    client.force_login(editor)
    assert client.post(section_url, {"text": "Hej"}).status_code == 403
    assert not Comment.objects.exists()


def test_a_thread_is_reached_only_through_its_own_agreement(client, world, items, editor, outsider):
    client.force_login(editor)
    foreign = SectionFactory(agreement=world.other_agreement)
    assert client.get(url(world.agreement, "avsnitt", foreign)).status_code == 404
    assert client.get(url(world.agreement, "mal", items["avsnitt"])).status_code == 404  # a section is not a goal
    client.force_login(outsider)
    assert client.get(url(world.agreement, "avsnitt", items["avsnitt"])).status_code == 404


def test_a_comment_tells_the_other_side_by_e_mail(
    client, world, items, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    editor.email, reviewer.email = "editor@example.se", "reviewer@example.se"
    editor.save()
    reviewer.save()
    section_url = url(world.agreement, "avsnitt", items["avsnitt"])
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(section_url, {"text": "Vilken statistik avses?"})
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(section_url, {"text": "Polisens anmälda brott."})

    assert [message.to for message in mailoutbox] == [["editor@example.se"], ["reviewer@example.se"]]
    assert "har kommenterat avsnitt ”Lägesbild”" in mailoutbox[0].body
    assert f"{section_url}#thread" in mailoutbox[0].body
