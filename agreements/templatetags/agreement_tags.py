from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from samverkan.lib.richtext import sanitize_html

register = template.Library()

WORDS = {
    "sv": ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
}


@register.filter
def in_words(number: int) -> str:
    """Small numbers in words, as agreements write them ("upprättats i två exemplar")."""
    words = WORDS.get((get_language() or "sv")[:2])
    return words[number] if words and 0 <= number < len(words) else str(number)


@register.filter
def print_html(html: str) -> SafeString:
    """Stored rich text as a PDF prints it: cleaned again, since a row written before today's rules or past the
    model (an SQL update, say) must not reach WeasyPrint as it is, and links to our own pages made absolute, as
    a PDF is read away from the site."""
    return mark_safe(sanitize_html(html, site_url=settings.SITE_URL))
