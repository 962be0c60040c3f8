"""The dashboard over the years and the evaluation after the period."""

from django.http import HttpRequest, HttpResponse


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
