"""The agreement as a PDF: the agreement itself, then Bilaga 1, rendered from the same data as the pages."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from agreements.models import Agreement, Organisation
from samverkan.lib.pdf import AttachedFile, media_files, pdf_roots, render_pdf

from .attachment import agreement_data
from .document import build_document

DATA_ATTACHMENT = "samverkansoverenskommelse.json"


def agreement_pdf(agreement: Agreement) -> bytes:
    """The agreement as an archival PDF with its data attached; anything but a signed agreement says UTKAST."""
    # Archived documents are in the language of the agreement, whatever the user reads the pages in.
    with translation.override(settings.LANGUAGE_CODE):
        document = build_document(agreement)
        municipalities = [p.name for p in document.parties if p.kind == Organisation.Kind.MUNICIPALITY]
        html = render_to_string(
            "agreements/pdf/agreement.html",
            {
                "agreement": agreement,
                "document": document,
                "organisation": ", ".join(municipalities) or document.parties[0].name,
                "draft": not agreement.is_frozen,
            },
        )
    data = agreement_data(document)
    attachment = AttachedFile.json(DATA_ATTACHMENT, data, "The agreement's content as data (JSON)")
    return render_pdf(html, roots=pdf_roots(), files=media_files(document.images), attachments=(attachment,))
