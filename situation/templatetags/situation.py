"""How a mean rating and its change are written: numbers in words too, never by colour or arrow alone."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from samverkan.lib.charts import format_number

register = template.Library()


@register.filter
def rating(value: float | None) -> str:
    return "–" if value is None else format_number(round(value, 1))


@register.simple_tag
def change(cell) -> str:
    """The change against the week before, e.g. "↑ +0,5" with "higher than the week before" for screen readers."""
    if cell.change is None:
        return ""
    if cell.change > 0:
        return format_html(
            '<span aria-hidden="true">↑ +{}</span><span class="visually-hidden">{}</span>',
            format_number(cell.change),
            _("%(change)s higher than the week before") % {"change": format_number(cell.change)},
        )
    if cell.change < 0:
        return format_html(
            '<span aria-hidden="true">↓ {}</span><span class="visually-hidden">{}</span>',
            format_number(cell.change),
            _("%(change)s lower than the week before") % {"change": format_number(-cell.change)},
        )
    return format_html(
        '<span aria-hidden="true">→ 0</span><span class="visually-hidden">{}</span>', _("as the week before")
    )


@register.filter
def number(value) -> str:
    """A result in Swedish format (2,1), or a dash where there is none."""
    return "–" if value is None else format_number(float(value))


@register.filter
def difference(value) -> str:
    """A change against the survey before with its sign written out (+0,3, −0,2, 0), or a dash where either is
    missing."""
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + format_number(float(value))
