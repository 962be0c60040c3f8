from django import template
from django.utils.safestring import SafeString, mark_safe

from followup.models import Status
from samverkan.lib.charts import as_image, format_number

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """The status in words (it is never shown by colour alone)."""
    return Status(value).label if value in Status.values else "–"


# A shape beside each status's word and colour, for a glance at a long table (hidden from screen readers, which
# read the word).
STATUS_ICONS = {
    Status.NOT_STARTED: "○",
    Status.ONGOING: "◔",
    Status.PARTLY_DONE: "◑",
    Status.DONE: "✔",
    Status.NOT_DONE: "✘",
    Status.DROPPED: "–",
}


@register.filter
def status_icon(value: str) -> str:
    return STATUS_ICONS.get(value, "")


@register.filter
def number(value) -> str:
    """A measured value as the charts write it: Swedish format, no needless decimals (24,3 rather than 24,30)."""
    return "–" if value is None or value == "" else format_number(float(value))


@register.simple_tag
def report_url(report, name: str, *args) -> str:
    """The address of the follow-up's page `name` ("report", "edit", "pdf", …), for its year or its period."""
    return report.period_url(name, *args)


@register.filter
def chart_image(svg: str) -> SafeString:
    """A chart as the PDF prints it: an image of the same SVG (samverkan.lib.charts.as_image)."""
    return mark_safe(as_image(svg))  # our own SVG, its words escaped where it was drawn
