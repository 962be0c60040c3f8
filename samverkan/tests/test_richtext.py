import re
from pathlib import Path

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


CLIPBOARD = Path(__file__).parent / "fixtures" / "clipboard"


def pasted(name: str) -> str:
    """A clipboard sample as saved, with the whitespace between blocks (which no reader sees) left out."""
    return re.sub(r">\s+<", "><", sanitize_html((CLIPBOARD / name).read_text()))


def test_a_word_bullet_list_becomes_a_list_without_empty_paragraphs_around_it():
    assert pasted("word_bullet_list.html") == (
        "<p>Kommunen förbinder sig att:</p><ul><li>genomföra trygghetsvandringar i <strong>centrum</strong> varje "
        "höst</li><li>samla in och dela sin lägesbild varje vecka</li><li>bjuda in polisen till fritidsgårdarnas "
        "personalmöten</li></ul><p>Uppföljning sker årligen.</p>"
    )


def test_a_word_numbered_list_becomes_a_numbered_list():
    assert pasted("word_numbered_list.html") == (
        "<ol><li>Kartläggning av\nproblemen</li><li>Analys av\norsakerna</li><li>Åtgärder och\nuppföljning</li></ol>"
    )


def test_a_word_list_nests_by_level():
    assert pasted("word_nested_list.html") == (
        "<ul><li>Polisen<ul><li>kommunpolis</li><li>områdespolis</li></ul></li>"
        "<li>Kommunen<ul><li>säkerhetssamordnare</li></ul></li></ul>"
    )


def test_word_headings_become_the_two_levels_a_section_holds():
    """Rubrik 1 becomes the text's heading, Rubrik 2 and 3 its subheadings; Word's bookmarks go."""
    assert pasted("word_headings.html") == (
        "<h3>Bakgrund och uppdrag</h3><p>Kommunen och polisen har ett gemensamt ansvar.</p><h4>Lägesbild</h4>"
        "<p>Trygghetsmätningen visar påtagliga problem i centrum.</p><h4>Problemindex per ort</h4>"
        "<p>Problemindex har sjunkit sedan 2021.</p>"
    )


def test_libreoffice_lists_stay_lists_and_its_headings_come_down_to_ours():
    assert pasted("libreoffice_list.html") == (
        "<h3>Samverkansforum</h3><ul><li><p>Styrgrupp, två gånger per år</p></li><li><p>Operativ grupp, varje "
        "vecka</p><ul><li><p>EST-möte på torsdagar</p></li></ul></li></ul><p>Forumen protokollförs.</p>"
    )


def test_a_word_list_as_the_editor_pastes_it_becomes_a_list():
    """In the editor the list marks travel as data-mso-list and the conditional comments as comments."""
    html = (
        '<p class="MsoListParagraphCxSpFirst" data-mso-list="l0 level1 lfo1"><!--[if !supportLists]--><span '
        'data-mso-list="Ignore">1.<span>&nbsp;&nbsp; </span></span><!--[endif]-->Polisen</p>'
        '<p class="MsoListParagraphCxSpLast" data-mso-list="l0 level2 lfo1"><span data-mso-list="Ignore">a.'
        "&nbsp;&nbsp; </span>kommunpolis</p><p><br></p>"
    )
    assert sanitize_html(html) == "<ol><li>Polisen<ol><li>kommunpolis</li></ol></li></ol>"


@pytest.mark.parametrize(
    ("html", "structured"),
    [
        ("<p>• Ett</p><p>• Två</p>", "<ul><li>Ett</li><li>Två</li></ul>"),
        ("<p>- Ett</p><p>- <strong>Två</strong></p>", "<ul><li>Ett</li><li><strong>Två</strong></li></ul>"),
        ("<p>·&nbsp;&nbsp;Ett</p><p>·&nbsp;&nbsp;Två</p>", "<ul><li>Ett</li><li>Två</li></ul>"),
        ("<p>1. Ett</p><p>2. Två</p><p>3. Tre</p>", "<ol><li>Ett</li><li>Två</li><li>Tre</li></ol>"),
        ("<p>1) Ett</p><p>2) Två</p><p>Sedan</p>", "<ol><li>Ett</li><li>Två</li></ol><p>Sedan</p>"),
        ("<p>Vi lovar:</p><p><br></p><p>• Ett</p><p>• Två</p>", "<p>Vi lovar:</p><ul><li>Ett</li><li>Två</li></ul>"),
    ],
)
def test_paragraphs_typed_as_a_list_become_one(html, structured):
    assert sanitize_html(html) == structured


@pytest.mark.parametrize(
    ("html", "structured"),
    [
        # One dash is no list, nor are numbers that do not count up by one.
        (
            "<p>- Ett enda streck</p><p>2023. Året då</p><p>2025. Året då</p><p>• Ett</p><p>• Två</p>",
            "<p>- Ett enda streck</p><p>2023. Året då</p><p>2025. Året då</p><ul><li>Ett</li><li>Två</li></ul>",
        ),
        # What our editor writes keeps its levels; only a deeper one comes up to the lower of them.
        (
            "<h3>Rubrik</h3><p>Text</p><h4>Underrubrik</h4><ul><li>a</li></ul><h5>Djupare</h5>",
            "<h3>Rubrik</h3><p>Text</p><h4>Underrubrik</h4><ul><li>a</li></ul><h4>Djupare</h4>",
        ),
    ],
)
def test_only_what_was_typed_or_pasted_as_structure_changes(html, structured):
    assert sanitize_html(html) == structured
    assert sanitize_html(structured) == structured


def test_a_text_nested_deeper_than_the_parser_reaches_keeps_every_word():
    """libxml2 drops what lies 255 elements deep: such a text goes to the sanitiser as it is."""
    deep = "<div>" * 300 + "<p>• Ett</p><p>• Två</p>" + "</div>" * 300
    assert sanitize_html(deep) == "<p>• Ett</p><p>• Två</p>"
