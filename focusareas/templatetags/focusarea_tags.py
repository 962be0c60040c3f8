from django import template
from django.db import models

from focusareas.kinds import kind_of

register = template.Library()


@register.filter
def item_kind(item: models.Model) -> str:
    """The name of the item's kind in its move and delete URLs."""
    return kind_of(item).name
