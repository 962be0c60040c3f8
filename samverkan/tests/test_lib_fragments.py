"""Cached HTML with forms in it: laid out once per key, each reader's own CSRF token put in on every request."""

from django.middleware.csrf import CsrfViewMiddleware
from django.template import engines
from django.test import RequestFactory

from samverkan.lib.fragments import token_slot, with_forms

FORM = engines["django"].from_string('<form method="post">{% csrf_token %}{{ text }}</form>')


def reader():
    request = RequestFactory().post("/")
    CsrfViewMiddleware(lambda request: None).process_request(request)  # a reader of their own, with a secret
    return request


def test_the_html_is_laid_out_once_per_key_with_each_readers_token():
    rendered = []

    def render(tokens: dict) -> str:
        rendered.append(tokens)
        return FORM.render({"text": "Hej", **tokens})

    first, second = reader(), reader()
    html = with_forms(first, "test-fragment", render)
    again = with_forms(second, "test-fragment", render)
    assert rendered == [{"csrf_token": token_slot()}]
    assert token_slot() not in html and token_slot() not in again
    assert "Hej" in html and "Hej" in again
    assert html != again  # each reader's own token (a form posted with it is tested on the review page)
    assert first.META["CSRF_COOKIE_NEEDS_UPDATE"] and second.META["CSRF_COOKIE_NEEDS_UPDATE"]


def test_without_a_key_nothing_is_kept():
    rendered = []

    def render(tokens: dict) -> str:
        rendered.append(1)
        return FORM.render({"text": "Nej", **tokens})

    with_forms(reader(), None, render)
    with_forms(reader(), None, render)
    assert rendered == [1, 1]
