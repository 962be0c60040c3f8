"""The weekly report as a PDF in the house style."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from samverkan.lib.pdf import pdf_roots, render_pdf

from .models import Week, YearlyPicture
from .picture import week_picture
from .plan import measures_with_status
from .survey import survey_comparison
from .yearly import yearly_mapping


def weekly_report_pdf(week: Week, *, police_notes: bool = False) -> bytes:
    """The week's report; with `police_notes` the variant for those who meet, holding the police's intelligence."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "situation/pdf/report.html",
            {
                "week": week,
                "municipality": week.municipality,
                "picture": week_picture(week),
                "police_notes": police_notes,
            },
        )
    return render_pdf(html, roots=pdf_roots(), archival=False)


def yearly_picture_pdf(municipality, year: int, picture: YearlyPicture | None) -> bytes:
    """The year's lägesbild and åtgärdsplan for the council; marked as a draft until approved."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "situation/pdf/yearly.html",
            {
                "municipality": municipality,
                "year": year,
                "picture": picture,
                "measures": measures_with_status(picture),
                "mapping": yearly_mapping(municipality, year),
                "safety_survey": survey_comparison(municipality, year),
                "draft": picture is None or not picture.is_frozen,
            },
        )
    return render_pdf(html, roots=pdf_roots(), archival=False)
