"""After every change to a draft, its PDF is laid out by a task once the change commits, once per transaction
however many writes it made, so that the PDF button finds it laid out."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from agreements.models import Agreement, Party, Section
from agreements.services import section_create
from agreements.tests.factories import OrganisationFactory
from documents import tasks
from documents.pdf import agreement_pdf
from samverkan.lib import pdf
from samverkan.lib.pdfcache import RenderedPdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_advance(settings, monkeypatch) -> list[int]:
    """PDFs laid out in advance, with the agreements the task laid out, in order."""
    settings.PDF_IN_ADVANCE = True
    laid_out: list[int] = []
    real = tasks.agreement_pdf

    def counted(agreement: Agreement) -> bytes:
        laid_out.append(agreement.pk)
        return real(agreement)

    monkeypatch.setattr(tasks, "agreement_pdf", counted)
    return laid_out


def test_the_pdf_button_serves_the_pdf_laid_out_after_the_change(
    world, editor, in_advance, client, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        section_create(
            agreement=world.agreement,
            part=Section.Part.APPENDIX,
            parent=None,
            heading="Lägesbild",
            body="<p>Brotten minskar.</p>",
        )
    assert in_advance == [world.agreement.pk]
    monkeypatch.setattr(pdf, "_render", lambda *args, **kwargs: pytest.fail("laid out again on the PDF button"))
    client.force_login(editor)

    response = client.get(reverse("documents:pdf", args=[world.agreement.pk]))

    assert response.status_code == 200
    assert response.content == bytes(RenderedPdf.objects.get().content)


def test_the_writes_of_one_transaction_lay_each_agreement_out_once(
    world, in_advance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for heading in ("Bakgrund", "Lägesbild", "Ansvar"):
            section_create(agreement=world.agreement, part=Section.Part.APPENDIX, parent=None, heading=heading, body="")
        Party.objects.create(
            agreement=world.agreement, organisation=OrganisationFactory(name="Bostadsbolaget"), order=5
        )
        world.agreement.purpose = "Ett tryggare Hamnstad."
        world.agreement.save()
        world.neighbour_agreement.save()

    assert len(callbacks) == 1
    assert sorted(in_advance) == sorted([world.agreement.pk, world.neighbour_agreement.pk])


def test_a_change_rolled_back_lays_nothing_out(world, in_advance, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            section_create(
                agreement=world.agreement, part=Section.Part.APPENDIX, parent=None, heading="Bakgrund", body=""
            )
            raise RuntimeError("the save failed after the write")
        world.neighbour_agreement.save()

    assert in_advance == [world.neighbour_agreement.pk]


def test_a_signed_agreement_is_not_laid_out_again(world, in_advance):
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)

    tasks.lay_out_agreement_pdf.call(world.agreement.pk)

    assert not RenderedPdf.objects.exists()


def test_without_pdfs_in_advance_a_change_lays_nothing_out(world, settings, django_capture_on_commit_callbacks):
    settings.PDF_IN_ADVANCE = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        world.agreement.save()
    assert callbacks == []
    assert not RenderedPdf.objects.exists()
    assert agreement_pdf(world.agreement)  # laid out when first asked for
    assert RenderedPdf.objects.count() == 1
