from samverkan.richtext import sanitize_html


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
