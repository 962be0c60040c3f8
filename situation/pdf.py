"""The weekly report as a PDF in the house style."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from samverkan.lib.pdf import pdf_roots, render_pdf

from .models import Week
from .picture import week_picture


def weekly_report_pdf(week: Week) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "situation/pdf/report.html",
            {"week": week, "municipality": week.municipality, "picture": week_picture(week)},
        )
    return render_pdf(html, roots=pdf_roots(), archival=False)
