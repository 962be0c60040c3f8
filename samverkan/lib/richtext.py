"""Formatted prose as staff write it: sanitised HTML, one field and one editor for the whole product."""

import re
from urllib.parse import urlsplit

import nh3
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

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
# The widest and tallest cells a real table in an agreement needs. WeasyPrint's layout grows with the square of
# a span, so a cell spanning a million columns would keep a PDF render busy for hours.
MAX_COLSPAN = 20
MAX_ROWSPAN = 100
SPAN_LIMITS = {"colspan": MAX_COLSPAN, "rowspan": MAX_ROWSPAN}
LINK_SCHEMES = {"http", "https", "mailto"}
# One of our own pages ("/agreements/3/"): a single slash and no character a browser would skip or turn into a
# slash (whitespace, backslash), since "/\\host" or "/<tab>/host" would be read as "//host", another machine.
OWN_PATH = re.compile(r"/(?![/\\])[^\s\\\x00-\x1f\x7f]*")


def _span(value: str) -> int | None:
    """A colspan or rowspan as a number of cells, None if it is not a whole number."""
    digits = value.strip()
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    digits = digits.lstrip("0") or "0"
    # A number longer than any limit is over it; int() of thousands of digits is refused by Python anyway.
    return int(digits) if len(digits) <= 9 else 10**9


def _link(value: str, *, site_url: str) -> str | None:
    """An absolute web or mail address as it is, one of our own pages (made absolute against site_url if given),
    None for anything else: a relative or protocol-relative link would be resolved against whatever the document
    is read from, in a PDF a file: URL such as a Windows share."""
    if OWN_PATH.fullmatch(value):
        return site_url + value
    if any(c.isspace() or c == "\\" or ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme == "mailto" and parts.path:
        return value
    if parts.scheme in {"http", "https"} and parts.netloc:
        return value
    return None


def sanitize_html(html: str, *, site_url: str = "") -> str:
    """Keep the formatting a Word user expects and drop everything else (scripts, styles, events, links that do
    not lead to the web, mail or our own pages); a table cell spans at most MAX_COLSPAN columns and MAX_ROWSPAN
    rows. With site_url, links to our own pages become absolute (for a PDF, read away from the site)."""
    if not html:
        return ""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute in SPAN_LIMITS:
            span = _span(value)
            return None if span is None else str(min(max(span, 1), SPAN_LIMITS[attribute]))
        if attribute == "href":
            return _link(value, site_url=site_url)
        return value

    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=keep,
    ).strip()
    # Browsers' bold and italic commands write <b> and <i>; the stored text says what they mean.
    for presentational, semantic in (("b", "strong"), ("i", "em")):
        cleaned = cleaned.replace(f"<{presentational}>", f"<{semantic}>").replace(
            f"</{presentational}>", f"</{semantic}>"
        )
    # An editor left empty still sends an empty paragraph.
    return "" if cleaned in {"<p></p>", "<p><br></p>", "<br>"} else cleaned


def validate_table_spans(html: str) -> None:
    """Refuse a table cell wider or taller than a real table has, rather than store it cut down unseen."""
    too_large = []

    def check(tag: str, attribute: str, value: str) -> str:
        span = _span(value) if attribute in SPAN_LIMITS else None
        if span is not None and span > SPAN_LIMITS[attribute]:
            too_large.append(attribute)
        return value

    nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=check)
    if too_large:
        raise ValidationError(
            _("A table cell may span at most %(columns)s columns and %(rows)s rows."),
            code="table_span",
            params={"columns": MAX_COLSPAN, "rows": MAX_ROWSPAN},
        )


class RichTextFormField(forms.CharField):
    """The form side of RichTextField: the text as typed, refused if a table in it is out of all proportion."""

    default_validators = [validate_table_spans]


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
        return super().formfield(**{"form_class": RichTextFormField, "widget": RichTextWidget, **kwargs})
