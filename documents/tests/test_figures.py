"""Figures in the text (an organisation chart, a cycle, a chart of the situation picture) and the parties' logos:
uploaded images recognised by their content, bounded in size, with a text for those who cannot see them, shown on
the page and printed in the PDF, which reads exactly the agreement's own images and nothing else."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from agreements.models import Agreement, Figure, Section
from agreements.services import agreement_new_revision
from agreements.tests.factories import FigureFactory, SectionFactory, image_bytes
from documents.document import build_document
from documents.pdf import agreement_pdf
from documents.services import agreement_fingerprint
from samverkan.lib.pdf import LocalFetcher, RefusedResource, media_files, pdf_roots
from samverkan.tests.browser import assert_accessible, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(world):
    return SectionFactory(agreement=world.agreement, part=Section.Part.APPENDIX, heading="Organisation")


def upload(content: bytes, name: str = "schema.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def figure_data(content: bytes, **fields) -> dict:
    return {"image": upload(content), "alt_text": "Säkerhetsenheten under kommunledningen.", "width": 50} | fields


def test_an_editor_adds_a_figure_stored_by_its_content_and_shown_with_its_text(client, world, editor, section):
    client.force_login(editor)
    jpeg = image_bytes(kind="JPEG")

    response = client.post(
        reverse("agreements:figure_add", args=[section.pk]), figure_data(jpeg, caption="Organisationen")
    )

    figure = Figure.objects.get(section=section)
    assert response.status_code == 302 and response["Location"].endswith(f"#figure-{figure.pk}")
    assert figure.image.name.startswith(f"figures/{world.agreement.pk}/") and figure.image.name.endswith(".jpg")
    assert "schema" not in figure.image.name  # a name of our own, with the extension of what it is
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    image_url = reverse("agreements:figure_image", args=[figure.pk])
    assert f'src="{image_url}" alt="Säkerhetsenheten under kommunledningen."' in page
    assert "<figcaption" in page and "Organisationen" in page
    served = client.get(image_url)
    assert served["Content-Type"] == "image/jpeg" and b"".join(served.streaming_content) == jpeg


@pytest.mark.parametrize(
    ("content", "fields", "message"),
    [
        (b"%PDF-1.7\n% inte en bild\n", {}, "Endast bilder (PNG, JPEG, GIF, WebP) kan läggas till."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", {}, "Endast bilder"),
        (image_bytes(6001, 1), {}, "Bilden är 6001 × 1 bildpunkter; högst 6000 bildpunkter per sida tillåts."),
        (image_bytes(), {"alt_text": ""}, "Detta fält måste fyllas i."),
    ],
    ids=["pdf", "svg", "too-many-pixels", "no-alt-text"],
)
def test_what_is_not_a_bounded_image_with_a_text_is_refused_on_the_form(
    client, editor, section, content, fields, message
):
    client.force_login(editor)

    response = client.post(
        reverse("agreements:figure_add", args=[section.pk]), figure_data(content, caption="Min bildtext", **fields)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Min bildtext"' in response.content.decode()  # what was typed stays
    assert not Figure.objects.exists()


def test_an_image_over_five_megabytes_is_refused(client, editor, section, monkeypatch):
    monkeypatch.setattr("samverkan.lib.images.MAX_IMAGE_BYTES", 1000)
    client.force_login(editor)
    big = image_bytes() + b"\0" * 2000

    response = client.post(reverse("agreements:figure_add", args=[section.pk]), figure_data(big))

    assert "Bilden är större än 5 MB." in response.content.decode()
    assert not Figure.objects.exists()


def test_a_stale_figure_edit_is_refused_and_the_typed_text_kept(client, editor, section):
    figure = FigureFactory(section=section)
    url = reverse("agreements:figure_edit", args=[figure.pk])
    client.force_login(editor)
    assert client.post(url, {"alt_text": "Kollegans text", "width": 100, "loaded_version": 1}).status_code == 302

    response = client.post(url, {"alt_text": "Min text", "width": 100, "loaded_version": 1})

    assert response.status_code == 200 and "Min text" in response.content.decode()
    figure.refresh_from_db()
    assert (figure.alt_text, figure.version) == ("Kollegans text", 2)


def test_the_pdf_prints_the_figures_and_the_logos_as_images(world, section):
    FigureFactory(section=section, image=ContentFile(image_bytes(60, 30), name="a.png"), caption="Organisationen")
    world.municipality.logo = ContentFile(image_bytes(30, 30, colour="#aa0000"), name="logo.png")
    world.municipality.save()

    reader = PdfReader(BytesIO(agreement_pdf(Agreement.objects.get(pk=world.agreement.pk))))

    images = {
        (ref.idnum, ref.get_object()["/Width"], ref.get_object()["/Height"])
        for page in reader.pages
        for ref in page["/Resources"].get("/XObject", {}).values()
        if ref.get_object()["/Subtype"] == "/Image"
    }
    # The figure, and the logo on the cover and in the running header.
    assert {(width, height) for _, width, height in images} == {(60, 30), (30, 30)}
    assert "Organisationen" in "".join(page.extract_text() for page in reader.pages)


def test_the_pdf_reads_the_agreements_own_images_and_nothing_else_uploaded(world, section):
    own = FigureFactory(section=section)
    other = FigureFactory(section=SectionFactory(agreement=world.other_agreement))

    fetch = LocalFetcher(pdf_roots(), media_files(build_document(world.agreement).images))

    assert fetch(f"file:///media/{own.image.name}").read() == own.image.open("rb").read()
    for url in (f"file:///media/{other.image.name}", f"file:///media/figures/{world.agreement.pk}/../x.png"):
        with pytest.raises(RefusedResource):
            fetch(url)


def test_a_revision_carries_the_figures_and_the_fingerprint_sees_them(world, section):
    before = agreement_fingerprint(world.agreement)
    figure = FigureFactory(section=section)
    assert agreement_fingerprint(world.agreement) != before
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)

    revision = agreement_new_revision(agreement=Agreement.objects.get(pk=world.agreement.pk))

    copied = Figure.objects.get(section__agreement=revision)
    assert (copied.key, copied.alt_text, copied.image.name) == (figure.key, figure.alt_text, figure.image.name)
    assert copied.section.heading == "Organisation"


def test_outsiders_do_not_see_the_images_of_an_agreement(client, world, section, outsider):
    figure = FigureFactory(section=section)
    world.police.logo = ContentFile(image_bytes(), name="logo.png")
    world.police.save()
    client.force_login(outsider)
    assert client.get(reverse("agreements:figure_image", args=[figure.pk])).status_code == 404
    logo = reverse("agreements:party_logo", args=[world.agreement.pk, world.police.pk])
    assert client.get(logo).status_code == 404


@pytest.mark.browser
def test_in_a_browser_a_figure_is_added_and_its_pages_are_accessible(page, live_server, world, editor, section):
    log_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}{reverse('agreements:figure_add', args=[section.pk])}")
    assert_accessible(page)
    page.locator("#id_image").set_input_files({"name": "schema.png", "mimeType": "image/png", "buffer": image_bytes()})
    page.locator("#id_alt_text").fill("Säkerhetsenheten under kommunledningen.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    figure = Figure.objects.get(section=section)
    expect(page.locator(f"#figure-{figure.pk} img")).to_have_attribute("alt", "Säkerhetsenheten under kommunledningen.")
    assert page.locator(f"#figure-{figure.pk} img").evaluate("image => image.naturalWidth") == 40
    assert_accessible(page)
    page.goto(f"{live_server.url}{reverse('agreements:figure_edit', args=[figure.pk])}")
    assert_accessible(page)
    page.goto(f"{live_server.url}{reverse('agreements:figure_delete', args=[figure.pk])}")
    assert_accessible(page)
