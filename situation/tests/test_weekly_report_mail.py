"""Friday's e-mail carries the weekly report as a PDF beside its link, laid out once per week and variant: the
police's intelligence only in the variant for those who meet (the security unit and the police), never to the
reporters or the municipality's other users."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from samverkan.lib import pdf
from situation import jobs
from situation.models import Reporter, Week
from situation.tests.helpers import est_setup, pdf_text

pytestmark = pytest.mark.django_db

TUESDAY = "2026-11-24T07:00:00+01:00"
FRIDAY = "2026-11-27T07:00:00+01:00"
SECRET = "Uppgift om langning vid busstationen."


@pytest.fixture
def renders(monkeypatch) -> list:
    """Every PDF laid out (rather than found in the cache) during the test."""
    laid_out = []
    render = pdf._render

    def counted(html, **kwargs):
        laid_out.append(html)
        return render(html, **kwargs)

    monkeypatch.setattr(pdf, "_render", counted)
    return laid_out


def test_each_recipient_gets_the_pdf_of_what_the_report_shows_them_laid_out_once_per_variant(
    django_capture_on_commit_callbacks, world, editor, reviewer, reader, renders
):
    survey = est_setup(world.municipality, factors=2, places=2, reporters=4)
    for user in (editor, reviewer, reader):
        user.email = f"{user.username}@example.se"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.send_survey.call(scheduled_for=TUESDAY)
    Week.objects.update(situation="Lugnt i centrum.", police_intelligence=SECRET)
    Reporter.objects.filter(pk=survey["reporters"][3].pk).update(active=False)  # no longer reports: no report
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.send_weekly_report.call(scheduled_for=FRIDAY) == 6

    assert len(mail.outbox) == 6 and len(renders) == 2  # six e-mails, two PDFs
    police_notes = {}
    for message in mail.outbox:
        [(name, content, mimetype)] = message.attachments
        assert name == "veckorapport-2026-W48.pdf" and mimetype == "application/pdf"
        assert "/lagesbild/" in message.body and "bifogad som PDF" in message.body
        text = pdf_text(content)
        assert "Lugnt i centrum." in text
        police_notes[message.to[0]] = "langning" in text
    assert police_notes == {
        "editor@example.se": True,
        "reviewer@example.se": True,
        "reader@example.se": False,
        "rapportor1@example.se": False,
        "rapportor2@example.se": False,
        "rapportor3@example.se": False,
    }


def test_the_report_page_and_pdf_show_the_police_intelligence_to_those_who_meet(client, world, reviewer, reader):
    week = Week.objects.create(
        municipality=world.municipality, monday=date(2026, 11, 23), situation="Lugnt.", police_intelligence=SECRET
    )
    url = reverse("situation:report", kwargs={"pk": world.municipality.pk, "week": week.label})
    pdf_url = reverse("situation:report_pdf", kwargs={"pk": world.municipality.pk, "week": week.label})
    client.force_login(reviewer)
    assert SECRET in client.get(url).content.decode()
    assert "langning" in pdf_text(client.get(pdf_url).content)
    client.force_login(reader)
    assert SECRET not in client.get(url).content.decode()
    assert "langning" not in pdf_text(client.get(pdf_url).content)
