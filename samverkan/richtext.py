"""Formatted prose as staff write it: sanitised HTML, one field and one editor for the whole product."""

import nh3
from django import forms
from django.db import models

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}


def sanitize_html(html: str) -> str:
    """Keep the formatting a Word user expects and drop everything else (scripts, styles, events)."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()
    # Browsers' bold and italic commands write <b> and <i>; the stored text says what they mean.
    for presentational, semantic in (("b", "strong"), ("i", "em")):
        cleaned = cleaned.replace(f"<{presentational}>", f"<{semantic}>").replace(
            f"</{presentational}>", f"</{semantic}>"
        )
    # An editor left empty still sends an empty paragraph.
    return "" if cleaned in {"<p></p>", "<p><br></p>", "<br>"} else cleaned


class RichTextWidget(forms.Textarea):
    """A textarea that static/js/richtext.js turns into a small formatting editor."""

    template_name = "widgets/richtext.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"rows": 10, "data-richtext": "", **(attrs or {})})

    def format_value(self, value):  # type: ignore[no-untyped-def]
        """A refused form shows again what was posted; the editor loads it as HTML, so it is cleaned as a save
        would clean it."""
        value = super().format_value(value)
        return sanitize_html(value) if value else value


class RichTextField(models.TextField):
    """Text with formatting, sanitised every time it is stored."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = sanitize_html(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):  # type: ignore[no-untyped-def]
        return super().formfield(**{"widget": RichTextWidget, **kwargs})
