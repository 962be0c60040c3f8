import pytest
from django.urls import reverse

from agreements.models import Section
from samverkan.lib.richtext import MAX_COLSPAN, MAX_ROWSPAN, RichTextWidget, sanitize_html


def test_word_formatting_survives():
    html = "<h3>Rubrik</h3><p><strong>a</strong><em>b</em><u>c</u></p><ol><li>1</li></ol><ul><li>2</li></ul>"
    assert sanitize_html(html) == html


def test_links_get_safe_rel_and_only_web_schemes():
    assert sanitize_html('<a href="https://polisen.se">x</a>') == (
        '<a href="https://polisen.se" rel="noopener noreferrer">x</a>'
    )
    assert "javascript" not in sanitize_html('<a href="javascript:alert(1)">x</a>')


def test_scripts_styles_and_events_are_dropped():
    assert sanitize_html('<script>alert(1)</script><style>p{}</style><p onmouseover="x()">t</p>') == "<p>t</p>"


def test_an_empty_editor_stores_nothing():
    assert sanitize_html("<p><br></p>") == ""
    assert sanitize_html("") == ""


def test_a_refused_form_gives_the_editor_its_text_cleaned():
    """The editor loads the textarea's text as HTML: what was posted goes back only as a save would keep it."""
    html = RichTextWidget().render(
        "body", '<p><strong>Lägesbild</strong></p><img src=x onerror="alert(1)"><script>x()</script>'
    )
    assert "&lt;strong&gt;Lägesbild&lt;/strong&gt;" in html
    assert "onerror" not in html and "script" not in html.replace("data-richtext", "")


def test_a_cell_spans_at_most_the_columns_and_rows_a_table_has():
    """WeasyPrint's layout grows with the square of a span: a stored colspan of a million would stop every PDF."""
    html = (
        '<table><tbody><tr><td colspan="1000000" rowspan="1000000">a</td><th colspan="3" rowspan="0">b</th>'
        '<td colspan="bred" rowspan="' + "9" * 5000 + '">c</td></tr></tbody></table>'
    )
    assert sanitize_html(html) == (
        f'<table><tbody><tr><td colspan="{MAX_COLSPAN}" rowspan="{MAX_ROWSPAN}">a</td><th colspan="3" rowspan="1">b'
        f'</th><td rowspan="{MAX_ROWSPAN}">c</td></tr></tbody></table>'
    )


@pytest.mark.django_db
def test_a_form_refuses_a_cell_wider_than_a_table_has_and_keeps_the_text(client, world, editor):
    client.force_login(editor)
    body = '<table><tbody><tr><td colspan="1000000">Brottsstatistik per kvartal</td></tr></tbody></table>'
    response = client.post(
        reverse("agreements:section_add", args=[world.agreement.pk, "appendix"]), {"heading": "Lägesbild", "body": body}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == [
        "En tabellcell får sträcka sig över högst 20 kolumner och 100 rader."
    ]
    assert "Brottsstatistik per kvartal" in response.content.decode()
    assert not Section.objects.filter(heading="Lägesbild").exists()
    body = body.replace("1000000", str(MAX_COLSPAN))
    client.post(
        reverse("agreements:section_add", args=[world.agreement.pk, "appendix"]), {"heading": "Lägesbild", "body": body}
    )
    assert Section.objects.get(heading="Lägesbild").body == body


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://polisen.se/a?b=1#c", "https://polisen.se/a?b=1#c"),
        ("http://hamnstad.se", "http://hamnstad.se"),
        ("mailto:trygghet@hamnstad.se", "mailto:trygghet@hamnstad.se"),
        ("/agreements/3/", "/agreements/3/"),
        ("//fileserver/share", None),  # protocol-relative: file://fileserver/share in a PDF
        ("&#x2F;/fileserver/share", None),
        ("/\\fileserver/share", None),  # browsers read a backslash as a slash
        ("/\t/fileserver/share", None),  # and skip a tab
        ("foo/bar", None),
        ("../media/evidence.pdf", None),
        ("file:///etc/passwd", None),
        ("file://fileserver/share", None),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>x()</script>", None),
        ("https:fileserver", None),
    ],
)
def test_a_link_keeps_its_address_only_to_the_web_mail_or_our_own_pages(href, kept):
    cleaned = sanitize_html(f'<p><a href="{href}">läs mer</a></p>')
    address = f'href="{kept}" ' if kept else ""
    assert cleaned == f'<p><a {address}rel="noopener noreferrer">läs mer</a></p>'


def test_in_a_pdf_our_own_pages_are_addressed_on_the_site():
    html = '<a href="/agreements/3/">x</a><a href="https://polisen.se">y</a><a href="//host/share">z</a>'
    assert sanitize_html(html, site_url="https://samverkan.example.se") == (
        '<a href="https://samverkan.example.se/agreements/3/" rel="noopener noreferrer">x</a>'
        '<a href="https://polisen.se" rel="noopener noreferrer">y</a><a rel="noopener noreferrer">z</a>'
    )
