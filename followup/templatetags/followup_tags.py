from django import template

from followup.models import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """The status in words (it is never shown by colour alone)."""
    return Status(value).label if value in Status.values else "–"
