"""Evidence files: their kind read from their content, stored under a name of our own, served under the name they
came with, and an old file deleted once its replacement is saved, never before."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from followup.forms import CommitmentOutcomeForm
from followup.models import CommitmentOutcome, Status
from followup.services import outcome_save, report_start

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.7\n%test\n%%EOF\n"
REFUSED = "Bara PDF-filer, bilder (PNG, JPEG, GIF, WebP) och kontorsdokument"


def office_document(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


OOXML_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
OFFICE = {
    # Content types and relations first, as Word writes them, so that the main part is not among the first bytes.
    "docx": {"[Content_Types].xml": OOXML_TYPES, "_rels/.rels": b"<Relationships/>", "word/document.xml": b"<w/>"},
    "xlsx": {"[Content_Types].xml": OOXML_TYPES, "docProps/app.xml": b"<P/>", "xl/workbook.xml": b"<workbook/>"},
    "odt": {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
}


@pytest.fixture
def police(signed_agreement) -> CommitmentOutcome:
    """The police's line in the 2024 follow-up."""
    report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    return CommitmentOutcome.objects.get(commitment__text="polisens krogtillsyner", report__year=2024)


def edit_url(outcome: CommitmentOutcome) -> str:
    report = outcome.report
    return reverse("followup:edit", args=[report.agreement_id, report.year, str(outcome.commitment.focus_area_id)])


def post(client, outcome: CommitmentOutcome, **fields):
    """The edit page posted back as loaded, with the police's line changed as given."""
    url = edit_url(outcome)
    data = {}
    for _heading, _about, form in client.get(url).context["entries"]:
        for name in form.fields:
            value = form[name].value()
            if name != "evidence_file" and value is not None:
                data[form.add_prefix(name)] = value
    data |= {f"c{outcome.pk}-{name}": value for name, value in fields.items()}
    return client.post(url, data)


def stored(outcome: CommitmentOutcome) -> Path:
    outcome.refresh_from_db()
    return Path(outcome.evidence_file.path)


def test_a_png_named_pdf_is_stored_as_png_under_a_name_of_our_own(client, police, reviewer):
    client.force_login(reviewer)

    response = post(client, police, evidence_file=SimpleUploadedFile("Protokoll maj.pdf", PNG, "application/pdf"))

    assert response.status_code == 302
    path = stored(police)
    assert path.suffix == ".png" and "Protokoll" not in path.name
    assert path.read_bytes() == PNG
    assert police.evidence_name == "Protokoll maj.pdf"
    download = client.get(reverse("followup:evidence", args=[police.pk]))
    assert download["Content-Type"] == "image/png"
    assert 'filename="Protokoll maj.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PNG


def test_evidence_is_shown_by_its_file_name_never_where_it_is_stored(client, police, reviewer, reader):
    client.force_login(reviewer)
    post(client, police, evidence_file=SimpleUploadedFile("Protokoll maj.pdf", PDF, "application/pdf"))
    stored_name = stored(police).name
    download = reverse("followup:evidence", args=[police.pk])
    for user, url in ((reviewer, edit_url(police)), (reader, police.report.get_absolute_url())):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert f'<a href="{download}">Protokoll maj.pdf</a>' in page
        assert stored_name not in page and "evidence/" not in page


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        office_document({"notes.txt": b"%PDF-1.7 in a zip"}),
        office_document({"[Content_Types].xml": OOXML_TYPES, "payload.js": b"alert(1)"}),
    ],
    ids=["html", "zip", "ooxml-without-main-part"],
)
def test_anything_else_is_refused_on_the_form_with_the_typed_input_kept(client, police, reviewer, settings, content):
    client.force_login(reviewer)

    response = post(client, police, status=Status.DONE, evidence_file=SimpleUploadedFile("rapport.pdf", content))

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    form = next(form for _h, _a, form in response.context["entries"] if form.prefix == f"c{police.pk}")
    assert form["status"].value() == Status.DONE
    police.refresh_from_db()
    assert (police.status, police.evidence_file.name, police.evidence_name) == (Status.NOT_STARTED, "", "")
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


@pytest.mark.parametrize("extension", list(OFFICE))
def test_office_documents_are_accepted_as_what_they_are(client, police, reviewer, extension):
    client.force_login(reviewer)
    content = office_document(OFFICE[extension])

    response = post(client, police, evidence_file=SimpleUploadedFile("underlag.zip", content))

    assert response.status_code == 302
    path = stored(police)
    assert path.suffix == f".{extension}" and path.read_bytes() == content
    assert police.evidence_name == "underlag.zip"


def test_a_replaced_or_cleared_file_is_deleted_once_the_save_commits(
    client, police, reviewer, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    post(client, police, evidence_file=SimpleUploadedFile("maj.pdf", PDF))
    first = stored(police)

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, police, evidence_file=SimpleUploadedFile("juni.png", PNG)).status_code == 302

    second = stored(police)
    assert not first.exists()
    assert second.read_bytes() == PNG and police.evidence_name == "juni.png"

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, police, evidence_file="", **{"evidence_file-clear": "on"}).status_code == 302

    police.refresh_from_db()
    assert not police.evidence_file and police.evidence_name == ""
    assert not second.exists()


def test_a_rolled_back_save_keeps_the_old_file(police, world, django_capture_on_commit_callbacks):
    police.evidence_file.save("gammal.pdf", ContentFile(PDF))
    old = Path(police.evidence_file.path)
    upload = SimpleUploadedFile("ny.png", PNG)
    form = CommitmentOutcomeForm(
        {"status": Status.DONE, "loaded_version": police.version},
        {"evidence_file": upload},
        instance=police,
        parties=[world.police],
    )
    assert form.is_valid(), form.errors

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outcome_save(form=form)
        raise RuntimeError("the request failed after the save")

    assert callbacks == []
    police.refresh_from_db()
    assert police.evidence_file.name.endswith("gammal.pdf")
    assert old.read_bytes() == PDF
