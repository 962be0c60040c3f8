"""Helpers shared by the tests of the situation picture and the permission matrix."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from agreements.models import Organisation
from situation.models import DEFAULT_FACTORS, Factor, Place, Reporter


def est_setup(municipality: Organisation, *, factors: int = 3, places: int = 2, reporters: int = 3) -> dict:
    """A municipality's EST survey: the first factors of the checklist, places and active reporters."""
    return {
        "factors": [
            Factor.objects.create(municipality=municipality, name=n, order=i)
            for i, n in enumerate(DEFAULT_FACTORS[:factors])
        ],
        "places": [
            Place.objects.create(municipality=municipality, name=f"Plats {i + 1}", order=i) for i in range(places)
        ],
        "reporters": [
            Reporter.objects.create(
                municipality=municipality, name=f"Rapportör {i + 1}", email=f"rapportor{i + 1}@example.se"
            )
            for i in range(reporters)
        ],
    }


def pdf_text(content: bytes) -> str:
    """A PDF's text with the words hyphenated at line ends joined again and runs of whitespace made single spaces."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text.replace("\u2010\n", ""))
