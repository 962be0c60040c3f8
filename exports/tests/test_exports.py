"""Batch work as a task with its progress on the page: all PDFs of a year as one zip and the agreements as one
workbook, holding only what the user who asked may read, and readable by that user alone."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Agreement, ArchivedPdf, Membership
from agreements.tests.factories import AgreementFactory
from exports import contents
from exports.jobs import exports_forget
from exports.models import Export
from exports.tasks import export_make
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory
from followup.services import report_start
from samverkan.lib.archive import store_archived
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db

SIGNED_PDF = b"%PDF-1.7\n% signerad\n"


@pytest.fixture
def signed(world, editor):
    """A signed agreement of the world's municipality and police, its PDF archived, with a 2024 follow-up."""
    agreement = AgreementFactory(
        title="Samverkansöverenskommelse Hamnstad 2022", parties=[world.municipality, world.police]
    )
    focus_area = FocusAreaFactory(agreement=agreement, title="Narkotika")
    CommitmentFactory(focus_area=focus_area, parties=[world.police], text="genomföra krogtillsyner")
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    agreement.refresh_from_db()
    store_archived(ArchivedPdf(agreement=agreement, archived_by=editor), SIGNED_PDF, "hamnstad")
    report_start(agreement=agreement, year=2024, copy_previous=False)
    return agreement


def start(client, user, django_capture_on_commit_callbacks, **data) -> Export:
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:index"), data)
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    export.refresh_from_db()
    return export


