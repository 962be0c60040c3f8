"""Writes that span several models or guard against lost updates."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import F, Max

from .models import Agreement, Section


class StaleEdit(Exception):
    """Someone saved the object after the form was loaded; saving now would overwrite their change."""


def claim_version(*, instance: models.Model, loaded_version: int) -> None:
    """Move the stored version on from the one the form was loaded with, or raise StaleEdit.

    A conditional UPDATE is atomic on every database, so of two concurrent saves only one wins.
    """
    model: type[models.Model] = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=loaded_version).update(version=F("version") + 1)
    if not claimed:
        raise StaleEdit
    instance.version = loaded_version + 1


@transaction.atomic
def agreement_save(*, form, formsets: list, loaded_version: int | None) -> Agreement:
    """Save the agreement form and its inline formsets as one change."""
    agreement: Agreement = form.instance
    if agreement.pk is not None:
        claim_version(instance=agreement, loaded_version=loaded_version or 0)
    agreement = form.save()
    for formset in formsets:
        formset.instance = agreement
        formset.save()
        if "order" not in formset.form.base_fields:
            _keep_form_order(formset)
    return agreement


def _keep_form_order(formset) -> None:
    """Rows without an order field of their own keep the order in which the form lists them."""
    kept = [form.instance for form in formset.forms if form.instance.pk is not None]
    for position, instance in enumerate(kept):
        if instance.order != position:
            instance.order = position
            instance.save(update_fields=["order"])


def _next_order(*, agreement: Agreement, part: str, parent: Section | None) -> int:
    last = Section.objects.filter(agreement=agreement, part=part, parent=parent).aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def section_create(*, agreement: Agreement, part: str, parent: Section | None, heading: str, body: str) -> Section:
    section = Section(
        agreement=agreement,
        part=part,
        parent=parent,
        heading=heading,
        body=body,
        order=_next_order(agreement=agreement, part=part, parent=parent),
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_update(
    *, section: Section, loaded_version: int, heading: str, body: str, parent: Section | None
) -> Section:
    claim_version(instance=section, loaded_version=loaded_version)
    if parent != section.parent:
        section.order = _next_order(agreement=section.agreement, part=section.part, parent=parent)
        section.parent = parent
    section.heading = heading
    section.body = body
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def reorder(*, instance: models.Model, siblings: models.QuerySet, step: int) -> None:
    """Move an item one place up (step -1) or down (step +1) among its siblings, renumbering their order."""
    ordered = sorted(siblings.select_for_update(), key=lambda s: (s.order, s.pk))
    index = next(i for i, s in enumerate(ordered) if s.pk == instance.pk)
    target = index + step
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, sibling in enumerate(ordered):
        if sibling.order != position:
            sibling.order = position
            sibling.save(update_fields=["order"])


def section_move(*, section: Section, step: int) -> None:
    siblings = Section.objects.filter(agreement_id=section.agreement_id, part=section.part, parent_id=section.parent_id)
    reorder(instance=section, siblings=siblings, step=step)
