"""Formatted prose as staff write it: sanitised HTML, one field and one editor for the whole product."""

import re
from urllib.parse import urlsplit

import lxml.html
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


# Word marks the bullet or number of a list paragraph as "shown only where lists are not supported"; in the
# clipboard it comes as a downlevel-revealed conditional, or as comments once a browser has parsed it.
WORD_LIST_MARKER = re.compile(
    r"<!(?:--)?\[if !supportLists\](?:--)?>(.*?)<!(?:--)?\[endif\](?:--)?>", re.IGNORECASE | re.DOTALL
)
WORD_CONDITIONAL = re.compile(r"<!\[(?:if [^\]]*|endif)\]>", re.IGNORECASE)
# Only a text with one of these can hold pasted structure; anything else goes to the sanitiser unparsed.
MAY_NEED_STRUCTURE = re.compile(
    r"mso-|class=\"?Mso|<h[1256]\b|<a\b(?![^>]*\bhref)|"
    r"<(?:p|div)\b[^>]*>(?:\s|&nbsp;|\xa0|<[a-z][^>]*>)*(?:[•·▪◦‣∙●○■□–—*-]|\d{1,3}[.)])",
    re.IGNORECASE,
)
MSO_LIST = re.compile(r"mso-list:\s*(?:(ignore)|l\d+\s+level(\d+))", re.IGNORECASE)
ORDERED_MARKER = re.compile(r"\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})[.)]", re.IGNORECASE)
# A paragraph typed as a list item: a bullet, a dash or a number, then a space.
TYPED_BULLET = re.compile(r"[\s\xa0]*(?:[•·▪◦‣∙●○■□–—*-])[\s\xa0]+")
TYPED_NUMBER = re.compile(r"[\s\xa0]*(\d{1,3})[.)][\s\xa0]+")
BLANK = " \t\r\n\xa0"
# The text has two heading levels under its section's heading. Our editor writes only those; a text holding
# Word's h1 or h2 was pasted, and its highest level becomes h3, every lower one h4.
OWN_HEADINGS = {"h3", "h4"}
WORD_HEADING_CLASSES = {"msotitle": "h3", "msosubtitle": "h4"}
BLOCKS = {"p", "div"}
# libxml2 stops at 255 nested elements; no pasted document comes near.
MAX_PARSED_DEPTH = 200


def _word_list_level(element: lxml.html.HtmlElement) -> int | None:
    """The level of a Word list paragraph (1 for the outermost), None for any other paragraph."""
    declared = element.get("data-mso-list") or element.get("style") or ""
    match = MSO_LIST.search(declared if "mso-list" in declared else f"mso-list:{declared}")
    return int(match.group(2)) if match and match.group(2) else None


def _is_word_marker(element: lxml.html.HtmlElement) -> bool:
    declared = element.get("data-mso-list") or element.get("style") or ""
    return bool(re.search(r"(?:^|mso-list:\s*)ignore", declared, re.IGNORECASE))


