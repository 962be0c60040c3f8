from django import template
from django.utils.translation import get_language

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
