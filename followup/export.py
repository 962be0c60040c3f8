"""The year's follow-up as an Excel workbook or CSV, for people who work on in spreadsheets."""

from django.http import HttpRequest, HttpResponse


def report_export(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    raise NotImplementedError