def _leading_text_holder(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element whose .text starts the paragraph: the paragraph, or the bold or span its text begins in."""
    while (
        not (element.text or "").strip(BLANK)
        and len(element)
        and element[0].tag in {"b", "strong", "span", "i", "em", "u"}
    ):
        element = element[0]
    return element


def _strip_typed_marker(element: lxml.html.HtmlElement, marker: re.Pattern) -> None:
    holder = _leading_text_holder(element)
    holder.text = marker.sub("", holder.text or "", count=1)


def _word_item(element: lxml.html.HtmlElement) -> tuple[str, int] | None:
    """A Word list paragraph as (list tag, level), its bullet or number taken out of the text."""
    level = _word_list_level(element)
    if element.tag not in BLOCKS or level is None:
        return None
    markers = [node for node in element.iter() if node is not element and _is_word_marker(node)]
    if markers:
        text = markers[0].text_content().strip(BLANK)
        markers[0].drop_tree()
    else:  # the marker survived only as text
        holder = _leading_text_holder(element)
        text = (holder.text or "").strip(BLANK).split(maxsplit=1)[0] if (holder.text or "").strip(BLANK) else ""
        holder.text = (holder.text or "").lstrip(BLANK)[len(text) :]
    return ("ol" if ORDERED_MARKER.fullmatch(text) else "ul"), level


def _typed_item(element: lxml.html.HtmlElement) -> tuple[str, int | None] | None:
    """A paragraph typed as a list item, as (list tag, its number)."""
    if element.tag not in BLOCKS:
        return None
    text = _leading_text_holder(element).text or ""
    if number := TYPED_NUMBER.match(text):
        return "ol", int(number.group(1))
    if TYPED_BULLET.match(text) and element.text_content().strip(BLANK)[1:].strip(BLANK):
        return "ul", None
    return None


def _items(children: list) -> list[tuple[str, int] | None]:
    """Per child, its place in a list: Word's list paragraphs, and runs of two or more typed items (bullets, or
    numbers counting up by one)."""
    found: list[tuple[str, int] | None] = [_word_item(child) for child in children]
    start = 0
    while start < len(children):
        typed = _typed_item(children[start]) if found[start] is None else None
        end = start + 1
        while typed and end < len(children) and found[end] is None:
            following = _typed_item(children[end])
            previous = _typed_item(children[end - 1])
            if not following or following[0] != typed[0]:
                break
            if typed[0] == "ol" and following[1] != previous[1] + 1:
                break
            end += 1
        if typed and end - start > 1:
            for index in range(start, end):
                _strip_typed_marker(children[index], TYPED_NUMBER if typed[0] == "ol" else TYPED_BULLET)
                found[index] = (typed[0], 1)
        start = end
    return found


def _as_list_item(paragraph: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    item = lxml.html.Element("li")
    item.text = (paragraph.text or "").lstrip(BLANK)
    item.extend(list(paragraph))
    if len(item) == 0:
        item.text = item.text.rstrip(BLANK)
    return item


def _build_lists(run: list[tuple[lxml.html.HtmlElement, str, int]]) -> list[lxml.html.HtmlElement]:
    """Nested lists from list paragraphs in order: a deeper level goes inside the item before it."""
    outermost: list[lxml.html.HtmlElement] = []
    open_lists: list[tuple[int, lxml.html.HtmlElement]] = []
    for paragraph, tag, level in run:
        while open_lists and (
            open_lists[-1][0] > level or (open_lists[-1][0] == level and open_lists[-1][1].tag != tag)
        ):
            open_lists.pop()
        if not open_lists or open_lists[-1][0] < level:
            new = lxml.html.Element(tag)
            (open_lists[-1][1][-1].append(new) if open_lists else outermost.append(new))
            open_lists.append((level, new))
        open_lists[-1][1].append(_as_list_item(paragraph))
    return outermost


def _is_empty_paragraph(element) -> bool:
    return (
        isinstance(element, lxml.html.HtmlElement)
        and element.tag in BLOCKS
        and not element.text_content().strip(BLANK)
        and not any(node.tag in {"img", "table"} for node in element.iter())
    )


def _structure_children(parent: lxml.html.HtmlElement) -> None:
    children = [child for child in parent if isinstance(child.tag, str)]
    found = _items(children)
    index = 0
    while index < len(children):
        if found[index] is None:
            index += 1
            continue
        end = index
        while end < len(children) and found[end] is not None:
            end += 1
        run = [(children[i], *found[i]) for i in range(index, end)]
        tail = children[end - 1].tail
        for position, new in enumerate(_build_lists(run)):
            children[index].addprevious(new)
            new.tail = tail if position == 0 else None
        for paragraph, _tag, _level in run:
            parent.remove(paragraph)
        index = end
    for child in parent:
        if isinstance(child.tag, str) and child.tag not in {"ul", "ol"}:
            _structure_children(child)


def _structure_headings(root: lxml.html.HtmlElement) -> None:
    for element in root.iter():
        if tag := WORD_HEADING_CLASSES.get((element.get("class") or "").lower()):
            element.tag = tag
    headings = [element for element in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    pasted = any(element.tag in {"h1", "h2"} for element in headings)
    highest = min((element.tag for element in headings), default="h3")
    for element in headings:
        if pasted:
            element.tag = "h3" if element.tag == highest else "h4"
        elif element.tag not in OWN_HEADINGS:
            element.tag = "h4"


def _drop_blank_around(element: lxml.html.HtmlElement) -> None:
    for sibling in (element.getprevious, element.getnext):
        neighbour = sibling()
        while neighbour is not None and _is_empty_paragraph(neighbour):
            neighbour.drop_tree()
            neighbour = sibling()


def structure_pasted_html(html: str) -> str:
    """The structure a Word or LibreOffice text shows, in the tags the sanitiser keeps: Word's list paragraphs
    (and runs of paragraphs typed with bullets or numbers) as real lists, nested by level; headings as h3/h4;
    no empty paragraphs around lists and headings. Anything else is left for the sanitiser."""
    if not MAY_NEED_STRUCTURE.search(html):
        return html
    html = WORD_CONDITIONAL.sub("", WORD_LIST_MARKER.sub(r'<span data-mso-list="Ignore">\1</span>', html))
    try:
        return _structured(html)
    except (ValueError, IndexError, lxml.etree.LxmlError):
        return html  # nothing a parser could read (control characters, say); the sanitiser still cleans it


def _structured(html: str) -> str:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    if re.search(r"<(?:html|body)\b", html, re.IGNORECASE):
        root = lxml.html.document_fromstring(html, parser=parser).body
    else:
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    if root is None or root.xpath(f"boolean(.//*[count(ancestor::*) >= {MAX_PARSED_DEPTH}])"):
        return html  # libxml2 leaves out what lies deeper than it goes; nh3 keeps it
    for anchor in root.xpath(".//a[not(@href)]"):
        anchor.drop_tag()  # Word's bookmarks (<a name="_Toc…">)
    _structure_headings(root)
    _structure_children(root)
    for element in root.xpath(".//ul|.//ol|.//h3|.//h4"):
        if element.getparent() is not None:
            _drop_blank_around(element)
    return (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


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
        structure_pasted_html(html),
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
