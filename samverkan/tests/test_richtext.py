from samverkan.richtext import RichTextWidget, sanitize_html


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
