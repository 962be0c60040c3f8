"""The weekly report as a PDF in the house style."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from samverkan.lib.pdf import pdf_roots, render_pdf

from .models import Week, YearlyPicture
from .picture import week_picture
from .plan import measures_with_status
from .yearly import yearly_mapping


def weekly_report_pdf(week: Week) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "situation/pdf/report.html",
            {"week": week, "municipality": week.municipality, "picture": week_picture(week)},
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
                "draft": picture is None or not picture.is_frozen,
            },
        )
    return render_pdf(html, roots=pdf_roots(), archival=False)
