from django import template

from followup.models import Status
from samverkan.lib.charts import format_number

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