def downloaded(client, export: Export) -> bytes:
    response = client.get(reverse("exports:download", args=[export.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_all_pdfs_of_a_year_are_those_the_user_may_read(
    world, signed, reviewer, client, django_capture_on_commit_callbacks
):
    export = start(client, reviewer, django_capture_on_commit_callbacks, kind="year_pdfs", year="2024")

    assert export.state == Export.State.DONE
    with zipfile.ZipFile(BytesIO(downloaded(client, export))) as archive:
        names = archive.namelist()
        signed_folder = f"samverkansoverenskommelse-hamnstad-2022-{signed.pk}"
        assert archive.read(f"{signed_folder}/overenskommelse.pdf") == SIGNED_PDF
        assert archive.read(f"{signed_folder}/uppfoljning-2024-utkast.pdf").startswith(b"%PDF")
    # The police area is party to Hamnstad's and Slättby's agreements, not Skogsås's.
    assert sorted(names) == sorted(
        [
            f"{signed_folder}/overenskommelse.pdf",
            f"{signed_folder}/uppfoljning-2024-utkast.pdf",
            f"samverkansoverenskommelse-hamnstad-{world.agreement.pk}/overenskommelse-utkast.pdf",
            f"samverkansoverenskommelse-slattby-{world.neighbour_agreement.pk}/overenskommelse-utkast.pdf",
        ]
    )
    assert (export.total, export.done) == (4, 4)


def test_the_task_counts_the_documents_done_as_it_goes(
    world, signed, editor, client, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []

    def fake_pdf(agreement):
        export = Export.objects.get()
        seen.append((export.state, export.done, export.total))
        return b"%PDF-1.7\n"

    monkeypatch.setattr(contents, "agreement_pdf", fake_pdf)
    monkeypatch.setattr(contents, "annual_report_pdf", fake_pdf)

    start(client, editor, django_capture_on_commit_callbacks, kind="year_pdfs", year="2024")

    # The editor's municipality: the draft (laid out first, by title), the signed agreement (archived) and its
    # follow-up (laid out last).
    assert seen == [("running", 0, 3), ("running", 2, 3)]


def test_the_page_polls_the_progress_until_the_export_is_finished(editor, client):
    export = Export.objects.create(
        requested_by=editor, kind=Export.Kind.YEAR_PDFS, year=2024, state=Export.State.RUNNING, total=12, done=3
    )
    client.force_login(editor)

    page = client.get(export.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page and "3 av 12 dokument" in page
    assert 'max="12" value="3"' in page

    unchanged = client.get(export.get_absolute_url(), {"seen": "running:3:12"}, headers={"HX-Request": "true"})
    assert unchanged.status_code == 204  # nothing swapped, nothing announced again

    Export.objects.filter(pk=export.pk).update(state=Export.State.DONE, done=12, file="exports/x/samverkan.zip")
    fragment = client.get(export.get_absolute_url(), {"seen": "running:3:12"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert reverse("exports:download", args=[export.pk]) in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()  # finished: the page stops asking
    assert "hx-trigger" not in client.get(export.get_absolute_url()).content.decode()


def test_only_the_user_who_asked_may_see_or_download_an_export(
    world, editor, client, django_capture_on_commit_callbacks
):
    export = start(client, editor, django_capture_on_commit_callbacks, kind="agreements_workbook")
    colleague = member(world.municipality, Membership.Role.EDITOR, "colleague")
    client.force_login(colleague)
    for name in ("exports:detail", "exports:download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404
    assert export.get_absolute_url() not in client.get(reverse("exports:index")).content.decode()


def test_the_workbook_lists_the_agreements_the_user_may_read_with_their_commitments(
    world, signed, editor, client, django_capture_on_commit_callbacks
):
    export = start(client, editor, django_capture_on_commit_callbacks, kind="agreements_workbook")

    workbook = load_workbook(BytesIO(downloaded(client, export)))
    agreements = [row[0] for row in workbook["Överenskommelser"].iter_rows(min_row=2, values_only=True)]
    assert sorted(agreements) == sorted([world.agreement.title, signed.title])
    commitments = list(workbook["Åtaganden"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[2], row[3]) for row in commitments] == [
        (signed.title, "Narkotika", "Lokalpolisområde Hamnstad", "genomföra krogtillsyner")
    ]


def test_a_signed_agreement_without_archived_pdf_is_left_out_and_named(
    world, editor, client, django_capture_on_commit_callbacks
):
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)

    export = start(client, editor, django_capture_on_commit_callbacks, kind="year_pdfs", year="2024")

    assert export.state == Export.State.DONE
    assert export.left_out == [f"samverkansoverenskommelse-hamnstad-{world.agreement.pk}/overenskommelse.pdf"]
    assert "Utelämnade" in client.get(export.get_absolute_url()).content.decode()


def test_an_export_that_fails_says_so_and_is_not_made_again(editor, monkeypatch):
    export = Export.objects.create(requested_by=editor, kind=Export.Kind.AGREEMENTS_WORKBOOK)
    monkeypatch.setattr(contents, "workbook_parts", lambda user: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        export_make.call(export.pk)
    export.refresh_from_db()
    assert export.state == Export.State.FAILED
    export_make.call(export.pk)  # a retry of a finished export does nothing


@pytest.mark.parametrize(
    ("year", "error"),
    [("", "Välj året vars PDF:er du vill ha."), ("tvåtusen", "Fyll i ett heltal."), ("1789", "1990")],
)
def test_a_year_pdfs_export_needs_a_year(editor, client, year, error):
    client.force_login(editor)
    response = client.post(reverse("exports:index"), {"kind": "year_pdfs", "year": year})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert f'value="{year}"' in response.content.decode() or not year
    assert not Export.objects.exists()


def test_finished_exports_are_deleted_with_their_files_after_a_week(editor):
    old = Export(
        requested_by=editor,
        kind=Export.Kind.AGREEMENTS_WORKBOOK,
        state=Export.State.DONE,
        finished_at=timezone.now() - timedelta(days=8),
    )
    old.file.save("gammal.xlsx", ContentFile(b"PK"), save=True)
    recent = Export.objects.create(
        requested_by=editor,
        kind=Export.Kind.AGREEMENTS_WORKBOOK,
        state=Export.State.DONE,
        finished_at=timezone.now() - timedelta(days=6),
    )
    running = Export.objects.create(requested_by=editor, kind=Export.Kind.AGREEMENTS_WORKBOOK)
    storage, name = old.file.storage, old.file.name

    exports_forget.call("2026-11-26T03:15:00+01:00")
    exports_forget.call("2026-11-26T03:15:00+01:00")

    assert set(Export.objects.all()) == {recent, running}
    assert not storage.exists(name)


def test_a_year_pdfs_export_holds_each_quarter_of_a_promise_followed_up_every_quarter(world, editor, reviewer):
    promise = AgreementFactory(
        title="Medborgarlöfte Hamnstad 2024",
        kind=Agreement.Kind.CITIZEN_PROMISE,
        parties=[world.municipality, world.police],
        follow_up_frequency=Agreement.FollowUpFrequency.QUARTERLY,
        followed_up_by=Agreement.FollowedUpBy.POLICE,
    )
    Agreement.objects.filter(pk=promise.pk).update(status=Agreement.Status.SIGNED)
    promise.refresh_from_db()
    store_archived(ArchivedPdf(agreement=promise, archived_by=editor), SIGNED_PDF, "medborgarlofte")
    for quarter in (1, 2):
        report_start(agreement=promise, year=2024, period=quarter, copy_previous=False)

    names = [part.name for part in contents.year_pdf_parts(reviewer, 2024)]  # named, not yet made

    folder = f"medborgarlofte-hamnstad-2024-{promise.pk}"
    assert [name for name in names if name.startswith(folder)] == [
        f"{folder}/overenskommelse.pdf",
        f"{folder}/uppfoljning-2024-kvartal-1-utkast.pdf",
        f"{folder}/uppfoljning-2024-kvartal-2-utkast.pdf",
    ]
