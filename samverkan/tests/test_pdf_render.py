"""What every render of a document needs and no document changes, its language's hyphenation patterns, is read
once by the worker before the render's child is forked, not anew in every child."""

import pyphen
import pytest

from samverkan.lib.pdf import render_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def patterns_unread(monkeypatch):
    monkeypatch.setattr(pyphen, "hdcache", {})


def test_the_documents_hyphenation_patterns_are_read_by_the_worker(patterns_unread):
    html = '<html lang="sv"><body><p style="hyphens: auto">Samverkansöverenskommelsen</p></body></html>'

    render_pdf(html, roots={}, archival=False)

    assert list(pyphen.hdcache) == [pyphen.LANGUAGES["sv"]]


def test_a_document_without_a_language_reads_none(patterns_unread):
    render_pdf("<html><body><p>Samverkan</p></body></html>", roots={}, archival=False)

    assert pyphen.hdcache == {}
